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
//!                          attempt, SEMANTICS §6),
//!   "automatic": { "policy": "auto-rollback" | "auto-promote", "evidence": [string],
//!                  "countdown_s": integer }
//!                         (only on an automatic action's request, on a veto of one (kind
//!                          "armed", with "vetoed"), and on a countdown starting or firing),
//!   "vetoed": string      (only on a veto: its reason),
//!   "armed": { "rollback": bool, "promote": bool, "countdown_s": integer }
//!                         (only on an arming change: what is armed now) }
//! ```
//!
//! `text` is never cut short, whatever its length.
//!
//! Kinds: `started`, `verdict`, `stage_entered`, `breach_began`, `breach_ended`,
//! `drift_began`, `drift_ended`,
//! `source_down`, `source_up`, `traffic`, `stopping`, and from the journal `action_requested`,
//! `action_succeeded`, `action_failed`, `action_outcome_unknown`, `action_resolved`, `override`,
//! `rolled_back`, `checklist`, `hold`, `armed` (automation armed or disarmed, a veto, a
//! countdown), `cockpit`, `journal_repaired`; anything else is `note` (the names of
//! `core::event::Kind`).

use crate::app::{Kind, LogEntry, LogLevel};
use crate::core::describe::{self, Voice};
use crate::core::record::{ArmedMark, AutoMark, Event, Record};
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
    /// The policy and evidence of an automatic action (requested, counting down or vetoed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automatic: Option<AutoMark>,
    /// A veto's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vetoed: Option<String>,
    /// What is armed now, on an arming change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub armed: Option<ArmedMark>,
}

impl Line {
    /// A line of this watcher's own, of `kind`, with nothing from the journal.
    pub fn own(
        ts: DateTime<Utc>,
        level: LogLevel,
        kind: Kind,
        text: String,
        verdict: &str,
    ) -> Line {
        Line {
            ts,
            level,
            kind,
            text,
            verdict: verdict.to_string(),
            reasons: Vec::new(),
            operator: None,
            attempt: None,
            automatic: None,
            vetoed: None,
            armed: None,
        }
    }

    pub fn from_log(e: &LogEntry, verdict: &str) -> Line {
        Line::own(e.at, e.level, e.kind, e.text.clone(), verdict)
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
            automatic: r.auto.clone(),
            vetoed: (r.event == Event::AutoVetoed).then(|| r.reason.clone().unwrap_or_default()),
            armed: r.armed,
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

    fn auto_record(event: Event) -> Record {
        let mut r = Record::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 3, 14, 0).unwrap(),
            event,
            Context {
                operator: "ci".into(),
                host: "runner7".into(),
                ..Default::default()
            },
        );
        r.auto = Some(AutoMark {
            policy: crate::core::autopilot::Policy::AutoRollback,
            evidence: vec!["Error rate 9.00% above max 2.00%".into()],
            countdown_s: 30,
        });
        r
    }

    #[test]
    fn an_automatic_request_says_so_in_words_and_as_data() {
        let mut r = auto_record(Event::ActionRequested);
        r.action = Some("rollback".into());
        let line = Line::from_record(&r, "ROLLBACK ADVISED").unwrap();
        assert_eq!(
            line.render(Format::Text),
            "2026-03-02T03:14:00Z INFO  rollback requested AUTOMATICALLY on ci@runner7: auto-rollback (Error rate 9.00% above max 2.00%)"
        );
        let json: serde_json::Value = serde_json::from_str(&line.render(Format::Json)).unwrap();
        assert_eq!(json["kind"], "action_requested");
        assert_eq!(json["automatic"]["policy"], "auto-rollback");
        assert_eq!(
            json["automatic"]["evidence"][0],
            "Error rate 9.00% above max 2.00%"
        );
        assert_eq!(json["automatic"]["countdown_s"], 30);
        assert!(json.get("vetoed").is_none());
        // A manual request carries no automatic field.
        r.auto = None;
        let manual = Line::from_record(&r, "ROLLBACK ADVISED").unwrap();
        assert!(!manual.render(Format::Json).contains("automatic"));
    }

    #[test]
    fn a_veto_and_an_arming_change_are_told_with_their_data() {
        let mut veto = auto_record(Event::AutoVetoed);
        veto.reason = Some("the spike is the load test".into());
        let line = Line::from_record(&veto, "ROLLBACK ADVISED").unwrap();
        assert_eq!(
            line.render(Format::Text),
            "2026-03-02T03:14:00Z WARN  auto-rollback (Error rate 9.00% above max 2.00%) vetoed by ci@runner7: \"the spike is the load test\""
        );
        let json: serde_json::Value = serde_json::from_str(&line.render(Format::Json)).unwrap();
        assert_eq!(json["kind"], "armed");
        assert_eq!(json["vetoed"], "the spike is the load test");
        assert_eq!(json["automatic"]["policy"], "auto-rollback");

        let mut armed = auto_record(Event::ArmedChanged);
        armed.auto = None;
        armed.armed = Some(ArmedMark {
            rollback: true,
            promote: false,
            countdown_s: 30,
        });
        armed.detail = Some("--armed".into());
        let line = Line::from_record(&armed, "HOLD").unwrap();
        assert!(
            line.text
                .starts_with("ARMED: auto-rollback (countdown 30 s) by --armed"),
            "{}",
            line.text
        );
        let json: serde_json::Value = serde_json::from_str(&line.render(Format::Json)).unwrap();
        assert_eq!(json["armed"]["rollback"], true);
        assert_eq!(json["armed"]["promote"], false);
        assert!(json.get("automatic").is_none());
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
