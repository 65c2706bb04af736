//! `[keys]`: the cockpit's commands on other keys (`promote = "P"`, `rollback = ["r",
//! "ctrl-r"]`). The names are the commands' own (`app::keymap::names`); a key that would run two
//! things in the cockpit, a name that is not a cockpit command, and the confirmation are
//! refused here, at load.

use super::checks::Ctx;
use super::decode::{did_you_mean, render};
use super::path::KeyPath;
use crate::app::keymap::{self, Clash, Command, KEY_GRAMMAR, Keymap, Unbindable, key_name};
use toml::Value;

/// Where `[keys]` writes each key: its path and value.
type Written<'d> = Vec<(KeyPath, &'d Value)>;

/// The keymap in force: the table with `[keys]` applied; `None` when `[keys]` has errors.
pub fn build(ctx: &mut Ctx, value: Option<&Value>) -> Option<Keymap> {
    let at = KeyPath::root().key("keys");
    let Some(value) = value else {
        return Some(Keymap::default());
    };
    let Value::Table(table) = value else {
        let expected = "a table of command = key, e.g. [keys] promote = \"P\"";
        ctx.report.invalid(&at, render(value), expected);
        return None;
    };
    let names: Vec<&str> = keymap::names().collect();
    let one_of = || format!("one of: {}", names.join(", "));
    let mut wanted = Vec::new();
    let mut written: Vec<(Command, Written)> = Vec::new();
    let mut ok = true;
    for (name, value) in table {
        let path = at.key(name);
        let command = match keymap::rebindable(name) {
            Ok(command) => command,
            Err(Unbindable::Unknown) => {
                let problem = format!("unknown command{}", did_you_mean(name, &names));
                ctx.report.error(&path, problem, None, Some(one_of()));
                ok = false;
                continue;
            }
            Err(why) => {
                ctx.report.error(&path, why.words(), None, Some(one_of()));
                ok = false;
                continue;
            }
        };
        let items: Written = match value {
            Value::Array(list) if !list.is_empty() => list
                .iter()
                .enumerate()
                .map(|(i, v)| (path.index(i), v))
                .collect(),
            other => vec![(path.clone(), other)],
        };
        let mut keys = Vec::new();
        for (p, v) in &items {
            match v.as_str().and_then(keymap::parse_key) {
                Some(key) => keys.push(key),
                None => ctx.report.invalid(p, render(v), KEY_GRAMMAR),
            }
        }
        // Clashes are checked among the commands whose keys all read.
        if keys.len() == items.len() {
            wanted.push((command, keys));
            written.push((command, items));
        } else {
            ok = false;
        }
    }
    let map = Keymap::rebind(wanted)
        .map_err(|clashes| {
            for clash in clashes {
                let (path, value) = written
                    .iter()
                    .find(|(c, _)| *c == clash.command)
                    .and_then(|(_, items)| items.get(clash.index))
                    .expect("a clash is of a key written in [keys]");
                let both = written.iter().any(|(c, _)| Some(*c) == clash.with);
                let expected = expected(&clash, both);
                ctx.report
                    .error(path, problem(&clash), Some(render(value)), expected);
            }
        })
        .ok();
    map.filter(|_| ok)
}

/// Why a key cannot be the command's.
fn problem(clash: &Clash) -> String {
    let key = key_name(clash.key);
    match clash.with {
        None => format!("{key} is listed twice"),
        Some(other) if clash.fixed => {
            format!(
                "{key} is fixed to {}: [keys] cannot rebind it",
                other.name()
            )
        }
        Some(other) => format!("{key} is already the key of {}", other.name()),
    }
}

/// What would do; `both` when the other command is rebound too.
fn expected(clash: &Clash, both: bool) -> Option<String> {
    let free = "a key no other cockpit command has";
    match clash.with {
        Some(other) if !clash.fixed && !both => Some(format!(
            "{free}, or {} rebound too (e.g. {} = \"…\")",
            other.name(),
            other.name()
        )),
        Some(_) => Some(free.into()),
        None => None,
    }
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
