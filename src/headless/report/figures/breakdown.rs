//! Figures broken down over time and plan: releases per ISO week, time per stage.

use super::{StageStats, Stats, Week};
use crate::headless::report::release::{Outcome, ReleaseFigures};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

fn monday(t: DateTime<Utc>) -> NaiveDate {
    let d = t.date_naive();
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// Releases started per ISO week, every week from the first to the last (empty ones too).
pub(super) fn weeks(releases: &[ReleaseFigures]) -> Vec<Week> {
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
pub(super) fn stage_stats(releases: &[ReleaseFigures]) -> Vec<StageStats> {
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
