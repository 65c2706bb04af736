//! The shared journal's veto inbox against a real PostgreSQL: the driver (`watch --armed`)
//! takes what watchers leave in `gonogo_veto`, journals vetoes and holds in the watcher's name,
//! and drops anything else unjournaled.
//!
//! Needs PostgreSQL. Outside CI a missing one skips loudly; under CI=true it fails.

use crate::armed_watch_demo::{Demo, json};
use crate::support::postgres::journal_db;
use crate::tty_shared_veto::{chain, drive, on_postgres, waiting};
use gonogo::core::record::{Event, Record};
use gonogo::journal::{postgres, postgres_veto};
use gonogo::secret::Secret;
use std::time::{Duration, Instant};

#[test]
fn only_vetoes_and_holds_from_the_inbox_are_journaled_by_the_driver() {
    let Some(cluster) = journal_db("shared_journal_veto") else {
        return;
    };
    let url = cluster.url("gonogo");
    // No regression for an hour: nothing counts down, the hold is journaled all the same.
    let demo = Demo::start(Duration::from_secs(3600), "20s");
    on_postgres(&demo, "pg-veto-inbox");
    let mut driver = drive(&demo, &url);
    driver.until("starting", |l| json(l)["kind"] == "started");
    let secret = Secret::new(url.clone());
    let chain = chain("pg-veto-inbox");
    let read = || postgres::read(&secret, Some(&chain)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let started = loop {
        if let Some(r) = read()
            .into_iter()
            .find(|r| r.event == Event::CockpitStarted)
        {
            break r;
        }
        assert!(
            Instant::now() < deadline,
            "the driver never journaled its start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut ctx = started.context.clone();
    ctx.operator = "eve".into();
    ctx.host = "laptop".into();
    let now = chrono::Utc::now();
    let mut client = postgres::connect(&secret).unwrap();
    // What a watcher may not leave: a stage entered, an action's success.
    for event in [Event::StageEntered, Event::ActionSucceeded] {
        let mut r = Record::new(now, event, ctx.clone());
        r.reason = Some("not a veto".into());
        postgres_veto::put(&mut client, &r).unwrap();
    }
    let mut hold = Record::new(now, Event::HoldPlaced, ctx.clone());
    hold.reason = Some("freeze for the incident".into());
    hold.hold_until = Some(now + chrono::Duration::minutes(15));
    postgres_veto::put(&mut client, &hold).unwrap();

    driver.until("with the hold", |l| json(l)["kind"] == "hold");
    let deadline = Instant::now() + Duration::from_secs(60);
    let eve: Vec<Record> = loop {
        let eve: Vec<Record> = read()
            .into_iter()
            .filter(|r| r.context.operator == "eve")
            .collect();
        if !eve.is_empty() {
            break eve;
        }
        assert!(Instant::now() < deadline, "the hold was never journaled");
        std::thread::sleep(Duration::from_millis(100));
    };
    let (status, lines, _) = driver.stop("TERM");
    assert_eq!(status.code(), Some(0), "{}", lines.join("\n"));
    // The hold, in eve's name and words; nothing else of hers, ever.
    let events: Vec<Event> = eve.iter().map(|r| r.event).collect();
    assert_eq!(events, [Event::HoldPlaced], "{eve:#?}");
    assert_eq!(eve[0].reason.as_deref(), Some("freeze for the incident"));
    let all = read();
    assert!(
        !all.iter()
            .any(|r| r.reason.as_deref() == Some("not a veto"))
    );
    assert_eq!(waiting(&url, &chain), 0, "the inbox is emptied");
    assert_eq!(postgres::verify(&secret, Some(&chain)).unwrap(), all.len());
}
