//! One driver per release on the shared journal: the first cockpit takes the wheel, a second
//! is refused naming who drives and since when, a driver that stops beating loses the wheel
//! after the timeout (and its appends are refused from then on), and a clean stop gives it up.

use crate::shared_journal::record;
use crate::support::postgres::journal_db;
use gonogo::core::record::Event;
use gonogo::journal::JournalError;
use gonogo::journal::postgres::{Chain, Shared};
use gonogo::secret::Secret;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_millis(1500);

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

#[test]
fn one_cockpit_drives_and_a_silent_one_loses_the_wheel_after_the_timeout() {
    let Some(cluster) = journal_db("shared_journal_driver") else {
        return;
    };
    let url = Secret::new(cluster.url("gonogo"));
    let release = "one-driver";
    let (mut ana, _) = Shared::drive(&url, &chain(release), "ana@ops1", TIMEOUT).unwrap();
    ana.append(&record(release, Event::CockpitStarted, "ana drives"))
        .unwrap();

    // A second cockpit is told who drives, and does not get the wheel.
    let refused = Shared::drive(&url, &chain(release), "bo@ops2", TIMEOUT);
    let message = match &refused {
        Err(e) => e.to_string(),
        Ok(_) => String::new(),
    };
    assert_eq!(driven_by(refused), "ana@ops1");
    assert!(message.contains("ana@ops1 drives since "), "{message}");
    // Beating keeps the wheel past the timeout.
    for _ in 0..3 {
        std::thread::sleep(TIMEOUT / 2);
        ana.beat().unwrap();
    }
    assert_eq!(
        driven_by(Shared::drive(&url, &chain(release), "bo@ops2", TIMEOUT)),
        "ana@ops1"
    );

    // Ana's cockpit goes silent (as after kill -9 or a lost network): after the timeout the
    // wheel is free, and once bo has it ana's appends are refused, naming bo.
    std::thread::sleep(TIMEOUT + Duration::from_millis(300));
    let (mut bo, _) = Shared::drive(&url, &chain(release), "bo@ops2", TIMEOUT).unwrap();
    bo.append(&record(release, Event::CockpitStarted, "bo drives"))
        .unwrap();
    assert_eq!(
        driven_by(ana.append(&record(release, Event::ActionRequested, "late"))),
        "bo@ops2"
    );
    assert_eq!(driven_by(ana.beat()), "bo@ops2");

    // A clean stop gives the wheel up at once.
    drop(bo);
    let (_cy, records) = Shared::drive(&url, &chain(release), "cy@ops3", TIMEOUT).unwrap();
    let reasons: Vec<_> = records.iter().filter_map(|r| r.reason.as_deref()).collect();
    assert_eq!(
        reasons,
        ["ana drives", "bo drives"],
        "the late append was not written"
    );
}
