//! `a`: the custom actions from the config (pause, resume, …). One opens its Approve-Risk
//! prompt straight away; several are offered in a short menu first.

use super::keymap::Command;
use super::{LogLevel, Overlay, State};
use crate::core::action::Action;
use chrono::{DateTime, Utc};

impl State {
    /// The actions that are neither promote nor rollback, in config order.
    pub fn custom_actions(&self) -> Vec<Action> {
        self.setup
            .actions
            .iter()
            .map(|a| a.name.clone())
            .filter(Action::is_custom)
            .collect()
    }

    pub(super) fn open_custom(&mut self, now: DateTime<Utc>) {
        let names = self.custom_actions();
        match names.as_slice() {
            [] => self.toast(
                now,
                LogLevel::Info,
                "no custom actions are configured ([actions.<name>])",
            ),
            [only] => self.open_action(&only.clone(), now),
            _ if self.session.read_only => {
                self.toast(now, LogLevel::Warn, "read-only: actions are disabled")
            }
            _ => {
                self.screen.overlay = Overlay::Actions { cursor: 0 };
                self.screen.dirty = true;
            }
        }
    }

    pub(super) fn actions_menu_key(
        &mut self,
        command: Option<Command>,
        cursor: usize,
        now: DateTime<Utc>,
    ) {
        let names = self.custom_actions();
        self.screen.dirty = true;
        match command {
            Some(Command::Close) => self.screen.overlay = Overlay::None,
            Some(Command::Up) => {
                self.screen.overlay = Overlay::Actions {
                    cursor: cursor.saturating_sub(1),
                }
            }
            Some(Command::Down) => {
                self.screen.overlay = Overlay::Actions {
                    cursor: (cursor + 1).min(names.len().saturating_sub(1)),
                }
            }
            Some(Command::Choose) => {
                self.screen.overlay = Overlay::None;
                if let Some(name) = names.get(cursor) {
                    self.open_action(name, now);
                }
            }
            _ => self.screen.dirty = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::actions::Outcome as ActionOutcome;
    use crate::app::testkit::{poll, state, t};
    use crate::app::{Effect, Key, Msg, Overlay, start, update};
    use crate::core::record::Event;
    use crate::setup::{ActionSpec, BodyKind};
    use std::time::Duration;

    fn custom(name: &str) -> ActionSpec {
        ActionSpec {
            name: name.into(),
            method: "POST".into(),
            url: format!("http://hooks.example:8080/{name}"),
            headers: vec![],
            body: None,
            body_kind: BodyKind::None,
            idempotent: false,
            timeout: Duration::from_secs(5),
            tls: None,
        }
    }

    #[test]
    fn a_custom_action_goes_through_the_same_prompt_and_moves_nothing() {
        let mut s = state(false);
        s.setup.actions.push(custom("pause"));
        s.setup.actions.push(custom("resume"));
        start(&mut s, t(0));
        for m in poll(1, 1, 0.001, 1.0) {
            update(&mut s, m, t(1));
        }
        update(&mut s, Msg::Key(Key::Char('a')), t(2));
        assert_eq!(s.screen.overlay, Overlay::Actions { cursor: 0 });
        update(&mut s, Msg::Key(Key::Down), t(2));
        update(&mut s, Msg::Key(Key::Enter), t(2));
        let Overlay::Approve(m) = &s.screen.overlay else {
            panic!("{:?}", s.screen.overlay)
        };
        assert_eq!(m.kind.name(&s.setup.actions), "resume");
        assert!(!m.is_override, "a custom action is no promote");
        for c in "Approve-Risk: resume after the db fix".chars() {
            update(&mut s, Msg::Key(Key::Char(c)), t(3));
        }
        let fx = update(&mut s, Msg::Key(Key::Enter), t(3));
        let Some(Effect::Dispatch(d)) = fx.iter().find(|e| matches!(e, Effect::Dispatch(_))) else {
            panic!("no dispatch: {fx:?}")
        };
        assert_eq!(d.action(), "resume");
        assert_eq!(d.requested().action.as_deref(), Some("resume"));
        let id = d.id().to_string();
        let before = s.release.position;
        let ok = ActionOutcome::Succeeded {
            status: 200,
            latency: Duration::from_millis(3),
            excerpt: String::new(),
        };
        let fx = update(&mut s, Msg::ActionDone { id, outcome: ok }, t(4));
        let events: Vec<Event> = fx
            .iter()
            .filter_map(|e| match e {
                Effect::Journal(r) => Some(r.event),
                _ => None,
            })
            .collect();
        assert_eq!(events, vec![Event::ActionSucceeded]);
        assert_eq!(s.release.position, before);
    }
}
