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

use super::release::{self, Outcome, ReleaseFigures};
use crate::core::record::{Event, Record};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA: u32 = 1;

/// A release with nothing recorded for this long before the report's newest record, and no
/// outcome, is abandoned.
pub const IDLE_ABANDONED: Duration = Duration::days(7);

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

/// Merge records from several journals: time order, and a record present in two files (the
/// same journal given twice, a copy) counted once.
pub fn merge(mut records: Vec<Record>) -> Vec<Record> {
    for r in &mut records {
        r.prev.clear();
    }
    records.sort_by_key(|r| r.ts);
    let mut seen = std::collections::HashSet::new();
    records.retain(|r| seen.insert(serde_json::to_string(r).unwrap_or_default()));
    records
}

/// The figures of merged `records` (see [`merge`]): one entry per attempt at a release, so
/// two attempts at the same version are never merged.
pub fn compute(journals: Vec<String>, records: &[Record]) -> Figures {
    let mut releases: Vec<ReleaseFigures> = crate::journal::attempts(records)
        .iter()
        .filter_map(release::figures)
        .collect();
    releases.sort_by_key(|r| r.started_at);
    let end = releases.iter().map(|r| r.last_record_at).max();
    let starts: Vec<(String, String, DateTime<Utc>)> = releases
        .iter()
        .map(|r| (r.release.clone(), r.environment.clone(), r.started_at))
        .collect();
    for r in &mut releases {
        if r.outcome != Outcome::InProgress {
            continue;
        }
        let superseded = starts.iter().any(|(name, env, at)| {
            *name == r.release && *env == r.environment && *at > r.started_at
        });
        let idle = end.is_some_and(|e| e - r.last_record_at >= IDLE_ABANDONED);
        if superseded || idle {
            r.outcome = Outcome::Abandoned;
        }
    }

    let span = releases.first().zip(end).map(|(first, to)| Span {
        from: first.started_at,
        to,
        weeks: (to - first.started_at).num_seconds().max(0) as f64 / (7.0 * 86400.0),
    });
    let count = |o: Outcome| releases.iter().filter(|r| r.outcome == o).count();
    let n = releases.len();
    let lead: Vec<u64> = releases
        .iter()
        .filter_map(|r| r.lead_time_seconds)
        .collect();
    let restore: Vec<u64> = releases
        .iter()
        .filter_map(|r| r.time_to_restore_seconds)
        .collect();
    let totals = Totals {
        releases: n,
        completed: count(Outcome::Completed),
        rolled_back: count(Outcome::RolledBack),
        abandoned: count(Outcome::Abandoned),
        in_progress: count(Outcome::InProgress),
        releases_per_week: n as f64 / span.as_ref().map_or(1.0, |s| s.weeks.max(1.0)),
        change_failure_rate: (n > 0).then(|| count(Outcome::RolledBack) as f64 / n as f64),
        lead_time: Stats::of(&lead),
        time_to_restore: Stats::of(&restore),
    };

    let overrides: Vec<OverrideRow> = records
        .iter()
        .filter(|r| r.event == Event::Override)
        .map(|r| OverrideRow {
            ts: r.ts,
            release: r.context.release.clone(),
            version: r.context.version.clone(),
            environment: r.context.environment.clone(),
            operator: r.context.operator.clone(),
            host: r.context.host.clone(),
            action: r.action.clone(),
            stage: r.stage.clone(),
            verdict: r.verdict.clone(),
            reason: r.reason.clone(),
            detail: r.detail.clone(),
        })
        .collect();
    let mut approvers: BTreeMap<String, usize> = BTreeMap::new();
    for o in &overrides {
        *approvers.entry(o.operator.clone()).or_default() += 1;
    }
    let mut approvers: Vec<Approver> = approvers
        .into_iter()
        .map(|(operator, overrides)| Approver {
            operator,
            overrides,
        })
        .collect();
    approvers.sort_by(|a, b| {
        b.overrides
            .cmp(&a.overrides)
            .then(a.operator.cmp(&b.operator))
    });

    Figures {
        schema: SCHEMA,
        journals,
        records: records.len(),
        span,
        totals,
        per_week: weeks(&releases),
        stages: stage_stats(&releases),
        releases,
        overrides,
        approvers,
        automation: super::automation::rows(records),
    }
}

fn monday(t: DateTime<Utc>) -> NaiveDate {
    let d = t.date_naive();
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// Releases started per ISO week, every week from the first to the last (empty ones too).
fn weeks(releases: &[ReleaseFigures]) -> Vec<Week> {
    let (Some(first), Some(last)) = (
        releases.iter().map(|r| monday(r.started_at)).min(),
        releases.iter().map(|r| monday(r.started_at)).max(),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut m = first;
    while m <= last {
        let of_week: Vec<&ReleaseFigures> = releases
            .iter()
            .filter(|r| monday(r.started_at) == m)
            .collect();
        let iso = m.iso_week();
        out.push(Week {
            week: format!("{}-W{:02}", iso.year(), iso.week()),
            monday: m,
            releases: of_week.len(),
            completed: of_week
                .iter()
                .filter(|r| r.outcome == Outcome::Completed)
                .count(),
            rolled_back: of_week
                .iter()
                .filter(|r| r.outcome == Outcome::RolledBack)
                .count(),
        });
        m += Duration::days(7);
    }
    out
}

/// Time per stage over every release, by stage name, in plan order (by traffic share).
fn stage_stats(releases: &[ReleaseFigures]) -> Vec<StageStats> {
    let mut by_stage: Vec<(String, Option<f64>, Vec<u64>)> = Vec::new();
    for s in releases.iter().flat_map(|r| &r.stages) {
        let Some(secs) = s.seconds else { continue };
        match by_stage.iter_mut().find(|(name, _, _)| *name == s.stage) {
            Some((_, _, v)) => v.push(secs),
            None => by_stage.push((s.stage.clone(), s.traffic, vec![secs])),
        }
    }
    by_stage.sort_by(|a, b| {
        a.1.unwrap_or(f64::MAX)
            .total_cmp(&b.1.unwrap_or(f64::MAX))
            .then(a.0.cmp(&b.0))
    });
    by_stage
        .into_iter()
        .filter_map(|(stage, traffic, v)| {
            let s = Stats::of(&v)?;
            Some(StageStats {
                stage,
                traffic,
                count: s.count,
                median_seconds: s.median_seconds,
                mean_seconds: s.mean_seconds,
                max_seconds: s.max_seconds,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rollback_s_restore_is_reported_as_the_cockpit_journaled_it() {
        use crate::core::record::Context;
        use crate::core::restore::RestoreMark;
        let at = |s: i64| DateTime::<Utc>::from_timestamp(1_700_000_000 + s, 0).unwrap();
        let ctx = Context {
            release: "checkout".into(),
            version: "2.0".into(),
            environment: "prod".into(),
            ..Context::default()
        };
        let mut entered = Record::new(at(0), Event::StageEntered, ctx.clone());
        entered.stage = Some("1%".into());
        entered.traffic = Some(1.0);
        let rolled = Record::new(at(60), Event::RolledBack, ctx.clone());
        let mark = RestoreMark {
            requested_at: at(58),
            webhook_ms: 1250,
            healthy_ms: 95_000,
        };
        let mut restored = Record::new(at(153), Event::Restored, ctx);
        restored.restore = Some(mark);
        let f = compute(vec![], &[entered.clone(), rolled.clone(), restored]);
        assert_eq!(f.releases[0].restored, Some(mark));
        let text = super::super::text::render(&f);
        assert!(text.contains("Restored after a rollback"), "{text}");
        assert!(text.contains("1.2s"), "{text}");
        // Conditions that never recovered: nothing claimed, nothing shown.
        let f = compute(vec![], &[entered, rolled]);
        assert_eq!(f.releases[0].restored, None);
        assert!(!super::super::text::render(&f).contains("Restored after"));
    }

    #[test]
    fn stats_take_the_middle_and_round_down() {
        assert_eq!(Stats::of(&[]), None);
        let s = Stats::of(&[30, 10, 20]).unwrap();
        assert_eq!(
            (s.median_seconds, s.mean_seconds, s.max_seconds),
            (20, 20, 30)
        );
        let s = Stats::of(&[10, 40, 20, 30]).unwrap();
        assert_eq!((s.count, s.median_seconds, s.mean_seconds), (4, 25, 25));
    }
}
