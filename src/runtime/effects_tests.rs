use super::*;
use crate::app::testkit::{state, t};
use crate::core::record::Event;
use crate::journal::vetoes;

fn observer() -> (Runner, tokio::sync::mpsc::Receiver<Msg>) {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let http = crate::actions::client().unwrap();
    (
        Runner::new(None, http, SourceClient::new().unwrap(), tx),
        rx,
    )
}

#[tokio::test]
async fn an_observer_leaves_its_veto_and_hold_for_the_driver_and_writes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state(true);
    s.setup.journal = dir.path().join("journal.jsonl");
    let (mut runner, _rx) = observer();
    let mut later = Vec::new();
    for event in [
        Event::AutoVetoed,
        Event::HoldPlaced,
        Event::VerdictChanged,
        Event::ChecklistTicked,
    ] {
        let r = s.record(event, t(5));
        runner.perform(Effect::Journal(Box::new(r)), &s, &mut later);
    }
    assert!(
        later.iter().all(|m| matches!(m, Msg::Journaled(Ok(())))),
        "{later:?}"
    );
    assert!(
        !s.setup.journal.exists(),
        "an observer never writes the journal"
    );
    let events: Vec<Event> = vetoes::take(&s.setup.journal)
        .iter()
        .map(|r| r.event)
        .collect();
    assert_eq!(events, vec![Event::AutoVetoed, Event::HoldPlaced]);
}

#[tokio::test]
async fn a_veto_that_cannot_be_left_is_told_as_a_failed_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state(true);
    s.setup.journal = dir.path().join("journal.jsonl");
    // A file where the directory of vetoes should be: leaving one fails.
    std::fs::write(vetoes::dir(&s.setup.journal), b"").unwrap();
    let (mut runner, _rx) = observer();
    let mut later = Vec::new();
    let r = s.record(Event::AutoVetoed, t(5));
    runner.perform(Effect::Journal(Box::new(r)), &s, &mut later);
    match later.as_slice() {
        [Msg::Journaled(Err(why))] => assert!(why.contains("veto not delivered"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_watcher_s_veto_the_shared_journal_cannot_take_is_refused_with_the_reason() {
    let mut s = state(true);
    // Nothing listens on port 1 of loopback: the database is out of reach.
    let url = "postgres://bo@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2";
    s.setup.shared_journal = Some(crate::secret::Secret::new(url.to_string()));
    let (mut runner, mut rx) = observer();
    let mut later = Vec::new();
    let r = s.record(Event::AutoVetoed, t(5));
    runner.perform(Effect::Journal(Box::new(r)), &s, &mut later);
    assert!(
        later.is_empty(),
        "told once the database answered: {later:?}"
    );
    let told = tokio::time::timeout(std::time::Duration::from_secs(60), rx.recv())
        .await
        .expect("the veto's fate is told");
    match told {
        Some(Msg::Journaled(Err(why))) => {
            assert!(why.contains("veto not delivered"), "{why}");
            assert!(why.contains("goes ahead"), "{why}");
            assert!(!why.contains("bo@127"), "the URL is never repeated: {why}");
        }
        other => panic!("{other:?}"),
    }
}
