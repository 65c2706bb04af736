//! The wheel passing between running cockpits on the shared journal (tmux, PostgreSQL): the
//! driver is killed with -9 and the watcher, without a restart, is told the wheel is free,
//! takes it with D and can act (its rollback reaches the local webhook server, journaled as
//! succeeded); then it hands the wheel over with G and a third cockpit, its digest open, takes
//! it.
//!
//! Needs tmux and PostgreSQL. Outside CI a missing one skips loudly; under CI=true it fails.

use crate::support::headless::{self, Answers, Server};
use crate::support::postgres::journal_db;
use crate::support::tmux::{BIN, Session, tmux_available};
use gonogo::journal::postgres::{self, Chain};
use gonogo::secret::Secret;
use std::path::Path;
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(90);
const RELEASE: &str = "tty-wheel";

fn cockpit(name: &str, user: &str, url: &str, config: &Path) -> Session {
    let command = format!(
        "GONOGO_DB='{url}' USER={user} exec '{BIN}' --config '{}'",
        config.display()
    );
    Session::run(name, (100, 30), &command)
}

/// The events and details of the release's records in the shared journal, in order.
fn journal(url: &str) -> Vec<(String, String)> {
    let chain = Chain {
        release: RELEASE.into(),
        environment: headless::ENVIRONMENT.into(),
    };
    postgres::read(&Secret::new(url.to_string()), Some(&chain))
        .unwrap()
        .iter()
        .map(|r| {
            let event = serde_json::to_value(r.event).unwrap();
            let detail = r.detail.clone().unwrap_or_default();
            (
                event.as_str().unwrap_or_default().to_string(),
                format!("{}@{} {detail}", r.context.operator, r.context.host),
            )
        })
        .collect()
}

#[test]
fn a_watcher_takes_the_wheel_of_a_killed_driver_acts_and_hands_it_over() {
    if !tmux_available() {
        return;
    }
    let Some(cluster) = journal_db("tty_shared_wheel") else {
        return;
    };
    let url = cluster.url("gonogo");
    let server = Server::start(Answers::default());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("release.toml");
    let text = headless::shared_config(&server.url, RELEASE);
    std::fs::write(&config, text).unwrap();
    let host = gonogo::host::name();

    let ana = cockpit("wheel-ana", "ana", &url, &config);
    ana.wait_text("cockpit started", LONG);
    let bo = cockpit("wheel-bo", "bo", &url, &config);
    let screen = bo.wait_text(&format!("ana@{host} driving"), LONG);
    assert!(screen.contains("READ-ONLY"), "{screen}");
    // D does nothing while ana drives, and says why.
    bo.type_text("D");
    bo.wait_text(&format!("ana@{host} has the wheel"), LONG);

    // Ana's cockpit dies without a word: its connection goes with it, and bo is told.
    let pid = ana.format("#{pane_pid}");
    let killed = std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let screen = bo.wait_text("D takes the wheel", LONG);
    eprintln!(
        "tty_shared_wheel: the watcher was told the wheel is free {:?} after the kill",
        started.elapsed()
    );
    assert!(
        screen.contains(&format!("ana@{host} no longer drives")),
        "{screen}"
    );
    bo.type_text("D");
    let screen = bo.wait_text(&format!("took the wheel from ana@{host}"), LONG);
    bo.wait_for("the READ-ONLY badge to go", LONG, |s| {
        !s.contains("READ-ONLY")
    });
    drop(screen);

    // The new driver can act: its rollback reaches the webhook server.
    bo.confirm(
        "r",
        "drill: the wheel passed to bo",
        Duration::from_secs(10),
    );
    bo.wait_text("rollback requested", LONG);
    let deadline = Instant::now() + LONG;
    while !journal(&url).iter().any(|(e, _)| e == "action_succeeded") {
        assert!(Instant::now() < deadline, "{:?}", journal(&url));
        std::thread::sleep(Duration::from_millis(200));
    }

    // A third cockpit watches; bo hands the wheel over and cy takes it.
    let cy = cockpit("wheel-cy", "cy", &url, &config);
    cy.wait_text(&format!("bo@{host} driving"), LONG);
    // The driver's header names who watches, from the database (no presence files here).
    bo.wait_text(&format!("watching: cy@{host}"), LONG);
    // G asks first.
    bo.type_text("G");
    bo.wait_text("Hand the wheel over?", LONG);
    bo.type_text("y");
    bo.wait_text("you handed the wheel over", LONG);
    cy.wait_text("D takes the wheel", LONG);
    cy.type_text("D");
    cy.wait_text("you drive now", LONG);
    bo.wait_text(&format!("cy@{host} driving"), LONG);

    let records = journal(&url);
    let said =
        |event: &str, text: &str| records.iter().any(|(e, d)| e == event && d.contains(text));
    assert!(
        said(
            "cockpit_started",
            &format!("bo@{host} operator cockpit: took the wheel from ana@{host}")
        ),
        "{records:?}"
    );
    assert!(
        said(
            "cockpit_stopped",
            &format!("bo@{host} handed the wheel over")
        ),
        "{records:?}"
    );
    assert!(
        said(
            "cockpit_started",
            &format!("cy@{host} operator cockpit: took the free wheel")
        ),
        "{records:?}"
    );
    // The chain holds across the three drivers.
    let chain = Chain {
        release: RELEASE.into(),
        environment: headless::ENVIRONMENT.into(),
    };
    postgres::verify(&Secret::new(url.clone()), Some(&chain)).unwrap();
    bo.keys(&["q"]);
    cy.keys(&["q"]);
}
