//! A cockpit started to drive while the shared journal's database is down (tmux, a PostgreSQL
//! of this test's own): it opens watching, polling its sources and showing the verdict, with
//! actions refused and the reason on screen; when the database is started it takes the wheel
//! without a restart and can act, and its records are written once; the database stopped and
//! started again mid-release, it says so and acts again without a restart.
//!
//! Needs tmux and PostgreSQL. Outside CI a missing one skips loudly; under CI=true it fails.

use crate::support::headless::{self, Answers, Server};
use crate::support::postgres::cluster;
use crate::support::tmux::{BIN, Session, tmux_available};
use gonogo::core::record::Event;
use gonogo::journal::postgres::{self, Chain};
use gonogo::secret::Secret;
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(90);
const RELEASE: &str = "tty-outage";

#[test]
fn a_cockpit_started_without_its_database_watches_then_drives_when_it_returns() {
    if !tmux_available() {
        return;
    }
    let Some(db) = cluster("tty_shared_outage", "gonogo") else {
        return;
    };
    db.stop();
    let url = db.url("gonogo");
    let server = Server::start(Answers::default());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("release.toml");
    let text = headless::shared_config(&server.url, RELEASE);
    std::fs::write(&config, text).unwrap();
    let command = format!(
        "GONOGO_DB='{url}' USER=ana exec '{BIN}' --config '{}'",
        config.display()
    );
    let ana = Session::run("outage-ana", (100, 30), &command);

    // Watching: the sources answer and the verdict shows; the reason is on screen.
    let screen = ana.wait_text("shared journal out of reach", LONG);
    assert!(screen.contains("READ-ONLY"), "{screen}");
    ana.wait_text("cannot be reached", LONG);
    let screen = ana.wait_text("0.10%", LONG);
    assert!(screen.contains("CI green"), "{screen}");
    // An action is refused.
    ana.keys(&["h"]);
    ana.wait_text("read-only", LONG);

    // The database comes back: the cockpit takes the wheel by itself and can act.
    db.start();
    let back = Instant::now();
    ana.wait_text("you drive now", LONG);
    ana.wait_for("the READ-ONLY badge to go", LONG, |s| {
        !s.contains("READ-ONLY")
    });
    eprintln!(
        "tty_shared_outage: driving {:?} after the database was started",
        back.elapsed()
    );
    ana.confirm(
        "r",
        "drill: rollback once the journal is back",
        Duration::from_secs(10),
    );
    ana.wait_text("rollback requested", LONG);
    let chain = Chain {
        release: RELEASE.into(),
        environment: headless::ENVIRONMENT.into(),
    };
    let secret = Secret::new(url.clone());
    let deadline = Instant::now() + LONG;
    let records = loop {
        let records = postgres::read(&secret, Some(&chain)).unwrap();
        if records.iter().any(|r| r.event == Event::ActionSucceeded) {
            break records;
        }
        assert!(Instant::now() < deadline, "{records:?}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let starts = records
        .iter()
        .filter(|r| r.event == Event::CockpitStarted)
        .count();
    let requests = records
        .iter()
        .filter(|r| r.event == Event::ActionRequested)
        .count();
    assert_eq!((starts, requests), (1, 1), "{records:?}");
    postgres::verify(&secret, Some(&chain)).unwrap();

    // Mid-release the database stops: the driver says so and watching goes on; started
    // again, the driver keeps the wheel and can act, without a restart.
    db.stop();
    ana.wait_text("JOURNAL WRITE FAILED", LONG);
    db.start();
    ana.wait_text("journal writable again", LONG);
    ana.wait_for("the failure to clear", LONG, |s| {
        !s.contains("JOURNAL WRITE FAILED")
    });
    assert!(!ana.screen().contains("READ-ONLY"), "{}", ana.screen());
    ana.keys(&["h"]);
    ana.type_text("journal back: holding for a look");
    ana.keys(&["Enter"]);
    ana.keys(&["Enter"]);
    let deadline = Instant::now() + LONG;
    loop {
        let records = postgres::read(&secret, Some(&chain)).unwrap();
        if records.iter().any(|r| r.event == Event::HoldPlaced) {
            break;
        }
        assert!(Instant::now() < deadline, "{records:?}\n{}", ana.screen());
        std::thread::sleep(Duration::from_millis(200));
    }
    postgres::verify(&secret, Some(&chain)).unwrap();
    ana.keys(&["q"]);
}
