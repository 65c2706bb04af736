//! What `gonogo check` found, as one value: printed as text, or as JSON with this schema.
//!
//! # JSON schema (`gonogo check --format json`), version 1
//!
//! Stable: fields are added in later versions, never renamed, removed or retyped without
//! raising `schema`. Times are RFC 3339 UTC strings; `null` where a value is absent.
//!
//! ```text
//! {
//!   "schema": 1,                               integer, this layout's version
//!   "checked_at": "2026-03-02T10:15:00Z",      string, when the verdict was evaluated
//!   "waited_ms": 2140,                         integer, time spent waiting for the sources
//!   "release": { "name": string, "version": string, "environment": string,
//!                "commit": string | null,
//!                "attempt": string | null },   the release attempt (SEMANTICS §6) of the
//!                                              journal's latest record of this release
//!                                              that carries one
//!   "verdict": "NO-GO UNTIL VERIFIED",         string: GO | COMPLETE | HOLD |
//!                                              NO-GO UNTIL VERIFIED | ROLLBACK ADVISED
//!   "verdict_code": "no_go",                   string: go | complete | hold | no_go |
//!                                              rollback_advised
//!   "exit_code": 4,                            integer, the process's exit code
//!   "reasons":  [ { "text": string, "verify": string | null } ],   why this verdict
//!   "warnings": [ { "text": string, "verify": string | null } ],   should-gates not holding
//!   "stage": null | { "index": integer (0-based), "name": string, "label": string,
//!                     "traffic": number (percent), "entered_at": string,
//!                     "bake_seconds": integer, "bake_left_seconds": integer,
//!                     "rolled_back": boolean,
//!                     "bake_verified_seconds": integer,   verified healthy time of this
//!                                                         entry since its last breach
//!                     "bake_paused": null | { "cause": "no_data" |
//!                         "not_enough_traffic" | "drift" |
//!                         "traffic_unknown" | "awaiting_move" | "confirming",
//!                         "text": string },               why it is not counting now
//!                     "bake_breached": boolean,           a breach holds it at zero now
//!                     "bake_restarted": null | { "from": string, "to": string | null },
//!                                                         the breach that restarted it
//!                     "bake_not_observed": null | { "from": string, "to": string },
//!                                                         a gap no cockpit observed, not
//!                                                         counted
//!                     "bake_not_observed_why": null | string,
//!                                                         why history did not verify it
//!                                                         ("checking prometheus history",
//!                                                         "no data for … 14:03:00–14:04:00")
//!                     "bake_backfilled": null | { "span": { "from": string, "to": string },
//!                         "source": string, "step_ms": integer },
//!                                                         a gap verified from Prometheus
//!                                                         history and counted
//!                     "failure_limit": integer | null,    breaches the stage may have
//!                                                         before it fails (its budget)
//!                     "breaches": integer },              breaches of this entry so far
//!   "observed_traffic": number | null,         percent, when a source reports it
//!   "stages": [ { "name": string, "traffic": number,
//!                 "state": "pending" | "baking" | "ready" | "breached" | "done" |
//!                          "rolled_back" } ],
//!   "conditions": [ { "id": string, "label": string,
//!                     "state": "ok" | "warn" | "breached" | "unknown",
//!                     "value": number | null,          raw, as the source reports it
//!                     "value_text": string | null,     with the unit: "0.42%"
//!                     "threshold": { "max": number | null, "min": number | null,
//!                                    "warn": number | null },   raw, in force now
//!                     "threshold_text": string,        "≤ 2.00%"
//!                     "why": string | null,            why unknown or breached
//!                     "confirming": string | null,     over, not yet for long enough
//!                     "observe": boolean,              observe-only: never gating
//!                     "min_traffic": null | { "traffic": number | null, "min": number,
//!                         "unit": string, "enough": boolean },
//!                                                      the canary traffic behind the value
//!                                                      (null traffic: none fresh)
//!                     "compare": null | { … } } ],     a statistical condition's test
//!                                                      (src/headless/check/compare.rs)
//!   "stage_score": number | null,              the statistical conditions' score
//!   "gates": [ { "id": string, "name": string, "tier": "must" | "should" | "optional",
//!                "state": "holds" | "fails" | "unknown", "evidence": string,
//!                "verify": string | null } ],
//!   "sources": [ { "name": string, "kind": "prometheus" | "http",
//!                  "state": "ok" | "failing" | "stale" | "timeout",
//!                  "answered": boolean,        false: no answer within --wait
//!                  "last_ok": string | null, "latency_ms": integer | null,
//!                  "error": string | null } ]
//! }
//! ```

use crate::app::{SourceStatus, State};
use crate::core::bake::{PauseCause, Span};
use crate::core::reading::format_number;
use crate::core::verdict::{Reason, VerdictKind};
use crate::headless::Exit;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::time::Duration;

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The verdict as the program knows it (the JSON carries `verdict` and `verdict_code`).
    #[serde(skip)]
    pub kind: VerdictKind,
    pub schema: u32,
    pub checked_at: DateTime<Utc>,
    pub waited_ms: u64,
    pub release: ReleaseJson,
    pub verdict: String,
    pub verdict_code: &'static str,
    pub exit_code: u8,
    pub reasons: Vec<ReasonJson>,
    pub warnings: Vec<ReasonJson>,
    pub stage: Option<StageJson>,
    pub observed_traffic: Option<f64>,
    pub stages: Vec<StageRow>,
    pub conditions: Vec<ConditionJson>,
    /// The statistical conditions' stage score (src/headless/check/compare.rs).
    pub stage_score: Option<f64>,
    pub gates: Vec<GateJson>,
    pub sources: Vec<SourceJson>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseJson {
    pub name: String,
    pub version: String,
    pub environment: String,
    pub commit: Option<String>,
    pub attempt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonJson {
    pub text: String,
    pub verify: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageJson {
    pub index: usize,
    pub name: String,
    pub label: String,
    pub traffic: f64,
    pub entered_at: DateTime<Utc>,
    pub bake_seconds: u64,
    pub bake_left_seconds: u64,
    pub rolled_back: bool,
    pub bake_verified_seconds: u64,
    pub bake_paused: Option<PauseJson>,
    pub bake_breached: bool,
    pub bake_restarted: Option<Span>,
    pub bake_not_observed: Option<Span>,
    pub bake_not_observed_why: Option<String>,
    pub bake_backfilled: Option<crate::core::backfill::Backfill>,
    pub failure_limit: Option<u32>,
    pub breaches: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PauseJson {
    pub cause: PauseCause,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageRow {
    pub name: String,
    pub traffic: f64,
    pub state: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdJson {
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub warn: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionJson {
    pub id: String,
    pub label: String,
    pub state: &'static str,
    pub value: Option<f64>,
    pub value_text: Option<String>,
    pub threshold: ThresholdJson,
    pub threshold_text: String,
    pub why: Option<String>,
    pub confirming: Option<String>,
    pub observe: bool,
    pub min_traffic: Option<MinTrafficJson>,
    /// A statistical condition's comparison (src/headless/check/compare.rs).
    pub compare: Option<super::compare::CompareJson>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MinTrafficJson {
    pub traffic: Option<f64>,
    pub min: f64,
    pub unit: String,
    pub enough: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateJson {
    pub id: String,
    pub name: String,
    pub tier: &'static str,
    pub state: &'static str,
    pub evidence: String,
    pub verify: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceJson {
    pub name: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub answered: bool,
    pub last_ok: Option<DateTime<Utc>>,
    pub latency_ms: Option<u64>,
    pub error: Option<String>,
}

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
                compare: super::compare::json(spec, s),
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

impl Evidence {
    /// "checkout-api 2.14.0 · production · stage canary (1%)"
    pub fn headline(&self) -> String {
        let mut s = format!(
            "{} {} · {}",
            self.release.name, self.release.version, self.release.environment
        );
        match &self.stage {
            Some(st) if st.rolled_back => s.push_str(&format!(" · rolled back from {}", st.label)),
            Some(st) => s.push_str(&format!(" · stage {}", st.label)),
            None => s.push_str(" · no stage live"),
        }
        if let Some(t) = self.observed_traffic {
            s.push_str(&format!(" · live traffic {}%", format_number(t)));
        }
        s
    }
}
