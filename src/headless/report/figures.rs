//! Figures over many releases, from the records of one or more journals.
//!
//! # JSON schema (`gonogo report --format json`), version 1
//!
//! Times are RFC 3339 UTC strings, durations whole seconds, rates fractions from 0 to 1.
//!
//! ```text
//! {
//!   "schema": 1,
//!   "journals": [string],                   the files read
//!   "records": integer,                     records read (duplicates across files once)
//!   "span": null | { "from": string, "to": string, "weeks": number },
//!   "totals": {
//!     "releases": integer, "completed": integer, "rolled_back": integer,
//!     "abandoned": integer, "in_progress": integer,
//!     "releases_per_week": number,          releases ÷ weeks of the span (at least 1 week)
//!     "change_failure_rate": number | null, rolled back ÷ releases
//!     "lead_time": Stats | null,            first stage entered → last stage (100%) entered
//!     "time_to_restore": Stats | null       breach began → rollback
//!   },
//!   "releases": [ { "release": string, "version": string, "environment": string,
//!                   "attempt": string,      the attempt's id, or "~1", "~2", … counted
//!                                           per release, version and environment in
//!                                           journals written before attempt ids
//!                   "outcome": "completed" | "rolled_back" | "abandoned" | "in_progress",
//!                   "started_at": string, "completed_at": string | null,
//!                   "rolled_back_at": string | null, "last_record_at": string,
//!                   "lead_time_seconds": integer | null,
//!                   "time_to_restore_seconds": integer | null,
//!                   "restored": null | { "requested_at": string, rollback requested
//!                                        "webhook_ms": integer,  → its webhook answered
//!                                        "healthy_ms": integer }, → every stop condition
//!                                           healthy again on data read after it
//!                   "furthest_traffic": number | null,
//!                   "stages": [ { "stage": string, "traffic": number | null,
//!                                 "entered_at": string, "seconds": integer | null } ],
//!                   "overrides": integer,
//!                   "automatic": integer } ],    actions an armed policy requested
//!   "per_week": [ { "week": "2026-W09", "monday": "2026-02-23", "releases": integer,
//!                   "completed": integer, "rolled_back": integer } ],
//!   "stages": [ { "stage": string, "traffic": number | null, "count": integer,
//!                 "median_seconds": integer, "mean_seconds": integer, "max_seconds": integer } ],
//!   "overrides": [ { "ts": string, "release": string, "version": string,
//!                    "environment": string, "operator": string, "host": string,
//!                    "action": string | null, "stage": string | null,
//!                    "verdict": string | null, "reason": string | null,
//!                    "detail": string | null } ],
//!   "approvers": [ { "operator": string, "overrides": integer } ],
//!   "automation": [ { "ts": string, "happened": "automatic" | "vetoed" | "armed_changed",
//!                     "release": string, "version": string, "environment": string,
//!                     "operator": string, "host": string, "stage": string | null,
//!                     "action": string | null,     automatic: the action requested
//!                     "policy": "auto-rollback" | "auto-promote" | null,
//!                     "evidence": [string],        the evidence when it fired (or was
//!                                                  vetoed), in words
//!                     "countdown_s": integer | null,
//!                     "reason": string | null,     vetoed: why
//!                     "armed": null | { "rollback": bool, "promote": bool,
//!                                       "countdown_s": integer },  armed_changed: now armed
//!                     "detail": string | null,     armed_changed: by what ("config", "key",
//!                                                  "--armed")
//!                     "text": string } ]           the row in words
//! }
//! Stats = { "count": integer, "median_seconds": integer, "mean_seconds": integer,
//!           "max_seconds": integer }
//! ```

mod breakdown;
mod compute;

pub use compute::{IDLE_ABANDONED, compute, merge};

use super::release::ReleaseFigures;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub schema: u32,
    pub journals: Vec<String>,
    pub records: usize,
    pub span: Option<Span>,
    pub totals: Totals,
    pub releases: Vec<ReleaseFigures>,
    pub per_week: Vec<Week>,
    pub stages: Vec<StageStats>,
    pub overrides: Vec<OverrideRow>,
    pub approvers: Vec<Approver>,
    /// Automatic actions, vetoes and arming changes, in time order.
    pub automation: Vec<super::automation::AutomationRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub weeks: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub releases: usize,
    pub completed: usize,
    pub rolled_back: usize,
    pub abandoned: usize,
    pub in_progress: usize,
    pub releases_per_week: f64,
    pub change_failure_rate: Option<f64>,
    pub lead_time: Option<Stats>,
    pub time_to_restore: Option<Stats>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stats {
    pub count: usize,
    pub median_seconds: u64,
    pub mean_seconds: u64,
    pub max_seconds: u64,
}

impl Stats {
    /// Median (for an even count the two middle values averaged, rounded down), mean
    /// (rounded down) and maximum; `None` for no values.
    pub fn of(values: &[u64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_unstable();
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2
        };
        Some(Stats {
            count: n,
            median_seconds: median,
            mean_seconds: v.iter().sum::<u64>() / n as u64,
            max_seconds: v[n - 1],
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// ISO week, "2026-W09".
    pub week: String,
    pub monday: NaiveDate,
    pub releases: usize,
    pub completed: usize,
    pub rolled_back: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageStats {
    pub stage: String,
    pub traffic: Option<f64>,
    pub count: usize,
    pub median_seconds: u64,
    pub mean_seconds: u64,
    pub max_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverrideRow {
    pub ts: DateTime<Utc>,
    pub release: String,
    pub version: String,
    pub environment: String,
    pub operator: String,
    pub host: String,
    pub action: Option<crate::core::action::Action>,
    pub stage: Option<String>,
    pub verdict: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approver {
    pub operator: String,
    pub overrides: usize,
}

#[cfg(test)]
#[path = "figures_tests.rs"]
mod tests;
