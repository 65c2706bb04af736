//! The keymap in force: the table's rows, with the keys `[keys]` gives the cockpit's commands.
//! Built once at load into the setup; `update`, the help, the footer and the hints read it, so
//! a rebound key is the key the screen names. Only the cockpit's rows can be rebound: the
//! overlays and the prompts keep their keys, and Enter always confirms.

use super::{Command, KEYMAP, Keys, Scope, key_name};
use crate::app::Key;
use std::str::FromStr;

/// How `[keys]` writes a key, for error messages.
pub const KEY_GRAMMAR: &str = "a key or a list of keys: one character (\"P\", \"?\"), \
     ctrl-<letter>, space, enter, esc, tab, backtab, up, down, pgup, pgdn, home or end";

/// A key as `[keys]` writes it: one character as it is (`P` is Shift-p), `ctrl-<letter>`, or a
/// key's name (in any case).
pub fn parse_key(text: &str) -> Option<Key> {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let printable = !c.is_control() && (c == ' ' || !c.is_whitespace());
        return printable.then_some(Key::Char(c));
    }
    let lower = text.trim().to_ascii_lowercase();
    if let Some(letter) = lower.strip_prefix("ctrl-") {
        let mut chars = letter.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_lowercase() => Some(Key::Ctrl(c)),
            _ => None,
        };
    }
    Some(match lower.as_str() {
        "space" => Key::Char(' '),
        "enter" => Key::Enter,
        "esc" => Key::Esc,
        "tab" => Key::Tab,
        "backtab" | "shift-tab" => Key::BackTab,
        "up" => Key::Up,
        "down" => Key::Down,
        "pgup" => Key::PageUp,
        "pgdn" => Key::PageDown,
        "home" => Key::Home,
        "end" => Key::End,
        _ => return None,
    })
}

/// Why a name in `[keys]` cannot be given keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unbindable {
    /// No command has that name.
    Unknown,
    /// Enter confirming a prompt: what makes an action deliberate.
    Confirmation,
    /// A key of the prompts, which are typed into.
    Prompt,
    /// A key of an overlay (the help, a menu, the checklist).
    Overlay,
}

impl Unbindable {
    pub fn words(self) -> &'static str {
        match self {
            Unbindable::Unknown => "no such command",
            Unbindable::Confirmation => {
                "the confirmation cannot be bound: Enter always confirms a prompt"
            }
            Unbindable::Prompt => "a prompt's key: the prompts keep their keys",
            Unbindable::Overlay => "an overlay's key: only the cockpit's keys can be rebound",
        }
    }
}

/// A rebound key that would run two things in the cockpit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clash {
    pub command: Command,
    /// Its place in the command's list of keys.
    pub index: usize,
    pub key: Key,
    /// The other command on that key; `None` when the list names the key twice.
    pub with: Option<Command>,
    /// The other is a key `[keys]` cannot rebind.
    pub fixed: bool,
}

/// The row `[keys]` rebinds for `command`: its cockpit row.
fn rebindable_row(command: Command) -> Option<usize> {
    KEYMAP.iter().position(|b| {
        b.command == command && b.scopes == [Scope::Cockpit] && matches!(b.keys, Keys::These(_))
    })
}

/// The names `[keys]` accepts, in the table's order.
pub fn names() -> impl Iterator<Item = &'static str> {
    KEYMAP
        .iter()
        .enumerate()
        .filter(|&(i, b)| rebindable_row(b.command) == Some(i))
        .map(|(_, b)| b.command.name())
}

/// The command `[keys]` names, if it can be given keys.
pub fn rebindable(name: &str) -> Result<Command, Unbindable> {
    let command = Command::from_str(name).map_err(|_| Unbindable::Unknown)?;
    if rebindable_row(command).is_some() {
        return Ok(command);
    }
    let scopes = || KEYMAP.iter().filter(|b| b.command == command);
    if command == Command::Confirm {
        Err(Unbindable::Confirmation)
    } else if scopes().any(|b| b.scopes.contains(&Scope::Prompt)) {
        Err(Unbindable::Prompt)
    } else if scopes().next().is_some() {
        Err(Unbindable::Overlay)
    } else {
        Err(Unbindable::Unknown)
    }
}

/// The keymap in force: the table, with the rows `[keys]` gave other keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    /// Rows of the table and the keys they answer instead of their own.
    rebound: Vec<(usize, Vec<Key>)>,
}

impl Keymap {
    /// The table with these commands on these keys (each command's keys replace its own);
    /// refused when a key would then run two things in the cockpit.
    pub fn rebind(keys: Vec<(Command, Vec<Key>)>) -> Result<Keymap, Vec<Clash>> {
        let rebound = keys
            .into_iter()
            .filter_map(|(c, keys)| Some((rebindable_row(c)?, keys)))
            .collect();
        let map = Keymap { rebound };
        let clashes = map.clashes();
        if clashes.is_empty() {
            Ok(map)
        } else {
            Err(clashes)
        }
    }

    /// The keys row `i` answers (none for typing rows).
    fn keys(&self, i: usize) -> &[Key] {
        if let Some((_, keys)) = self.rebound.iter().find(|(r, _)| *r == i) {
            return keys;
        }
        match KEYMAP[i].keys {
            Keys::These(keys) | Keys::Fixed(keys) => keys,
            Keys::AnyLetter | Keys::AnyOther => &[],
        }
    }

    fn clashes(&self) -> Vec<Clash> {
        let cockpit: Vec<usize> = (0..KEYMAP.len())
            .filter(|&i| KEYMAP[i].scopes.contains(&Scope::Cockpit))
            .collect();
        let mut clashes = Vec::new();
        for (row, keys) in &self.rebound {
            let command = KEYMAP[*row].command;
            for (index, &key) in keys.iter().enumerate() {
                let clash = |with, fixed| Clash {
                    command,
                    index,
                    key,
                    with,
                    fixed,
                };
                if keys[..index].contains(&key) {
                    clashes.push(clash(None, false));
                }
                for &other in cockpit.iter().filter(|&&j| j != *row) {
                    if self.keys(other).contains(&key) {
                        let fixed = matches!(KEYMAP[other].keys, Keys::Fixed(_));
                        clashes.push(clash(Some(KEYMAP[other].command), fixed));
                    }
                }
            }
        }
        clashes
    }

    /// The command `key` runs where `scope` applies, if any: the first row that answers it.
    pub fn command(&self, scope: Scope, key: Key) -> Option<Command> {
        KEYMAP
            .iter()
            .enumerate()
            .find(|&(i, b)| {
                b.scopes.contains(&scope)
                    && match b.keys {
                        Keys::These(_) | Keys::Fixed(_) => self.keys(i).contains(&key),
                        other => other.matches(key),
                    }
            })
            .map(|(_, b)| b.command)
    }

    /// How row `i` is shown: its first key.
    pub fn row_label(&self, i: usize) -> String {
        match KEYMAP[i].keys {
            Keys::AnyLetter => "a letter".into(),
            Keys::AnyOther => "any other key".into(),
            _ => self
                .keys(i)
                .first()
                .map_or_else(String::new, |&k| key_name(k)),
        }
    }

    /// The key `command` is shown as where `scope` applies (empty when it has none there).
    pub fn label(&self, scope: Scope, command: Command) -> String {
        KEYMAP
            .iter()
            .position(|b| b.command == command && b.scopes.contains(&scope))
            .map_or_else(String::new, |i| self.row_label(i))
    }

    /// The cockpit's key for `command`, as the screen names it: `press {key}`.
    pub fn cockpit(&self, command: Command) -> String {
        self.label(Scope::Cockpit, command)
    }

    /// An overlay's hint from its keys in force: `Enter goes on · Esc cancels`.
    pub fn hint(&self, scope: Scope, keys: &[(Command, &str)]) -> String {
        let each: Vec<String> = keys
            .iter()
            .map(|&(command, does)| format!("{} {does}", self.label(scope, command)))
            .collect();
        each.join(" · ")
    }

    /// `words` with each `{name}` replaced by that cockpit command's key.
    pub fn fill(&self, words: &str) -> String {
        let mut text = words.to_string();
        for name in names() {
            let slot = format!("{{{name}}}");
            if text.contains(&slot) {
                let command = Command::from_str(name).expect("a name of a command");
                text = text.replace(&slot, &self.cockpit(command));
            }
        }
        text
    }
}
