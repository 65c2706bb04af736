//! Two real cockpits on one journal (tmux): a second operator cockpit is refused, naming who
//! holds the journal and since when; a `--read-only` one shows who drives, and that nobody does
//! once the operator quits.
//!
//! Needs tmux. Outside CI a missing tmux skips these tests loudly; under CI=true it fails.

use crate::support::tmux::{BIN, Session, tmux_available};
use std::path::Path;
use std::time::Duration;

const LONG: Duration = Duration::from_secs(90);

/// `gonogo demo` on `journal` as `user`, with `extra` flags, at 120x40.
pub(crate) fn demo_as(name: &str, user: &str, journal: &Path, extra: &str) -> Session {
    let command = format!(
        "USER={user} '{BIN}' demo --journal '{}' {extra}",
        journal.display()
    );
    Session::run(name, (120, 40), &command)
}

#[test]
fn a_second_cockpit_is_refused_by_name_and_an_observer_sees_who_drives() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let ana = format!("ana@{}", gonogo::host::name());

    let first = demo_as("driver-first", "ana", &journal, "");
    first.wait_text("cockpit started", LONG);

    let second = demo_as("driver-second", "bo", &journal, "");
    let refused = second.wait_capture(&["-J"], "EXITED:", LONG);
    assert!(!refused.contains("EXITED:0"), "{refused}");
    assert!(
        refused.contains(&format!(
            "is in use by another gonogo cockpit ({ana} since "
        )),
        "{refused}"
    );
    drop(second);

    let watcher = demo_as("driver-watch", "cy", &journal, "--read-only");
    let screen = watcher.wait_text(&format!("{ana} driving"), LONG);
    assert!(screen.contains("READ-ONLY"), "{screen}");

    first.keys(&["q"]);
    first.wait_text("EXITED:0", LONG);
    watcher.wait_text("nobody driving", LONG);
    watcher.keys(&["q"]);
    watcher.wait_text("EXITED:0", LONG);
}
