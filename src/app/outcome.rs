//! How a dispatched action ended, as the runner reports it (`actions::Outcome`): journaled,
//! shown, and a success moves the release.

use super::approve::ActionKind;
use super::unresolved::{Unresolved, WhyUnknown};
use super::{Effect, Kind, LogLevel, State};
use crate::actions::Outcome;
use chrono::{DateTime, Utc};

/// How an `action_outcome_unknown` record's outcome begins, before the reason. The record has
/// no field of its own for the reason, so a restarted cockpit takes it back from after this
/// (`resume::unknown_of`); one constant keeps the writer and that reader agreeing.
pub(super) const UNKNOWN: &str = "outcome unknown: ";

/// Why an outcome is unknown, with the status and body the target answered, if any.
fn unknown_reason(reason: &str, status: Option<u16>, excerpt: &str) -> String {
    match status {
        Some(s) => format!(
            "{reason} (HTTP {s}{})",
            if excerpt.is_empty() {
                String::new()
            } else {
                format!(": {excerpt}")
            }
        ),
        None => reason.to_string(),
    }
}

impl State {
    /// The runtime reports how a dispatched action ended.
    pub(super) fn action_done(
        &mut self,
        id: &str,
        outcome: Outcome,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(flight) = self.session.in_flight.take().filter(|f| f.id == id) else {
            return;
        };
        let name = flight.kind.name(&self.setup.actions).to_string();
        let mut unknown = None;
        let (level, text, outcome_text) = match &outcome {
            Outcome::Succeeded {
                status,
                latency,
                excerpt,
            } => (
                LogLevel::Good,
                format!(
                    "{name} succeeded: HTTP {status} in {} ms",
                    latency.as_millis()
                ),
                format!(
                    "succeeded: HTTP {status} in {} ms: {excerpt}",
                    latency.as_millis()
                ),
            ),
            Outcome::Failed {
                status,
                reason,
                excerpt,
                ..
            } => (
                LogLevel::Error,
                format!("{name} failed: {reason}"),
                format!(
                    "failed{}: {reason}{}",
                    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default(),
                    if excerpt.is_empty() {
                        String::new()
                    } else {
                        format!(": {excerpt}")
                    }
                ),
            ),
            Outcome::Unknown {
                status,
                reason,
                what_to_check,
                excerpt,
                ..
            } => {
                let reason = unknown_reason(reason, *status, excerpt);
                let shown = (
                    LogLevel::Error,
                    format!("{name} OUTCOME UNKNOWN: {reason} — {what_to_check}"),
                    format!("{UNKNOWN}{reason}"),
                );
                unknown = Some((reason, what_to_check.clone()));
                shown
            }
            Outcome::NotSent { reason } => (
                LogLevel::Error,
                format!("{name} not sent: {reason}"),
                format!("not sent: {reason}"),
            ),
        };
        let mut record = self.record(outcome.event(), now);
        record.action = Some(name.as_str().into());
        record.action_id = Some(flight.id.clone());
        record.outcome = Some(outcome_text);
        if let Some((reason, what_to_check)) = unknown {
            // Kept with the record, so a restart can say what to check.
            record.detail = Some(what_to_check.clone());
            self.outcome_unknown(Unresolved {
                kind: flight.kind,
                id: flight.id.clone(),
                sent: flight.started,
                why: WhyUnknown::Answer(reason),
                check: what_to_check,
            });
        }
        fx.push(Effect::Journal(Box::new(record)));
        self.toast_as(now, level, Kind::Note, text);
        if let Outcome::Succeeded { .. } = outcome {
            // A rollback that answered: its restore is waited for (news.rs).
            self.release.journaled.restoring = matches!(flight.kind, ActionKind::Rollback { .. })
                .then_some(crate::core::restore::Restoring {
                    requested: flight.started,
                    succeeded: now,
                });
            self.release.journaled.rolled_back_attempt = self.release.attempt.clone();
            let why = format!("{name} by {} succeeded", self.session.context.operator);
            let why = match flight.kind {
                ActionKind::Promote { .. } => {
                    format!("promoted by {}", self.session.context.operator)
                }
                _ => why,
            };
            self.apply_move(flight.kind, now, &why, fx);
        }
    }
}
