//! The digest: which records it tells of, since when, and its keys.

use super::digest::joined;
use super::testkit::{context, setup, t};
use super::{Boot, Effect, Key, Msg, Overlay, Since, State, keymap, update};
use crate::core::action::Action;
use crate::core::record::{Context, Event, Record};
use chrono::FixedOffset;

fn by(who: &str, secs: i64, event: Event) -> Record {
    let (operator, host) = who.split_once('@').unwrap();
    Record::new(
        t(secs),
        event,
        Context {
            operator: operator.into(),
            host: host.into(),
            ..context()
        },
    )
}

/// ana@laptop entered the first stage and left at 20; bo@ops2 drove on while she was away.
fn journal() -> Vec<Record> {
    let mut entered = by("ana@laptop", 0, Event::StageEntered);
    entered.stage = Some("1%".into());
    entered.traffic = Some(1.0);
    let mut early = by("ana@laptop", 10, Event::VerdictChanged);
    early.verdict = Some("HOLD".into());
    let stopped = by("ana@laptop", 20, Event::CockpitStopped);
    let started = by("bo@ops2", 30, Event::CockpitStarted);
    let mut tick = by("bo@ops2", 40, Event::ChecklistTicked);
    tick.detail = Some("On-call informed".into());
    tick.outcome = Some("ticked".into());
    let mut go = by("bo@ops2", 50, Event::VerdictChanged);
    go.verdict = Some("GO".into());
    go.verdict_reasons = vec!["1% baked and healthy".into()];
    let mut promote = by("bo@ops2", 60, Event::ActionRequested);
    promote.action = Some(Action::Promote);
    promote.reason = Some("metrics look clean".into());
    let checkpoint = by("bo@ops2", 70, Event::BakeCheckpoint);
    let mut down = by("bo@ops2", 80, Event::SourceDown);
    down.source = Some("prom".into());
    down.detail = Some("timeout after 2s".into());
    vec![
        entered, early, stopped, started, tick, go, promote, checkpoint, down,
    ]
}

fn boot(journal: &[Record], read_only: bool) -> State {
    let boot = Boot {
        setup: setup(),
        context: context(),
        journal,
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only,
    };
    boot.start(t(100)).0
}

fn shown(s: &State) -> Vec<String> {
    match &s.screen.overlay {
        Overlay::Digest(d) => d.items.iter().map(|i| i.text.clone()).collect(),
        other => panic!("no digest: {other:?}"),
    }
}

#[test]
fn since_you_joined_is_since_your_last_stop_in_the_attempt() {
    let j = journal();
    let all: Vec<&Record> = j.iter().collect();
    assert_eq!(joined(&all, &context()), Some(t(20)));
    // Another operator's stop is not yours; with none of yours, since the attempt began.
    let others: Vec<&Record> = j.iter().filter(|r| r.context.operator != "ana").collect();
    assert_eq!(joined(&others, &context()), None);
}

#[test]
fn a_start_after_others_drove_shows_what_they_did_with_who_and_when() {
    let s = boot(&journal(), false);
    let Overlay::Digest(d) = &s.screen.overlay else {
        panic!("the digest opens on start")
    };
    assert_eq!((d.since, d.from), (Since::Joined, Some(t(20))));
    assert_eq!(
        shown(&s),
        [
            "checklist: ticked \"On-call informed\"",
            "verdict GO: 1% baked and healthy",
            "promote requested: \"metrics look clean\"",
            "source prom down: timeout after 2s",
        ]
    );
    assert!(d.items.iter().all(|i| i.who == "bo@ops2"));
    assert_eq!(d.items[0].at, t(40));
}

#[test]
fn nothing_to_tell_opens_nothing() {
    assert_eq!(boot(&[], false).screen.overlay, Overlay::None);
    // The stage it is at, the stage strip shows.
    let j = journal();
    assert_eq!(boot(&j[..1], false).screen.overlay, Overlay::None);
    // All of it before this operator left.
    assert_eq!(boot(&j[..3], false).screen.overlay, Overlay::None);
}

#[test]
fn one_who_never_left_the_attempt_is_told_all_of_it() {
    let mut j = journal();
    j.retain(|r| r.event != Event::CockpitStopped);
    let s = boot(&j, true);
    assert_eq!(shown(&s).len(), 6, "{:?}", shown(&s));
    assert_eq!(shown(&s)[0], "stage 1% entered");
}

#[test]
fn d_tells_since_the_digest_was_last_closed() {
    let mut s = boot(&journal(), false);
    update(&mut s, Msg::Key(Key::Esc), t(101));
    assert_eq!(s.screen.overlay, Overlay::None);
    update(&mut s, Msg::Key(Key::Char('d')), t(102));
    let Overlay::Digest(d) = &s.screen.overlay else {
        panic!("d opens it")
    };
    assert_eq!((d.since, d.from), (Since::LastLooked, Some(t(101))));
    assert_eq!(d.items, []);
    update(&mut s, Msg::Key(Key::Char('d')), t(103));
    assert_eq!(s.screen.overlay, Overlay::None, "d closes it too");
}

#[test]
fn any_other_key_closes_it_and_does_its_own() {
    let mut s = boot(&journal(), false);
    update(&mut s, Msg::Key(Key::Char('r')), t(101));
    assert!(
        matches!(s.screen.overlay, Overlay::Approve(_)),
        "rollback stays the fast path"
    );
    let mut s = boot(&journal(), false);
    let fx = update(&mut s, Msg::Key(Key::Char('q')), t(101));
    assert!(fx.iter().any(|e| matches!(e, Effect::Quit)));
}

#[test]
fn the_footer_offers_it_while_another_cockpit_s_news_waits() {
    let offered = |s: &State| keymap::footer(s).any(|(k, _)| k == "d");
    let mut s = boot(&journal(), true);
    assert!(offered(&s));
    update(&mut s, Msg::Key(Key::Esc), t(101));
    assert!(!offered(&s));
    // The operator holds the release: followed, remembered, offered.
    let mut hold = by("bo@ops2", 110, Event::HoldPlaced);
    hold.reason = Some("waiting for DB migration".into());
    update(&mut s, Msg::Journal(vec![hold]), t(111));
    assert!(offered(&s));
    update(&mut s, Msg::Key(Key::Char('d')), t(112));
    assert_eq!(shown(&s), ["hold until ?: \"waiting for DB migration\""]);
}
