//! `v`: an operator records what they verified about an action whose outcome is unknown —
//! it took effect, or it did not — with a typed reason in the Approve-Risk grammar
//! (`Verified: <reason>`). Journaled with who and why; "took effect" moves the release.

use super::keymap::Command;
use super::{Effect, Key, Kind, LogLevel, Overlay, State};
use crate::core::approval::parse_verified;
use crate::core::record::{Resolution, ResolvedBy};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct VerifyModal {
    /// The id of the unresolved action this settles.
    pub id: String,
    /// What the operator found: `None` until they pick (Tab, ↑ or ↓).
    pub took_effect: Option<bool>,
    /// What the operator typed so far.
    pub input: String,
    /// Why Enter did not record it.
    pub notice: Option<String>,
}

impl State {
    pub(super) fn open_verify(&mut self, now: DateTime<Utc>) {
        if self.session.read_only {
            self.toast(
                now,
                LogLevel::Warn,
                "read-only: only the operator's cockpit records what was verified",
            );
            return;
        }
        let Some(u) = self.release.unresolved.first() else {
            self.toast(now, LogLevel::Info, "no action's outcome is unknown");
            return;
        };
        self.screen.overlay = Overlay::Verify(Box::new(VerifyModal {
            id: u.id.clone(),
            took_effect: None,
            input: String::new(),
            notice: None,
        }));
        self.screen.dirty = true;
    }

    /// Every key while the prompt is open comes here, as the keymap reads it for the prompt.
    pub(super) fn verify_key(
        &mut self,
        command: Option<Command>,
        key: Key,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let Overlay::Verify(modal) = &mut self.screen.overlay else {
            return;
        };
        self.screen.dirty = true;
        match command {
            Some(Command::Cancel) => {
                self.screen.overlay = Overlay::None;
                self.log_as(now, LogLevel::Info, Kind::Ui, "verification cancelled");
            }
            Some(Command::Down) => {
                modal.took_effect = Some(modal.took_effect != Some(true));
                modal.notice = None;
            }
            Some(Command::Up) => {
                modal.took_effect = Some(modal.took_effect == Some(false));
                modal.notice = None;
            }
            Some(Command::Confirm) => self.verify_confirm(now, fx),
            Some(command) => {
                super::approve::edit(&mut modal.input, &mut modal.notice, command, key)
            }
            None => {}
        }
    }

    pub(super) fn verify_paste(&mut self, text: &str) {
        if let Overlay::Verify(modal) = &mut self.screen.overlay {
            modal.input.push_str(&super::approve::clean_paste(text));
            modal.notice = None;
            self.screen.dirty = true;
        }
    }

    fn verify_confirm(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let Overlay::Verify(modal) = &mut self.screen.overlay else {
            return;
        };
        let Some(took_effect) = modal.took_effect else {
            modal.notice = Some("pick what you found first: Tab, ↑ or ↓".into());
            return;
        };
        let reason = match parse_verified(&modal.input) {
            Ok(r) => r,
            Err(e) => {
                modal.notice = Some(e.to_string());
                return;
            }
        };
        let id = modal.id.clone();
        self.screen.overlay = Overlay::None;
        // Settled meanwhile (by evidence, or followed from the journal): nothing left to record.
        let Some(i) = self.release.unresolved.iter().position(|u| u.id == id) else {
            self.toast(now, LogLevel::Info, "that action was settled meanwhile");
            return;
        };
        let resolution = Resolution {
            by: ResolvedBy::Operator,
            took_effect,
            evidence: reason.clone(),
        };
        self.settle(i, resolution, Some(reason), now, fx);
    }
}
