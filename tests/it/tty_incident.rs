//! The incident layout in the real binary at 80x24: when the demo's canary regresses, the
//! banner's block, the folded gates and sources, and five event entries are all on screen;
//! with --ascii and NO_COLOR too.
//!
//! Needs tmux. Outside CI a missing tmux skips the test loudly; under CI=true it fails.

use crate::support::tmux::{BIN, Session, tmux_available};
use std::time::Duration;

const LONG: Duration = Duration::from_secs(120);

fn demo_80x24(name: &str, env: &str, extra: &str) -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let command = format!(
        "{env} '{BIN}' demo --journal '{}' --regress-after 3s {extra}",
        journal.display()
    );
    (dir, Session::run(name, (80, 24), &command))
}

/// Entries in the event log: rows under its title, above the footer, with a level word.
fn entries(screen: &str) -> usize {
    let rows: Vec<&str> = screen.lines().collect();
    let Some(title) = rows
        .iter()
        .position(|r| r.contains("-- Events") || r.contains("── Events"))
    else {
        return 0;
    };
    rows[title + 1..]
        .iter()
        .filter(|r| {
            [" INFO ", " OK ", " WARN ", " ERROR "]
                .iter()
                .any(|w| r.contains(w))
        })
        .count()
}

#[test]
fn a_breach_at_80x24_shows_the_incident_layout() {
    if !tmux_available() {
        return;
    }
    for (name, env, extra, banner) in [
        ("incident", "", "", "✗ ROLLBACK ADVISED"),
        (
            "incident-ascii",
            "NO_COLOR=1",
            "--ascii",
            "X ROLLBACK ADVISED",
        ),
    ] {
        let (_dir, t) = demo_80x24(name, env, extra);
        let screen = t.wait_for("the incident layout", LONG, |s| {
            s.contains(banner) && s.contains("sources: 4 OK") && entries(s) >= 5
        });
        assert!(screen.contains("gates: 5 OK"), "{screen}");
        assert!(screen.contains("checklist: 2 items not ticked"), "{screen}");
        assert!(
            !screen.contains("press c"),
            "the nags step aside:\n{screen}"
        );
        let rows: Vec<&str> = screen.lines().collect();
        assert!(
            rows[4].contains("Stages"),
            "two reason rows under the banner:\n{screen}"
        );
        t.keys(&["q"]);
        t.wait_text("EXITED:0", LONG);
    }
}
