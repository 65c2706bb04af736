//! A condition judged at an instant: its thresholds in force, its state and why.

use super::{ConditionSpec, ConditionTrack, Level, Persistence, Sample, Threshold};
use crate::core::min_traffic::Evidence;
use crate::core::series::Trend;
use crate::core::{past, short_duration, since};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// `Into<&str>` is its name in `check`'s JSON (`breached`). `label` is the word on screen
/// (`BREACH`), written out because it is not the variant's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum CondState {
    Ok,
    Warn,
    Breached,
    Unknown,
}

impl CondState {
    pub fn label(self) -> &'static str {
        match self {
            CondState::Ok => "OK",
            CondState::Warn => "WARN",
            CondState::Breached => "BREACH",
            CondState::Unknown => "UNKNOWN",
        }
    }
}

/// A condition as it stands now.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionStatus {
    pub state: CondState,
    /// The latest usable value, raw.
    pub value: Option<f64>,
    /// The thresholds in force, for display.
    pub threshold: Threshold,
    /// Why it is unknown, breached, or about to be.
    pub why: Option<String>,
    /// Over the threshold but not yet for long enough: "over for 20s of 2m".
    pub confirming: Option<String>,
    pub trend: Trend,
    /// The traffic behind the value, for a condition with a minimum.
    pub evidence: Option<Evidence>,
    /// A statistical condition's comparison of the stage's samples.
    pub compare: Option<crate::core::compare::Comparison>,
}

impl ConditionSpec {
    /// The thresholds in force given a stage override and the latest baseline.
    pub fn effective(
        &self,
        over: Option<&crate::core::plan::ThresholdOverride>,
        track: &ConditionTrack,
    ) -> Result<Threshold, String> {
        let mut t = self.threshold;
        if let Some(o) = over {
            t.max = o.max.or(t.max);
            t.min = o.min.or(t.min);
            t.warn = o.warn.or(t.warn);
        }
        if let Some(rel) = self.relative.filter(|_| self.compare.is_none()) {
            let base = match &track.baseline {
                None => return Err("baseline: no data yet".into()),
                Some(Sample {
                    value: Err(why), ..
                }) => return Err(format!("baseline: {why}")),
                Some(Sample { value: Ok(b), .. }) => *b,
            };
            let limit = base * rel.factor + rel.offset;
            t.max = Some(t.max.map_or(limit, |m| m.min(limit)));
        }
        Ok(t)
    }

    /// Judge the condition at `now`. Missing, failed or stale data is unknown; a confirmed
    /// breach is not hidden by data that went missing after it.
    pub fn status(
        &self,
        track: &ConditionTrack,
        over: Option<&crate::core::plan::ThresholdOverride>,
        now: DateTime<Utc>,
    ) -> ConditionStatus {
        self.judge(track, over, now).0
    }

    /// `status`, and until when it stays exactly that if no new sample arrives: the instant
    /// the last good value goes stale, or `now` itself while the status counts seconds (a
    /// stale age, "over for 20s of 2m"). Before that instant, judging again gives the same.
    pub fn judge(
        &self,
        track: &ConditionTrack,
        over: Option<&crate::core::plan::ThresholdOverride>,
        now: DateTime<Utc>,
    ) -> (ConditionStatus, DateTime<Utc>) {
        let threshold = self.effective(over, track);
        let shown = threshold.clone().unwrap_or(self.threshold);
        let mut status = ConditionStatus {
            state: CondState::Unknown,
            value: None,
            threshold: shown,
            why: None,
            confirming: None,
            trend: track.history.trend(),
            evidence: None,
            compare: None,
        };
        let (unknown_why, until) = match (&track.latest, track.last_good_at) {
            (None, _) => (Some("no data yet".to_string()), DateTime::<Utc>::MAX_UTC),
            (
                Some(Sample {
                    value: Err(why), ..
                }),
                _,
            ) => (Some(why.clone()), DateTime::<Utc>::MAX_UTC),
            (_, Some(good)) if since(now, good) > self.stale_after => (
                Some(format!(
                    "stale: last value {} ago",
                    short_duration(since(now, good))
                )),
                now,
            ),
            (_, good) => (None, good.map_or(now, |g| past(g, self.stale_after))),
        };
        // Too little traffic behind the value is unknown too (fail closed).
        let (unknown_why, until) = match &self.min_traffic {
            None => (unknown_why, until),
            Some(floor) => {
                let (short, evidence, holds) =
                    floor.judge(track.traffic.as_ref(), self.stale_after, now);
                status.evidence = Some(evidence);
                (unknown_why.or(short), until.min(holds))
            }
        };
        if let Some(why) = unknown_why {
            if track.breached {
                status.state = CondState::Breached;
                status.value = track.history.last();
                status.why = Some(format!("breached, then {why}"));
            } else {
                status.why = Some(why);
            }
            return (status, until);
        }
        let Some(Sample { value: Ok(v), .. }) = track.latest else {
            unreachable!("latest is a good sample here")
        };
        status.value = Some(v);
        let threshold = match threshold {
            Ok(t) => t,
            Err(why) => {
                status.why = Some(why);
                return (status, until);
            }
        };
        match threshold.level(v) {
            Level::Ok => status.state = CondState::Ok,
            Level::Warn => {
                status.state = CondState::Warn;
                status.why = Some("above warn level".into());
                if threshold.max.is_none() && threshold.min.is_some() {
                    status.why = Some("below warn level".into());
                }
            }
            Level::Over if track.breached || self.persisted(track, now) => {
                status.state = CondState::Breached;
                status.why = Some(format!(
                    "{} {}",
                    self.unit.show(v),
                    breach_word(&threshold, v)
                ));
            }
            Level::Over => {
                status.state = CondState::Warn;
                let (text, until) = match self.persistence {
                    Persistence::For(d) => {
                        let over = track.over_since.map_or(Duration::ZERO, |s| since(now, s));
                        let text =
                            format!("over for {} of {}", short_duration(over), short_duration(d));
                        // Counts seconds until the breach is confirmed.
                        (text, now)
                    }
                    Persistence::Samples(n) => {
                        (format!("over {} of {n} samples", track.over_samples), until)
                    }
                    Persistence::Immediate => ("over".to_string(), until),
                };
                status.why = Some(text.clone());
                status.confirming = Some(text);
                return (status, until);
            }
        }
        (status, until)
    }
}

fn breach_word(t: &Threshold, v: f64) -> String {
    match (t.max, t.min) {
        (Some(m), _) if v > m => "above max".to_string(),
        (_, Some(m)) if v < m => "below min".to_string(),
        _ => "outside limits".to_string(),
    }
}
