//! The evidence of the cockpit's state: what `gonogo check` reports once it has waited.

use super::{
    ConditionJson, Evidence, GateJson, MinTrafficJson, PauseJson, ReasonJson, ReleaseJson, SCHEMA,
    SourceJson, StageJson, StageRow, ThresholdJson,
};
use crate::app::{SourceStatus, State};
use crate::core::verdict::{Reason, VerdictKind};
use crate::headless::Exit;
use crate::headless::check::compare;
use chrono::{DateTime, Utc};
use std::time::Duration;

fn reason(r: &Reason) -> ReasonJson {
    ReasonJson {
        text: r.text.clone(),
        verify: r.verify.clone(),
    }
}

/// The evidence of a state evaluated at `now`. A source that never answered within `wait` is a
/// timeout: the verdict is at best NO-GO UNTIL VERIFIED, with the source named as a reason.
pub fn from_state(state: &State, now: DateTime<Utc>, waited: Duration, wait: Duration) -> Evidence {
    let eval = &state.release.eval;
    let setup = &state.setup;
    let timed_out: Vec<ReasonJson> = setup
        .sources
        .iter()
        .zip(&state.release.sources)
        .filter(|(_, h)| h.last_poll.is_none())
        .map(|(spec, _)| ReasonJson {
            text: format!(
                "source {}: no answer within {}",
                spec.name,
                humantime::format_duration(wait)
            ),
            verify: Some(format!(
                "check that {} is reachable from here, or allow longer with --wait",
                spec.name
            )),
        })
        .collect();
    let mut kind = eval.verdict.kind;
    let mut reasons: Vec<ReasonJson> = eval.verdict.reasons.iter().map(reason).collect();
    if !timed_out.is_empty() {
        if kind > VerdictKind::NoGoUntilVerified {
            kind = VerdictKind::NoGoUntilVerified;
            reasons = timed_out;
        } else if kind == VerdictKind::NoGoUntilVerified {
            reasons.splice(0..0, timed_out);
        }
    }
    let stage = state.release.position.map(|p| {
        let s = &setup.plan.stages[p.stage];
        // Only the live entry has a bake; nothing is verified of a rolled-back one.
        let bake = eval.bake.as_ref();
        let verified = bake.map_or(Duration::ZERO, |b| b.verified);
        let left = s.bake.saturating_sub(verified).as_secs();
        StageJson {
            index: p.stage,
            name: s.name.clone(),
            label: s.label(),
            traffic: s.traffic,
            entered_at: p.entered_at,
            bake_seconds: s.bake.as_secs(),
            bake_left_seconds: left,
            rolled_back: p.rolled_back,
            bake_verified_seconds: verified.as_secs(),
            bake_paused: bake.and_then(|b| b.paused.as_ref()).map(|p| PauseJson {
                cause: p.cause,
                text: p.text.clone(),
            }),
            bake_breached: bake.is_some_and(|b| b.breached),
            bake_restarted: bake.and_then(|b| b.restarted),
            bake_not_observed: bake.and_then(|b| b.unobserved),
            bake_not_observed_why: bake.and_then(|b| b.unobserved.and(b.unobserved_why.clone())),
            bake_backfilled: bake.and_then(|b| b.backfilled.clone()),
            failure_limit: s.failure_limit,
            breaches: bake.map_or(0, |b| b.breaches),
        }
    });
    Evidence {
        kind,
        schema: SCHEMA,
        checked_at: now,
        waited_ms: waited.as_millis() as u64,
        release: ReleaseJson {
            name: setup.release.name.clone(),
            version: setup.release.version.clone(),
            environment: setup.release.environment.clone(),
            commit: setup.release.commit.clone(),
            attempt: None,
        },
        verdict: kind.label().to_string(),
        verdict_code: kind.into(),
        exit_code: Exit::of(kind).code(),
        reasons,
        warnings: eval.verdict.warnings.iter().map(reason).collect(),
        stage,
        observed_traffic: state.release.observed.map(|(share, _)| share),
        stages: setup
            .plan
            .stages
            .iter()
            .zip(&eval.stages)
            .map(|(s, st)| StageRow {
                name: s.name.clone(),
                traffic: s.traffic,
                state: (*st).into(),
            })
            .collect(),
        conditions: setup
            .conditions
            .iter()
            .zip(&eval.conditions)
            .map(|(spec, s)| ConditionJson {
                id: spec.id.clone(),
                label: spec.label.clone(),
                state: s.state.into(),
                value: s.value,
                value_text: s.value.map(|v| spec.unit.show(v)),
                threshold: ThresholdJson {
                    max: s.threshold.max,
                    min: s.threshold.min,
                    warn: s.threshold.warn,
                },
                threshold_text: match &spec.compare {
                    Some(cmp) if s.threshold.max.is_none() && s.threshold.min.is_none() => {
                        crate::core::statistical::limit_words(cmp)
                    }
                    _ => s.threshold.describe(&spec.unit),
                },
                why: s.why.clone(),
                confirming: s.confirming.clone(),
                observe: spec.observe,
                min_traffic: s.evidence.as_ref().map(|e| MinTrafficJson {
                    traffic: e.traffic,
                    min: e.min,
                    unit: e.unit.clone(),
                    enough: e.enough,
                }),
                compare: compare::json(spec, s),
            })
            .collect(),
        stage_score: crate::core::statistical::stage_score(&eval.conditions),
        gates: setup
            .gates
            .iter()
            .zip(&eval.gates)
            .map(|(spec, g)| GateJson {
                id: spec.id.clone(),
                name: g.name.clone(),
                tier: g.tier.into(),
                state: g.state.into(),
                evidence: g.evidence.clone(),
                verify: g.verify.clone(),
            })
            .collect(),
        sources: setup
            .sources
            .iter()
            .zip(&state.release.sources)
            .zip(&eval.sources)
            .map(|((spec, h), view)| SourceJson {
                name: spec.name.clone(),
                kind: spec.kind.label(),
                // Words of `check`, not the status's names: still waiting after --wait is a
                // timeout.
                state: match view.status {
                    SourceStatus::Waiting => "timeout",
                    SourceStatus::Ok => "ok",
                    SourceStatus::Failing => "failing",
                    SourceStatus::Unusable => "unusable",
                    SourceStatus::Stale => "stale",
                },
                answered: h.last_poll.is_some(),
                last_ok: h.last_ok,
                latency_ms: h.latency.map(|l| l.as_millis() as u64),
                error: h.last_error.clone(),
            })
            .collect(),
    }
}
