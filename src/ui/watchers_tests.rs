//! The header lists the other cockpits watching the same journal on its first line, cut with
//! "+N" before the driver or the clock lose words, and never grows for them.

use super::fixture;
use super::tests::{color, screen};
use crate::app::State;
use insta::assert_snapshot;

fn watched(mut state: State, who: &[&str]) -> State {
    state.session.watchers = who.iter().map(|w| w.to_string()).collect();
    state
}

#[test]
fn header_with_watchers() {
    let operator = watched(fixture::baked(), &["bo@ops2", "cy@ops3"]);
    assert_snapshot!(
        "operator_watched_120x40",
        screen(&operator, &color(), 120, 40)
    );
    assert_snapshot!(
        "operator_watched_80x24",
        screen(&operator, &color(), 80, 24)
    );
    let observer = watched(fixture::baking(true), &["cy@ops3"]);
    assert_snapshot!(
        "observer_watched_120x40",
        screen(&observer, &color(), 120, 40)
    );
    assert_snapshot!(
        "observer_watched_80x24",
        screen(&observer, &color(), 80, 24)
    );
}

#[test]
fn watchers_change_the_first_line_only() {
    let many = ["bo@ops2", "cy@ops3", "dee@ops4", "eve@ops5", "fay@ops6"];
    for (state, read_only) in [(fixture::baked(), false), (fixture::baking(true), true)] {
        for (w, h) in [(120, 40), (80, 24)] {
            let before = screen(&state, &color(), w, h);
            let after = screen(&watched(state.clone(), &many), &color(), w, h);
            let first = |s: &str| s.lines().next().unwrap_or_default().to_string();
            let rest = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
            assert_eq!(rest(&before), rest(&after), "{w}x{h} read-only {read_only}");
            // An observer at 80 columns keeps the driver and its badge; the rest is cut.
            if !(read_only && w == 80) {
                assert!(first(&after).contains("watching"), "{}", first(&after));
            }
            assert!(first(&after).contains("13:00 UTC"), "{}", first(&after));
        }
    }
}
