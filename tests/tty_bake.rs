//! A bake is evidence (SEMANTICS.md §1), seen in a real terminal on the real binary: a blind
//! start earns nothing, and a breach that ends by itself restarts the bake.

#[path = "support/tmux.rs"]
mod tmux;

use std::time::Duration;
use tmux::{Session, tmux_available, verdict, verified};

const LONG: Duration = Duration::from_secs(60);

#[test]
fn a_blind_start_never_looks_baked_and_the_first_data_is_hold_with_the_whole_bake() {
    if !tmux_available() {
        return;
    }
    // Prometheus answers 503 for 12 s; the bake is 8 s. Wall-clock time would call the stage
    // baked at 8 s, with every condition unknown.
    let s = Session::demo("blind", &["--prometheus-down-for", "12s", "--bake", "8s"]);
    let blind = s.screens_until("the conditions to have data", LONG, |screen| {
        verdict(screen).is_some_and(|v| v != "NO-GO UNTIL VERIFIED")
    });
    let (first, before) = blind.split_last().unwrap();
    for sc in before {
        assert!(
            !sc.contains("bake done") && !sc.contains(" ready "),
            "the stage looked baked while its data was missing:\n{sc}"
        );
    }
    assert!(
        before
            .iter()
            .any(|sc| sc.contains("paused: no fresh data from prometheus")),
        "the strip says why the bake does not advance"
    );
    assert_eq!(verdict(first), Some("HOLD"), "{first}");
    assert!(
        first.contains("00:08 left, 00:00 verified of 00:08")
            || first.contains("00:07 left, 00:01 verified of 00:08"),
        "the whole bake is still to go:\n{first}"
    );
    // And the bake does complete once the data has shown it.
    s.screens_until("GO after a verified bake", LONG, |sc| {
        verdict(sc) == Some("GO")
    });
}

#[test]
fn a_breach_that_ends_by_itself_restarts_the_bake_instead_of_going_go() {
    if !tmux_available() {
        return;
    }
    // Bakes of 6 s: GO before the canary regresses at 10 s. The regression ends by itself at
    // 24 s; the stage must then show a whole clean bake again.
    let s = Session::demo(
        "restart",
        &[
            "--bake",
            "6s",
            "--regress-after",
            "10s",
            "--regress-for",
            "14s",
        ],
    );
    s.screens_until("GO before the regression", LONG, |sc| {
        verdict(sc) == Some("GO")
    });
    s.screens_until("ROLLBACK ADVISED", LONG, |sc| {
        verdict(sc) == Some("ROLLBACK ADVISED")
    });
    let after = s.screens_until("the breach to end", LONG, |sc| {
        verdict(sc).is_some_and(|v| v != "ROLLBACK ADVISED")
    });
    let first = after.last().unwrap();
    assert_eq!(verdict(first), Some("HOLD"), "not GO:\n{first}");
    assert!(first.contains("restarted after breach"), "{first}");
    assert!(
        first.contains("00:06 left, 00:00 verified of 00:06")
            || first.contains("00:05 left, 00:01 verified of 00:06"),
        "the whole bake again:\n{first}"
    );
    // A whole clean bake later, GO again.
    s.screens_until("GO after a clean bake", LONG, |sc| {
        verdict(sc) == Some("GO")
    });
    let journal = std::fs::read_to_string(&s.journal).unwrap();
    assert!(
        journal.contains("\"event\":\"bake_checkpoint\"") && journal.contains("\"breached\":true"),
        "the restart is journaled: {journal}"
    );
}

#[test]
fn a_restarted_cockpit_keeps_the_verified_bake_and_does_not_count_the_time_it_was_away() {
    if !tmux_available() {
        return;
    }
    let first = Session::demo("resume1", &["--bake", "30s"]);
    first.screens_until("8 s verified", LONG, |sc| {
        verified(sc).is_some_and(|v| v >= 8)
    });
    first.cmd(&["send-keys", "-t", "t", "q"]);
    first.screens_until("the cockpit to quit", LONG, |sc| sc.contains("EXITED:0"));
    let journal = std::fs::read_to_string(&first.journal).unwrap();
    let last: Vec<&str> = journal.lines().rev().take(2).collect();
    assert!(
        last[0].contains("\"cockpit_stopped\"") && last[1].contains("\"bake_checkpoint\""),
        "the bake is journaled at the stop: {journal}"
    );
    // Away for longer than an update step, then the same release again.
    std::thread::sleep(Duration::from_secs(7));
    let second = first.again("resume2", &["--bake", "30s"]);
    let seen = second.screens_until("HOLD with the bake resumed", LONG, |sc| {
        verdict(sc) == Some("HOLD")
    });
    let hold = seen.last().unwrap();
    let resumed = verified(hold).unwrap();
    assert!(
        (8..=12).contains(&resumed),
        "resumed at {resumed}s:\n{hold}"
    );
    assert!(hold.contains("not observed "), "the gap is named:\n{hold}");
    assert!(hold.contains(": not counted"), "{hold}");
}
