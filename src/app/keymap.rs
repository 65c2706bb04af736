//! Every key the cockpit answers, in one table: the key, where it applies, the command it
//! runs, and the words the help overlay, the footer and the README's key table show for it.
//! `update` looks keys up here; `ui::help`, `ui::footer` and a README check read the same rows,
//! so a key and its description cannot drift apart.

use super::{Key, Overlay, State};

/// Where a key applies: the dashboard, or the overlay that has the keyboard (an open overlay
/// takes every key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Cockpit,
    Help,
    /// Quit was asked for while an action is in flight.
    ConfirmQuit,
    /// Handing the shared journal's wheel over was asked for.
    ConfirmHandover,
    /// The Approve-Risk prompt.
    Prompt,
    /// Recording what was verified about an action whose outcome is unknown.
    Verify,
    ActionsMenu,
    Checklist,
    /// The event log's filter prompt.
    Filter,
    /// Typing a hold's reason or duration.
    Hold,
    /// A hold is placed: y releases it.
    ReleaseHold,
    /// The focused row's detail.
    Detail,
    /// The digest: its own keys close and scroll it; any other closes it and acts as in the
    /// cockpit, so a digest shown on start never stands between the operator and a rollback.
    Digest,
}

impl Scope {
    pub fn of(overlay: &Overlay) -> Scope {
        match overlay {
            Overlay::None => Scope::Cockpit,
            Overlay::Help => Scope::Help,
            Overlay::ConfirmQuit => Scope::ConfirmQuit,
            Overlay::ConfirmHandover => Scope::ConfirmHandover,
            Overlay::Approve(_) => Scope::Prompt,
            Overlay::Verify(_) => Scope::Verify,
            Overlay::Actions { .. } => Scope::ActionsMenu,
            Overlay::Checklist { .. } => Scope::Checklist,
            Overlay::Filter { .. } => Scope::Filter,
            Overlay::Hold(m) if m.step == super::HoldStep::Release => Scope::ReleaseHold,
            Overlay::Hold(_) => Scope::Hold,
            Overlay::Detail(_) => Scope::Detail,
            Overlay::Digest(_) => Scope::Digest,
        }
    }
}

/// What a key does. Its name in `[keys]` is its own, in kebab-case (`promote`,
/// `custom-actions`); strum writes and reads it, so a command added to the table is
/// configurable by that name with no more code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "kebab-case")]
pub enum Command {
    /// Quit, asking first while an action is in flight.
    Quit,
    Help,
    Promote,
    Rollback,
    CustomActions,
    Checklist,
    Verify,
    /// Place a hold, or release the one placed.
    Hold,
    /// Quit, as confirmed.
    QuitNow,
    /// Close the overlay.
    Close,
    /// Close a prompt without doing anything, and say so.
    Cancel,
    Confirm,
    /// Type the letter into the prompt.
    Type,
    /// Erase the last letter typed.
    Erase,
    /// Clear what was typed.
    Clear,
    /// Fill a rollback's reason with the breached conditions.
    Fill,
    Up,
    Down,
    /// Open the highlighted custom action's prompt.
    Choose,
    /// Tick or untick the highlighted checklist item.
    Tick,
    /// Scroll the event log back a page, to older entries.
    Older,
    /// Scroll the event log on a page, to newer entries.
    Newer,
    /// Scroll the event log to its oldest entry.
    Oldest,
    /// Scroll the event log to its newest entry, and follow new ones.
    Newest,
    /// Open the event log's filter prompt.
    Filter,
    /// Focus the next panel with rows, or none after the last.
    FocusNext,
    /// Focus the panel before, or none before the first.
    FocusPrev,
    /// Focus the row above.
    FocusUp,
    /// Focus the row below.
    FocusDown,
    /// Open the focused row's detail.
    Open,
    /// Open the digest: what happened since this operator last looked.
    Digest,
    /// Arm automation for this run (what `[automation]` names, or auto-rollback alone), or
    /// disarm it.
    Arm,
    /// Veto the armed action counting down: a typed reason, journaled, becomes a hold.
    Veto,
    /// Act now on the armed action counting down: its Approve-Risk prompt.
    ActNow,
    /// Shared journal: take the wheel while it is free.
    TakeWheel,
    /// Shared journal: hand the wheel over (asks first).
    GiveWheel,
}

/// The keys a binding answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// These keys; a cockpit row's keys can be rebound in `[keys]`.
    These(&'static [Key]),
    /// These keys, which `[keys]` cannot rebind (Ctrl-C always quits).
    Fixed(&'static [Key]),
    /// Any letter: typing.
    AnyLetter,
    /// Any key the bindings before it in its scope leave.
    AnyOther,
}

impl Keys {
    fn matches(self, key: Key) -> bool {
        match self {
            Keys::These(keys) | Keys::Fixed(keys) => keys.contains(&key),
            Keys::AnyLetter => matches!(key, Key::Char(_)),
            Keys::AnyOther => true,
        }
    }
}

/// How the help overlay lists a cockpit key: two to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpLine {
    /// Keys with the same row number share a row, in table order.
    pub row: u8,
    /// `{older}` in them is the key the `older` command has now.
    pub words: &'static str,
    /// Added to the words when the key has its row to itself.
    pub alone: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// Where it applies: the cockpit, or one or more overlays.
    pub scopes: &'static [Scope],
    pub keys: Keys,
    pub command: Command,
    pub help: Option<HelpLine>,
    /// Its label in the footer, which shows it while it works.
    pub footer: Option<&'static str>,
    /// What it does, in the README's key table.
    pub readme: Option<&'static str>,
}

// The table itself, and the constructors it is written with.
#[path = "keymap_table.rs"]
mod table;
pub use table::{KEYMAP, PROMPT_HELP};

// The keymap in force: the table with the keys `[keys]` rebinds, and the key grammar.
#[path = "keymap_live.rs"]
mod live;
pub use live::{Clash, KEY_GRAMMAR, Keymap, Unbindable, names, parse_key, rebindable};

use Command as C;

impl Command {
    /// Its name in `[keys]`.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// How a key is written: `p`, `Space`, `Ctrl-C`, `Esc`, `↑`.
pub fn key_name(key: Key) -> String {
    match key {
        Key::Char(' ') => "Space".into(),
        Key::Char(c) => c.to_string(),
        Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
        Key::Enter => "Enter".into(),
        Key::Esc => "Esc".into(),
        Key::Backspace => "Backspace".into(),
        Key::Tab => "Tab".into(),
        Key::BackTab => "Shift-Tab".into(),
        Key::Up => "↑".into(),
        Key::Down => "↓".into(),
        Key::PageUp => "PgUp".into(),
        Key::PageDown => "PgDn".into(),
        Key::Home => "Home".into(),
        Key::End => "End".into(),
    }
}

impl Command {
    /// Whether the help overlay lists this cockpit key: the key exists in this cockpit.
    pub fn offered(self, state: &State) -> bool {
        match self {
            C::Promote | C::Rollback | C::Verify | C::Hold | C::Arm | C::ActNow => {
                !state.session.read_only
            }
            C::CustomActions => !state.session.read_only && has_custom(state),
            C::Checklist => !state.setup.checklist.is_empty(),
            _ => true,
        }
    }

    /// Whether the footer shows this cockpit key: it works now, and is worth pressing.
    pub fn works_now(self, state: &State) -> bool {
        use crate::core::action::Action;
        use crate::core::autopilot::Decision;
        let configured = |name: Action| state.setup.actions.iter().any(|a| a.name == name);
        // No action keys while one is in flight: a second one would be refused.
        let actions = !state.session.read_only && state.session.in_flight.is_none();
        let live = state
            .release
            .position
            .filter(|p| !p.rolled_back)
            .map(|p| p.stage);
        let last = live.is_some_and(|s| s + 1 >= state.setup.plan.stages.len());
        // While an action's outcome is unknown, promote is no recommendation (it stays an
        // override in its prompt); recording what was verified is.
        let unresolved = !state.release.unresolved.is_empty();
        // A hold refuses promote; its expiry is checked on every tick.
        let held = state.release.hold.is_some();
        match self {
            C::Verify => !state.session.read_only && unresolved,
            C::Promote => actions && !last && configured(Action::Promote) && !unresolved && !held,
            C::Hold => !state.session.read_only,
            C::Rollback => actions && configured(Action::Rollback),
            C::CustomActions => actions && has_custom(state),
            C::Checklist => !state.setup.checklist.is_empty(),
            C::Open => state.screen.focus.is_some(),
            // Worth pressing when another cockpit journaled something not yet looked at.
            C::Digest => state.screen.catchup.unseen(&state.session.context) > 0,
            C::Arm => !state.session.read_only,
            // While an armed action counts down (or waits): anyone may veto it.
            C::Veto => matches!(
                state.session.auto,
                Some(Decision::CountingDown { .. } | Decision::Blocked { .. })
            ),
            C::ActNow => {
                actions && matches!(state.session.auto, Some(Decision::CountingDown { .. }))
            }
            _ => true,
        }
    }
}

/// Whether the config has an action other than promote and rollback.
fn has_custom(state: &State) -> bool {
    state.setup.actions.iter().any(|a| a.name.is_custom())
}

/// The cockpit's keys the footer shows now: each key with its label.
pub fn footer(state: &State) -> impl Iterator<Item = (String, &'static str)> + '_ {
    let keys = &state.setup.keys;
    KEYMAP
        .iter()
        .enumerate()
        .filter(|(_, b)| b.scopes == [Scope::Cockpit] && b.command.works_now(state))
        .filter_map(|(i, b)| Some((keys.row_label(i), b.footer?)))
}

/// The help overlay's key rows for this cockpit: each a left and, if any, a right entry of a
/// key and its words.
pub fn help_rows(state: &State) -> Vec<Vec<(String, String)>> {
    let keys = &state.setup.keys;
    let offered: Vec<(usize, HelpLine)> = KEYMAP
        .iter()
        .enumerate()
        .filter(|(_, b)| b.scopes == [Scope::Cockpit] && b.command.offered(state))
        .filter_map(|(i, b)| Some((i, b.help?)))
        .collect();
    let mut rows: Vec<u8> = offered.iter().map(|(_, h)| h.row).collect();
    rows.sort_unstable();
    rows.dedup();
    rows.into_iter()
        .map(|row| {
            let on_row: Vec<_> = offered.iter().filter(|(_, h)| h.row == row).collect();
            let alone = on_row.len() == 1;
            on_row
                .into_iter()
                .map(|&(i, h)| {
                    let words = keys.fill(h.words);
                    let words = if alone {
                        format!("{words}{}", h.alone)
                    } else {
                        words
                    };
                    (keys.row_label(i), words)
                })
                .collect()
        })
        .collect()
}
