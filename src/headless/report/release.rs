//! One release's story, read from its journal records: when it started, how far it got, how
//! it ended, how long each stage lasted, and how long a breach took to be rolled back.

use crate::core::record::{Event, Record};
use crate::journal::{Attempt, is_rollback};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The last stage of every plan carries all traffic (SEMANTICS.md §1).
pub const FULL_TRAFFIC: f64 = 100.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The last stage (100%) was entered and no rollback is recorded.
    Completed,
    /// A rollback is recorded (a `rolled_back` record or a succeeded `rollback` action).
    RolledBack,
    /// Neither, and a later release of the same service and environment started, or nothing
    /// was recorded for it in the week before the newest record of the report.
    Abandoned,
    /// Neither, and still recent.
    InProgress,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::RolledBack => "rolled back",
            Outcome::Abandoned => "abandoned",
            Outcome::InProgress => "in progress",
        }
    }
}

/// Time spent in one stage: from its entry to the next stage entered or the rollback.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageSpent {
    pub stage: String,
    pub traffic: Option<f64>,
    pub entered_at: DateTime<Utc>,
    /// `null` while the stage is still the release's last one (nothing ended it).
    pub seconds: Option<u64>,
}

impl StageSpent {
    /// "canary (1%)", or "5%" when the name is the share.
    pub fn label(&self) -> String {
        crate::core::describe::stage_words(&self.stage, self.traffic)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseFigures {
    pub release: String,
    pub version: String,
    pub environment: String,
    /// The attempt's id as journaled, or `~1`, `~2`, … for journals written before attempt
    /// ids (numbered in time order per release, version and environment).
    pub attempt: String,
    pub outcome: Outcome,
    /// The first stage entered.
    pub started_at: DateTime<Utc>,
    /// The last stage (100%) first entered.
    pub completed_at: Option<DateTime<Utc>>,
    pub rolled_back_at: Option<DateTime<Utc>>,
    pub last_record_at: DateTime<Utc>,
    /// From the first stage entered to the last stage (100%) entered.
    pub lead_time_seconds: Option<u64>,
    /// From the start of the breach running at the rollback (the latest breach that began
    /// before it) to the rollback; `null` for a rollback with no breach recorded before it.
    pub time_to_restore_seconds: Option<u64>,
    /// After a rollback, as the cockpit measured it: the webhook's answer and every stop
    /// condition healthy again (the attempt's last `restored` record); `null` when the
    /// conditions did not recover while a cockpit watched.
    pub restored: Option<crate::core::restore::RestoreMark>,
    /// The highest traffic share entered, in percent.
    pub furthest_traffic: Option<f64>,
    pub stages: Vec<StageSpent>,
    pub overrides: usize,
    /// Actions an armed policy requested by itself.
    pub automatic: usize,
}

fn secs(from: DateTime<Utc>, to: DateTime<Utc>) -> u64 {
    (to - from).num_seconds().max(0) as u64
}

/// The figures of one attempt at a release from its records (in time order). `None` when no
/// stage was ever entered: it never rolled out. The outcome is `InProgress` unless completed
/// or rolled back; the caller decides abandonment.
pub fn figures(attempt: &Attempt) -> Option<ReleaseFigures> {
    let records = &attempt.records;
    let entries: Vec<&Record> = records
        .iter()
        .copied()
        .filter(|r| r.event == Event::StageEntered)
        .collect();
    let first = entries.first()?;
    let started_at = first.ts;
    let ctx = &first.context;
    let rolled_back_at = records.iter().find(|r| is_rollback(r)).map(|r| r.ts);
    let completed_at = entries
        .iter()
        .find(|r| r.traffic.is_some_and(|t| t >= FULL_TRAFFIC))
        .map(|r| r.ts);

    let mut stages: Vec<StageSpent> = Vec::new();
    for (i, r) in entries.iter().enumerate() {
        let next = entries.get(i + 1).map(|n| n.ts);
        let rollback = rolled_back_at.filter(|t| *t >= r.ts);
        let end = match (next, rollback) {
            (Some(n), Some(b)) => Some(n.min(b)),
            (a, b) => a.or(b),
        };
        stages.push(StageSpent {
            stage: r.stage.clone().unwrap_or_else(|| "?".into()),
            traffic: r.traffic,
            entered_at: r.ts,
            seconds: end.map(|e| secs(r.ts, e)),
        });
    }

    // The breach episode running at the rollback: breaches open and close; an episode starts
    // when the first of them begins.
    let time_to_restore_seconds = rolled_back_at.and_then(|rb| {
        let mut open = 0usize;
        let mut episode = None;
        // An observe-only condition's breach gates nothing: it starts no episode.
        for r in records.iter().filter(|r| r.ts <= rb && !r.observe_only) {
            match r.event {
                Event::BreachBegan => {
                    if open == 0 {
                        episode = Some(r.ts);
                    }
                    open += 1;
                }
                Event::BreachEnded => open = open.saturating_sub(1),
                _ => {}
            }
        }
        episode.map(|start| secs(start, rb))
    });

    let outcome = if rolled_back_at.is_some() {
        Outcome::RolledBack
    } else if completed_at.is_some() {
        Outcome::Completed
    } else {
        Outcome::InProgress
    };
    Some(ReleaseFigures {
        release: ctx.release.clone(),
        version: ctx.version.clone(),
        environment: ctx.environment.clone(),
        attempt: attempt.id.clone(),
        outcome,
        started_at,
        completed_at,
        rolled_back_at,
        last_record_at: records.last().map_or(started_at, |r| r.ts),
        lead_time_seconds: completed_at.map(|c| secs(started_at, c)),
        time_to_restore_seconds,
        restored: records
            .iter()
            .rev()
            .find(|r| r.event == Event::Restored)
            .and_then(|r| r.restore),
        furthest_traffic: entries
            .iter()
            .filter_map(|r| r.traffic)
            .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t)))),
        stages,
        overrides: records
            .iter()
            .filter(|r| r.event == Event::Override)
            .count(),
        automatic: records
            .iter()
            .filter(|r| r.event == Event::ActionRequested && r.auto.is_some())
            .count(),
    })
}
