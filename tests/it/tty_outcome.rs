//! Outcome unknown as a state, in the real binary in a real terminal (tmux): a promote whose
//! webhook timed out keeps the verdict at NO-GO UNTIL VERIFIED until the live traffic shows
//! it; a rollback left in flight by kill -9, or by `q` `y`, is read back at the next start.
//!
//! Needs tmux. Outside CI a missing tmux skips these tests loudly; under CI=true it fails.

use crate::support::tmux;

use std::path::{Path, PathBuf};
use std::time::Duration;
use tmux::{Session as Pane, banner, footer, records as journal_lines, tmux_available};
use tmux::{verify_chain, wait_journal};

const LONG: Duration = Duration::from_secs(90);

fn fresh_journal() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    (dir, journal)
}

/// Confirm a rollback in the Approve-Risk prompt (its prefix is typed already).
fn confirm_rollback(pane: &Pane) {
    pane.confirm(
        "r",
        "drill: rollback against a slow deploy system",
        Duration::from_secs(10),
    );
    pane.wait_text("rollback requested", Duration::from_secs(10));
}

#[test]
fn an_unknown_promote_holds_no_go_without_p_until_the_late_traffic_settles_it() {
    if !tmux_available() {
        return;
    }
    let (_dir, journal) = fresh_journal();
    let pane = Pane::demo_on(
        "promote",
        &journal,
        &[
            "--bake",
            "6s",
            "--webhook-delay",
            "15s",
            "--regress-after",
            "600s",
        ],
    );
    pane.wait_text("promote to the next stage", LONG);
    pane.confirm(
        "p",
        "Approve-Risk: canary clean for the whole bake",
        Duration::from_secs(10),
    );
    // The webhook times out after 10 s; the simulator acts 15 s after the request.
    pane.wait_text("OUTCOME UNKNOWN", Duration::from_secs(30));
    let settled = pane.until(
        "the late promote to show in the live traffic",
        LONG,
        |s| s.contains("took effect: live traffic 5%"),
        |s| {
            let b = banner(s);
            assert!(
                b.contains("NO-GO UNTIL VERIFIED") && b.contains("promote 1% → 5%"),
                "the unknown promote must hold the verdict; screen:\n{s}"
            );
            let f = footer(s);
            assert!(
                !f.contains(" p  promote"),
                "p must not be offered; screen:\n{s}"
            );
        },
    );
    assert!(!banner(&settled).contains("GO  │"), "{settled}");
    pane.wait_text("stage 5% entered", Duration::from_secs(10));
    pane.keys(&["q"]);
    assert_eq!(pane.exit_code(), 0);
    let records = journal_lines(&journal);
    let resolved = records
        .iter()
        .find(|r| r["event"] == "action_resolved")
        .expect("the settlement is journaled");
    assert_eq!(resolved["action"], "promote");
    assert_eq!(resolved["resolution"]["by"], "evidence");
    assert_eq!(resolved["resolution"]["took_effect"], true);
    // From the first stage on, every record carries the attempt's id.
    let first = records
        .iter()
        .position(|r| r["event"] == "stage_entered")
        .unwrap();
    let id = &records[first]["attempt"];
    assert!(id.is_string(), "{records:#?}");
    assert!(
        records[first..].iter().all(|r| &r["attempt"] == id),
        "{records:#?}"
    );
    assert_eq!(records.last().unwrap()["event"], "cockpit_stopped");
    verify_chain(&journal);
}

const SLOW: &[&str] = &["--webhook-delay", "60s", "--regress-after", "600s"];

/// A demo on `journal` confirms a rollback against a slow webhook, then `stop` ends it.
fn rollback_then(name: &str, journal: &Path, stop: impl FnOnce(&Pane) -> i32, code: i32) {
    let pane = Pane::demo_on(name, journal, SLOW);
    pane.wait_text("HOLD", LONG);
    confirm_rollback(&pane);
    assert_eq!(stop(&pane), code);
}

/// A new demo on the same journal: the rollback is read back as outcome unknown.
fn read_back(name: &str, journal: &Path) -> (Pane, String) {
    let pane = Pane::demo_on(name, journal, SLOW);
    let screen = pane.until(
        "the rollback read back as outcome unknown",
        LONG,
        |s| {
            let b = banner(s);
            b.contains("NO-GO UNTIL VERIFIED") && b.contains("rollback from 1%")
        },
        |_| {},
    );
    (pane, screen)
}

#[test]
fn a_rollback_in_flight_at_kill_9_is_no_go_until_verified_at_the_next_start() {
    if !tmux_available() {
        return;
    }
    let (_dir, journal) = fresh_journal();
    let kill = |pane: &Pane| {
        pane.kill_9();
        pane.exit_code()
    };
    rollback_then("kill", &journal, kill, 137);
    assert_eq!(
        journal_lines(&journal).last().unwrap()["event"],
        "action_requested"
    );
    let (pane, screen) = read_back("kill-again", &journal);
    assert!(
        screen.contains("in flight when the cockpit stopped"),
        "{screen}"
    );
    assert!(footer(&screen).contains("v  verify"), "{screen}");
    // The operator checked: it did not take effect.
    pane.keys(&["v", "Tab", "Tab"]);
    pane.type_text("Verified: deploy log shows no rollback run");
    pane.keys(&["Enter"]);
    pane.wait_text("did not take effect", Duration::from_secs(10));
    pane.keys(&["q"]);
    assert_eq!(pane.exit_code(), 0);
    let records = journal_lines(&journal);
    let events: Vec<&str> = records.iter().filter_map(|r| r["event"].as_str()).collect();
    assert!(events.contains(&"action_outcome_unknown"), "{events:?}");
    let resolved = records
        .iter()
        .find(|r| r["event"] == "action_resolved")
        .expect("journaled");
    assert_eq!(resolved["resolution"]["by"], "operator");
    assert_eq!(resolved["resolution"]["took_effect"], false);
    assert_eq!(resolved["reason"], "deploy log shows no rollback run");
    assert_eq!(*events.last().unwrap(), "cockpit_stopped");
    verify_chain(&journal);
}

#[test]
fn q_y_with_a_rollback_in_flight_journals_the_stop_last_and_the_next_start_names_it() {
    if !tmux_available() {
        return;
    }
    let (_dir, journal) = fresh_journal();
    let quit = |pane: &Pane| {
        pane.keys(&["q"]);
        pane.wait_text("Quit anyway?", Duration::from_secs(10));
        pane.keys(&["y"]);
        pane.exit_code()
    };
    rollback_then("quit", &journal, quit, 0);
    let records = journal_lines(&journal);
    let stop = records.last().unwrap();
    assert_eq!(stop["event"], "cockpit_stopped", "{records:#?}");
    assert_eq!(stop["action"], "rollback");
    assert!(stop["action_id"].is_string());
    verify_chain(&journal);
    let (pane, _) = read_back("quit-again", &journal);
    pane.wait_text(
        "in flight when the cockpit stopped at",
        Duration::from_secs(10),
    );
    pane.keys(&["q"]);
    assert_eq!(pane.exit_code(), 0);
}

#[test]
fn closing_the_tmux_session_mid_rollback_journals_the_stop_with_the_action() {
    if !tmux_available() {
        return;
    }
    let (_dir, journal) = fresh_journal();
    let close = |pane: &Pane| {
        pane.close();
        // The cockpit gets SIGHUP and its terminal goes away: it must still journal the stop.
        wait_journal(&journal, "the stop", Duration::from_secs(15), |r| {
            r.last().is_some_and(|r| r["event"] == "cockpit_stopped")
        });
        0
    };
    rollback_then("hangup", &journal, close, 0);
    let records = journal_lines(&journal);
    assert_eq!(
        records.last().unwrap()["action"],
        "rollback",
        "{records:#?}"
    );
    verify_chain(&journal);
    let (pane, _) = read_back("hangup-again", &journal);
    pane.keys(&["q"]);
    assert_eq!(pane.exit_code(), 0);
}
