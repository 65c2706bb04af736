//! A key pressed: the command the keymap binds it to where it is pressed (the overlay that has
//! the keyboard, or the cockpit), run.

use super::keymap::{Command, Scope};
use super::update::quit;
use super::{Effect, Key, Overlay, State};
use crate::core::action::Action;
use chrono::{DateTime, Utc};

/// A key runs the command the keymap binds it to where it is pressed: the overlay that has
/// the keyboard, or the cockpit.
pub(super) fn on_key(state: &mut State, key: Key, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
    let command = (state.setup.keys).command(Scope::of(&state.screen.overlay), key);
    match &state.screen.overlay {
        Overlay::Approve(_) => return state.approve_key(command, key, now, fx),
        Overlay::Verify(_) => return state.verify_key(command, key, now, fx),
        Overlay::Hold(_) => return state.hold_key(command, key, now, fx),
        Overlay::Actions { cursor } => {
            let cursor = *cursor;
            return state.actions_menu_key(command, cursor, now);
        }
        Overlay::Checklist { cursor } => {
            let cursor = *cursor;
            return state.checklist_key(command, cursor, now, fx);
        }
        Overlay::Filter { .. } => return state.filter_key(command, key),
        Overlay::Digest(_) => {
            if !state.digest_key(command, now) {
                // Closed by a key of the cockpit's: it does what it does there.
                on_key(state, key, now, fx);
            }
            return;
        }
        Overlay::Detail(_) if command.is_none() => {
            // A cockpit key closes the detail and does what it does there, so a rollback is
            // one key away from a chart too.
            if state.setup.keys.command(Scope::Cockpit, key).is_some() {
                state.screen.overlay = Overlay::None;
                state.screen.dirty = true;
                on_key(state, key, now, fx);
            }
            return;
        }
        // The countdown panel is drawn over the help: its keys work there too.
        Overlay::Help
            if command.is_none()
                && matches!(
                    state.setup.keys.command(Scope::Cockpit, key),
                    Some(Command::Veto | Command::ActNow)
                ) =>
        {
            state.screen.overlay = Overlay::None;
            state.screen.dirty = true;
            return on_key(state, key, now, fx);
        }
        Overlay::ConfirmHandover => {
            state.screen.overlay = Overlay::None;
            state.screen.dirty = true;
            if command == Some(Command::Confirm) {
                state.give_wheel(now, fx);
            }
            return;
        }
        Overlay::None | Overlay::Help | Overlay::ConfirmQuit | Overlay::Detail(_) => {}
    }
    match command {
        Some(Command::Quit) => ask_quit(state, now, fx),
        Some(Command::QuitNow) => {
            state.screen.overlay = Overlay::None;
            state.screen.dirty = true;
            quit(state, now, fx);
        }
        Some(Command::Close) => {
            state.screen.overlay = Overlay::None;
            state.screen.dirty = true;
        }
        Some(Command::Help) => {
            state.screen.overlay = Overlay::Help;
            state.screen.dirty = true;
        }
        Some(Command::Promote) => state.open_action(&Action::Promote, now),
        Some(Command::Rollback) => state.open_action(&Action::Rollback, now),
        Some(Command::Checklist) => state.open_checklist(now),
        Some(Command::CustomActions) => state.open_custom(now),
        Some(Command::Verify) => state.open_verify(now),
        Some(c @ (Command::Older | Command::Newer | Command::Oldest | Command::Newest)) => {
            state.scroll_log(c)
        }
        Some(Command::Filter) => state.open_filter(),
        Some(Command::Hold) => state.open_hold(now),
        Some(
            c @ (Command::FocusNext
            | Command::FocusPrev
            | Command::FocusUp
            | Command::FocusDown
            | Command::Open),
        ) => state.focus_key(c, now),
        Some(Command::Digest) => state.open_digest(),
        Some(Command::Arm) => state.toggle_armed(now, fx),
        Some(Command::Veto) => state.open_veto(now),
        Some(Command::ActNow) => state.act_now(now),
        Some(Command::TakeWheel) => state.take_wheel(now, fx),
        Some(Command::GiveWheel) => state.ask_give_wheel(now),
        // The overlays' own commands are theirs, above.
        _ => {}
    }
}

/// Quit at once, unless an action is in flight: then ask first.
fn ask_quit(state: &mut State, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
    // An observer mirrors the operator's action in flight, but has nothing to abandon.
    if state.session.in_flight.is_some() && !state.session.read_only {
        state.screen.overlay = Overlay::ConfirmQuit;
        state.screen.dirty = true;
    } else {
        quit(state, now, fx);
    }
}
