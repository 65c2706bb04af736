//! Two real cockpits on one release through the shared journal (tmux, PostgreSQL): the second
//! opens as a watcher naming who drives, sees the driver's hold within a second and cannot
//! hold itself; the driver killed with -9 loses the wheel (its connection is gone), and a
//! cockpit opened then drives.
//!
//! Needs tmux and PostgreSQL. Outside CI a missing one skips loudly; under CI=true it fails.

use crate::support::postgres::journal_db;
use crate::support::tmux::{BIN, Session, tmux_available};
use gonogo::journal::postgres;
use gonogo::journal::postgres_lease;
use gonogo::secret::Secret;
use std::path::Path;
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(90);

/// The cockpit on `config` as `user`, `exec`uted so the pane's process is the cockpit's.
fn cockpit(name: &str, user: &str, url: &str, config: &Path) -> Session {
    let command = format!(
        "GONOGO_DB='{url}' USER={user} exec '{BIN}' --config '{}'",
        config.display()
    );
    Session::run(name, (120, 40), &command)
}

#[test]
fn a_second_cockpit_watches_the_driver_and_takes_the_wheel_after_a_kill() {
    if !tmux_available() {
        return;
    }
    let Some(cluster) = journal_db("tty_shared_driver") else {
        return;
    };
    let url = cluster.url("gonogo");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("release.toml");
    let text = include_str!("../fixtures/minimal.toml").replace("checkout-api", "tty-shared")
        + "\n[cockpit]\njournal = { postgres = { env = \"GONOGO_DB\" } }\n";
    std::fs::write(&config, text).unwrap();
    let host = gonogo::host::name();

    let ana = cockpit("shared-ana", "ana", &url, &config);
    ana.wait_text("cockpit started", LONG);
    let bo = cockpit("shared-bo", "bo", &url, &config);
    let screen = bo.wait_text(&format!("ana@{host} driving"), LONG);
    assert!(screen.contains("READ-ONLY"), "{screen}");

    // The driver holds the release; the watcher shows it within a second.
    ana.keys(&["h"]);
    ana.type_text("database migration");
    ana.keys(&["Enter"]);
    ana.keys(&["Enter"]);
    ana.wait_text(&format!("HELD by ana@{host}"), LONG);
    let shown = Instant::now();
    bo.wait_text(&format!("HELD by ana@{host}"), LONG);
    let took = shown.elapsed();
    assert!(took < Duration::from_secs(1), "{took:?}");
    eprintln!("tty_shared_driver: the watcher showed the driver's hold {took:?} after the driver");
    // The watcher cannot act.
    bo.keys(&["h"]);
    bo.wait_text(
        "read-only: only the operator's cockpit holds the release",
        LONG,
    );

    // The driver dies without a word; its lease runs out, then a new cockpit drives.
    let pid = ana.format("#{pane_pid}");
    let killed = std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success());
    bo.keys(&["q"]);
    let cy = cockpit("shared-cy", "cy", &url, &config);
    // The hold takes the header's driver line; the lease says who drives.
    let mut client = postgres::connect(&Secret::new(url)).unwrap();
    let chain = postgres::Chain {
        release: "tty-shared".into(),
        environment: "production".into(),
    };
    let deadline = Instant::now() + LONG;
    let who = loop {
        let holder = postgres_lease::holder(&mut client, &chain).unwrap();
        let who = holder.map(|h| h.driver.who).unwrap_or_default();
        if who == format!("cy@{host}") || Instant::now() > deadline {
            break who;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(who, format!("cy@{host}"), "{}", cy.screen());
    assert!(!cy.screen().contains("READ-ONLY"), "{}", cy.screen());
    cy.keys(&["q"]);
}
