//! The verdict's precedence: a breach outranks everything, anything unverified is NO-GO, a
//! bake not yet proven holds, and only a baked, healthy stage is GO or COMPLETE.
use super::*;
use crate::core::condition::{CondState, Threshold};
use crate::core::gate::{GateState, Tier};
use crate::core::series::Trend;
use chrono::TimeZone;
use std::time::Duration;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

fn cond(state: CondState) -> ConditionStatus {
    ConditionStatus {
        state,
        value: Some(0.01),
        threshold: Threshold::default(),
        why: Some(format!("{} why", state.label())),
        confirming: None,
        trend: Trend::Flat,
        evidence: None,
        compare: None,
    }
}

fn gate(tier: Tier, state: GateState) -> GateResult {
    GateResult {
        name: format!("{} gate", tier.label()),
        tier,
        state,
        evidence: "evidence".into(),
        verify: None,
    }
}

/// A live stage of a one-minute bake with `verified` seconds of it verified.
fn live_at(last: bool, verified: u64) -> StageView {
    StageView::Live {
        name: "5%".into(),
        bake: Box::new(BakeView {
            verified: Duration::from_secs(verified),
            bake: Duration::from_secs(60),
            paused: None,
            breached: false,
            restarted: None,
            unobserved: None,
            unobserved_why: None,
            backfilled: None,
            breaches: 0,
        }),
        is_last: last,
    }
}

/// Baked: the whole minute verified.
fn live(last: bool) -> StageView {
    live_at(last, 60)
}

fn decide_at(
    conds: &[ConditionStatus],
    gates: &[GateResult],
    stage: StageView,
    now: i64,
) -> Verdict {
    let named: Vec<(&str, &ConditionStatus)> = conds.iter().map(|c| ("cond", c)).collect();
    decide(&VerdictInputs {
        conditions: &named,
        gates,
        stage,
        now: t(now),
        failure_limit: None,
    })
}

#[test]
fn breach_outranks_everything() {
    let v = decide_at(
        &[cond(CondState::Unknown), cond(CondState::Breached)],
        &[gate(Tier::Must, GateState::Fails)],
        StageView::Drift { detail: "x".into() },
        0,
    );
    assert_eq!(v.kind, VerdictKind::RollbackAdvised);
    assert_eq!(v.reasons.len(), 1);
    assert_eq!(v.reasons[0].text, "cond: BREACH why");
}

#[test]
fn unknown_condition_is_no_go_even_when_baked() {
    let v = decide_at(
        &[cond(CondState::Ok), cond(CondState::Unknown)],
        &[],
        live(false),
        999,
    );
    assert_eq!(v.kind, VerdictKind::NoGoUntilVerified);
    assert_eq!(v.reasons[0].text, "cond unknown: UNKNOWN why");
}

#[test]
fn failing_must_gate_blocks_but_should_gate_only_warns() {
    let v = decide_at(
        &[cond(CondState::Ok)],
        &[gate(Tier::Should, GateState::Fails)],
        live(false),
        999,
    );
    assert_eq!(v.kind, VerdictKind::Go);
    assert_eq!(v.warnings.len(), 1);
    let v = decide_at(
        &[cond(CondState::Ok)],
        &[
            gate(Tier::Must, GateState::Unknown),
            gate(Tier::Optional, GateState::Fails),
        ],
        live(false),
        999,
    );
    assert_eq!(v.kind, VerdictKind::NoGoUntilVerified);
    assert_eq!(v.reasons.len(), 1);
}

#[test]
fn drift_is_no_go() {
    let v = decide_at(
        &[cond(CondState::Ok)],
        &[],
        StageView::Drift {
            detail: "tracked 5%, live 10%".into(),
        },
        999,
    );
    assert_eq!(v.kind, VerdictKind::NoGoUntilVerified);
    assert_eq!(v.reasons[0].text, "drift: tracked 5%, live 10%");
}

#[test]
fn healthy_but_baking_is_hold_with_time_left() {
    let v = decide_at(
        &[cond(CondState::Ok), cond(CondState::Warn)],
        &[],
        live_at(false, 15),
        9999,
    );
    assert_eq!(v.kind, VerdictKind::Hold, "wall-clock time is no evidence");
    assert_eq!(
        v.reasons[0].text,
        "5% baking: 00:45 left, 00:15 verified of 01:00"
    );
}

#[test]
fn a_hold_says_why_the_bake_is_not_advancing() {
    use crate::core::bake::{Pause, PauseCause, Span};
    let mut stage = live_at(false, 59);
    if let StageView::Live { bake, .. } = &mut stage {
        bake.paused = Some(Pause {
            cause: PauseCause::AwaitingMove,
            text: "waiting for the live traffic to show the move".into(),
        });
    }
    let v = decide_at(&[cond(CondState::Ok)], &[], stage.clone(), 0);
    assert_eq!(v.kind, VerdictKind::Hold);
    assert_eq!(
        v.reasons[1].text,
        "paused: waiting for the live traffic to show the move"
    );
    if let StageView::Live { bake, .. } = &mut stage {
        bake.paused = None;
        bake.verified = Duration::ZERO;
        bake.restarted = Some(Span {
            from: Utc.with_ymd_and_hms(2026, 3, 2, 14, 2, 10).unwrap(),
            to: Some(Utc.with_ymd_and_hms(2026, 3, 2, 14, 5, 40).unwrap()),
        });
    }
    let v = decide_at(&[cond(CondState::Ok)], &[], stage, 0);
    assert_eq!(v.kind, VerdictKind::Hold);
    assert_eq!(
        v.reasons[0].text,
        "5% baking: 01:00 left, 00:00 verified of 01:00"
    );
    assert_eq!(v.reasons[1].text, "restarted after breach 14:02–14:05 UTC");
}

#[test]
fn a_breach_being_confirmed_holds_a_baked_stage() {
    let mut c = cond(CondState::Warn);
    c.confirming = Some("over for 20s of 2m".into());
    let v = decide_at(&[c], &[], live(false), 999);
    assert_eq!(v.kind, VerdictKind::Hold);
}

#[test]
fn baked_and_healthy_is_go_or_complete_on_the_last_stage() {
    let gates = [gate(Tier::Must, GateState::Holds)];
    assert_eq!(
        decide_at(&[cond(CondState::Ok)], &gates, live(false), 60).kind,
        VerdictKind::Go
    );
    assert_eq!(
        decide_at(&[cond(CondState::Ok)], &gates, live(true), 60).kind,
        VerdictKind::Complete
    );
}

#[test]
fn not_started_or_rolled_back_is_not_healthy() {
    let v = decide_at(&[cond(CondState::Ok)], &[], StageView::NotStarted, 0);
    assert_eq!(v.kind, VerdictKind::NoGoUntilVerified);
    let v = decide_at(
        &[cond(CondState::Ok)],
        &[],
        StageView::RolledBack { from: "5%".into() },
        0,
    );
    assert_eq!(v.kind, VerdictKind::NoGoUntilVerified);
}
