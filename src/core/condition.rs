//! Stop conditions: one value against its thresholds, with persistence and staleness.

use super::min_traffic::{Evidence, MinTraffic};
use super::reading::SignalId;
use super::series::{Series, Trend};
use super::{past, short_duration, since};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Breach above `max`, below `min`, or outside both; `warn` is a softer level on the
/// breaching side (on the `max` side when both are set).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Threshold {
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub warn: Option<f64>,
}

/// How long a breach must hold before it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    Immediate,
    For(Duration),
    Samples(u32),
}

/// A canary compared with its baseline: the effective `max` is `baseline × factor + offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relative {
    pub baseline: SignalId,
    pub factor: f64,
    pub offset: f64,
}

/// How a raw value is shown: `value × scale`, `decimals` places, then the suffix.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub suffix: String,
    pub scale: f64,
    pub decimals: usize,
}

impl Default for Unit {
    fn default() -> Self {
        Unit {
            suffix: String::new(),
            scale: 1.0,
            decimals: 2,
        }
    }
}

impl Unit {
    pub fn show(&self, raw: f64) -> String {
        let v = raw * self.scale;
        let num = format!("{v:.*}", self.decimals);
        if self.suffix.is_empty() {
            num
        } else if self.suffix.starts_with(char::is_alphabetic) {
            format!("{num} {}", self.suffix)
        } else {
            format!("{num}{}", self.suffix)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConditionSpec {
    pub id: String,
    pub label: String,
    pub value: SignalId,
    pub threshold: Threshold,
    pub relative: Option<Relative>,
    pub persistence: Persistence,
    pub unit: Unit,
    /// Older than this, the last good sample no longer counts (default 3 × the source interval).
    pub stale_after: Duration,
    /// Minimum evidence: below this much canary traffic the condition is unknown.
    pub min_traffic: Option<MinTraffic>,
    /// Observe-only: shown, charted and journaled, never gating (not in the verdict, the bake
    /// or the failure budget).
    pub observe: bool,
    /// Judged statistically against the baseline over the stage (src/core/statistical.rs)
    /// rather than against `baseline × factor + offset`.
    pub compare: Option<super::compare::Compare>,
    /// `critical = true`: armed auto-rollback acts on this condition's breach (past its
    /// persistence); on a statistical condition a significant fail is a breach too.
    pub critical: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warn,
    Over,
}

impl Threshold {
    pub fn level(&self, v: f64) -> Level {
        if self.max.is_some_and(|m| v > m) || self.min.is_some_and(|m| v < m) {
            return Level::Over;
        }
        if let Some(w) = self.warn {
            let warn = match (self.max, self.min) {
                (Some(_), _) => v > w,
                (None, Some(_)) => v < w,
                (None, None) => v > w,
            };
            if warn {
                return Level::Warn;
            }
        }
        Level::Ok
    }

    /// "≤ 2.00%", "≥ 99.50%", "0.50–2.00 ms".
    pub fn describe(&self, unit: &Unit) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("{}..{}", unit.show(lo), unit.show(hi)),
            (None, Some(hi)) => format!("≤ {}", unit.show(hi)),
            (Some(lo), None) => format!("≥ {}", unit.show(lo)),
            (None, None) => "no limit".to_string(),
        }
    }
}

/// The latest sample of a value: a number, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub value: Result<f64, String>,
}

/// What the cockpit remembers about one condition between observations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConditionTrack {
    pub history: Series,
    pub latest: Option<Sample>,
    pub baseline: Option<Sample>,
    /// The latest reading of the canary's traffic, for a condition with a minimum.
    pub traffic: Option<Sample>,
    pub last_good_at: Option<DateTime<Utc>>,
    /// Start of the current run of samples over the threshold.
    pub over_since: Option<DateTime<Utc>>,
    pub over_samples: u32,
    /// The current run has held long enough to count as a breach.
    pub breached: bool,
}

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
    pub compare: Option<super::compare::Comparison>,
}

impl ConditionSpec {
    /// The thresholds in force given a stage override and the latest baseline.
    pub fn effective(
        &self,
        over: Option<&super::plan::ThresholdOverride>,
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

    fn persisted(&self, track: &ConditionTrack, at: DateTime<Utc>) -> bool {
        match self.persistence {
            Persistence::Immediate => track.over_samples >= 1,
            Persistence::Samples(n) => track.over_samples >= n,
            Persistence::For(d) => track.over_since.is_some_and(|s| since(at, s) >= d),
        }
    }

    /// Record a new sample of the value, judged against `threshold` (already effective).
    pub fn observe(
        &self,
        track: &mut ConditionTrack,
        at: DateTime<Utc>,
        value: Result<f64, String>,
        threshold: Result<Threshold, String>,
    ) {
        // A value read on too little traffic neither grows nor ends a run over the threshold.
        let threshold = match self.evidence_short(track, at) {
            Some(why) => Err(why),
            None => threshold,
        };
        if let Ok(v) = value {
            track.history.push(v);
            track.last_good_at = Some(at);
            match threshold.map(|t| t.level(v)) {
                Ok(Level::Over) => {
                    track.over_since.get_or_insert(at);
                    track.over_samples += 1;
                    track.breached = track.breached || self.persisted(track, at);
                }
                Ok(_) => {
                    track.over_since = None;
                    track.over_samples = 0;
                    track.breached = false;
                }
                // Without a usable threshold the run neither grows nor ends.
                Err(_) => {}
            }
        }
        track.latest = Some(Sample { at, value });
    }

    /// Record a new sample of the baseline.
    pub fn observe_baseline(
        &self,
        track: &mut ConditionTrack,
        at: DateTime<Utc>,
        value: Result<f64, String>,
    ) {
        track.baseline = Some(Sample { at, value });
    }

    /// Record a new reading of the canary's traffic (a condition with a minimum).
    pub fn observe_traffic(
        &self,
        track: &mut ConditionTrack,
        at: DateTime<Utc>,
        value: Result<f64, String>,
    ) {
        track.traffic = Some(Sample { at, value });
    }

    /// Why the traffic behind the value is not enough at `at`; None when it is, or when the
    /// condition asks for no minimum.
    fn evidence_short(&self, track: &ConditionTrack, at: DateTime<Utc>) -> Option<String> {
        let floor = self.min_traffic.as_ref()?;
        floor.judge(track.traffic.as_ref(), self.stale_after, at).0
    }

    /// Judge the condition at `now`. Missing, failed or stale data is unknown; a confirmed
    /// breach is not hidden by data that went missing after it.
    pub fn status(
        &self,
        track: &ConditionTrack,
        over: Option<&super::plan::ThresholdOverride>,
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
        over: Option<&super::plan::ThresholdOverride>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    fn spec(persistence: Persistence) -> ConditionSpec {
        ConditionSpec {
            id: "error_rate".into(),
            label: "Error rate".into(),
            value: 0,
            threshold: Threshold {
                max: Some(0.02),
                min: None,
                warn: Some(0.01),
            },
            relative: None,
            persistence,
            unit: Unit {
                suffix: "%".into(),
                scale: 100.0,
                decimals: 2,
            },
            stale_after: Duration::from_secs(15),
            min_traffic: None,
            observe: false,
            compare: None,
            critical: false,
        }
    }

    fn feed(spec: &ConditionSpec, track: &mut ConditionTrack, at: i64, v: Result<f64, String>) {
        let th = spec.effective(None, track);
        spec.observe(track, t(at), v, th);
    }

    #[test]
    fn levels_follow_thresholds() {
        let s = spec(Persistence::Immediate);
        let mut track = ConditionTrack::default();
        feed(&s, &mut track, 0, Ok(0.005));
        assert_eq!(s.status(&track, None, t(1)).state, CondState::Ok);
        feed(&s, &mut track, 5, Ok(0.015));
        assert_eq!(s.status(&track, None, t(6)).state, CondState::Warn);
        feed(&s, &mut track, 10, Ok(0.03));
        let st = s.status(&track, None, t(11));
        assert_eq!(st.state, CondState::Breached);
        assert_eq!(st.why.as_deref(), Some("3.00% above max"));
    }

    #[test]
    fn no_sample_is_unknown_not_healthy() {
        let s = spec(Persistence::Immediate);
        let st = s.status(&ConditionTrack::default(), None, t(0));
        assert_eq!(st.state, CondState::Unknown);
        assert_eq!(st.why.as_deref(), Some("no data yet"));
    }

    #[test]
    fn failed_or_missing_value_is_unknown_with_reason() {
        let s = spec(Persistence::Immediate);
        let mut track = ConditionTrack::default();
        feed(&s, &mut track, 0, Ok(0.001));
        feed(&s, &mut track, 5, Err("timeout after 2s".into()));
        let st = s.status(&track, None, t(6));
        assert_eq!(st.state, CondState::Unknown);
        assert_eq!(st.why.as_deref(), Some("timeout after 2s"));
    }

    #[test]
    fn stale_sample_is_unknown() {
        let s = spec(Persistence::Immediate);
        let mut track = ConditionTrack::default();
        feed(&s, &mut track, 0, Ok(0.001));
        assert_eq!(s.status(&track, None, t(15)).state, CondState::Ok);
        let st = s.status(&track, None, t(47));
        assert_eq!(st.state, CondState::Unknown);
        assert_eq!(st.why.as_deref(), Some("stale: last value 47s ago"));
    }

    #[test]
    fn persistence_for_needs_the_breach_to_hold() {
        let s = spec(Persistence::For(Duration::from_secs(120)));
        let mut track = ConditionTrack::default();
        feed(&s, &mut track, 0, Ok(0.05));
        let st = s.status(&track, None, t(5));
        assert_eq!(st.state, CondState::Warn, "one noisy sample is no breach");
        assert_eq!(st.confirming.as_deref(), Some("over for 5s of 2m"));
        // The noise goes away: the run resets.
        feed(&s, &mut track, 10, Ok(0.001));
        feed(&s, &mut track, 20, Ok(0.05));
        feed(&s, &mut track, 135, Ok(0.05));
        assert_eq!(s.status(&track, None, t(136)).state, CondState::Warn);
        feed(&s, &mut track, 140, Ok(0.05));
        assert_eq!(s.status(&track, None, t(140)).state, CondState::Breached);
    }

    #[test]
    fn persistence_samples_counts_consecutive_samples() {
        let s = spec(Persistence::Samples(3));
        let mut track = ConditionTrack::default();
        feed(&s, &mut track, 0, Ok(0.05));
        feed(&s, &mut track, 5, Ok(0.05));
        assert_eq!(s.status(&track, None, t(6)).state, CondState::Warn);
        feed(&s, &mut track, 10, Ok(0.001));
        feed(&s, &mut track, 15, Ok(0.05));
        feed(&s, &mut track, 20, Ok(0.05));
        assert_eq!(s.status(&track, None, t(21)).state, CondState::Warn);
        feed(&s, &mut track, 25, Ok(0.05));
        assert_eq!(s.status(&track, None, t(26)).state, CondState::Breached);
        // Recovery ends the breach at once.
        feed(&s, &mut track, 30, Ok(0.001));
        assert_eq!(s.status(&track, None, t(31)).state, CondState::Ok);
    }

    #[test]
    fn a_confirmed_breach_does_not_hide_when_data_goes_missing() {
        let s = spec(Persistence::Immediate);
        let mut track = ConditionTrack::default();
        feed(&s, &mut track, 0, Ok(0.05));
        feed(&s, &mut track, 5, Err("HTTP 503".into()));
        let st = s.status(&track, None, t(6));
        assert_eq!(st.state, CondState::Breached);
        assert_eq!(st.why.as_deref(), Some("breached, then HTTP 503"));
    }

    #[test]
    fn stage_override_replaces_the_threshold() {
        let s = spec(Persistence::Immediate);
        let mut track = ConditionTrack::default();
        let loose = super::super::plan::ThresholdOverride {
            max: Some(0.1),
            ..Default::default()
        };
        let th = s.effective(Some(&loose), &track);
        s.observe(&mut track, t(0), Ok(0.05), th);
        assert_eq!(s.status(&track, Some(&loose), t(1)).state, CondState::Warn);
    }

    #[test]
    fn relative_condition_follows_the_baseline() {
        let mut s = spec(Persistence::Immediate);
        s.threshold = Threshold::default();
        s.relative = Some(Relative {
            baseline: 1,
            factor: 1.5,
            offset: 0.001,
        });
        let mut track = ConditionTrack::default();
        feed(&s, &mut track, 0, Ok(0.01));
        let st = s.status(&track, None, t(1));
        assert_eq!(st.state, CondState::Unknown, "no baseline yet: unknown");
        s.observe_baseline(&mut track, t(2), Ok(0.01));
        feed(&s, &mut track, 3, Ok(0.015));
        assert_eq!(s.status(&track, None, t(4)).state, CondState::Ok);
        feed(&s, &mut track, 5, Ok(0.017));
        assert_eq!(s.status(&track, None, t(6)).state, CondState::Breached);
    }

    #[test]
    fn min_thresholds_breach_below() {
        let s = ConditionSpec {
            threshold: Threshold {
                max: None,
                min: Some(0.99),
                warn: Some(0.995),
            },
            ..spec(Persistence::Immediate)
        };
        let mut track = ConditionTrack::default();
        feed(&s, &mut track, 0, Ok(0.999));
        assert_eq!(s.status(&track, None, t(0)).state, CondState::Ok);
        feed(&s, &mut track, 1, Ok(0.993));
        assert_eq!(s.status(&track, None, t(1)).state, CondState::Warn);
        feed(&s, &mut track, 2, Ok(0.98));
        assert_eq!(s.status(&track, None, t(2)).state, CondState::Breached);
    }
}
