//! What the driving cockpit journals of what it judges itself: the verdict taking another
//! kind, a source becoming unusable or usable again, and the restore after a rollback. Each
//! once per change, compared with what the journal already says (read back at start, so a
//! restart journals nothing new for a verdict or an outage that merely lasted); nothing per
//! tick. Observers judge the same and write nothing (`update` drops their journal effects).

use super::{Effect, Kind, LogLevel, State};
use crate::core::action::Action;
use crate::core::record::{Context, Event, Record};
use crate::core::restore::{Health, Restoring};
use chrono::{DateTime, Utc};

/// The first reasons a `verdict_changed` record carries.
const REASONS: usize = 3;

/// What the journal says of the verdict and the sources, as far as this cockpit knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Journaled {
    /// The verdict's label in the last `verdict_changed` of this attempt.
    pub verdict: Option<String>,
    /// The sources whose last record says they are down, by name.
    pub down: Vec<String>,
    /// A rollback that succeeded, its restore not yet seen.
    pub restoring: Option<Restoring>,
    /// The attempt the rollback ended: its restore is reported with it.
    pub rolled_back_attempt: Option<String>,
}

/// What this release's current attempt journaled of the verdict and the sources.
pub fn journaled_from(records: &[Record], ctx: &Context) -> Journaled {
    let mut j = Journaled::default();
    let mut rollback = None;
    for r in super::resume::current_attempt(records, ctx) {
        let is_rollback = r.action == Some(Action::Rollback);
        match (r.event, &r.source) {
            (Event::VerdictChanged, _) => j.verdict.clone_from(&r.verdict),
            (Event::SourceDown, Some(s)) if !j.down.contains(s) => j.down.push(s.clone()),
            (Event::SourceUp, Some(s)) => j.down.retain(|d| d != s),
            (Event::ActionRequested, _) if is_rollback => rollback = Some((&r.action_id, r.ts)),
            // A restart waits on for the restore of a rollback it did not see restored.
            (Event::ActionSucceeded, _) if is_rollback => {
                j.restoring =
                    rollback
                        .filter(|(id, _)| *id == &r.action_id)
                        .map(|(_, requested)| Restoring {
                            requested,
                            succeeded: r.ts,
                        });
                j.rolled_back_attempt.clone_from(&r.attempt);
            }
            (Event::Restored | Event::StageEntered, _) => j.restoring = None,
            _ => {}
        }
    }
    j
}

impl State {
    /// Journal what changed of the verdict, the sources and a rollback's restore since the
    /// journal last said.
    pub(super) fn journal_news(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        self.journal_sources(now, fx);
        self.journal_verdict(now, fx);
        self.journal_restore(now, fx);
    }

    fn journal_verdict(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        // Until every source has answered once, the verdict tells of this cockpit's start,
        // not of the release.
        let waiting = self.release.sources.iter().any(|h| h.last_poll.is_none());
        let label = self.release.eval.verdict.kind.label();
        if waiting || self.release.journaled.verdict.as_deref() == Some(label) {
            return;
        }
        self.release.journaled.verdict = Some(label.to_string());
        let mut r = self.record(Event::VerdictChanged, now);
        r.verdict_reasons.truncate(REASONS);
        fx.push(Effect::Journal(Box::new(r)));
    }

    fn journal_sources(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        for (i, spec) in self.setup.sources.iter().enumerate() {
            let error = self.release.sources[i].last_error.clone();
            let was = self.release.journaled.down.contains(&spec.name);
            if error.is_some() == was {
                continue;
            }
            let event = if was {
                self.release.journaled.down.retain(|d| *d != spec.name);
                Event::SourceUp
            } else {
                self.release.journaled.down.push(spec.name.clone());
                Event::SourceDown
            };
            let mut r = self.record(event, now);
            r.source = Some(spec.name.clone());
            r.detail = error;
            fx.push(Effect::Journal(Box::new(r)));
        }
    }

    fn journal_restore(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let Some(restoring) = self.release.journaled.restoring else {
            return;
        };
        let signals = &self.release.signals;
        let read = |sig: usize| signals.get(sig).and_then(|s| s.as_ref()).map(|s| s.0);
        let health: Vec<Health> = (self.setup.conditions.iter())
            .zip(&self.release.eval.conditions)
            .map(|(spec, status)| Health {
                state: status.state,
                read_at: match spec.relative {
                    Some(rel) => read(spec.value).min(read(rel.baseline)),
                    None => read(spec.value),
                },
            })
            .collect();
        let Some(mark) = restoring.restored(&health, now) else {
            return;
        };
        self.release.journaled.restoring = None;
        let mut r = self.record(Event::Restored, now);
        r.restore = Some(mark);
        r.attempt = self.release.journaled.rolled_back_attempt.take();
        fx.push(Effect::Journal(Box::new(r)));
        let text = format!("restored: {}", mark.words());
        self.log_as(now, LogLevel::Good, Kind::Restored, text);
    }
}
