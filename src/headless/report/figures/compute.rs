//! From merged records to [`Figures`]: each attempt's outcome, the totals, overrides and
//! their approvers.

use super::breakdown::{stage_stats, weeks};
use super::{Approver, Figures, OverrideRow, SCHEMA, Span, Stats, Totals};
use crate::core::record::{Event, Record};
use crate::headless::report::automation;
use crate::headless::report::release::{self, Outcome, ReleaseFigures};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// A release with nothing recorded for this long before the report's newest record, and no
/// outcome, is abandoned.
pub const IDLE_ABANDONED: Duration = Duration::days(7);

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
        automation: automation::rows(records),
    }
}
