//! The pure core: plan, stop conditions, gates, verdict, verified bakes and the
//! Approve-Risk grammar. Plain data in, plain data out, `now` passed in.
//! Nothing here may depend on tokio, reqwest, crossterm or ratatui.

pub mod action;
pub mod approval;
pub mod autopilot;
pub mod backfill;
pub mod bake;
pub mod compare;
pub mod condition;
pub mod describe;
pub mod driver;
pub mod event;
pub mod gate;
pub mod min_traffic;
pub mod plan;
pub mod projection;
pub mod reading;
pub mod record;
pub mod restore;
pub mod samples;
pub mod series;
pub mod statistical;
pub mod verdict;
pub mod window;

use chrono::{DateTime, Utc};
use std::time::Duration;

/// Time elapsed from `then` to `now`, zero when `then` is in the future.
pub fn since(now: DateTime<Utc>, then: DateTime<Utc>) -> Duration {
    (now - then).to_std().unwrap_or(Duration::ZERO)
}

/// The first instant after `t + d`: when an age measured from `t` passes `d`.
pub fn past(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(d)
        .ok()
        .and_then(|d| d.checked_add(&chrono::TimeDelta::nanoseconds(1)))
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `90s` → "1m30s", `600s` → "10m", `3700s` → "1h1m". Compact, for narrow columns.
pub fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 if s.is_multiple_of(60) => format!("{}m", s / 60),
        60..3600 => format!("{}m{}s", s / 60, s % 60),
        _ if s % 3600 / 60 == 0 => format!("{}h", s / 3600),
        _ => format!("{}h{}m", s / 3600, s % 3600 / 60),
    }
}

/// `mm:ss` (or `h:mm:ss` past an hour) for countdowns.
pub fn clock_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_compactly() {
        assert_eq!(short_duration(Duration::from_secs(45)), "45s");
        assert_eq!(short_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(short_duration(Duration::from_secs(600)), "10m");
        assert_eq!(short_duration(Duration::from_secs(3660)), "1h1m");
        assert_eq!(clock_duration(Duration::from_secs(65)), "01:05");
        assert_eq!(clock_duration(Duration::from_secs(3725)), "1:02:05");
    }
}
