//! Announcements for the notification webhooks, made from what is journaled.

use super::{Effect, State};
use crate::core::record::{Event, Record};

/// One announcement: what happened, in a sentence, with the event it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub event: Event,
    pub message: String,
    pub stage: Option<String>,
}

/// The sentence a chat channel reads for a journal record.
pub fn message(r: &Record) -> String {
    let who = &r.context.operator;
    let stage = r.stage.as_deref().unwrap_or("no stage");
    let action = r.action.as_deref().unwrap_or("action");
    let detail = r.detail.as_deref().unwrap_or("");
    let what = match r.event {
        Event::StageEntered => format!("stage {stage} entered ({detail})"),
        Event::BreachBegan | Event::BreachEnded | Event::DriftBegan | Event::DriftEnded => {
            detail.to_string()
        }
        Event::BakeCheckpoint => format!("stage {stage}: {detail}"),
        Event::RolledBack => format!("rolled back from {stage}"),
        Event::ActionRequested => format!(
            "{action} requested by {who}: \"{}\"",
            r.reason.as_deref().unwrap_or("")
        ),
        Event::ActionSucceeded | Event::ActionFailed | Event::ActionOutcomeUnknown => format!(
            "{action} {} ({who})",
            r.outcome.as_deref().unwrap_or("finished")
        ),
        Event::Override => format!(
            "OVERRIDE by {who}: {action} while the verdict is {} — \"{}\"",
            r.verdict.as_deref().unwrap_or("?"),
            r.reason.as_deref().unwrap_or("")
        ),
        Event::ChecklistTicked => format!(
            "checklist: {} \"{detail}\" ({who})",
            r.outcome.as_deref().unwrap_or("ticked")
        ),
        Event::ActionResolved => format!(
            "{action} {}",
            r.resolution
                .as_ref()
                .map_or_else(|| "settled".to_string(), |res| res.describe(who))
        ),
        Event::CockpitStarted => format!("cockpit started by {who} on {}", r.context.host),
        Event::CockpitStopped => match &r.action_id {
            Some(id) => format!(
                "cockpit stopped by {who} on {} with {action} {id} in flight: its outcome is unknown",
                r.context.host
            ),
            None => format!("cockpit stopped by {who} on {}", r.context.host),
        },
        Event::JournalRepaired => format!("journal repaired by {who}: {detail}"),
    };
    format!(
        "{} {} ({}): {what}",
        r.context.release, r.context.version, r.context.environment
    )
}

fn notice(r: &Record) -> Notice {
    Notice {
        event: r.event,
        message: message(r),
        stage: r.stage.clone(),
    }
}

impl State {
    /// Add a notice for every record among the effects, when notifications are configured.
    pub(super) fn announce(&self, fx: &mut Vec<Effect>) {
        if self.setup.notify.is_empty() {
            return;
        }
        let mut notices = Vec::new();
        for e in fx.iter() {
            match e {
                // A checkpoint is for the journal, not for a chat channel once a minute.
                Effect::Journal(r) if r.event == Event::BakeCheckpoint => {}
                Effect::Journal(r) => notices.push(notice(r)),
                Effect::Dispatch(d) => {
                    notices.extend(d.override_record().map(notice));
                    notices.push(notice(d.requested()));
                }
                _ => {}
            }
        }
        fx.extend(notices.into_iter().map(|n| Effect::Notify(Box::new(n))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Context;
    use chrono::Utc;

    #[test]
    fn a_breach_reads_as_one_sentence() {
        let mut r = Record::new(
            Utc::now(),
            Event::BreachBegan,
            Context {
                operator: "ana".into(),
                host: "ops-1".into(),
                release: "checkout".into(),
                version: "2.0".into(),
                environment: "prod".into(),
            },
        );
        r.detail = Some("breach began: Error rate: 4.70% above max".into());
        assert_eq!(
            message(&r),
            "checkout 2.0 (prod): breach began: Error rate: 4.70% above max"
        );
        r.event = Event::Override;
        r.action = Some("promote".into());
        r.verdict = Some("HOLD".into());
        r.reason = Some("hotfix must ship".into());
        assert_eq!(
            message(&r),
            "checkout 2.0 (prod): OVERRIDE by ana: promote while the verdict is HOLD — \"hotfix must ship\""
        );
    }
}
