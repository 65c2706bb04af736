//! When the title is due and when the bell rings, through `update` as a live cockpit runs.

use super::*;
use crate::actions::Outcome as ActionOutcome;
use crate::app::testkit::{run, state, t};
use crate::app::{Effect, Key, Msg, update};
use std::time::Duration;

/// A cockpit started at 0 s, healthy on its first stage until `to`, and what it has told the
/// terminal by then.
fn healthy_until(to: i64) -> (State, Attention) {
    let mut s = state(false);
    crate::app::start(&mut s, t(0));
    run(&mut s, 1, to, 0.001, 1.0);
    let mut a = Attention::default();
    a.since(&s);
    (s, a)
}

/// Send `key`'s action through a confirmed Approve-Risk prompt; its id.
fn confirm(s: &mut State, key: char, at: i64) -> String {
    let keys = std::iter::once(Key::Char(key))
        .chain("Approve-Risk: metrics look clean".chars().map(Key::Char))
        .chain([Key::Enter]);
    let fx: Vec<Effect> = keys.flat_map(|k| update(s, Msg::Key(k), t(at))).collect();
    fx.iter()
        .find_map(|e| match e {
            Effect::Dispatch(d) => Some(d.id().to_string()),
            _ => None,
        })
        .expect("a confirmed prompt dispatches")
}

#[test]
fn turning_rollback_advised_rings_once_and_staying_there_rings_no_more() {
    let (mut s, mut a) = healthy_until(20);
    run(&mut s, 21, 25, 0.05, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::RollbackAdvised);
    let turned = a.since(&s);
    assert!(turned.bell, "the turn rings");
    assert_eq!(
        turned.title.as_deref(),
        Some("gonogo checkout 1% ROLLBACK ADVISED")
    );
    for at in 26..40 {
        run(&mut s, at, at, 0.06, 1.0);
        assert_eq!(a.since(&s), Signal::default(), "still advised at {at} s");
    }
    // Healthy again, then advised again: a new turn rings again.
    run(&mut s, 40, 45, 0.001, 1.0);
    assert!(!a.since(&s).bell);
    run(&mut s, 46, 50, 0.05, 1.0);
    assert!(a.since(&s).bell);
}

#[test]
fn the_title_changes_with_the_stage_and_the_verdict_only() {
    let mut s = state(false);
    crate::app::start(&mut s, t(0));
    let mut a = Attention::default();
    assert_eq!(
        a.since(&s).title.as_deref(),
        Some("gonogo checkout NO-GO UNTIL VERIFIED"),
        "before the first poll no stage is known"
    );
    run(&mut s, 1, 5, 0.001, 1.0);
    assert_eq!(
        a.since(&s).title.as_deref(),
        Some("gonogo checkout 1% HOLD")
    );
    // Ticks, new values and the bake's progress change the screen, not the title.
    for at in 6..60 {
        run(&mut s, at, at, 0.001 + at as f64 / 10_000.0, 1.0);
        assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold, "at {at} s");
        assert_eq!(a.since(&s), Signal::default(), "at {at} s");
    }
    run(&mut s, 60, 100, 0.001, 1.0);
    assert_eq!(a.since(&s).title.as_deref(), Some("gonogo checkout 1% GO"));
    let id = confirm(&mut s, 'p', 100);
    let outcome = ActionOutcome::Succeeded {
        status: 200,
        latency: Duration::from_millis(40),
        excerpt: "ok".into(),
    };
    update(&mut s, Msg::ActionDone { id, outcome }, t(101));
    let promoted = a.since(&s);
    assert_eq!(promoted.title.as_deref(), Some("gonogo checkout 5% HOLD"));
    assert!(!promoted.bell, "a promote is no alarm");
}

#[test]
fn an_outcome_that_becomes_unknown_rings_once() {
    let (mut s, mut a) = healthy_until(100);
    let id = confirm(&mut s, 'p', 100);
    assert!(!a.since(&s).bell, "sending is no alarm");
    let outcome = crate::app::testkit::unknown_outcome();
    update(&mut s, Msg::ActionDone { id, outcome }, t(101));
    let unknown = a.since(&s);
    assert!(unknown.bell, "the outcome became unknown");
    assert_eq!(
        unknown.title.as_deref(),
        Some("gonogo checkout 1% NO-GO UNTIL VERIFIED")
    );
    run(&mut s, 102, 110, 0.001, 1.0);
    assert!(!a.since(&s).bell, "still unknown: no second ring");
}

#[test]
fn a_release_name_cannot_end_the_title_early() {
    let mut s = state(false);
    s.setup.release.name = "checkout\x07\x1b]0;pwned".into();
    assert_eq!(title(&s), "gonogo checkout]0;pwned NO-GO UNTIL VERIFIED");
}
