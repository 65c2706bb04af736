//! What the cockpit remembers about one condition between observations, and how a new
//! sample changes it.

use super::{ConditionSpec, Level, Persistence, Threshold};
use crate::core::series::Series;
use crate::core::since;
use chrono::{DateTime, Utc};

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

impl ConditionSpec {
    pub(super) fn persisted(&self, track: &ConditionTrack, at: DateTime<Utc>) -> bool {
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
}
