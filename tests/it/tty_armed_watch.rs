//! The veto from a cockpit following the journal, in a real terminal: `gonogo watch --armed`
//! drives the demo release headless; an operator's cockpit opened read-only beside it sees the
//! countdown, and `x`, a reason and Enter stop the rollback. The veto is left beside the file
//! journal; the driver journals it in the vetoer's name and holds.
//!
//! Needs tmux. Outside CI a missing tmux skips these tests loudly; under CI=true it fails.

use crate::armed_watch_demo::{Demo, json, records};
use crate::support::tmux::{Session as Tmux, tmux_available, verify_chain};
use gonogo::core::record::Event;
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(90);

#[test]
fn a_veto_typed_in_a_read_only_cockpit_stops_the_headless_rollback() {
    if !tmux_available() {
        return;
    }
    let demo = Demo::start(Duration::from_secs(10), "20s");
    let mut driver = demo.watch();
    driver.until("starting", |l| json(l)["kind"] == "started");
    let command = format!(
        "'{}' --config '{}' --journal '{}' --read-only",
        crate::support::tmux::BIN,
        demo.config().display(),
        demo.journal().display()
    );
    let observer = Tmux::run("armedwatch", (120, 40), &command);
    // An observer opens on the digest of what happened; the countdown shows once it is closed.
    observer.wait_text("Since the release attempt began", Duration::from_secs(20));
    observer.keys(&["Escape"]);
    observer.wait_text("ARMED: AUTO-ROLLBACK in", LONG);
    let seen = Instant::now();
    observer.keys(&["x"]);
    observer.wait_text("Why", Duration::from_secs(5));
    observer.type_text("the spike is the load test, not the release");
    observer.keys(&["Enter"]);

    let vetoed = json(&driver.until("with the veto", |l| json(l)["vetoed"].is_string()));
    assert_eq!(
        vetoed["vetoed"], "the spike is the load test, not the release",
        "{vetoed}"
    );
    assert_eq!(vetoed["automatic"]["policy"], "auto-rollback");
    driver.until("with the hold", |l| json(l)["kind"] == "hold");
    // Past where the countdown would have run out, with time to spare: nothing was sent.
    std::thread::sleep(Duration::from_secs(20 + 5).saturating_sub(seen.elapsed()));
    assert_eq!(demo.rollbacks(), 0, "{:?}", demo.sim.state().hooks);
    observer.keys(&["q"]);
    assert_eq!(observer.exit_code(), 0);
    let (status, lines, _) = driver.stop("TERM");
    assert_eq!(status.code(), Some(0), "{}", lines.join("\n"));

    let all = records(&demo.journal());
    let at = all
        .iter()
        .position(|r| r.event == Event::AutoVetoed)
        .unwrap_or_else(|| panic!("no auto_vetoed: {all:#?}"));
    assert_eq!(
        all[at].reason.as_deref(),
        Some("the spike is the load test, not the release")
    );
    assert_eq!(all[at + 1].event, Event::HoldPlaced);
    assert!(!all.iter().any(|r| r.event == Event::ActionRequested));
    // Observers never write the journal: the driver wrote both, in one chain.
    assert!(verify_chain(&demo.journal()).contains("chain intact"));
    let left = gonogo::journal::vetoes::dir(&demo.journal());
    assert!(
        std::fs::read_dir(&left).map_or(true, |mut d| d.next().is_none()),
        "vetoes left behind in {}",
        left.display()
    );
}
