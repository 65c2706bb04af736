//! Focus keys: Tab and Shift-Tab between the panels, ↑/↓ and j/k between rows, Enter opens the
//! focused row's detail and Esc returns; nothing of it is journaled, so observers look too.

use super::{Effect, Focus, Key, Msg, Overlay, Panel, State, update};
use crate::ui::fixture;

fn press(s: &mut State, key: Key) -> Vec<Effect> {
    update(s, Msg::Key(key), fixture::t(1))
}

fn focus(panel: Panel, row: usize) -> Option<Focus> {
    Some(Focus { panel, row })
}

#[test]
fn tab_goes_from_panel_to_panel_and_out_and_shift_tab_goes_back() {
    let mut s = fixture::baked();
    assert_eq!(s.screen.focus, None);
    let forward = [
        focus(Panel::Conditions, 0),
        focus(Panel::Gates, 0),
        focus(Panel::Sources, 0),
        None,
        focus(Panel::Conditions, 0),
    ];
    for want in forward {
        press(&mut s, Key::Tab);
        assert_eq!(s.screen.focus, want);
    }
    let back = [None, focus(Panel::Sources, 0), focus(Panel::Gates, 0)];
    for want in back {
        press(&mut s, Key::BackTab);
        assert_eq!(s.screen.focus, want);
    }
}

#[test]
fn a_panel_without_rows_is_passed_over() {
    let mut s = fixture::baked();
    s.setup.gates.clear();
    update(&mut s, Msg::Tick, fixture::t(1));
    assert!(s.release.eval.gates.is_empty());
    press(&mut s, Key::Tab);
    press(&mut s, Key::Tab);
    assert_eq!(s.screen.focus, focus(Panel::Sources, 0));
}

#[test]
fn arrows_and_j_k_move_between_rows_within_the_panel() {
    let mut s = fixture::baked();
    // With nothing focused, ↓ focuses the first row.
    press(&mut s, Key::Down);
    assert_eq!(s.screen.focus, focus(Panel::Conditions, 0));
    for (key, row) in [
        (Key::Char('j'), 1),
        (Key::Down, 2),
        (Key::Down, 3),
        (Key::Down, 3), // the last of four conditions: it stays
        (Key::Char('k'), 2),
        (Key::Up, 1),
        (Key::Up, 0),
        (Key::Up, 0),
    ] {
        press(&mut s, key);
        assert_eq!(s.screen.focus, focus(Panel::Conditions, row), "{key:?}");
    }
}

#[test]
fn enter_opens_the_detail_esc_returns_and_arrows_walk_the_details() {
    let mut s = fixture::breached();
    press(&mut s, Key::Enter);
    assert_eq!(
        s.screen.overlay,
        Overlay::None,
        "nothing focused: nothing to open"
    );
    press(&mut s, Key::Tab);
    s.take_dirty();
    press(&mut s, Key::Enter);
    assert!(s.take_dirty());
    let Overlay::Detail(d) = &s.screen.overlay else {
        panic!("{:?}", s.screen.overlay)
    };
    assert!(d.held.starts_with("BREACH for "), "{d:?}");
    assert_eq!(d.projection, "now: the value is past its limit");
    // In the detail, ↓ moves to the next row's detail; a key bound to nothing does nothing.
    press(&mut s, Key::Down);
    assert_eq!(s.screen.focus, focus(Panel::Conditions, 1));
    press(&mut s, Key::Char('z'));
    assert!(matches!(s.screen.overlay, Overlay::Detail(_)));
    press(&mut s, Key::Esc);
    assert_eq!(s.screen.overlay, Overlay::None);
    assert_eq!(s.screen.focus, focus(Panel::Conditions, 1), "focus stays");
}

#[test]
fn a_cockpit_key_in_the_detail_closes_it_and_does_its_own() {
    let mut s = fixture::breached();
    press(&mut s, Key::Tab);
    press(&mut s, Key::Enter);
    assert!(matches!(s.screen.overlay, Overlay::Detail(_)));
    // Rollback stays the fast path: r from the chart opens the rollback prompt.
    press(&mut s, Key::Char('r'));
    let Overlay::Approve(m) = &s.screen.overlay else {
        panic!("r in the detail: {:?}", s.screen.overlay)
    };
    assert!(
        matches!(m.kind, super::ActionKind::Rollback { .. }),
        "{m:?}"
    );
    press(&mut s, Key::Esc);
    press(&mut s, Key::Enter);
    press(&mut s, Key::Char('/'));
    assert!(matches!(s.screen.overlay, Overlay::Filter { .. }));
}

#[test]
fn an_open_detail_is_drawn_again_only_when_its_words_change() {
    let mut s = fixture::baked();
    press(&mut s, Key::Tab);
    press(&mut s, Key::Enter);
    s.take_dirty();
    let held = |s: &State| match &s.screen.overlay {
        Overlay::Detail(d) => d.held.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(held(&s), "OK for 3m");
    // An OK condition's clock is to the minute: within it, nothing to draw.
    s.refresh_detail(fixture::t(30));
    assert!(!s.take_dirty());
    s.refresh_detail(fixture::t(62));
    assert!(s.take_dirty());
    assert_eq!(held(&s), "OK for 4m");
}

#[test]
fn an_observer_focuses_and_opens_details_and_nothing_is_written() {
    let mut s = fixture::baking(true);
    let mut fx = press(&mut s, Key::BackTab);
    fx.extend(press(&mut s, Key::Enter));
    assert_eq!(s.screen.focus, focus(Panel::Sources, 0));
    assert!(matches!(s.screen.overlay, Overlay::Detail(_)));
    fx.extend(press(&mut s, Key::Esc));
    assert!(
        fx.iter().all(|e| !matches!(e, Effect::Journal(_))),
        "{fx:?}"
    );
}

#[test]
fn tab_in_the_rollback_prompt_still_fills_the_reason_and_the_log_keys_still_scroll() {
    let mut s = fixture::breached();
    press(&mut s, Key::Char('r'));
    press(&mut s, Key::Tab);
    assert_eq!(s.screen.focus, None);
    let Overlay::Approve(m) = &s.screen.overlay else {
        panic!("{:?}", s.screen.overlay)
    };
    assert!(
        m.input.contains("above") || m.input.contains('>'),
        "{}",
        m.input
    );
    press(&mut s, Key::Esc);
    press(&mut s, Key::Tab);
    press(&mut s, Key::PageUp);
    assert_eq!(s.screen.focus, focus(Panel::Conditions, 0));
    assert!(
        s.screen.log_view.scroll > 0,
        "PgUp scrolls the log, not the focus"
    );
}

#[test]
fn a_condition_s_samples_are_of_the_live_stage_entry_only() {
    let mut sim = fixture::baked_sim();
    assert!(sim.state.release.stage_samples(0).len() > 50);
    let mut fx = Vec::new();
    sim.state.enter_stage(3, fixture::t(1), "promoted", &mut fx);
    assert!(sim.state.release.stage_samples(0).is_empty());
    sim.prometheus(2, fixture::healthy(2));
    let points = sim.state.release.stage_samples(0);
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].at, fixture::t(2));
    // The baseline is kept beside the value of a condition relative to it.
    assert_eq!(points[0].baseline, None);
    assert_eq!(sim.state.release.stage_samples(1)[0].baseline, Some(0.0040));
}
