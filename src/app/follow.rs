//! An observer follows the operator's cockpit through the journal it writes: stages entered,
//! rollbacks, checklist ticks and actions move the observer's state as they move the operator's.

use super::checklist::tick_of;
use super::position::{same_release, stage_of};
use super::resume::{default_check, kind_of, unknown_of};
use super::unresolved::{Unresolved, WhyUnknown};
use super::{InFlight, LogEntry, State};
use crate::core::describe::{self, Told, Voice};
use crate::core::plan::Position;
use crate::core::record::{Event, Record};
use chrono::{DateTime, Utc};

impl State {
    /// The operator's cockpit journaled an action's outcome as unknown, or stopped with it in
    /// flight: mirrored, so this cockpit's verdict says the same.
    fn follow_unknown(&mut self, r: &Record) {
        let Some(id) = r.action_id.clone() else {
            return;
        };
        let flight = self.session.in_flight.take_if(|f| f.id == id);
        let Some(kind) = flight
            .as_ref()
            .map(|f| f.kind)
            .or_else(|| kind_of(r, &self.setup.plan, &self.setup.actions))
        else {
            return;
        };
        let actions = &self.setup.actions;
        let (why, check) = if r.event == Event::CockpitStopped {
            let why = WhyUnknown::InFlightAtStop {
                at: r.ts,
                clean: true,
            };
            (why, default_check(kind, actions))
        } else {
            unknown_of(r, kind, actions)
        };
        self.outcome_unknown(Unresolved {
            kind,
            id,
            sent: flight.map_or(r.ts, |f| f.started),
            why,
            check,
        });
    }

    pub(super) fn follow(&mut self, records: &[Record], now: DateTime<Utc>) {
        let ctx = self.session.context.clone();
        // Whoever drives the journal, of any release: the cockpit holding it.
        let driver = records
            .iter()
            .fold(self.session.driver.clone(), crate::core::driver::step);
        if driver != self.session.driver {
            self.session.driver = driver;
            self.screen.dirty = true;
        }
        for r in records.iter().filter(|r| same_release(r, &ctx)) {
            self.remember(r);
            if let Some(told) = self.follow_one(r) {
                self.screen.push_log(LogEntry {
                    at: now,
                    level: told.level,
                    kind: told.kind,
                    text: told.text,
                    from_journal: Some(r.event),
                });
            }
        }
    }

    /// Move as the record says the operator's cockpit moved; what to log of it, if anything.
    fn follow_one(&mut self, r: &Record) -> Option<Told> {
        // The entered stage as this cockpit's plan labels it.
        let mut label = None;
        match r.event {
            Event::StageEntered => {
                let stage = stage_of(r, &self.setup.plan)?;
                self.release.position = Some(Position {
                    stage,
                    entered_at: r.ts,
                    rolled_back: false,
                });
                self.release.moved_at = Some(r.ts);
                label = Some(self.setup.plan.stages[stage].label());
            }
            Event::RolledBack => {
                if let Some(p) = self.release.position.as_mut() {
                    p.rolled_back = true;
                }
                self.release.moved_at = Some(r.ts);
            }
            Event::ChecklistTicked => {
                let (i, tick) = tick_of(r, &self.setup.checklist)?;
                self.release.checklist[i] = tick;
            }
            Event::ActionRequested => {
                if let (Some(id), Some(kind)) = (
                    r.action_id.clone(),
                    kind_of(r, &self.setup.plan, &self.setup.actions),
                ) {
                    self.session.in_flight = Some(InFlight {
                        id,
                        kind,
                        started: r.ts,
                    });
                }
            }
            Event::ActionSucceeded | Event::ActionFailed | Event::ActionOutcomeUnknown => {
                if r.event == Event::ActionOutcomeUnknown {
                    self.follow_unknown(r);
                } else if self.session.in_flight.as_ref().map(|f| &f.id) == r.action_id.as_ref() {
                    self.session.in_flight = None;
                }
            }
            Event::ActionResolved => {
                self.release
                    .unresolved
                    .retain(|u| Some(&u.id) != r.action_id.as_ref());
            }
            Event::CockpitStarted | Event::CockpitStopped => {
                if r.event == Event::CockpitStopped && r.action_id.is_some() {
                    self.follow_unknown(r);
                }
            }
            Event::Override => {
                if let Some(o) = super::overrides::override_of(r, &self.setup.plan) {
                    self.release.overrides.push(o);
                }
            }
            Event::HoldPlaced | Event::HoldReleased => self.follow_hold(r),
            // The observer sees drift and breaches itself, and keeps its own bake: read from
            // the journal at its start, and verified from what it has watched since.
            Event::DriftBegan | Event::DriftEnded | Event::BakeCheckpoint => {}
            Event::BreachBegan | Event::BreachEnded | Event::JournalRepaired => {}
            // It judges the verdict and its sources itself too; a restore it is told of.
            Event::VerdictChanged | Event::SourceDown | Event::SourceUp | Event::Restored => {}
            // Armed automation and its vetoes: told in the log; the veto's hold follows.
            Event::ArmedChanged | Event::AutoVetoed => self.follow_armed(r),
        }
        describe::tell(
            r,
            Voice::Followed {
                stage: label.as_deref(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::app::testkit::{poll, state, t};
    use crate::app::{Msg, start, update};
    use crate::core::record::Event;
    use crate::core::verdict::VerdictKind;

    #[test]
    fn an_observer_follows_the_operators_promote_and_rollback() {
        let mut operator = state(false);
        let mut observer = state(true);
        start(&mut operator, t(0));
        start(&mut observer, t(0));
        for s in [&mut operator, &mut observer] {
            for m in poll(1, 1, 0.001, 1.0) {
                update(s, m, t(1));
            }
        }
        for m in poll(2, 69, 0.001, 1.0) {
            update(&mut observer, m, t(69));
        }
        // What the operator's cockpit journals when a promote succeeds.
        let mut entered = operator.record(Event::StageEntered, t(70));
        entered.stage = Some("5%".into());
        entered.traffic = Some(5.0);
        update(&mut observer, Msg::Journal(vec![entered]), t(71));
        assert_eq!(observer.release.position.unwrap().stage, 1);
        assert_eq!(observer.release.position.unwrap().entered_at, t(70));
        assert_eq!(
            observer.release.eval.verdict.kind,
            VerdictKind::Hold,
            "no false drift from the old 1%"
        );
        assert!(
            observer
                .screen
                .log
                .iter()
                .any(|l| l.text == "stage 5% entered (ana)")
        );

        let rolled = operator.record(Event::RolledBack, t(80));
        update(&mut observer, Msg::Journal(vec![rolled]), t(81));
        assert!(observer.release.position.unwrap().rolled_back);
        assert_eq!(
            observer.release.eval.verdict.kind,
            VerdictKind::NoGoUntilVerified
        );
    }

    #[test]
    fn an_observer_knows_who_drives_from_the_journal() {
        let mut operator = state(false);
        operator.session.context.host = "ops1".into();
        let mut observer = state(true);
        start(&mut observer, t(0));
        assert_eq!(observer.session.driver, None);
        let started = operator.started_record(t(3));
        update(&mut observer, Msg::Journal(vec![started]), t(4));
        let driver = observer.session.driver.clone().unwrap();
        assert_eq!((driver.who.as_str(), driver.since), ("ana@ops1", t(3)));
        let stopped = operator.stopped_record(t(9));
        update(&mut observer, Msg::Journal(vec![stopped]), t(10));
        assert_eq!(observer.session.driver, None);
    }

    #[test]
    fn records_of_another_release_are_ignored() {
        let mut observer = state(true);
        start(&mut observer, t(0));
        let mut other = observer.record(Event::StageEntered, t(5));
        other.context.version = "1.9".into();
        other.stage = Some("100%".into());
        update(&mut observer, Msg::Journal(vec![other]), t(6));
        assert_eq!(observer.release.position, None);
    }
}
