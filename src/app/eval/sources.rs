//! Each source's row: whether it answers, and how old its last answer is.

use crate::app::SourceHealth;
use crate::core::{past, short_duration, since};
use crate::setup::SourceSpec;
use chrono::{DateTime, Utc};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceStatus {
    /// Not polled yet.
    #[default]
    Waiting,
    Ok,
    /// The last poll failed.
    Failing,
    /// The last poll was answered, but a value in it cannot be used (empty, NaN, not a number,
    /// an error Prometheus reported).
    Unusable,
    /// No success for longer than the staleness limit.
    Stale,
}

impl SourceStatus {
    pub fn label(self) -> &'static str {
        match self {
            SourceStatus::Waiting => "WAIT",
            SourceStatus::Ok => "OK",
            SourceStatus::Failing => "DOWN",
            SourceStatus::Unusable => "BAD",
            SourceStatus::Stale => "STALE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceView {
    pub status: SourceStatus,
    /// Age of the last success: "<4s" while the source answers on schedule, "9s" once a
    /// poll is late or failed, or "never".
    pub age: String,
}

/// A source's row at `now`, and until when it stays exactly that without a new poll: the
/// instant it turns late or stale, or `now` itself while it counts seconds.
pub(super) fn source_view(
    h: &SourceHealth,
    spec: &SourceSpec,
    now: DateTime<Utc>,
) -> (SourceView, DateTime<Utc>) {
    let age = h.last_ok.map(|t| since(now, t));
    let status = match (h.last_poll, &h.last_error, age) {
        (None, _, _) => SourceStatus::Waiting,
        (_, Some(_), _) if h.unusable => SourceStatus::Unusable,
        (_, Some(_), _) => SourceStatus::Failing,
        (_, None, Some(a)) if a > spec.stale_after => SourceStatus::Stale,
        (_, None, Some(_)) => SourceStatus::Ok,
        (Some(_), None, None) => SourceStatus::Failing,
    };
    let on_time = on_time(spec);
    let (age, until) = match (age, h.last_ok) {
        (Some(a), Some(ok)) if status == SourceStatus::Ok && a < on_time => (
            // Answering on schedule: a bound that holds until a poll is late, so the screen
            // does not change every second while nothing happens.
            format!("<{}", short_duration(on_time)),
            chrono::TimeDelta::from_std(on_time)
                .ok()
                .and_then(|d| ok.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
                .min(past(ok, spec.stale_after)),
        ),
        (Some(a), _) => (short_duration(a), now),
        (None, _) => ("never".into(), DateTime::<Utc>::MAX_UTC),
    };
    (SourceView { status, age }, until)
}

/// How old a source's last answer can be while it answers on schedule: a poll starts one
/// interval (give or take 10%) after the last one started and may take its timeout. Whole
/// seconds, whole minutes past one.
pub fn on_time(spec: &SourceSpec) -> Duration {
    let most = spec.interval.mul_f64(1.1) + spec.timeout;
    let secs = most.as_secs() + u64::from(most.subsec_nanos() > 0);
    Duration::from_secs(if secs > 60 {
        secs.div_ceil(60) * 60
    } else {
        secs
    })
}

#[cfg(test)]
#[path = "sources_tests.rs"]
mod tests;
