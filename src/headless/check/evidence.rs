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

mod build;

pub use build::from_state;

use crate::core::bake::{PauseCause, Span};
use crate::core::reading::format_number;
use crate::core::verdict::VerdictKind;
use chrono::{DateTime, Utc};
use serde::Serialize;

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
