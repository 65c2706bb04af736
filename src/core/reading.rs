//! What a source reports: one observation per poll, with a reading per signal.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// Index of a source in the setup's source list.
pub type SourceId = usize;
/// Index of a signal (one value a source extracts) in the setup's signal list.
pub type SignalId = usize;

/// One value extracted from a source response.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Number(f64),
    Text(String),
    Bool(bool),
    /// The response was fine but did not hold a usable value; the string says why
    /// ("no value at /data/rate", "empty result", "NaN").
    Missing(String),
}

impl Reading {
    /// The reading as a finite number, if it is one (numeric strings count).
    pub fn number(&self) -> Result<f64, String> {
        match self {
            Reading::Number(n) if n.is_finite() => Ok(*n),
            Reading::Number(n) => Err(format!("value is {n}")),
            Reading::Text(t) => match t.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(n),
                Ok(n) => Err(format!("value is {n}")),
                Err(_) => Err(format!("not a number: {}", clip(t, 24))),
            },
            Reading::Bool(b) => Err(format!("not a number: {b}")),
            Reading::Missing(why) => Err(why.clone()),
        }
    }

    /// The reading as text for comparing with a gate's expected values.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Reading::Number(n) => Some(format_number(*n)),
            Reading::Text(t) => Some(t.clone()),
            Reading::Bool(b) => Some(b.to_string()),
            Reading::Missing(_) => None,
        }
    }
}

/// Numbers as people write them: `1` not `1.0`, `0.025` not `2.5e-2`.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Cut a string to at most `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The result of one poll of one source.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub source: SourceId,
    /// Increases with every poll of this source; older observations are dropped.
    pub seq: u64,
    /// When the poll finished.
    pub at: DateTime<Utc>,
    pub latency: Duration,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The source answered; each signal has its own reading (possibly `Missing`).
    Readings(Vec<(SignalId, Reading)>),
    /// The source failed as a whole ("timeout after 2s", "HTTP 503", "connection refused").
    Failed(String),
}
