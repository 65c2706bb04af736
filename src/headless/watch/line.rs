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
//! `action_succeeded`, `action_failed`, `action_outcome_unknown`, `action_resolved`, `override`,
//! `rolled_back`, `checklist`, `cockpit`, `journal_repaired`; anything else is `note` (the
//! names of `core::event::Kind`).

use crate::app::{Kind, LogEntry, LogLevel};
use crate::core::describe::{self, Voice};
use crate::core::record::Record;
use crate::headless::Format;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub ts: DateTime<Utc>,
    pub level: LogLevel,
    pub kind: Kind,
    pub text: String,
    pub verdict: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<String>,
}

impl Line {
    pub fn from_log(e: &LogEntry, verdict: &str) -> Line {
        Line {
            ts: e.at,
            level: e.level,
            kind: e.kind,
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
        let told = describe::tell(r, Voice::Watch)?;
        Some(Line {
            ts: r.ts,
            level: told.level,
            kind: told.kind,
            text: told.text,
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
                self.level.name().to_uppercase(),
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
    use crate::core::record::{Context, Event};
    use chrono::TimeZone;

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
