//! `gonogo validate` and `[keys]`: rebound keys that clash with nothing pass; a clash, a name
//! that is not a cockpit command and the confirmation are refused, each with the file, line,
//! key and value. The real binary.

use crate::support::headless::{self, Release};

const MINIMAL: &str = include_str!("../fixtures/minimal.toml");

/// Exit code, stdout and stderr of `gonogo validate` over the minimal release plus `keys`.
fn validate(keys: &str) -> (Option<i32>, String, String, String) {
    let release = Release::new(&format!("{MINIMAL}\n[keys]\n{keys}\n"));
    let path = release.config().display().to_string();
    let out = headless::run(&["validate", "--config", &path]);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr),
        path,
    )
}

#[test]
fn good_keys_pass() {
    let (code, out, err, path) =
        validate("promote = \"P\"\nrollback = [\"r\", \"ctrl-r\"]\nhold = \"H\"");
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.starts_with(&format!("{path}: ok")), "{out}");
}

#[test]
fn clashes_unknown_names_and_the_confirmation_are_refused() {
    let (code, out, err, path) = validate("hold = \"p\"\npromot = \"P\"\nconfirm = \"y\"");
    assert_eq!(code, Some(2), "{out}{err}");
    assert_eq!(out, "");
    // toml sorts the table's keys: confirm (line 24), hold (22), promot (23), then by line.
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "{path}:22: keys.hold: p is already the key of promote, got \"p\" — expected a key \
             no other cockpit command has, or promote rebound too"
        )),
        "{err}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{path}:23: keys.promot: unknown command (did you mean `promote`?)"
        )),
        "{err}"
    );
    assert!(
        lines[2].starts_with(&format!(
            "{path}:24: keys.confirm: the confirmation cannot be bound"
        )),
        "{err}"
    );
}
