//! What the detail views read and the dashboard does not keep: each condition's timed samples
//! this stage and since when it has been in its state, and each source's recent polls. All of
//! it bounded, and none of it journaled: it is what this cockpit saw.

use super::SourceHealth;
use crate::core::condition::{CondState, ConditionSpec, ConditionStatus, ConditionTrack};
use crate::core::plan::Position;
use crate::core::samples::{Point, StageSamples};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Since when a condition has been in its state; `from_start` when that is since the
/// cockpit's first evaluation (it may have been so for longer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StateSince {
    pub state: CondState,
    pub at: DateTime<Utc>,
    pub from_start: bool,
}

/// How a poll ended.
#[derive(Debug, Clone, PartialEq)]
pub enum PollOutcome {
    Answered,
    /// Answered, but a value in it was unusable: why.
    Unusable(String),
    Failed(String),
}

/// One poll of a source, as its detail lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Poll {
    pub at: DateTime<Utc>,
    pub latency: Duration,
    pub outcome: PollOutcome,
}

/// The recent polls a source keeps, newest last.
pub const POLLS: usize = 20;

/// Mark the conditions whose state changed as in it from `now`; with nothing to compare with
/// (`changed` is none: a first evaluation), every condition from `now`, since the start.
pub(super) fn mark_since(
    since: &mut Vec<StateSince>,
    conditions: &[ConditionStatus],
    changed: Option<&[(usize, CondState)]>,
    now: DateTime<Utc>,
) {
    let Some(changed) = changed.filter(|_| since.len() == conditions.len()) else {
        *since = conditions
            .iter()
            .map(|c| StateSince {
                state: c.state,
                at: now,
                from_start: true,
            })
            .collect();
        return;
    };
    for &(i, _) in changed {
        if let (Some(s), Some(c)) = (since.get_mut(i), conditions.get(i))
            && s.state != c.state
        {
            *s = StateSince {
                state: c.state,
                at: now,
                from_start: false,
            };
        }
    }
}

/// Keep a poll's outcome, as the source's health now says it ended.
pub(super) fn keep_poll(health: &mut SourceHealth, at: DateTime<Utc>, latency: Duration) {
    let outcome = match (&health.last_error, health.unusable) {
        (None, _) => PollOutcome::Answered,
        (Some(e), true) => PollOutcome::Unusable(e.clone()),
        (Some(e), false) => PollOutcome::Failed(e.clone()),
    };
    if health.polls.len() == POLLS {
        health.polls.pop_front();
    }
    health.polls.push_back(Poll {
        at,
        latency,
        outcome,
    });
}

impl super::Release {
    /// Condition `i`'s samples of the stage entry the release is at, oldest first.
    pub fn stage_samples(&self, i: usize) -> Vec<Point> {
        self.samples
            .get(i)
            .map(|s| s.of(self.position).iter().copied().collect())
            .unwrap_or_default()
    }
}

/// Keep a condition's value read at `at`, with its baseline as it stands, for the stage entry
/// at `position`.
pub(super) fn keep_sample(
    samples: &mut StageSamples,
    track: &ConditionTrack,
    spec: &ConditionSpec,
    position: Option<Position>,
    at: DateTime<Utc>,
    value: f64,
) {
    let baseline = track
        .baseline
        .as_ref()
        .and_then(|b| b.value.as_ref().ok().copied())
        .filter(|_| spec.relative.is_some());
    let point = Point {
        at,
        value,
        baseline,
    };
    samples.push(position, point);
}
