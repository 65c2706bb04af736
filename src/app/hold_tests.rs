//! `h`: placing a hold, promote refused while held, expiry on the tick, release, and the hold
//! read back from the journal and followed by an observer.

use super::testkit::{records, run, state, t};
use super::{Effect, Key, Msg, Overlay, State, hold_from_journal, start, update};
use crate::core::record::{EXPIRED, Event, RELEASED};
use crate::core::verdict::VerdictKind;

fn typed(s: &mut State, text: &str, secs: i64) -> Vec<Effect> {
    let mut fx: Vec<Effect> = text
        .chars()
        .flat_map(|c| update(s, Msg::Key(Key::Char(c)), t(secs)))
        .collect();
    fx.extend(update(s, Msg::Key(Key::Enter), t(secs)));
    fx
}

/// GO at t=100, then held at t=100 for "15m" (or the duration typed).
fn held(duration: &str) -> (State, Vec<Effect>) {
    let mut s = state(false);
    start(&mut s, t(0));
    run(&mut s, 1, 100, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    update(&mut s, Msg::Key(Key::Char('h')), t(100));
    assert!(matches!(s.screen.overlay, Overlay::Hold(_)));
    let mut fx = typed(&mut s, "waiting for DB migration", 100);
    fx.extend(typed(&mut s, duration, 100));
    (s, fx)
}

#[test]
fn a_hold_is_journaled_with_who_why_and_until_and_holds_the_verdict() {
    let (s, fx) = held("15m");
    let placed = records(&fx);
    assert_eq!(placed.len(), 2, "{placed:?}");
    assert_eq!(placed[1].event, Event::VerdictChanged);
    assert_eq!(placed[1].verdict.as_deref(), Some("HOLD"));
    let r = &placed[0];
    assert_eq!(r.event, Event::HoldPlaced);
    assert_eq!(r.context.operator, "ana");
    assert_eq!(r.reason.as_deref(), Some("waiting for DB migration"));
    assert_eq!(r.hold_until, Some(t(100 + 15 * 60)));
    assert_eq!(s.screen.overlay, Overlay::None);
    let v = &s.release.eval.verdict;
    assert_eq!(v.kind, VerdictKind::Hold);
    assert_eq!(
        v.reasons[0].text,
        "held by ana@laptop until 23:30: waiting for DB migration"
    );
}

#[test]
fn a_short_reason_or_a_bad_duration_is_asked_again() {
    let mut s = state(false);
    start(&mut s, t(0));
    update(&mut s, Msg::Key(Key::Char('h')), t(1));
    assert!(records(&typed(&mut s, "db", 1)).is_empty());
    let Overlay::Hold(m) = &s.screen.overlay else {
        panic!("prompt closed")
    };
    assert!(m.notice.as_deref().unwrap().contains("10 non-blank"));
    update(&mut s, Msg::Key(Key::Ctrl('u')), t(1));
    typed(&mut s, "waiting for DB migration", 1);
    assert!(records(&typed(&mut s, "soon", 1)).is_empty());
    assert!(s.release.hold.is_none());
    update(&mut s, Msg::Key(Key::Ctrl('u')), t(1));
    // Empty takes the default, 15m.
    let fx = typed(&mut s, "", 1);
    assert_eq!(records(&fx)[0].hold_until, Some(t(1 + 15 * 60)));
}

#[test]
fn promote_is_refused_while_held_and_rollback_is_not() {
    let (mut s, _) = held("15m");
    let footer: Vec<&str> = super::keymap::footer(&s).map(|(_, l)| l).collect();
    assert!(!footer.contains(&"promote"), "{footer:?}");
    assert!(footer.contains(&"rollback") && footer.contains(&"hold"));
    update(&mut s, Msg::Key(Key::Char('p')), t(101));
    assert_eq!(s.screen.overlay, Overlay::None);
    assert_eq!(
        s.screen.toast.as_ref().unwrap().text,
        "promote refused: held by ana@laptop until 23:30: waiting for DB migration"
    );
    update(&mut s, Msg::Key(Key::Char('r')), t(102));
    assert!(matches!(s.screen.overlay, Overlay::Approve(_)));
}

#[test]
fn a_breach_outranks_the_hold() {
    let (mut s, _) = held("15m");
    run(&mut s, 101, 200, 0.5, 1.0);
    let v = &s.release.eval.verdict;
    assert_eq!(v.kind, VerdictKind::RollbackAdvised);
    assert!(
        v.reasons
            .last()
            .unwrap()
            .text
            .starts_with("held by ana@laptop")
    );
}

#[test]
fn a_hold_expires_on_the_tick_and_is_journaled_as_expired() {
    let (mut s, _) = held("1m");
    let fx = run(&mut s, 101, 159, 0.001, 1.0);
    assert!(records(&fx).iter().all(|r| r.event != Event::HoldReleased));
    assert!(s.release.hold.is_some());
    let fx = run(&mut s, 160, 160, 0.001, 1.0);
    let gone: Vec<_> = records(&fx)
        .into_iter()
        .filter(|r| r.event == Event::HoldReleased)
        .collect();
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].outcome.as_deref(), Some(EXPIRED));
    assert!(s.release.hold.is_none());
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
}

#[test]
fn h_then_y_releases_the_hold_and_any_other_key_keeps_it() {
    let (mut s, _) = held("15m");
    update(&mut s, Msg::Key(Key::Char('h')), t(110));
    update(&mut s, Msg::Key(Key::Char('n')), t(110));
    assert!(s.release.hold.is_some() && s.screen.overlay == Overlay::None);
    update(&mut s, Msg::Key(Key::Char('h')), t(111));
    let fx = update(&mut s, Msg::Key(Key::Char('y')), t(111));
    let r = records(&fx);
    assert_eq!(r[0].event, Event::HoldReleased);
    assert_eq!(r[0].outcome.as_deref(), Some(RELEASED));
    assert!(s.release.hold.is_none());
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
}

#[test]
fn a_restart_reads_the_hold_back_unless_it_ran_out_or_was_released() {
    let (s, fx) = held("15m");
    let journal = records(&fx);
    let ctx = &s.session.context;
    let hold = hold_from_journal(&journal, ctx, t(200)).expect("held");
    assert_eq!(hold.by, "ana@laptop");
    assert_eq!(hold.until, t(1000));
    assert_eq!(hold_from_journal(&journal, ctx, t(1000)), None, "ran out");
    let mut released = journal.clone();
    released.push(s.record(Event::HoldReleased, t(300)));
    assert_eq!(hold_from_journal(&released, ctx, t(400)), None);
    let mut other = journal;
    other[0].context.version = "1.9".into();
    assert_eq!(
        hold_from_journal(&other, ctx, t(200)),
        None,
        "another release"
    );
}

#[test]
fn an_observer_follows_the_hold_and_cannot_place_one() {
    let (_, fx) = held("15m");
    let mut observer = state(true);
    start(&mut observer, t(0));
    run(&mut observer, 1, 100, 0.001, 1.0);
    update(&mut observer, Msg::Key(Key::Char('h')), t(100));
    assert_eq!(observer.screen.overlay, Overlay::None);
    let footer: Vec<&str> = super::keymap::footer(&observer).map(|(_, l)| l).collect();
    assert!(!footer.contains(&"hold"), "{footer:?}");
    update(&mut observer, Msg::Journal(records(&fx)), t(101));
    assert_eq!(observer.release.hold.as_ref().unwrap().by, "ana@laptop");
    assert_eq!(observer.release.eval.verdict.kind, VerdictKind::Hold);
    let released = observer.record(Event::HoldReleased, t(120));
    update(&mut observer, Msg::Journal(vec![released]), t(121));
    assert!(observer.release.hold.is_none());
    let reasons = &observer.release.eval.verdict.reasons;
    assert!(
        reasons.iter().all(|r| !r.text.starts_with("held")),
        "{reasons:?}"
    );
}
