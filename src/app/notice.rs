//! Announcements for the notification webhooks, made from what is journaled.

use super::{Effect, State};
use crate::core::describe::{self, Voice};
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
    // A notice tells of every record.
    describe::tell(r, Voice::Notice).map_or_else(String::new, |t| t.text)
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
                // An observe-only condition is on trial: journaled, not announced.
                Effect::Journal(r) if r.observe_only => {}
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
