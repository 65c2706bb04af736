//! Time to restore after a rollback: how long the rollback's webhook took to answer, and how
//! long until every stop condition was healthy again on data read after the rollback. Claimed
//! only when it is known: conditions that never recover claim nothing.

use super::condition::CondState;
use super::short_duration;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A rollback that succeeded and whose restore is still being waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restoring {
    /// When the rollback was requested (the operator confirmed it).
    pub requested: DateTime<Utc>,
    /// When its webhook answered with success.
    pub succeeded: DateTime<Utc>,
}

/// The `restore` of a `restored` record. Both durations count from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreMark {
    pub requested_at: DateTime<Utc>,
    /// Rollback requested → its webhook answered with success.
    pub webhook_ms: u64,
    /// Rollback requested → every stop condition healthy again.
    pub healthy_ms: u64,
}

/// One stop condition as the restore sees it: its state, and when its latest value (and its
/// baseline's, for a relative condition: the older of the two) arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    pub state: CondState,
    pub read_at: Option<DateTime<Utc>>,
}

impl Restoring {
    /// The mark, when at `now` every condition is healthy (OK or WARN: fresh data, no limit
    /// crossed) on values read after the rollback answered. None while any is not, or when
    /// there is no condition to judge by.
    pub fn restored(&self, conditions: &[Health], now: DateTime<Utc>) -> Option<RestoreMark> {
        let healthy = |h: &Health| {
            matches!(h.state, CondState::Ok | CondState::Warn)
                && h.read_at.is_some_and(|t| t >= self.succeeded)
        };
        if conditions.is_empty() || !conditions.iter().all(healthy) {
            return None;
        }
        let ms = |to: DateTime<Utc>| (to - self.requested).num_milliseconds().max(0) as u64;
        Some(RestoreMark {
            requested_at: self.requested,
            webhook_ms: ms(self.succeeded),
            healthy_ms: ms(now.max(self.succeeded)),
        })
    }
}

impl RestoreMark {
    /// "rollback answered in 1.2s; every stop condition healthy 47s after the request"
    pub fn words(&self) -> String {
        format!(
            "rollback answered in {}; every stop condition healthy {} after the request",
            millis(self.webhook_ms),
            short_duration(Duration::from_millis(self.healthy_ms))
        )
    }
}

/// "850 ms", "1.2s", "1m5s": a webhook's latency, to the tenth of a second under a minute.
pub fn millis(ms: u64) -> String {
    match ms {
        0..1000 => format!("{ms} ms"),
        1000..60_000 => format!("{:.1}s", ms as f64 / 1000.0),
        _ => short_duration(Duration::from_millis(ms)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap()
    }

    fn h(state: CondState, read: i64) -> Health {
        Health {
            state,
            read_at: Some(t(read)),
        }
    }

    const ROLLBACK: Restoring = Restoring {
        requested: t0(10),
        succeeded: t0(12),
    };

    const fn t0(s: i64) -> DateTime<Utc> {
        match DateTime::from_timestamp(1_700_000_000 + s, 0) {
            Some(t) => t,
            None => DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn restored_once_every_condition_is_healthy_on_data_read_after_the_rollback() {
        // Healthy, but on a value read before the rollback answered: not yet.
        let before = [h(CondState::Ok, 11), h(CondState::Ok, 20)];
        assert_eq!(ROLLBACK.restored(&before, t(20)), None);
        // One still breached, one unknown: not yet.
        assert_eq!(
            ROLLBACK.restored(&[h(CondState::Breached, 20), h(CondState::Ok, 20)], t(20)),
            None
        );
        let unknown = Health {
            state: CondState::Unknown,
            read_at: None,
        };
        assert_eq!(
            ROLLBACK.restored(&[unknown, h(CondState::Ok, 20)], t(20)),
            None
        );
        // Both healthy (a warn level counts) on values read after it.
        let mark = ROLLBACK
            .restored(&[h(CondState::Warn, 30), h(CondState::Ok, 40)], t(57))
            .unwrap();
        assert_eq!(
            mark,
            RestoreMark {
                requested_at: t(10),
                webhook_ms: 2000,
                healthy_ms: 47_000,
            }
        );
        assert_eq!(
            mark.words(),
            "rollback answered in 2.0s; every stop condition healthy 47s after the request"
        );
    }

    #[test]
    fn nothing_is_claimed_without_conditions_to_judge_by() {
        assert_eq!(ROLLBACK.restored(&[], t(60)), None);
    }

    #[test]
    fn latencies_read_at_a_glance() {
        assert_eq!(millis(850), "850 ms");
        assert_eq!(millis(1250), "1.2s");
        assert_eq!(millis(65_000), "1m5s");
    }
}
