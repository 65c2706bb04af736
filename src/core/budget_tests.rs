//! The failure budget in the core: the bake counts breaches (one per restart, however long
//! it lasts), journals the count and resumes it; the verdict holds within the budget and
//! fails the stage past it, and never says GO while a breach lasts.

use super::*;
use crate::core::bake::{Bake, Health, Resumed};
use crate::core::condition::{CondState, Threshold};
use crate::core::series::Trend;
use chrono::TimeZone;
use std::time::Duration;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

fn run(b: &mut Bake, from: i64, to: i64, health: &Health) {
    for s in from..=to {
        b.update(t(s), health);
    }
}

#[test]
fn each_breach_is_counted_once_and_restarts_the_bake() {
    let mut b = Bake::new(0, t(0), Duration::from_secs(60));
    run(&mut b, 0, 59, &Health::Healthy);
    run(&mut b, 60, 70, &Health::Breached);
    assert_eq!((b.breaches, b.verified), (1, Duration::ZERO));
    run(&mut b, 71, 80, &Health::Healthy);
    run(&mut b, 81, 81, &Health::Breached);
    assert_eq!(b.breaches, 2);
    assert_eq!(b.mark().breaches, 2, "the checkpoint carries the count");
    // A restart resumes the count, and a breach going on is not counted again.
    let resumed = Resumed {
        verified: Duration::ZERO,
        breached: true,
        restarted: None,
        breaches: 2,
        unobserved: None,
    };
    let mut again = Bake::resume(0, t(0), Duration::from_secs(60), resumed);
    run(&mut again, 100, 105, &Health::Breached);
    assert_eq!(again.view().breaches, 2);
}

fn breached() -> ConditionStatus {
    ConditionStatus {
        state: CondState::Breached,
        value: Some(0.05),
        threshold: Threshold::default(),
        why: Some("5.00% above max".into()),
        confirming: None,
        trend: Trend::Flat,
        evidence: None,
        compare: None,
    }
}

fn decide_with(
    breaches: u32,
    verified: u64,
    cond: &ConditionStatus,
    limit: Option<u32>,
) -> Verdict {
    let mut bake = Bake::new(0, t(0), Duration::from_secs(60));
    bake.breaches = breaches;
    bake.verified = Duration::from_secs(verified);
    decide(&VerdictInputs {
        conditions: &[("Error rate", cond)],
        gates: &[],
        stage: StageView::Live {
            name: "canary (1%)".into(),
            bake: Box::new(bake.view()),
            is_last: false,
        },
        now: t(0),
        failure_limit: limit,
    })
}

#[test]
fn within_the_budget_a_breach_holds_past_it_the_stage_fails() {
    let v = decide_with(1, 0, &breached(), None);
    assert_eq!(v.kind, VerdictKind::RollbackAdvised, "no budget: as always");
    let v = decide_with(1, 0, &breached(), Some(2));
    assert_eq!(v.kind, VerdictKind::Hold);
    assert_eq!(
        v.reasons[0].text,
        "Error rate: 5.00% above max (1 of 2 breaches used)"
    );
    // Even a bake that claims to be whole is no GO while the breach lasts.
    assert_eq!(
        decide_with(2, 60, &breached(), Some(2)).kind,
        VerdictKind::Hold
    );
    let v = decide_with(3, 0, &breached(), Some(2));
    assert_eq!(v.kind, VerdictKind::RollbackAdvised);
    assert_eq!(
        v.reasons[0].text,
        "stage failed: 3 breaches, its failure budget allows 2"
    );
    // The stage stays failed once the breach is over.
    let mut ok = breached();
    ok.state = CondState::Ok;
    let v = decide_with(3, 60, &ok, Some(2));
    assert_eq!(v.kind, VerdictKind::RollbackAdvised);
    assert_eq!(decide_with(2, 60, &ok, Some(2)).kind, VerdictKind::Go);
    assert_eq!(budget_words(1, 1), "1 of 1 breach used");
}

#[test]
fn a_breach_inside_the_budget_is_named_first_when_something_is_unverified() {
    let mut bake = Bake::new(0, t(0), Duration::from_secs(60));
    bake.breaches = 1;
    let mut blind = breached();
    blind.state = CondState::Unknown;
    blind.why = Some("no data yet".into());
    let v = decide(&VerdictInputs {
        conditions: &[("Error rate", &breached()), ("Latency", &blind)],
        gates: &[],
        stage: StageView::Live {
            name: "canary (1%)".into(),
            bake: Box::new(bake.view()),
            is_last: false,
        },
        now: t(0),
        failure_limit: Some(2),
    });
    assert_eq!(v.kind, VerdictKind::NoGoUntilVerified);
    assert_eq!(
        v.reasons[0].text,
        "Error rate: 5.00% above max (1 of 2 breaches used)"
    );
    assert_eq!(v.reasons[1].text, "Latency unknown: no data yet");
}
