//! Minimum evidence: a condition may require the canary to have served enough traffic (a
//! request count, or a rate) before its value means anything. Below it the condition is
//! unknown — "not enough traffic: 37 of 500 requests" — never healthy, so the bake pauses as
//! it does for missing data (SEMANTICS §1). The evidence failing, missing or stale is unknown
//! too: the system fails closed. Zero traffic never passes, as the minimum is above zero.

use super::condition::Sample;
use super::reading::SignalId;
use super::{past, short_duration, since};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// `min_traffic = { query = '…', min = 500, unit = "requests" }` of a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct MinTraffic {
    /// The canary's traffic: a count over the window the condition's query covers, or a rate.
    pub signal: SignalId,
    /// More than zero (config checks it): zero traffic never passes.
    pub min: f64,
    /// What is counted, for the words: "requests", "req/s".
    pub unit: String,
}

/// The evidence behind a condition's value as it stands: the latest traffic read, against
/// its minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The latest usable traffic reading, raw; None when there is none (or it is stale).
    pub traffic: Option<f64>,
    pub min: f64,
    pub unit: String,
    /// The traffic is fresh and at least the minimum.
    pub enough: bool,
}

impl MinTraffic {
    /// "37 of 500 requests"
    pub fn words(&self, traffic: f64) -> String {
        format!("{} of {} {}", amount(traffic), amount(self.min), self.unit)
    }

    /// Why the evidence does not hold at `now` (None: it does), what it is, and until when
    /// that stays so without a new reading (the traffic reading going stale).
    pub fn judge(
        &self,
        sample: Option<&Sample>,
        stale_after: Duration,
        now: DateTime<Utc>,
    ) -> (Option<String>, Evidence, DateTime<Utc>) {
        let mut evidence = Evidence {
            traffic: None,
            min: self.min,
            unit: self.unit.clone(),
            enough: false,
        };
        let (why, until) = match sample {
            None => ("traffic: no data yet".to_string(), DateTime::<Utc>::MAX_UTC),
            Some(Sample { value: Err(e), .. }) => {
                (format!("traffic: {e}"), DateTime::<Utc>::MAX_UTC)
            }
            Some(Sample { at, .. }) if since(now, *at) > stale_after => (
                format!(
                    "traffic stale: last value {} ago",
                    short_duration(since(now, *at))
                ),
                now,
            ),
            Some(Sample { at, value: Ok(n) }) => {
                evidence.traffic = Some(*n);
                let until = past(*at, stale_after);
                if *n >= self.min && *n > 0.0 {
                    evidence.enough = true;
                    return (None, evidence, until);
                }
                (format!("not enough traffic: {}", self.words(*n)), until)
            }
        };
        (Some(why), evidence, until)
    }
}

impl super::condition::ConditionStatus {
    /// Unknown for want of traffic: the canary's traffic was read, fresh, and is below the
    /// minimum. The monitor is live; the evidence is thin.
    pub fn short_of_traffic(&self) -> bool {
        self.state == super::condition::CondState::Unknown
            && (self.evidence.as_ref()).is_some_and(|e| e.traffic.is_some() && !e.enough)
    }
}

/// A count as people write it: "37", "1200"; a rate to two places at most: "0.6", "2.25".
fn amount(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    fn floor() -> MinTraffic {
        MinTraffic {
            signal: 2,
            min: 500.0,
            unit: "requests".into(),
        }
    }

    fn sample(at: i64, v: Result<f64, String>) -> Sample {
        Sample {
            at: t(at),
            value: v,
        }
    }

    const STALE: Duration = Duration::from_secs(15);

    #[test]
    fn below_the_minimum_is_not_enough_with_the_count_in_words() {
        let (why, ev, _) = floor().judge(Some(&sample(0, Ok(37.0))), STALE, t(1));
        assert_eq!(
            why.as_deref(),
            Some("not enough traffic: 37 of 500 requests")
        );
        assert!(!ev.enough);
        assert_eq!(ev.traffic, Some(37.0));
        let (why, ev, until) = floor().judge(Some(&sample(0, Ok(500.0))), STALE, t(1));
        assert_eq!(why, None);
        assert!(ev.enough);
        assert_eq!(until, past(t(0), STALE));
    }

    #[test]
    fn zero_traffic_is_never_enough() {
        let (why, ev, _) = floor().judge(Some(&sample(0, Ok(0.0))), STALE, t(1));
        assert_eq!(
            why.as_deref(),
            Some("not enough traffic: 0 of 500 requests")
        );
        assert!(!ev.enough);
        // Even a minimum that slipped through as zero does not let zero traffic pass.
        let zero = MinTraffic {
            min: 0.0,
            ..floor()
        };
        assert!(
            zero.judge(Some(&sample(0, Ok(0.0))), STALE, t(1))
                .0
                .is_some()
        );
    }

    #[test]
    fn missing_failed_or_stale_evidence_is_not_enough() {
        let (why, ..) = floor().judge(None, STALE, t(1));
        assert_eq!(why.as_deref(), Some("traffic: no data yet"));
        let (why, ..) = floor().judge(Some(&sample(0, Err("empty result".into()))), STALE, t(1));
        assert_eq!(why.as_deref(), Some("traffic: empty result"));
        let (why, ev, until) = floor().judge(Some(&sample(0, Ok(900.0))), STALE, t(16));
        assert_eq!(why.as_deref(), Some("traffic stale: last value 16s ago"));
        assert!(!ev.enough && ev.traffic.is_none());
        assert_eq!(until, t(16), "a stale age counts seconds");
    }

    /// An error rate needing 500 requests behind it, breaching above 2%.
    fn condition() -> crate::core::condition::ConditionSpec {
        use crate::core::condition::{ConditionSpec, Persistence, Threshold, Unit};
        ConditionSpec {
            id: "error_rate".into(),
            label: "Error rate".into(),
            value: 0,
            threshold: Threshold {
                max: Some(0.02),
                ..Threshold::default()
            },
            relative: None,
            persistence: Persistence::Immediate,
            unit: Unit::default(),
            stale_after: STALE,
            min_traffic: Some(floor()),
            observe: false,
            compare: None,
            critical: false,
        }
    }

    #[test]
    fn thin_traffic_neither_makes_nor_hides_a_breach() {
        use crate::core::condition::{CondState, ConditionTrack};
        let c = condition();
        let mut track = ConditionTrack::default();
        let feed = |track: &mut ConditionTrack, at: i64, requests: f64, v: f64| {
            c.observe_traffic(track, t(at), Ok(requests));
            let th = c.effective(None, track);
            c.observe(track, t(at), Ok(v), th);
        };
        feed(&mut track, 0, 3.0, 0.5);
        let st = c.status(&track, None, t(1));
        assert_eq!(
            st.state,
            CondState::Unknown,
            "50% of 3 requests is no breach"
        );
        assert_eq!(st.value, None, "and no value to lean on");
        feed(&mut track, 5, 800.0, 0.5);
        assert_eq!(c.status(&track, None, t(6)).state, CondState::Breached);
        // The traffic drops while the breach is on: it stays a breach, and says why.
        feed(&mut track, 10, 3.0, 0.001);
        let st = c.status(&track, None, t(11));
        assert_eq!(st.state, CondState::Breached);
        assert_eq!(
            st.why.as_deref(),
            Some("breached, then not enough traffic: 3 of 500 requests")
        );
    }

    #[test]
    fn rates_read_to_two_places() {
        let rate = MinTraffic {
            min: 2.0,
            unit: "req/s".into(),
            ..floor()
        };
        assert_eq!(rate.words(0.6), "0.6 of 2 req/s");
        assert_eq!(rate.words(1.23456), "1.23 of 2 req/s");
    }
}
