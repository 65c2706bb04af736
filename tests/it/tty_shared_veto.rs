//! The veto from a watcher of the shared journal, in a real terminal: `gonogo watch --armed`
//! drives the demo release on PostgreSQL; a second cockpit, on another "machine" (another user,
//! its own connection), opens as a watcher, sees the countdown, and `x`, a reason and Enter
//! stop the rollback. The veto goes through the journal's inbox table; the driver journals it
//! in the watcher's name and holds.
//!
//! Needs tmux and PostgreSQL. Outside CI a missing one skips loudly; under CI=true it fails.

use crate::armed_watch_demo::{Demo, json};
use crate::headless_watch::Watch;
use crate::support::postgres::journal_db;
use crate::support::tmux::{BIN, Session as Tmux, tmux_available};
use gonogo::core::record::{Event, Record};
use gonogo::journal::postgres::{self, Chain};
use gonogo::secret::Secret;
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(90);

/// The demo's config on the shared journal, as release `release`.
pub(crate) fn on_postgres(demo: &Demo, release: &str) {
    let text = std::fs::read_to_string(demo.config()).unwrap();
    let old = r#"name = "checkout-api""#;
    assert!(text.contains(old));
    let text = text.replacen(old, &format!(r#"name = "{release}""#), 1)
        + "\n[cockpit]\njournal = { postgres = { env = \"GONOGO_DB\" } }\n";
    std::fs::write(demo.config(), text).unwrap();
}

/// `watch --armed --format json` on the demo's config and the shared journal at `url`.
pub(crate) fn drive(demo: &Demo, url: &str) -> Watch {
    let config = demo.config();
    let args = [
        "watch",
        "--config",
        config.to_str().unwrap(),
        "--armed",
        "--format",
        "json",
    ];
    Watch::start_with(&args, &[("GONOGO_DB", url)])
}

pub(crate) fn chain(release: &str) -> Chain {
    Chain {
        release: release.into(),
        environment: "production".into(),
    }
}

/// The rows waiting in the veto inbox for `chain`.
pub(crate) fn waiting(url: &str, chain: &Chain) -> i64 {
    let mut client = postgres::connect(&Secret::new(url.to_string())).unwrap();
    client
        .query_one(
            "SELECT count(*) FROM gonogo_veto WHERE release = $1 AND environment = $2",
            &[&chain.release, &chain.environment],
        )
        .unwrap()
        .get(0)
}

const REASON: &str = "the spike is the load test, not the release";

/// In the watcher's cockpit: wait for the countdown, then `x`, the reason, Enter. When the
/// countdown was seen, and when the reason was typed.
fn veto(watcher: &Tmux) -> (Instant, Instant) {
    let screen = watcher.wait_for("the watcher's first screen", LONG, |s| {
        s.contains("Since the release attempt began") || s.contains("ARMED")
    });
    if screen.contains("Since the release attempt began") {
        watcher.keys(&["Escape"]);
    }
    watcher.wait_text("ARMED: AUTO-ROLLBACK in", LONG);
    let seen = Instant::now();
    watcher.keys(&["x"]);
    watcher.wait_text("Why", Duration::from_secs(5));
    watcher.type_text(REASON);
    let typed = Instant::now();
    watcher.keys(&["Enter"]);
    (seen, typed)
}

/// The chain holds the watcher's veto once, then its hold, nothing sent, and verifies; the
/// inbox is empty.
fn vetoed_in_the_chain(url: &str, release: &str) {
    let secret = Secret::new(url.to_string());
    let chain = chain(release);
    let all: Vec<Record> = postgres::read(&secret, Some(&chain)).unwrap();
    let at = all
        .iter()
        .position(|r| r.event == Event::AutoVetoed)
        .unwrap_or_else(|| panic!("no auto_vetoed: {all:#?}"));
    assert_eq!(all[at].context.operator, "bo");
    assert_eq!(all[at].reason.as_deref(), Some(REASON));
    assert_eq!(all[at + 1].event, Event::HoldPlaced);
    assert_eq!(all[at + 1].context.operator, "bo");
    assert_eq!(
        all.iter().filter(|r| r.event == Event::AutoVetoed).count(),
        1,
        "taken once"
    );
    assert!(!all.iter().any(|r| r.event == Event::ActionRequested));
    // The driver wrote both into the one chain, which verifies; the inbox is empty.
    assert_eq!(postgres::verify(&secret, Some(&chain)).unwrap(), all.len());
    assert_eq!(waiting(url, &chain), 0);
}

#[test]
fn a_veto_typed_by_a_watcher_of_the_shared_journal_stops_the_headless_rollback() {
    if !tmux_available() {
        return;
    }
    let Some(cluster) = journal_db("tty_shared_veto") else {
        return;
    };
    let url = cluster.url("gonogo");
    let demo = Demo::start(Duration::from_secs(10), "20s");
    on_postgres(&demo, "pg-veto");
    let mut driver = drive(&demo, &url);
    driver.until("starting", |l| json(l)["kind"] == "started");
    // A cockpit that is not read-only: the driver holds the wheel, so it opens as a watcher.
    let command = format!(
        "GONOGO_DB='{url}' USER=bo '{BIN}' --config '{}'",
        demo.config().display()
    );
    let watcher = Tmux::run("sharedveto", (120, 40), &command);
    let (seen, typed) = veto(&watcher);

    let vetoed = json(&driver.until("with the veto", |l| json(l)["vetoed"].is_string()));
    eprintln!(
        "tty_shared_veto: the driver printed the watcher's veto {:?} after Enter",
        typed.elapsed()
    );
    assert_eq!(vetoed["vetoed"], REASON, "{vetoed}");
    assert_eq!(vetoed["operator"], "bo", "{vetoed}");
    assert_eq!(vetoed["automatic"]["policy"], "auto-rollback");
    driver.until("with the hold", |l| json(l)["kind"] == "hold");
    // Past where the countdown would have run out, with time to spare: nothing was sent.
    std::thread::sleep(Duration::from_secs(20 + 5).saturating_sub(seen.elapsed()));
    assert_eq!(demo.rollbacks(), 0, "{:?}", demo.sim.state().hooks);
    let on_screen = watcher.screen();
    assert!(!on_screen.contains("veto not delivered"), "{on_screen}");
    watcher.keys(&["q"]);
    assert_eq!(watcher.exit_code(), 0);
    let (status, lines, _) = driver.stop("TERM");
    assert_eq!(status.code(), Some(0), "{}", lines.join("\n"));

    vetoed_in_the_chain(&url, "pg-veto");
}

#[test]
fn a_veto_typed_by_a_watcher_of_the_shared_journal_stops_the_driving_cockpit_s_rollback() {
    if !tmux_available() {
        return;
    }
    let Some(cluster) = journal_db("tty_shared_veto") else {
        return;
    };
    let url = cluster.url("gonogo");
    let demo = Demo::start(Duration::from_secs(10), "20s");
    on_postgres(&demo, "pg-veto-cockpit");
    let config = demo.config();
    let run = |user: &str, extra: &str| {
        format!(
            "GONOGO_DB='{url}' USER={user} '{BIN}' --config '{}' {extra}",
            config.display()
        )
    };
    let driver = Tmux::run("sharedvetodrive", (120, 40), &run("ana", "--armed"));
    driver.wait_text("cockpit started", LONG);
    let watcher = Tmux::run("sharedvetowatch", (120, 40), &run("bo", ""));
    let (seen, typed) = veto(&watcher);
    let host = gonogo::host::name();
    // The driver's own screen says it was vetoed, by whom, well within a second or so.
    driver.wait_text(&format!("HELD by bo@{host}"), LONG);
    eprintln!(
        "tty_shared_veto: the driving cockpit showed the watcher's hold {:?} after Enter",
        typed.elapsed()
    );
    std::thread::sleep(Duration::from_secs(20 + 5).saturating_sub(seen.elapsed()));
    assert_eq!(demo.rollbacks(), 0, "{:?}", demo.sim.state().hooks);
    watcher.keys(&["q"]);
    assert_eq!(watcher.exit_code(), 0);
    driver.keys(&["q"]);
    assert_eq!(driver.exit_code(), 0);
    vetoed_in_the_chain(&url, "pg-veto-cockpit");
}
