//! One line per change: from the app's log, or from a record another cockpit journaled.
//!
//! JSON Lines (`--format json`), one object per line:
//!
//! ```text
//! { "ts": string (RFC 3339 UTC), "level": "info" | "good" | "warn" | "error",
//!   "kind": string, "text": string, "verdict": string (the verdict after this change),
//!   "reasons": [string]   (only on kind "verdict": every reason of the new verdict),
//!   "operator": string    (only on lines from the journal: who did it),
//!   "attempt": string     (only on lines from journal records that carry one: the release
//!                          attempt, SEMANTICS §6) }
//! ```
//!
//! `text` is never cut short, whatever its length.
//!
//! Kinds: `started`, `verdict`, `stage_entered`, `breach_began`, `breach_ended`,
//! `drift_began`, `drift_ended`,
//! `source_down`, `source_up`, `traffic`, `stopping`, and from the journal `action_requested`,
//! `action_succeeded`, `action_failed`, `action_outcome_unknown`, `override`, `rolled_back`,
//! `checklist`, `cockpit`, `journal_repaired`; anything else is `note`.

use crate::app::{LogEntry, LogLevel};
use crate::core::reading::format_number;
use crate::core::record::{Event, Record};
use crate::headless::Format;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub ts: DateTime<Utc>,
    pub level: &'static str,
    pub kind: &'static str,
    pub text: String,
    pub verdict: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<String>,
}

pub fn level(l: LogLevel) -> &'static str {
    match l {
        LogLevel::Info => "info",
        LogLevel::Good => "good",
        LogLevel::Warn => "warn",
        LogLevel::Error => "error",
    }
}

/// What a log entry of the app is about, by the words the app writes it with.
pub fn kind_of(text: &str) -> &'static str {
    if text.starts_with("verdict ") {
        "verdict"
    } else if text.starts_with("breach began:") {
        "breach_began"
    } else if text.starts_with("breach ended:") {
        "breach_ended"
    } else if text.starts_with("drift began:") {
        "drift_began"
    } else if text.starts_with("drift ended:") {
        "drift_ended"
    } else if text.starts_with("stage ") && text.contains(" entered") {
        "stage_entered"
    } else if text.starts_with("source ")
        && (text.ends_with(": answering again") || text.ends_with(": values usable again"))
    {
        "source_up"
    } else if text.starts_with("source ") {
        "source_down"
    } else if text.starts_with("live traffic changed") {
        "traffic"
    } else if text.contains(" received, stopping") {
        "stopping"
    } else if text.starts_with("rolled back from") {
        "rolled_back"
    } else {
        "note"
    }
}

impl Line {
    pub fn from_log(e: &LogEntry, verdict: &str) -> Line {
        Line {
            ts: e.at,
            level: level(e.level),
            kind: kind_of(&e.text),
            text: e.text.clone(),
            verdict: verdict.to_string(),
            reasons: Vec::new(),
            operator: None,
            attempt: None,
        }
    }

    /// A line for a record another cockpit journaled, when it is news to a watcher: actions,
    /// overrides, stages, rollbacks, checklist ticks, cockpits starting and stopping. Breaches
    /// and drift are left out: the watcher sees them itself; bake checkpoints are bookkeeping.
    pub fn from_record(r: &Record, verdict: &str) -> Option<Line> {
        let who = format!("{}@{}", r.context.operator, r.context.host);
        let action = r.action.as_deref().unwrap_or("action");
        let stage = r.stage.as_deref().map(|s| match r.traffic {
            Some(t) if !s.ends_with('%') => format!("{s} ({}%)", format_number(t)),
            _ => s.to_string(),
        });
        let reason = r
            .reason
            .as_deref()
            .map(|x| format!(": \"{x}\""))
            .unwrap_or_default();
        let outcome = r
            .outcome
            .as_deref()
            .map(|x| format!(": {x}"))
            .unwrap_or_default();
        let (level, kind, text) = match r.event {
            Event::ActionRequested => (
                "info",
                "action_requested",
                format!("{action} requested by {who}{reason}"),
            ),
            Event::ActionSucceeded => (
                "good",
                "action_succeeded",
                format!("{action} by {who}{outcome}"),
            ),
            Event::ActionFailed => (
                "error",
                "action_failed",
                format!("{action} by {who}{outcome}"),
            ),
            Event::ActionOutcomeUnknown => (
                "error",
                "action_outcome_unknown",
                format!("{action} by {who}{outcome}"),
            ),
            Event::Override => (
                "warn",
                "override",
                format!(
                    "override by {who}: {}{reason}",
                    r.detail.as_deref().unwrap_or(action)
                ),
            ),
            Event::RolledBack => (
                "warn",
                "rolled_back",
                format!(
                    "rolled back from {} (journaled by {who})",
                    stage.as_deref().unwrap_or("no live stage")
                ),
            ),
            Event::StageEntered => (
                "info",
                "stage_entered",
                format!(
                    "stage {} entered (journaled by {who}){}",
                    stage.as_deref().unwrap_or("?"),
                    r.detail
                        .as_deref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ),
            ),
            Event::ChecklistTicked => (
                "info",
                "checklist",
                format!(
                    "checklist \"{}\" {} by {who}",
                    r.detail.as_deref().unwrap_or("?"),
                    r.outcome.as_deref().unwrap_or("ticked")
                ),
            ),
            Event::CockpitStarted => (
                "info",
                "cockpit",
                format!(
                    "cockpit of {who} started{}",
                    r.detail
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                ),
            ),
            Event::CockpitStopped => match &r.action_id {
                Some(id) => (
                    "error",
                    "cockpit",
                    format!(
                        "cockpit of {who} stopped with {action} {id} in flight: outcome unknown"
                    ),
                ),
                None => ("info", "cockpit", format!("cockpit of {who} stopped")),
            },
            Event::ActionResolved => (
                "info",
                "action_resolved",
                format!(
                    "{action} {}",
                    r.resolution
                        .as_ref()
                        .map_or_else(|| "settled".to_string(), |res| res.describe(&who))
                ),
            ),
            Event::JournalRepaired => (
                "warn",
                "journal_repaired",
                format!(
                    "journal repaired by {who}: {}",
                    r.detail.as_deref().unwrap_or("a torn last line set aside")
                ),
            ),
            Event::BreachBegan
            | Event::BreachEnded
            | Event::DriftBegan
            | Event::DriftEnded
            | Event::BakeCheckpoint => return None,
        };
        Some(Line {
            ts: r.ts,
            level,
            kind,
            text,
            verdict: verdict.to_string(),
            reasons: Vec::new(),
            operator: Some(r.context.operator.clone()),
            attempt: r.attempt.clone(),
        })
    }

    /// The line as written: `2026-03-02T10:15:00Z WARN  text`, with ` [attempt ID]` after a
    /// record's text that carries one, or one JSON object.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => format!(
                "{} {:<5} {}{}",
                self.ts.format("%Y-%m-%dT%H:%M:%SZ"),
                self.level.to_uppercase(),
                self.text,
                self.attempt
                    .as_deref()
                    .map(|a| format!(" [attempt {a}]"))
                    .unwrap_or_default()
            ),
            Format::Json => serde_json::to_string(self).unwrap_or_else(|e| {
                format!("{{\"level\":\"error\",\"kind\":\"note\",\"text\":\"{e}\"}}")
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Context;
    use chrono::TimeZone;

    #[test]
    fn log_words_map_to_kinds() {
        assert_eq!(kind_of("verdict HOLD: canary baking"), "verdict");
        assert_eq!(
            kind_of("breach began: Canary error rate: 5% > 2%"),
            "breach_began"
        );
        assert_eq!(
            kind_of("breach ended: Canary error rate is OK"),
            "breach_ended"
        );
        assert_eq!(
            kind_of("stage 5% entered: promoted by ana"),
            "stage_entered"
        );
        assert_eq!(kind_of("source prometheus: HTTP 503"), "source_down");
        assert_eq!(kind_of("source prometheus: answering again"), "source_up");
        assert_eq!(
            kind_of("source prometheus: values usable again"),
            "source_up"
        );
        assert_eq!(kind_of("source prometheus: value is NaN"), "source_down");
        assert_eq!(kind_of("SIGTERM received, stopping"), "stopping");
        assert_eq!(
            kind_of("drift began: tracked 5%, live traffic 10%"),
            "drift_began"
        );
        assert_eq!(
            kind_of("drift ended: live traffic 5% agrees with the tracked stage"),
            "drift_ended"
        );
        assert_eq!(kind_of("something else"), "note");
    }

    #[test]
    fn an_override_names_who_and_why_and_renders_as_one_line() {
        let mut r = Record::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 10, 15, 0).unwrap(),
            Event::Override,
            Context {
                operator: "ana".into(),
                host: "ops1".into(),
                ..Default::default()
            },
        );
        r.reason = Some("hotfix for the outage".into());
        r.detail = Some("promote while the verdict is HOLD".into());
        let line = Line::from_record(&r, "HOLD").unwrap();
        assert_eq!(
            line.render(Format::Text),
            "2026-03-02T10:15:00Z WARN  override by ana@ops1: promote while the verdict is HOLD: \"hotfix for the outage\""
        );
        let json: serde_json::Value = serde_json::from_str(&line.render(Format::Json)).unwrap();
        assert_eq!(json["kind"], "override");
        assert_eq!(json["operator"], "ana");
        assert!(
            json.get("attempt").is_none(),
            "no attempt recorded, none shown"
        );
        assert!(!line.render(Format::Json).contains('\n'));
    }

    #[test]
    fn a_record_s_attempt_is_shown_in_both_formats() {
        let mut r = Record::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 10, 15, 0).unwrap(),
            Event::RolledBack,
            Context {
                operator: "ana".into(),
                host: "ops1".into(),
                ..Default::default()
            },
        );
        r.stage = Some("canary".into());
        r.attempt = Some("att-42".into());
        let line = Line::from_record(&r, "NO-GO UNTIL VERIFIED").unwrap();
        assert_eq!(
            line.render(Format::Text),
            "2026-03-02T10:15:00Z WARN  rolled back from canary (journaled by ana@ops1) [attempt att-42]"
        );
        let json: serde_json::Value = serde_json::from_str(&line.render(Format::Json)).unwrap();
        assert_eq!(json["attempt"], "att-42");
    }
}
