//! One verdict for the release, with its reasons, in the precedence of SEMANTICS.md §4.

use super::bake::BakeView;
use super::clock_duration;
use super::condition::{CondState, ConditionStatus};
use super::gate::{GateResult, GateState, Tier};
use chrono::{DateTime, Utc};

/// `Into<&str>` is its `verdict_code` in `check`'s JSON (`rollback_advised`). `label` is the
/// verdict on screen (`ROLLBACK ADVISED`), written out because it is not the variant's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum VerdictKind {
    RollbackAdvised,
    #[strum(serialize = "no_go")]
    NoGoUntilVerified,
    Hold,
    Go,
    Complete,
}

impl VerdictKind {
    pub fn label(self) -> &'static str {
        match self {
            VerdictKind::RollbackAdvised => "ROLLBACK ADVISED",
            VerdictKind::NoGoUntilVerified => "NO-GO UNTIL VERIFIED",
            VerdictKind::Hold => "HOLD",
            VerdictKind::Go => "GO",
            VerdictKind::Complete => "COMPLETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub text: String,
    /// How to verify or fix it, when there is something to do.
    pub verify: Option<String>,
}

impl Reason {
    fn new(text: impl Into<String>) -> Self {
        Reason {
            text: text.into(),
            verify: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub kind: VerdictKind,
    /// Why this verdict, most important first.
    pub reasons: Vec<Reason>,
    /// Should-tier gates that do not hold: shown, never blocking.
    pub warnings: Vec<Reason>,
}

/// Where the release stands, as the verdict needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum StageView {
    /// No stage is live and none was tracked: the release has not started.
    NotStarted,
    /// The release was rolled back.
    RolledBack { from: String },
    /// The tracked and observed stages disagree.
    Drift { detail: String },
    /// Where the release stands cannot be told (the live traffic share is unknown).
    Unknown { why: String },
    Live {
        name: String,
        /// Verified healthy time of this stage entry (SEMANTICS.md §1).
        bake: Box<BakeView>,
        is_last: bool,
    },
}

pub struct VerdictInputs<'a> {
    pub conditions: &'a [(&'a str, &'a ConditionStatus)],
    pub gates: &'a [GateResult],
    pub stage: StageView,
    pub now: DateTime<Utc>,
    /// The live stage's failure budget (`failure_limit`): breaches it may have before it fails.
    pub failure_limit: Option<u32>,
}

pub fn decide(input: &VerdictInputs) -> Verdict {
    let warnings: Vec<Reason> = input
        .gates
        .iter()
        .filter(|g| g.tier == Tier::Should && g.state != GateState::Holds)
        .map(|g| Reason {
            text: format!("{}: {}", g.name, g.evidence),
            verify: g.verify.clone(),
        })
        .collect();
    let verdict = |kind, reasons| Verdict {
        kind,
        reasons,
        warnings: warnings.clone(),
    };

    // 1. A breached stop condition, or a stage whose failure budget is spent.
    let budget = failure_budget(input);
    let breached: Vec<Reason> = input
        .conditions
        .iter()
        .filter(|(_, s)| s.state == CondState::Breached)
        .map(|(label, s)| {
            Reason::new(format!(
                "{label}: {}",
                s.why.as_deref().unwrap_or("breached")
            ))
        })
        .collect();
    if let Some((used, limit)) = budget.filter(|(used, limit)| used > limit) {
        let mut reasons = vec![Reason::new(format!(
            "stage failed: {used} breaches, its failure budget allows {limit}"
        ))];
        reasons.extend(breached);
        return verdict(VerdictKind::RollbackAdvised, reasons);
    }
    // Within a budget a breach does not advise rollback: the bake restarts when it ends, and
    // the verdict holds (below) while it lasts.
    let within: Vec<Reason> = match budget {
        None if !breached.is_empty() => return verdict(VerdictKind::RollbackAdvised, breached),
        None => Vec::new(),
        Some((used, limit)) => (breached.into_iter())
            .map(|r| Reason::new(format!("{} ({})", r.text, budget_words(used, limit))))
            .collect(),
    };

    // 1b. Statistical conditions whose fails outweigh their passes (critical ones breach above).
    if let Some(words) = super::statistical::stage_fail_reasons(input.conditions) {
        return verdict(
            VerdictKind::RollbackAdvised,
            words.into_iter().map(Reason::new).collect(),
        );
    }

    // 2. Anything unverified: drift, no live stage, unknown conditions, must-gates not holding.
    let mut missing = Vec::new();
    match &input.stage {
        StageView::Drift { detail } => missing.push(Reason {
            text: format!("drift: {detail}"),
            verify: Some("check the rollout controller or flag; the tracked stage and the live traffic must agree".into()),
        }),
        StageView::NotStarted => missing.push(Reason {
            text: "no stage is live yet".into(),
            verify: Some("start the rollout at the first stage".into()),
        }),
        StageView::Unknown { why } => missing.push(Reason {
            text: format!("current stage unknown: {why}"),
            verify: Some("check the source that reports the live traffic share".into()),
        }),
        StageView::RolledBack { from } => missing.push(Reason {
            text: format!("rolled back from {from}"),
            verify: Some("investigate, then start a new release".into()),
        }),
        StageView::Live { .. } => {}
    }
    for (label, s) in input.conditions {
        if s.state == CondState::Unknown {
            let verify = if s.short_of_traffic() {
                "wait for the canary to serve more traffic (its minimum evidence)"
            } else if super::statistical::awaiting_samples(s) {
                "wait: the comparison needs more samples of this stage"
            } else {
                "check the source in the sources panel"
            };
            missing.push(Reason {
                text: format!("{label} unknown: {}", s.why.as_deref().unwrap_or("no data")),
                verify: Some(verify.into()),
            });
        }
    }
    for g in input.gates {
        if g.tier == Tier::Must && g.state != GateState::Holds {
            missing.push(Reason {
                text: format!("{}: {}", g.name, g.evidence),
                verify: g.verify.clone(),
            });
        }
    }
    if !missing.is_empty() {
        // A breach inside the budget is still named first: it outweighs what is unverified.
        let reasons = within.iter().cloned().chain(missing).collect();
        return verdict(VerdictKind::NoGoUntilVerified, reasons);
    }

    // 3. Healthy but not yet proven: too little verified time, or a breach being confirmed.
    let StageView::Live {
        name,
        bake,
        is_last,
    } = &input.stage
    else {
        unreachable!("every other stage view returned above")
    };
    let mut hold = within;
    if !bake.is_baked() {
        hold.push(Reason::new(format!(
            "{name} baking: {} left, {}",
            clock_duration(bake.left()),
            bake.verified_words()
        )));
        hold.extend(bake.note().map(Reason::new));
    }
    for (label, s) in input.conditions {
        match (&s.confirming, &s.compare) {
            // A statistical condition's confirming text already says why it holds.
            (Some(c), Some(_)) => hold.push(Reason::new(format!("{label}: {c}"))),
            (Some(c), None) => hold.push(Reason::new(format!(
                "{label} over threshold, confirming ({c})"
            ))),
            (None, _) => {}
        }
    }
    if !hold.is_empty() {
        return verdict(VerdictKind::Hold, hold);
    }

    // 4/5. Baked, healthy, every must-gate holds.
    if *is_last {
        verdict(
            VerdictKind::Complete,
            vec![Reason::new(format!("{name} baked and healthy"))],
        )
    } else {
        verdict(
            VerdictKind::Go,
            vec![Reason::new(format!(
                "{name} baked and healthy; promote to the next stage"
            ))],
        )
    }
}

/// Breaches used and allowed of the live stage's failure budget, when it has one.
fn failure_budget(input: &VerdictInputs) -> Option<(u32, u32)> {
    match (&input.stage, input.failure_limit) {
        (StageView::Live { bake, .. }, Some(limit)) if limit > 0 => Some((bake.breaches, limit)),
        _ => None,
    }
}

/// "1 of 2 breaches used"
pub fn budget_words(used: u32, limit: u32) -> String {
    let noun = if limit == 1 { "breach" } else { "breaches" };
    format!("{used} of {limit} {noun} used")
}

#[cfg(test)]
#[path = "budget_tests.rs"]
mod budget_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::condition::Threshold;
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
}
