//! One driver per release on the shared journal: the first cockpit takes the wheel, a second
//! is refused naming who drives and since when; the wheel is the driver's connection, so the
//! moment the server lets that connection go (a kill, a lost network cut off by keepalives)
//! another cockpit can take it, and the old driver's appends are refused from then on; a clean
//! stop gives it up; and a driver that sits idle runs no query at all.

use crate::shared_journal::record;
use crate::support::postgres::journal_db;
use gonogo::core::record::Event;
use gonogo::journal::JournalError;
use gonogo::journal::postgres::{self, Chain, Shared};
use gonogo::journal::postgres_lease;
use gonogo::secret::Secret;
use std::time::{Duration, Instant};

fn chain(release: &str) -> Chain {
    Chain {
        release: release.into(),
        environment: "production".into(),
    }
}

fn driven_by(result: Result<impl Sized, JournalError>) -> String {
    match result {
        Err(JournalError::Driven(holder)) => holder.driver.who,
        Err(e) => panic!("expected Driven, got {e}"),
        Ok(_) => panic!("expected Driven, got the wheel"),
    }
}

/// The server backend that holds `release`'s wheel (the advisory lock), if any.
fn wheel_backend(client: &mut ::postgres::Client, release: &str) -> Option<i32> {
    let k = postgres_lease::key(&chain(release));
    client
        .query_opt(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND mode = 'ExclusiveLock' \
             AND granted AND classid::bigint = (($1::bigint >> 32) & 4294967295) \
             AND objid::bigint = ($1::bigint & 4294967295) AND objsubid = 1",
            &[&k],
        )
        .unwrap()
        .map(|r| r.get(0))
}

#[test]
fn one_cockpit_drives_and_loses_the_wheel_when_its_connection_is_gone() {
    let Some(cluster) = journal_db("shared_journal_driver") else {
        return;
    };
    let url = Secret::new(cluster.url("gonogo"));
    let release = "one-driver";
    let (mut ana, _) = Shared::drive(&url, &chain(release), "ana@ops1").unwrap();
    ana.append(&record(release, Event::CockpitStarted, "ana drives"))
        .unwrap();

    // A second cockpit is told who drives, and does not get the wheel.
    let refused = Shared::drive(&url, &chain(release), "bo@ops2");
    let message = match &refused {
        Err(e) => e.to_string(),
        Ok(_) => String::new(),
    };
    assert_eq!(driven_by(refused), "ana@ops1");
    assert!(message.contains("ana@ops1 drives since "), "{message}");
    assert!(message.contains("out of contact for 30 s"), "{message}");
    // Idle, the driver keeps the wheel without a beat.
    std::thread::sleep(Duration::from_secs(1));
    ana.watch().unwrap();
    assert_eq!(
        driven_by(Shared::drive(&url, &chain(release), "bo@ops2")),
        "ana@ops1"
    );

    // The server lets ana's connection go (as after kill -9, or keepalives running out on a
    // lost network): the wheel is free at once, and once bo has it ana's appends are refused,
    // naming bo.
    let mut admin = postgres::connect(&url).unwrap();
    let pid = wheel_backend(&mut admin, release).expect("ana's connection holds the wheel");
    admin
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut bo, _) = loop {
        match Shared::drive(&url, &chain(release), "bo@ops2") {
            Ok(bo) => break bo,
            Err(e) if Instant::now() > deadline => panic!("bo never got the wheel: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    bo.append(&record(release, Event::CockpitStarted, "bo drives"))
        .unwrap();
    assert_eq!(
        driven_by(ana.append(&record(release, Event::ActionRequested, "late"))),
        "bo@ops2"
    );
    assert_eq!(driven_by(ana.watch()), "bo@ops2");

    // A clean stop gives the wheel up at once.
    drop(bo);
    let (_cy, records) = Shared::drive(&url, &chain(release), "cy@ops3").unwrap();
    let reasons: Vec<_> = records.iter().filter_map(|r| r.reason.as_deref()).collect();
    assert_eq!(
        reasons,
        ["ana drives", "bo drives"],
        "the late append was not written"
    );
}

#[test]
fn an_idle_driver_runs_no_query_while_its_connection_is_watched() {
    let Some(cluster) = journal_db("shared_journal_driver") else {
        return;
    };
    let url = Secret::new(cluster.url("gonogo"));
    let release = "idle-driver";
    let (mut ana, _) = Shared::drive(&url, &chain(release), "ana@ops1").unwrap();
    ana.append(&record(release, Event::CockpitStarted, "ana drives"))
        .unwrap();
    let mut admin = postgres::connect(&url).unwrap();
    let pid = wheel_backend(&mut admin, release).expect("ana's connection holds the wheel");
    // When the driver's backend last started a statement, and how many it has run.
    let last = |admin: &mut ::postgres::Client| -> (String, String) {
        let row = admin
            .query_one(
                "SELECT coalesce(query_start::text, ''), coalesce(state, '') \
                 FROM pg_stat_activity WHERE pid = $1",
                &[&pid],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    let before = last(&mut admin);
    assert_eq!(before.1, "idle", "{before:?}");
    for _ in 0..6 {
        std::thread::sleep(Duration::from_millis(500));
        ana.watch().unwrap();
    }
    let after = last(&mut admin);
    assert_eq!(before, after, "the idle driver ran a statement");
    // An append is a statement: the measure can tell.
    ana.append(&record(release, Event::StageEntered, "moved"))
        .unwrap();
    assert_ne!(last(&mut admin).0, before.0);
}

#[test]
fn a_driver_back_on_a_new_connection_ends_its_old_one_and_keeps_the_wheel() {
    let Some(cluster) = journal_db("shared_journal_driver") else {
        return;
    };
    let url = Secret::new(cluster.url("gonogo"));
    let release = "blip-driver";
    let (mut ana, _) = Shared::drive(&url, &chain(release), "ana@ops1").unwrap();
    ana.append(&record(release, Event::CockpitStarted, "ana drives"))
        .unwrap();
    let mut admin = postgres::connect(&url).unwrap();
    let old = wheel_backend(&mut admin, release).expect("ana's connection holds the wheel");

    // Ana's client loses its connection while the server still holds it (a network blip
    // the server has not noticed): her next append connects again, ends the old connection
    // and holds the wheel on the new one.
    ana.forget_connection();
    ana.append(&record(release, Event::StageEntered, "after the blip"))
        .unwrap();
    let now = wheel_backend(&mut admin, release).expect("the wheel is held");
    assert_ne!(now, old, "the old connection still holds the wheel");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let gone: bool = admin
            .query_one(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)",
                &[&old],
            )
            .unwrap()
            .get(0);
        if gone {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the old connection was not ended"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        driven_by(Shared::drive(&url, &chain(release), "bo@ops2")),
        "ana@ops1"
    );
}
