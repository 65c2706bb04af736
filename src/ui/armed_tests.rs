//! Armed automation on screen: ARMED in the header, and the countdown panel with the action,
//! its evidence, the seconds left and the keys, at 80x24 in colour and in ASCII without.

use super::Theme;
use super::fixture::{self, Sim, TICKET, regressed};
use super::tests::{color, screen};
use crate::app::{Key, State};
use crate::core::autopilot::Decision;
use insta::assert_snapshot;

/// The 10% stage breached since -20 with the error rate critical and auto-rollback armed: the
/// countdown runs at 0.
fn counting() -> State {
    let mut sim = Sim::new(-180, Some((2, -400)), false);
    sim.state.setup.conditions[0].critical = true;
    sim.state.session.armed = crate::app::ROLLBACK_ONLY;
    sim.run(-180, 0, 10.0, TICKET, regressed(0.33));
    sim.tick(0);
    sim.state
}

#[test]
fn the_countdown_panel_says_what_why_when_and_how_to_stop_it() {
    let state = counting();
    let Some(Decision::CountingDown { left, .. }) = &state.session.auto else {
        panic!("{:?}", state.session.auto)
    };
    let secs = left.as_secs();
    let text = screen(&state, &color(), 80, 24);
    assert!(text.contains(" ARMED "), "{text}");
    assert!(
        text.contains(&format!("ARMED: AUTO-ROLLBACK in {secs}s")),
        "{text}"
    );
    assert!(
        text.contains("rollback because Canary error rate"),
        "{text}"
    );
    assert!(
        text.contains(" x  veto") && text.contains(" g  act now"),
        "{text}"
    );
    assert_snapshot!("armed_countdown_80x24", text);
    let plain = screen(&state, &Theme::new(false, true), 80, 24);
    assert!(plain.is_ascii(), "{plain}");
    assert!(plain.contains("ARMED: AUTO-ROLLBACK in"), "{plain}");
    assert_snapshot!("armed_countdown_ascii_no_colour_80x24", plain);
}

#[test]
fn the_panel_steps_aside_for_the_veto_prompt_and_is_gone_once_vetoed() {
    let mut sim = Sim::new(-180, Some((2, -400)), false);
    sim.state.setup.conditions[0].critical = true;
    sim.state.session.armed = crate::app::ROLLBACK_ONLY;
    sim.run(-180, 0, 10.0, TICKET, regressed(0.33));
    // Over the help the panel stays, and its veto key works there.
    sim.key(0, Key::Char('?'));
    let text = screen(&sim.state, &color(), 80, 24);
    assert!(text.contains("ARMED: AUTO-ROLLBACK in"), "{text}");
    sim.key(0, Key::Char('x'));
    let text = screen(&sim.state, &color(), 80, 24);
    assert!(!text.contains("ARMED: AUTO-ROLLBACK in"), "{text}");
    assert!(text.contains("Veto the armed action"), "{text}");
    assert!(text.contains("Why veto it?"), "{text}");
    assert_snapshot!("armed_veto_prompt_80x24", text);
    sim.type_text(0, "rolling forward with a fix");
    sim.key(0, Key::Enter);
    let text = screen(&sim.state, &color(), 80, 24);
    assert!(!text.contains("AUTO-ROLLBACK in"), "{text}");
    assert!(text.contains("HELD by"), "{text}");
}

#[test]
fn an_idle_armed_cockpit_shows_only_the_badge() {
    let mut state = fixture::baking(false);
    state.session.armed = crate::app::ROLLBACK_ONLY;
    let text = screen(&state, &color(), 80, 24);
    assert!(text.lines().next().unwrap().contains(" ARMED "), "{text}");
    assert!(!text.contains("AUTO-ROLLBACK"), "{text}");
}
