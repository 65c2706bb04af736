//! The screen says whether a gap no cockpit observed was verified from history, or why not.

use super::fixture;
use super::tests::{color, screen};
use crate::app::{Msg, State, update};
use crate::core::backfill::Finding;
use crate::core::bake::Span;
use std::time::Duration;

fn gap() -> Span {
    Span {
        from: fixture::t(-300),
        to: Some(fixture::t(-240)),
    }
}

/// The baking fixture after the history of a one-minute gap came back with `finding`.
fn after(finding: Finding) -> State {
    let mut state = fixture::baking(false);
    let b = state.release.bake.as_mut().unwrap();
    b.unobserved = Some(gap());
    b.asked("prometheus");
    b.backfill(gap(), &finding, "prometheus", Duration::from_secs(1));
    update(&mut state, Msg::Tick, fixture::t(0));
    state
}

#[test]
fn the_stage_strip_and_the_hold_say_the_gap_was_verified_from_history() {
    let state = after(Finding::Verified);
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &color(), w, h);
        assert!(
            text.contains("12:55–12:56 UTC verified from prometheus history"),
            "{w}x{h}:\n{text}"
        );
    }
}

#[test]
fn a_gap_not_counted_says_why() {
    let state = after(Finding::NotCounted(
        "no data for Error rate at 12:55:30".into(),
    ));
    let text = screen(&state, &color(), 120, 40);
    assert!(
        text.contains("not observed 12:55–12:56 UTC: not counted (no data for Error rate at"),
        "{text}"
    );
}
