//! Catching up and being seen (tmux, the real binary): the digest on start after another
//! operator drove the release and on `d`; two cockpits on one journal, an operator and an
//! observer, each listing the other in its header.
//!
//! Needs tmux. Outside CI a missing tmux skips these tests loudly; under CI=true it fails.

use crate::support::tmux::{Session, tmux_available};
use crate::tty_driver::demo_as;
use std::path::Path;
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(90);

/// Wait until the journal holds a record of `event`.
fn journaled(journal: &Path, event: &str) {
    journaled_with(journal, event, "");
}

/// Wait until the journal holds a record of `event` whose line also holds `also`.
fn journaled_with(journal: &Path, event: &str, also: &str) {
    let start = Instant::now();
    let want = format!("\"event\":\"{event}\"");
    let found = |j: String| j.lines().any(|l| l.contains(&want) && l.contains(also));
    while start.elapsed() < LONG {
        if std::fs::read_to_string(journal).is_ok_and(found) {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("no {event} in {}", journal.display());
}

fn quit(s: &Session) {
    s.keys(&["q"]);
    s.wait_text("EXITED:0", LONG);
}

#[test]
fn the_digest_tells_on_start_what_another_operator_did_and_again_on_d() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let ana = format!("ana@{}", gonogo::host::name());

    let first = demo_as("digest-ana", "ana", &journal, "");
    // The demo's canary starts cold (NO-GO: not enough traffic), then bakes: HOLD.
    journaled_with(&journal, "verdict_changed", "\"verdict\":\"HOLD\"");
    quit(&first);

    let bo = demo_as("digest-bo", "bo", &journal, "");
    let screen = bo.wait_text("Since the release attempt began", LONG);
    assert!(screen.contains(&format!("{ana} · stage")), "{screen}");
    assert!(screen.contains("verdict HOLD"), "{screen}");
    assert!(screen.contains("Esc closes"), "{screen}");
    bo.keys(&["Escape"]);
    let closed = bo.wait_for("the digest closed", LONG, |s| !s.contains("Esc closes"));
    assert!(closed.contains("Stop conditions"), "{closed}");
    bo.keys(&["d"]);
    let again = bo.wait_text("Since you last looked", LONG);
    // What the first digest told is not told again, nor the verdict bo's start found.
    assert!(again.contains("nothing new"), "{again}");
    bo.keys(&["d"]);
    bo.wait_for("the digest closed by d", LONG, |s| {
        !s.contains("Esc closes")
    });
    quit(&bo);
}

#[test]
fn an_operator_and_an_observer_on_one_journal_list_each_other() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let host = gonogo::host::name();
    let (ana, bo) = (format!("ana@{host}"), format!("bo@{host}"));

    let operator = demo_as("watchers-ana", "ana", &journal, "");
    operator.wait_text("cockpit started", LONG);
    let observer = demo_as("watchers-bo", "bo", &journal, "--read-only");

    let seen = operator.wait_text(&format!("watching: {bo}"), LONG);
    assert_eq!(
        seen.lines().next().map(|l| l.contains("watching")),
        Some(true)
    );
    let seen = observer.wait_text(&format!("{ana} driving"), LONG);
    assert!(seen.contains("READ-ONLY"), "{seen}");

    // The observer leaves cleanly: its presence goes with it.
    quit(&observer);
    operator.wait_for("no one watching", LONG, |s| !s.contains("watching:"));
    quit(&operator);
}

#[test]
fn the_time_to_restore_after_a_rollback_is_logged_and_journaled() {
    if !tmux_available() {
        return;
    }
    let s = Session::demo("restore", &["--regress-after", "3s"]);
    s.wait_text("ROLLBACK ADVISED", LONG);
    s.confirm("r", "errors above two percent on canary", LONG);
    let screen = s.wait_text("restored: rollback answered in", LONG);
    assert!(screen.contains("every stop condition healthy"), "{screen}");
    journaled(&s.journal, "restored");
    quit(&s);
}
