//! How long the verdict has held: reset by a change of verdict, never by a tick.

use super::super::testkit::{run, state, t};
use super::super::update;
use crate::app::Msg;
use crate::core::verdict::VerdictKind;

#[test]
fn the_verdict_clock_counts_on_ticks_and_restarts_when_the_verdict_changes() {
    let mut s = state(false);
    update(&mut s, Msg::Tick, t(0));
    // No verdict before this cockpit started to compare with: it may have held longer.
    assert_eq!(s.release.eval.held, "for 0s+");
    update(&mut s, Msg::Tick, t(1));
    assert_eq!(s.release.eval.held, "for 1s+");

    // The first observation enters the stage: HOLD while it bakes, counted from that change.
    run(&mut s, 2, 60, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    // A calm verdict is told to the minute: the screen stays quiet between minutes.
    assert_eq!(s.release.eval.held, "for <1m");
    // Entered at the first poll (5s), baked a minute later.
    run(&mut s, 61, 65, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    let go = s.release.eval.verdict_since;
    assert_eq!(go, Some((t(65), false)));
    assert_eq!(s.release.eval.held, "for <1m");

    // Ticks alone move the clock, never its start.
    for at in 66..=74 {
        update(&mut s, Msg::Tick, t(at));
    }
    assert_eq!(s.release.eval.verdict_since, go);
    assert_eq!(s.release.eval.held, "for <1m");

    // A breach: a new verdict, a new clock.
    run(&mut s, 75, 75, 0.05, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::RollbackAdvised);
    assert_eq!(s.release.eval.verdict_since, Some((t(75), false)));
    // A verdict that asks for action is told to the second.
    assert_eq!(s.release.eval.held, "for 0s");
    update(&mut s, Msg::Tick, t(76));
    assert_eq!(s.release.eval.held, "for 1s");
}

#[test]
fn the_verdict_clock_changes_the_screen_once_a_second_and_not_in_between() {
    let mut s = state(false);
    update(&mut s, Msg::Tick, t(0));
    let shown = s.release.eval.clone();
    // The same second again: nothing to draw.
    update(&mut s, Msg::Tick, t(0));
    assert_eq!(s.release.eval, shown);
    update(&mut s, Msg::Tick, t(1));
    assert_ne!(s.release.eval, shown);
}

#[test]
fn a_calm_verdict_clock_moves_once_a_minute() {
    let mut s = state(false);
    run(&mut s, 2, 65, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    let mut shown = Vec::new();
    for at in 66..=65 + 125 {
        run(&mut s, at, at, 0.001, 1.0);
        if shown.last() != Some(&s.release.eval.held) {
            shown.push(s.release.eval.held.clone());
        }
    }
    assert_eq!(shown, ["for <1m", "for 1m", "for 2m"]);
}
