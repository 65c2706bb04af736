//! The Approve-Risk modal: open it for an action, type into it, cancel it. Enter hands it to
//! `dispatch`, the only place an `Effect::Dispatch` is made; `outcome` takes the answer.

use super::keymap::Command;
use super::{Effect, Key, Kind, LogLevel, Overlay, State};
use crate::core::action::Action;
use crate::core::approval::PREFIX;
use crate::core::verdict::VerdictKind;
use crate::setup::ActionSpec;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Move from the current stage (none: not started or rolled back) to stage `to`.
    Promote {
        from: Option<usize>,
        to: usize,
    },
    Rollback {
        from: Option<usize>,
    },
    /// A custom action from the config (pause, resume, …), by its index in `Setup::actions`.
    Custom(usize),
}

impl ActionKind {
    /// Which action this is; `None` for a custom action the config no longer has.
    pub fn action(self, actions: &[ActionSpec]) -> Option<&Action> {
        match self {
            ActionKind::Promote { .. } => Some(&Action::Promote),
            ActionKind::Rollback { .. } => Some(&Action::Rollback),
            ActionKind::Custom(i) => actions.get(i).map(|a| &a.name),
        }
    }

    /// The action's name as the config spells it: `promote`, `rollback`, or the custom key.
    pub fn name(self, actions: &[ActionSpec]) -> &str {
        self.action(actions).map_or("action", Action::as_str)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApproveModal {
    pub kind: ActionKind,
    /// Host (and port) the webhook goes to, for the operator to check.
    pub target: String,
    /// What the operator typed so far.
    pub input: String,
    /// The verdict when the modal opened (or when the operator was last asked again).
    pub verdict: VerdictKind,
    /// The verdict's reasons at that moment.
    pub reasons: Vec<String>,
    /// A promote while the verdict is not GO.
    pub is_override: bool,
    /// What Tab last had to say: nothing to fill, or that this reason is typed. Shown in the
    /// hint line until the next edit. (The breached conditions are read live when drawn.)
    pub fill_note: Option<String>,
    /// Why Enter did not fire, or that the verdict changed and the operator must confirm again.
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub id: String,
    pub kind: ActionKind,
    pub started: DateTime<Utc>,
}

/// A short message shown over the footer for a few seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub level: LogLevel,
    pub text: String,
    pub until: DateTime<Utc>,
}

const TOAST_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(6);

/// Host (and port) the webhook of action `name` goes to.
pub(super) fn action_target(actions: &[ActionSpec], name: &Action) -> Option<String> {
    let spec = actions.iter().find(|a| a.name == *name)?;
    // Never a user or password the URL might carry.
    Some(crate::url_credentials::host(&spec.url))
}

/// A typing command in a prompt's input: the letter `key`, erasing one, or clearing it. A
/// change clears the notice of a refused Enter.
pub(super) fn edit(input: &mut String, notice: &mut Option<String>, command: Command, key: Key) {
    match (command, key) {
        (Command::Type, Key::Char(c)) => input.push(c),
        (Command::Erase, _) => {
            input.pop();
        }
        (Command::Clear, _) => input.clear(),
        _ => return,
    }
    *notice = None;
}

/// Pasted text for a prompt: line breaks must not act as Enter, so they become spaces.
pub(super) fn clean_paste(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl State {
    /// Tell of a refused or idle key: shown a moment, logged as chatter.
    pub(super) fn toast(&mut self, now: DateTime<Utc>, level: LogLevel, text: impl Into<String>) {
        self.toast_as(now, level, Kind::Ui, text);
    }

    pub(super) fn toast_as(
        &mut self,
        now: DateTime<Utc>,
        level: LogLevel,
        kind: Kind,
        text: impl Into<String>,
    ) {
        let text = text.into();
        self.log_as(now, level, kind, text.clone());
        self.screen.toast = Some(Toast {
            level,
            text,
            until: now + TOAST_FOR,
        });
    }

    fn action_target(&self, name: &Action) -> Option<String> {
        action_target(&self.setup.actions, name)
    }

    /// `p` or `r`: open the modal if an action may be asked for at all.
    pub(super) fn open_action(&mut self, want: &Action, now: DateTime<Utc>) {
        if self.session.read_only {
            self.toast(now, LogLevel::Warn, "read-only: actions are disabled");
            return;
        }
        if let Some(f) = &self.session.in_flight {
            let text = format!(
                "{} is in flight; wait for its outcome",
                f.kind.name(&self.setup.actions)
            );
            self.toast(now, LogLevel::Warn, text);
            return;
        }
        let Some(target) = self.action_target(want) else {
            self.toast(
                now,
                LogLevel::Warn,
                format!("no {want} action is configured"),
            );
            return;
        };
        let live = self
            .release
            .position
            .filter(|p| !p.rolled_back)
            .map(|p| p.stage);
        let kind = match want {
            // A hold refuses promote; it never blocks the way back.
            Action::Promote if self.refuse_held(now) => return,
            Action::Promote => {
                let to = live.map_or(0, |s| s + 1);
                if to >= self.setup.plan.stages.len() {
                    self.toast(now, LogLevel::Info, "already at the last stage");
                    return;
                }
                ActionKind::Promote { from: live, to }
            }
            Action::Rollback => ActionKind::Rollback { from: live },
            custom => match self.setup.actions.iter().position(|a| a.name == *custom) {
                Some(i) => ActionKind::Custom(i),
                None => return,
            },
        };
        let verdict = &self.release.eval.verdict;
        self.screen.overlay = Overlay::Approve(Box::new(ApproveModal {
            kind,
            target,
            // The fast path: a rollback starts with the prefix typed; the reason is still the
            // operator's to write.
            input: match kind {
                ActionKind::Rollback { .. } => format!("{PREFIX} "),
                ActionKind::Promote { .. } | ActionKind::Custom(_) => String::new(),
            },
            verdict: verdict.kind,
            reasons: verdict.reasons.iter().map(|r| r.text.clone()).collect(),
            is_override: matches!(kind, ActionKind::Promote { .. })
                && verdict.kind != VerdictKind::Go,
            fill_note: None,
            notice: None,
        }));
        self.screen.dirty = true;
    }

    /// Every key while the modal is open comes here, as the keymap reads it for the prompt:
    /// `q` is a letter, not quit.
    pub(super) fn approve_key(
        &mut self,
        command: Option<Command>,
        key: Key,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let Overlay::Approve(modal) = &mut self.screen.overlay else {
            return;
        };
        self.screen.dirty = true;
        match command {
            Some(Command::Cancel) => {
                self.screen.overlay = Overlay::None;
                self.log_as(now, LogLevel::Info, Kind::Ui, "action cancelled");
            }
            Some(Command::Confirm) => self.confirm(now, fx),
            Some(Command::Fill) => self.fill_reason(),
            Some(command) => {
                modal.fill_note = None;
                edit(&mut modal.input, &mut modal.notice, command, key);
            }
            None => {}
        }
    }

    pub(super) fn approve_paste(&mut self, text: &str) {
        if let Overlay::Approve(modal) = &mut self.screen.overlay {
            modal.input.push_str(&clean_paste(text));
            modal.notice = None;
            modal.fill_note = None;
            self.screen.dirty = true;
        }
    }
}
