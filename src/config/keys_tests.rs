//! `[keys]` at load: each refusal says which key, what value and what was expected.

use crate::app::Key;
use crate::app::keymap::{Command, Scope};

const MINIMAL: &str = include_str!("../../tests/fixtures/minimal.toml");

fn load(keys: &str) -> Result<crate::setup::Setup, String> {
    let text = format!("{MINIMAL}\n[keys]\n{keys}\n");
    crate::config::load_str(&text, "release.toml").map_err(|e| e.to_string())
}

fn errors(keys: &str) -> String {
    load(keys)
        .map(|_| "loaded".to_string())
        .unwrap_or_else(|e| e)
}

#[test]
fn rebound_keys_are_the_setups() {
    let setup = load("promote = \"P\"\nrollback = [\"r\", \"ctrl-r\"]\nhold = \"H\"").unwrap();
    let keys = &setup.keys;
    assert_eq!(
        keys.command(Scope::Cockpit, Key::Char('P')),
        Some(Command::Promote)
    );
    assert_eq!(keys.command(Scope::Cockpit, Key::Char('p')), None);
    assert_eq!(
        keys.command(Scope::Cockpit, Key::Ctrl('r')),
        Some(Command::Rollback)
    );
    assert_eq!(
        keys.command(Scope::Cockpit, Key::Char('H')),
        Some(Command::Hold)
    );
    assert_eq!(keys.cockpit(Command::Promote), "P");
}

/// What every refusal of a name ends with: the names that can be rebound.
const NAMES: &str = "expected one of: verify, promote, rollback, hold, custom-actions, \
     checklist, help, quit, digest, take-wheel, give-wheel, arm, veto, act-now, older, newer, oldest, newest, filter, focus-next, \
     focus-prev, focus-up, focus-down, open";

/// What every refusal of a key's spelling ends with.
const GRAMMAR: &str = "expected a key or a list of keys: one character (\"P\", \"?\"), \
     ctrl-<letter>, space, enter, esc, tab, backtab, up, down, pgup, pgdn, home or end";

#[test]
fn each_refusal_says_what_and_where() {
    let at = "release.toml:22: keys.";
    for (keys, expected) in [
        (
            "promte = \"P\"",
            format!("{at}promte: unknown command (did you mean `promote`?) — {NAMES}"),
        ),
        (
            "confirm = \"y\"",
            format!(
                "{at}confirm: the confirmation cannot be bound: Enter always confirms a \
                 prompt — {NAMES}"
            ),
        ),
        (
            "type = \"y\"",
            format!("{at}type: a prompt's key: the prompts keep their keys — {NAMES}"),
        ),
        (
            "tick = \"y\"",
            format!("{at}tick: an overlay's key: only the cockpit's keys can be rebound — {NAMES}"),
        ),
        (
            "promote = \"shift-p\"",
            format!("{at}promote: got \"shift-p\" — {GRAMMAR}"),
        ),
        ("promote = 5", format!("{at}promote: got 5 — {GRAMMAR}")),
        ("promote = []", format!("{at}promote: got [] — {GRAMMAR}")),
        (
            "rollback = [\"r\", \"\"]",
            format!("{at}rollback[1]: got \"\" — {GRAMMAR}"),
        ),
        (
            "promote = \"r\"",
            format!(
                "{at}promote: r is already the key of rollback, got \"r\" — expected a key no \
                 other cockpit command has, or rollback rebound too (e.g. rollback = \"…\")"
            ),
        ),
        (
            "hold = \"ctrl-c\"",
            format!(
                "{at}hold: Ctrl-C is fixed to quit: [keys] cannot rebind it, got \"ctrl-c\" — \
                 expected a key no other cockpit command has"
            ),
        ),
        (
            "hold = [\"z\", \"z\"]",
            format!("{at}hold[1]: z is listed twice, got \"z\""),
        ),
        (
            "promote = \"z\"\nhold = \"z\"",
            format!(
                "{at}promote: z is already the key of hold, got \"z\" — expected a key no \
                 other cockpit command has\nrelease.toml:23: keys.hold: z is already the key \
                 of promote, got \"z\" — expected a key no other cockpit command has"
            ),
        ),
    ] {
        assert_eq!(errors(keys), expected, "{keys}");
    }
}

#[test]
fn keys_must_be_a_table() {
    let text = format!("keys = \"P\"\n{MINIMAL}");
    let err = crate::config::load_str(&text, "release.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "release.toml:1: keys: got \"P\" — expected a table of command = key, e.g. [keys] \
         promote = \"P\""
    );
}

/// The `[keys]` the README shows, and the one config/example.toml has commented out, load.
#[test]
fn the_documented_keys_load() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("### Your own keys").unwrap()..];
    let start = section.find("```toml\n").unwrap() + 8;
    let readme_keys = &section[start..start + section[start..].find("```").unwrap()];
    let example = include_str!("../../config/example.toml");
    let example_keys: Vec<&str> = example[example.find("# [keys]").unwrap()..]
        .lines()
        .map(|l| l.trim_start_matches("# "))
        .collect();
    for keys in [readme_keys.to_string(), example_keys.join("\n")] {
        let text = format!("{MINIMAL}\n{keys}\n");
        let setup =
            crate::config::load_str(&text, "release.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(setup.keys.cockpit(Command::Promote), "P", "{keys}");
    }
}

/// A checklist item's gate says which key opens the checklist: the one in force.
#[test]
fn the_checklist_hint_names_its_key() {
    let text =
        format!("{MINIMAL}\n[[checklist]]\nitem = \"On-call told\"\n\n[keys]\nchecklist = \"C\"\n");
    let setup = crate::config::load_str(&text, "release.toml").unwrap();
    let gate = setup
        .gates
        .iter()
        .find(|g| g.name == "On-call told")
        .unwrap();
    assert_eq!(
        gate.verify.as_deref(),
        Some("tick it in the checklist (press C)")
    );
}
