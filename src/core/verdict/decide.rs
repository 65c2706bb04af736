//! How the verdict is decided: breaches first, then anything unverified, then a bake not yet
//! proven, then GO or COMPLETE (SEMANTICS.md §4).

use super::{Reason, StageView, Verdict, VerdictInputs, VerdictKind};
use crate::core::clock_duration;
use crate::core::condition::CondState;
use crate::core::gate::{GateState, Tier};

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
    if let Some(words) = crate::core::statistical::stage_fail_reasons(input.conditions) {
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
            } else if crate::core::statistical::awaiting_samples(s) {
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
