//! Armed auto-rollback on the demo, in a real terminal: the regression rolls back by itself
//! after the countdown (the simulator sees exactly one rollback), and a veto typed during the
//! countdown stops it, journaled with its reason and held.
//!
//! Needs tmux. Outside CI a missing tmux skips these tests loudly; under CI=true it fails.

use crate::support::shared::get;
use crate::support::tmux;
use std::time::Duration;
use tmux::{Session as Tmux, records, tmux_available, verify_chain, wait_journal};

const LONG: Duration = Duration::from_secs(90);

/// The simulator's count of promotes and rollbacks carried out.
fn calls(url: &str) -> serde_json::Value {
    let addr = url.trim_start_matches("http://");
    let (status, body) = get(addr, "/hooks/calls", &[]).expect("the simulator answers");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn requested(journal: &std::path::Path) -> Vec<serde_json::Value> {
    records(journal)
        .into_iter()
        .filter(|r| r["event"] == "action_requested")
        .collect()
}

#[test]
fn armed_auto_rollback_fires_by_itself_once_after_the_countdown() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo(
        "armed",
        &["--armed", "--countdown", "5s", "--regress-after", "8s"],
    );
    let first = t.wait_text("ARMED", Duration::from_secs(20));
    assert!(first.lines().next().unwrap().contains("ARMED"), "{first}");
    let url = t.listening_url();
    let panel = t.wait_text("ARMED: AUTO-ROLLBACK in", LONG);
    assert!(panel.contains("rollback because"), "{panel}");
    assert!(panel.contains("veto"), "{panel}");
    t.wait_text("rollback succeeded", Duration::from_secs(30));
    wait_journal(&t.journal, "the rollback's success", LONG, |rs| {
        rs.iter().any(|r| r["event"] == "action_succeeded")
    });
    t.wait_text("rolled back from canary", Duration::from_secs(20));
    // A while after the rollback, still one: the breach's situation fired once.
    std::thread::sleep(Duration::from_secs(3));
    let c = calls(&url);
    assert_eq!(
        (c["rollbacks"].as_u64(), c["promotes"].as_u64()),
        (Some(1), Some(0)),
        "{c}"
    );
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_restored();
    let all = records(&t.journal);
    let armed: Vec<_> = all
        .iter()
        .filter(|r| r["event"] == "armed_changed")
        .collect();
    assert_eq!(armed.len(), 1, "{armed:?}");
    assert_eq!(armed[0]["detail"], "config");
    assert_eq!(armed[0]["armed"]["rollback"], true);
    let sent = requested(&t.journal);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["action"], "rollback");
    assert_eq!(sent[0]["auto"]["policy"], "auto-rollback");
    assert_eq!(sent[0]["auto"]["countdown_s"], 5);
    let evidence = sent[0]["auto"]["evidence"][0].as_str().unwrap_or_default();
    assert!(evidence.starts_with("Canary error rate"), "{}", sent[0]);
    assert!(verify_chain(&t.journal).contains("chain intact"));
}

#[test]
fn a_veto_typed_during_the_countdown_stops_the_rollback_and_holds() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo(
        "veto",
        &["--armed", "--countdown", "20s", "--regress-after", "8s"],
    );
    t.wait_text("ARMED", Duration::from_secs(20));
    let url = t.listening_url();
    t.wait_text("ARMED: AUTO-ROLLBACK in", LONG);
    t.keys(&["x"]);
    t.wait_text("Why", Duration::from_secs(5));
    t.type_text("known flaky dependency, fix is rolling");
    t.keys(&["Enter"]);
    t.wait_text("HELD by", Duration::from_secs(10));
    // Well past the countdown: nothing was sent.
    std::thread::sleep(Duration::from_secs(25));
    let screen = t.screen();
    assert!(!screen.contains("AUTO-ROLLBACK in"), "{screen}");
    let c = calls(&url);
    assert_eq!(c["rollbacks"].as_u64(), Some(0), "{c}");
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
    assert!(requested(&t.journal).is_empty());
    let all = records(&t.journal);
    let at = all
        .iter()
        .position(|r| r["event"] == "auto_vetoed")
        .unwrap_or_else(|| panic!("no auto_vetoed: {all:#?}"));
    assert_eq!(all[at]["reason"], "known flaky dependency, fix is rolling");
    assert_eq!(all[at]["auto"]["policy"], "auto-rollback");
    assert_eq!(all[at + 1]["event"], "hold_placed");
    assert_eq!(
        all[at + 1]["reason"],
        "known flaky dependency, fix is rolling"
    );
    assert!(verify_chain(&t.journal).contains("chain intact"));
}

#[test]
fn an_observer_vetoes_and_the_driving_cockpit_journals_it_and_holds() {
    if !tmux_available() {
        return;
    }
    use crate::tty_driver::demo_as;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let driver = demo_as(
        "armed-driver",
        "ana",
        &journal,
        "--armed --countdown 60s --regress-after 10s",
    );
    driver.wait_text("ARMED", Duration::from_secs(20));
    let url = driver.listening_url();
    // The observer runs its own simulator on the same timeline: it sees the countdown too.
    let watcher = demo_as(
        "armed-watch",
        "cy",
        &journal,
        "--read-only --countdown 60s --regress-after 8s",
    );
    driver.wait_text("ARMED: AUTO-ROLLBACK in", LONG);
    let seen = watcher.wait_text("ARMED: AUTO-ROLLBACK in", LONG);
    assert!(
        seen.contains("READ-ONLY") && seen.contains("ARMED"),
        "{seen}"
    );
    watcher.keys(&["x"]);
    watcher.wait_text("Why veto it?", Duration::from_secs(5));
    watcher.type_text("on call says the fix is deploying");
    watcher.keys(&["Enter"]);
    let held = driver.wait_text("HELD by cy@", Duration::from_secs(15));
    assert!(!held.contains("AUTO-ROLLBACK in"), "{held}");
    let rs = wait_journal(&journal, "the observer's veto", LONG, |rs| {
        rs.iter().any(|r| r["event"] == "hold_placed")
    });
    let at = rs.iter().position(|r| r["event"] == "auto_vetoed").unwrap();
    assert_eq!(rs[at]["operator"], "cy");
    assert_eq!(rs[at]["reason"], "on call says the fix is deploying");
    assert_eq!(rs[at + 1]["event"], "hold_placed");
    let seen = watcher.wait_text("HELD by cy@", Duration::from_secs(10));
    assert!(!seen.contains("AUTO-ROLLBACK in"), "{seen}");
    // Past the driver's countdown: nothing was sent.
    std::thread::sleep(Duration::from_secs(60));
    assert_eq!(calls(&url)["rollbacks"].as_u64(), Some(0));
    driver.keys(&["q"]);
    driver.wait_text("EXITED:0", LONG);
    watcher.keys(&["q"]);
    watcher.wait_text("EXITED:0", LONG);
    assert!(verify_chain(&journal).contains("chain intact"));
}
