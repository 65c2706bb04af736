//! The readiness checklist: items an operator ticks in the cockpit, each tick journaled with
//! who and when, and read back from the journal on start.

use super::keymap::Command;
use super::position::same_release;
use super::{Effect, LogLevel, Overlay, State};
use crate::core::gate::Tick;
use crate::core::record::{Context, Event, Record, TICKED, UNTICKED};
use chrono::{DateTime, Utc};

/// The ticks the journal records for this release's checklist items (matched by their text).
pub fn checklist_from_journal(
    records: &[Record],
    ctx: &Context,
    items: &[String],
) -> Vec<Option<Tick>> {
    let mut ticks = vec![None; items.len()];
    for r in records.iter().filter(|r| same_release(r, ctx)) {
        if let Some((i, tick)) = tick_of(r, items) {
            ticks[i] = tick;
        }
    }
    ticks
}

/// The item a `checklist_ticked` record names, and its tick (none when unticked).
pub(super) fn tick_of(r: &Record, items: &[String]) -> Option<(usize, Option<Tick>)> {
    if r.event != Event::ChecklistTicked {
        return None;
    }
    let i = r
        .detail
        .as_ref()
        .and_then(|d| items.iter().position(|t| t == d))?;
    let tick = match r.outcome.as_deref() {
        Some(UNTICKED) => None,
        _ => Some(Tick {
            operator: r.context.operator.clone(),
            at: r.ts,
        }),
    };
    Some((i, tick))
}

impl State {
    pub(super) fn open_checklist(&mut self, now: DateTime<Utc>) {
        if self.setup.checklist.is_empty() {
            self.toast(now, LogLevel::Info, "no readiness checklist is configured");
            return;
        }
        self.screen.overlay = Overlay::Checklist { cursor: 0 };
        self.screen.dirty = true;
    }

    pub(super) fn checklist_key(
        &mut self,
        command: Option<Command>,
        cursor: usize,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let last = self.setup.checklist.len().saturating_sub(1);
        self.screen.dirty = true;
        match command {
            Some(Command::Close) => {
                self.screen.overlay = Overlay::None;
            }
            Some(Command::Up) => {
                self.screen.overlay = Overlay::Checklist {
                    cursor: cursor.saturating_sub(1),
                }
            }
            Some(Command::Down) => {
                self.screen.overlay = Overlay::Checklist {
                    cursor: (cursor + 1).min(last),
                }
            }
            Some(Command::Tick) => self.toggle(cursor, now, fx),
            _ => self.screen.dirty = false,
        }
    }

    fn toggle(&mut self, i: usize, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if self.session.read_only {
            self.toast(
                now,
                LogLevel::Warn,
                "read-only: the checklist cannot be changed",
            );
            return;
        }
        let Some(item) = self.setup.checklist.get(i).cloned() else {
            return;
        };
        let ticked = self.release.checklist[i].is_none();
        self.release.checklist[i] = ticked.then(|| Tick {
            operator: self.session.context.operator.clone(),
            at: now,
        });
        let mut record = self.record(Event::ChecklistTicked, now);
        record.detail = Some(item.clone());
        record.outcome = Some(if ticked { TICKED } else { UNTICKED }.into());
        fx.push(Effect::Journal(Box::new(record)));
        let word = if ticked { TICKED } else { UNTICKED };
        self.log(
            now,
            LogLevel::Info,
            format!(
                "checklist: {word} \"{item}\" ({})",
                self.session.context.operator
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::testkit::{state, t};
    use crate::app::{Key, Msg, start, update};
    use crate::core::gate::{GateCheck, GateSpec, GateState, Tier};
    use crate::core::verdict::VerdictKind;

    fn with_checklist(read_only: bool) -> State {
        let mut s = state(read_only);
        s.setup.checklist = vec!["Release notes written".into(), "On-call informed".into()];
        s.release.checklist = vec![None, None];
        for (i, tier) in [(0, Tier::Must), (1, Tier::Should)] {
            s.setup.gates.push(GateSpec {
                id: format!("checklist-{i}"),
                name: s.setup.checklist[i].clone(),
                tier,
                check: GateCheck::Checklist(i),
                verify: Some("tick it in the checklist (c)".into()),
            });
        }
        s
    }

    #[test]
    fn an_unticked_must_item_holds_the_release_and_a_tick_is_journaled() {
        let mut s = with_checklist(false);
        start(&mut s, t(0));
        crate::app::testkit::run(&mut s, 1, 70, 0.001, 1.0);
        assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
        assert_eq!(
            s.release.eval.verdict.reasons[0].text,
            "Release notes written: not ticked"
        );
        update(&mut s, Msg::Key(Key::Char('c')), t(70));
        let fx = update(&mut s, Msg::Key(Key::Char(' ')), t(71));
        let Some(Effect::Journal(r)) = fx.first() else {
            panic!("tick not journaled: {fx:?}")
        };
        assert_eq!(r.event, Event::ChecklistTicked);
        assert_eq!(r.detail.as_deref(), Some("Release notes written"));
        assert_eq!(r.context.operator, "ana");
        assert_eq!(
            s.release.eval.verdict.kind,
            VerdictKind::Go,
            "the should item only warns"
        );
        assert_eq!(s.release.eval.verdict.warnings.len(), 1);
        assert_eq!(
            s.release
                .eval
                .gates
                .iter()
                .filter(|g| g.state == GateState::Holds)
                .count(),
            2
        );
    }

    #[test]
    fn ticks_are_read_back_from_the_journal_and_untick_counts() {
        let s = with_checklist(false);
        let mut tick = s.record(Event::ChecklistTicked, t(5));
        tick.detail = Some("On-call informed".into());
        tick.outcome = Some(TICKED.into());
        let mut other = tick.clone();
        other.detail = Some("Release notes written".into());
        let mut untick = other.clone();
        untick.outcome = Some(UNTICKED.into());
        let ticks = checklist_from_journal(
            &[tick, other, untick],
            &s.session.context,
            &s.setup.checklist,
        );
        assert_eq!(ticks[0], None);
        assert_eq!(ticks[1].as_ref().map(|t| t.at), Some(t(5)));
    }

    #[test]
    fn an_observer_cannot_tick() {
        let mut s = with_checklist(true);
        update(&mut s, Msg::Key(Key::Char('c')), t(1));
        let fx = update(&mut s, Msg::Key(Key::Enter), t(1));
        assert!(fx.is_empty());
        assert_eq!(s.release.checklist[0], None);
    }
}
