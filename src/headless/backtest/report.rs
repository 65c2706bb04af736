//! What a backtest found, as data (`--format json` writes it as it is) and as text.

use crate::core::short_duration;
use crate::core::verdict::VerdictKind;
use crate::headless::table;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt::Write;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// "checkout-api 2.14.0 · production"
    pub release: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub step_seconds: f64,
    /// Per stage entry in the window (one, unless the journal says the stage changed), what
    /// each condition did.
    pub stages: Vec<StageReport>,
    /// Conditions whose history cannot be read, and why: not in the verdict.
    pub not_replayable: Vec<NotReplayable>,
    /// What the verdict assumes, and what could not be read.
    pub notes: Vec<String>,
    /// The verdict each time it changed: the first at `from`.
    pub verdicts: Vec<VerdictChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageReport {
    /// 1 for the first stage of the plan; null while no stage is live.
    pub number: Option<usize>,
    pub name: Option<String>,
    /// "canary (1%)", "rolled back from canary (1%)", "no stage live"
    pub label: String,
    /// When the stage was entered (before the window, when the journal says so).
    pub entered_at: Option<DateTime<Utc>>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// How the stage was chosen, said plainly.
    pub assumed: String,
    pub conditions: Vec<ConditionReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionReport {
    pub id: String,
    pub label: String,
    /// The limit in force at the stage: "≤ 2.00%".
    pub limit: String,
    /// "for 2m", "3 samples", "immediate".
    pub persistence: String,
    /// First WARN as the cockpit shows it: over its warn level, or over its limit and not yet
    /// for long enough.
    pub first_warn: Option<Moment>,
    /// First BREACH, after persistence.
    pub first_breach: Option<Moment>,
    /// How many breaches began.
    pub breaches: u32,
    pub breached_seconds: u64,
    /// How long it was unknown (no data, stale, failed read): never counted as healthy.
    pub unknown_seconds: u64,
    pub first_unknown: Option<Moment>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moment {
    pub at: DateTime<Utc>,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotReplayable {
    pub id: String,
    pub label: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictChange {
    pub at: DateTime<Utc>,
    #[serde(skip)]
    pub kind: VerdictKind,
    /// "ROLLBACK ADVISED"
    pub verdict: String,
    /// "rollback_advised", as `check --format json` names it.
    pub code: String,
    /// The first reason given.
    pub reason: String,
}

/// Times of day, with the date too when the window spans more than one UTC day.
#[derive(Clone, Copy)]
struct Clock {
    dated: bool,
}

impl Clock {
    fn of(b: &Backtest) -> Clock {
        Clock {
            dated: b.from.date_naive() != b.to.date_naive(),
        }
    }

    fn at(self, t: DateTime<Utc>) -> String {
        let format = if self.dated {
            "%m-%d %H:%M:%S"
        } else {
            "%H:%M:%S"
        };
        t.format(format).to_string()
    }

    fn moment(self, m: &Option<Moment>) -> String {
        m.as_ref().map_or("-".to_string(), |m| self.at(m.at))
    }
}

fn seconds(s: u64) -> String {
    short_duration(Duration::from_secs(s))
}

/// The report for people.
pub fn text(b: &Backtest) -> String {
    let clock = Clock::of(b);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "backtest {} · {} – {} UTC · step {}",
        b.release,
        b.from.format("%Y-%m-%d %H:%M:%S"),
        b.to.format("%Y-%m-%d %H:%M:%S"),
        humantime::format_duration(Duration::from_secs_f64(b.step_seconds))
    );
    for n in &b.notes {
        let _ = writeln!(out, "note: {n}");
    }
    for s in &b.stages {
        let _ = writeln!(
            out,
            "\n{} · {}–{} UTC\n  {}",
            match s.number {
                Some(n) => format!("stage {n} {}", s.label),
                None => s.label.clone(),
            },
            clock.at(s.from),
            clock.at(s.to),
            s.assumed
        );
        let rows: Vec<Vec<String>> = s
            .conditions
            .iter()
            .map(|c| {
                vec![
                    c.label.clone(),
                    c.limit.clone(),
                    c.persistence.clone(),
                    clock.moment(&c.first_warn),
                    clock.moment(&c.first_breach),
                    c.breaches.to_string(),
                    seconds(c.unknown_seconds),
                ]
            })
            .collect();
        let header = [
            "CONDITION",
            "LIMIT",
            "PERSISTENCE",
            "FIRST WARN",
            "FIRST BREACH",
            "BREACHES",
            "UNKNOWN",
        ];
        out.push_str(&table::render(&header, &rows, 2));
        for c in &s.conditions {
            if let Some(m) = &c.first_breach {
                let _ = writeln!(
                    out,
                    "  {} breached at {}: {}",
                    c.label,
                    clock.at(m.at),
                    m.why
                );
            }
            if let Some(m) = &c.first_unknown {
                let _ = writeln!(
                    out,
                    "  {} unknown for {} in all, first at {}: {}",
                    c.label,
                    seconds(c.unknown_seconds),
                    clock.at(m.at),
                    m.why
                );
            }
        }
    }
    if !b.not_replayable.is_empty() {
        let _ = writeln!(out, "\nnot replayable (not in the verdict):");
        for n in &b.not_replayable {
            let _ = writeln!(out, "  {}: {}", n.label, n.reason);
        }
    }
    let _ = writeln!(out, "\nverdict timeline");
    let rows: Vec<Vec<String>> = b
        .verdicts
        .iter()
        .map(|v| vec![clock.at(v.at), v.verdict.clone(), v.reason.clone()])
        .collect();
    out.push_str(&table::render(&["AT", "VERDICT", "FIRST REASON"], &rows, 2));
    out
}
