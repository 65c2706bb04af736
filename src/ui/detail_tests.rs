//! Focus and the detail views at 120x40 and 80x24: a focused dashboard, a stop condition's
//! detail on a rising error rate, a gate's and a source's detail while Prometheus times out.

use super::Theme;
use super::fixture::{self, Health, Sim, healthy, wobble};
use super::tests::{buffer, color, screen};
use crate::app::{Key, State};
use insta::assert_snapshot;
use ratatui::style::Modifier;

/// 10%, baking: for the last minute the canary's error rate climbs steadily toward its
/// limits (the baseline stays at 0.40%).
pub fn rising_sim() -> Sim {
    let mut sim = Sim::new(-180, Some((2, -348)), false);
    sim.run(-180, 0, 10.0, fixture::TICKET, |s| {
        if s < -60 {
            healthy(s)
        } else {
            Health {
                error_rate: 0.0042 + 0.00008 * (s + 60) as f64 + 0.00001 * wobble(s),
                ..healthy(s)
            }
        }
    });
    sim.tick(0);
    sim
}

/// `state` after `keys`, pressed at the fixtures' now.
fn pressed(mut state: State, keys: &[Key]) -> State {
    for &k in keys {
        crate::app::update(&mut state, crate::app::Msg::Key(k), fixture::t(0));
    }
    state
}

/// The rising error rate, its baseline-relative condition opened.
pub fn condition_detail() -> State {
    pressed(rising_sim().state, &[Key::Tab, Key::Down, Key::Enter])
}

/// Baked, focus on the second gate: the dashboard marks the row. (During ROLLBACK ADVISED
/// healthy gates fold into the panel's title, so a healthy row is not drawn to be marked.)
pub fn focused() -> State {
    pressed(fixture::baked(), &[Key::Tab, Key::Tab, Key::Char('j')])
}

/// Prometheus timing out: the rollback path gate (the last) opened.
pub fn gate_detail() -> State {
    let keys = [
        Key::Tab,
        Key::Tab,
        Key::Down,
        Key::Down,
        Key::Down,
        Key::Down,
    ];
    pressed(pressed(fixture::source_failing(), &keys), &[Key::Enter])
}

/// Prometheus timing out: its source detail, with the polls that failed.
pub fn source_detail() -> State {
    pressed(fixture::source_failing(), &[Key::BackTab, Key::Enter])
}

#[test]
fn a_focused_row_is_marked_and_reversed() {
    let state = focused();
    let wide = screen(&state, &color(), 120, 40);
    let row = wide
        .lines()
        .find(|l| l.contains("Release flag on"))
        .unwrap_or_default();
    assert!(row.starts_with("\"›"), "{row}");
    assert_snapshot!("focused_120x40", wide);
    assert_snapshot!("focused_80x24", screen(&state, &color(), 80, 24));
    // The mark reads without colour: the marker, and the row reversed.
    let plain = Theme::new(false, true);
    let text = screen(&state, &plain, 80, 24);
    assert!(
        text.lines()
            .any(|l| l.starts_with("\">") && l.contains("Release flag on"))
    );
    let buf = buffer(&state, &plain, 80, 24);
    let y = text
        .lines()
        .position(|l| l.contains("Release flag on"))
        .unwrap() as u16;
    assert!(buf[(3, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn condition_detail_charts_value_and_baseline_against_the_limit() {
    let state = condition_detail();
    let wide = screen(&state, &color(), 120, 40);
    assert!(
        wide.contains("Stop condition · Errors vs baseline"),
        "{wide}"
    );
    assert!(
        wide.contains("canary_error_rate"),
        "the query, whole: {wide}"
    );
    assert!(wide.contains("on this trend"), "{wide}");
    assert!(wide.contains("below the limit"), "{wide}");
    assert_snapshot!("condition_detail_120x40", wide);
    assert_snapshot!("condition_detail_80x24", screen(&state, &color(), 80, 24));
    let ascii = screen(&state, &Theme::new(false, true), 80, 24);
    assert!(ascii.is_ascii(), "{ascii}");
    assert_snapshot!("condition_detail_ascii_80x24", ascii);
}

#[test]
fn gate_detail_shows_its_check_evidence_and_polls() {
    let state = gate_detail();
    let wide = screen(&state, &color(), 120, 40);
    assert!(wide.contains("Gate · Rollback path verified"), "{wide}");
    assert!(wide.contains("Recent polls of rollback check"), "{wide}");
    assert_snapshot!("gate_detail_120x40", wide);
    assert_snapshot!("gate_detail_80x24", screen(&state, &color(), 80, 24));
}

#[test]
fn source_detail_lists_its_failed_polls() {
    let state = source_detail();
    let wide = screen(&state, &color(), 120, 40);
    assert!(wide.contains("Source · prometheus"), "{wide}");
    assert!(wide.contains("failed: timeout after 1s"), "{wide}");
    assert_snapshot!("source_detail_120x40", wide);
    assert_snapshot!("source_detail_80x24", screen(&state, &color(), 80, 24));
}
