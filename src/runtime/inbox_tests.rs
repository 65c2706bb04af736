use super::*;
use chrono::{TimeZone, Utc};

fn ctx(operator: &str) -> Context {
    Context {
        operator: operator.into(),
        host: "ops1".into(),
        release: "checkout".into(),
        version: "2.0".into(),
        environment: "prod".into(),
    }
}

fn record(s: i64, event: Event, operator: &str) -> Record {
    let mut r = Record::new(
        Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap(),
        event,
        ctx(operator),
    );
    r.reason = Some("the spike is the load test".into());
    r
}

#[test]
fn a_veto_and_its_hold_are_taken_once_in_order_with_who_posted_them() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let observer = Inbox::beside(&journal);
    assert_eq!(observer.dir(), dir.path().join("journal.jsonl.inbox"));
    observer.post(&record(0, Event::AutoVetoed, "ana")).unwrap();
    observer.post(&record(0, Event::HoldPlaced, "ana")).unwrap();

    let driver = Inbox::beside(&journal);
    let taken = driver.take(&ctx("ci"));
    let got: Vec<(Event, &str)> = taken
        .records
        .iter()
        .map(|r| (r.event, r.context.operator.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![(Event::AutoVetoed, "ana"), (Event::HoldPlaced, "ana")]
    );
    assert!(taken.refused.is_empty(), "{:?}", taken.refused);
    // Taken once: the files are gone.
    assert_eq!(driver.take(&ctx("ci")), Taken::default());
}

#[test]
fn only_what_an_observer_may_ask_for_of_this_release_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::beside(&dir.path().join("journal.jsonl"));
    let mut forged = record(0, Event::ActionRequested, "mallory");
    forged.action = Some("promote".into());
    inbox.post(&forged).unwrap();
    let mut other = record(1, Event::HoldPlaced, "ana");
    other.context.version = "1.9".into();
    inbox.post(&other).unwrap();
    std::fs::write(inbox.dir().join("0000000000000-1-0000.json"), b"{ torn").unwrap();
    // Still being written: left for the next look.
    std::fs::write(inbox.dir().join("9999999999999-1-0000.json.tmp"), b"{").unwrap();

    let taken = inbox.take(&ctx("ci"));
    assert!(taken.records.is_empty(), "{:?}", taken.records);
    assert_eq!(taken.refused.len(), 3, "{:?}", taken.refused);
    assert!(taken.refused[0].contains("not a journal record"));
    assert!(
        taken.refused[1].contains("action_requested is journaled by the driving cockpit only"),
        "{:?}",
        taken.refused
    );
    assert!(taken.refused[2].contains("for checkout 1.9 (prod), not this release"));
    assert!(inbox.dir().join("9999999999999-1-0000.json.tmp").exists());
}

#[test]
fn no_inbox_is_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::beside(&dir.path().join("journal.jsonl"));
    assert_eq!(inbox.take(&ctx("ci")), Taken::default());
    assert!(!inbox.dir().exists());
}

#[test]
fn two_posts_in_one_millisecond_from_two_handles_both_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    Inbox::beside(&journal)
        .post(&record(0, Event::AutoVetoed, "ana"))
        .unwrap();
    Inbox::beside(&journal)
        .post(&record(0, Event::HoldPlaced, "ana"))
        .unwrap();
    assert_eq!(Inbox::beside(&journal).take(&ctx("ci")).records.len(), 2);
}
