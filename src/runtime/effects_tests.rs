use super::*;
use crate::app::testkit::{state, t};
use crate::core::record::Event;

fn observer(inbox: Inbox) -> (Runner, tokio::sync::mpsc::Receiver<Msg>) {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let http = crate::actions::client().unwrap();
    let client = SourceClient::new().unwrap();
    (Runner::new(None, http, client, tx).with_inbox(inbox), rx)
}

#[tokio::test]
async fn an_observer_leaves_its_veto_and_hold_for_the_driver_and_writes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let s = state(true);
    let (mut runner, _rx) = observer(Inbox::beside(&journal));
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
    assert!(later.is_empty(), "{later:?}");
    assert!(!journal.exists(), "an observer never writes the journal");
    let taken = Inbox::beside(&journal).take(&s.session.context);
    let events: Vec<Event> = taken.records.iter().map(|r| r.event).collect();
    assert_eq!(events, vec![Event::AutoVetoed, Event::HoldPlaced]);
}

#[tokio::test]
async fn a_veto_that_cannot_be_left_is_told_as_a_failed_write() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the inbox directory should be: the post fails.
    let journal = dir.path().join("journal.jsonl");
    std::fs::write(dir.path().join("journal.jsonl.inbox"), b"").unwrap();
    let s = state(true);
    let (mut runner, _rx) = observer(Inbox::beside(&journal));
    let mut later = Vec::new();
    let r = s.record(Event::AutoVetoed, t(5));
    runner.perform(Effect::Journal(Box::new(r)), &s, &mut later);
    match later.as_slice() {
        [Msg::Journaled(Err(why))] => assert!(
            why.contains("could not be left for the driving cockpit"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_watcher_of_the_shared_journal_is_told_its_veto_cannot_reach_the_driver() {
    let (tx, _rx) = tokio::sync::mpsc::channel(16);
    let http = crate::actions::client().unwrap();
    let mut runner = Runner::new(None, http, SourceClient::new().unwrap(), tx);
    let s = state(true);
    let mut later = Vec::new();
    let r = s.record(Event::VerdictChanged, t(5));
    runner.perform(Effect::Journal(Box::new(r)), &s, &mut later);
    assert!(
        later.is_empty(),
        "an observer's own records are simply not written"
    );
    let r = s.record(Event::AutoVetoed, t(5));
    runner.perform(Effect::Journal(Box::new(r)), &s, &mut later);
    assert!(
        matches!(later.as_slice(), [Msg::Journaled(Err(why))] if why.contains("cannot reach the driving cockpit")),
        "{later:?}"
    );
}
