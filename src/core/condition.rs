//! Stop conditions: one value against its thresholds, with persistence and staleness.
//!
//! The spec (what a condition asks) is here; what the cockpit remembers between samples is in
//! `state`, and how a condition is judged at an instant in `evaluate`.

mod evaluate;
mod state;

pub use evaluate::{CondState, ConditionStatus};
pub use state::{ConditionTrack, Sample};

use super::min_traffic::MinTraffic;
use super::reading::SignalId;
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

#[cfg(test)]
#[path = "condition_tests.rs"]
mod tests;
