//! Overrides stay visible: marked in the stage strip, and listed at COMPLETE, whether made in
//! this run or read back from the journal by a restarted cockpit.

use super::Theme;
use super::fixture::{self, Sim, healthy, t};
use super::tests::{buffer, color, screen};
use crate::actions::Outcome;
use crate::app::{Key, Msg, State};
use crate::core::record::{Event, Record};
use insta::assert_snapshot;
use ratatui::style::Modifier;
use std::time::Duration;

/// HOLD at 10%, still baking: promoted to 25% anyway (an override), the webhook answered 200,
/// and 25% has baked healthily for twenty seconds since.
pub fn overridden() -> State {
    let mut sim = Sim::new(-180, Some((2, -348)), false);
    sim.run(-180, 0, 10.0, "CHG-4821 checkout v2", healthy);
    sim.key(0, Key::Char('p'));
    sim.type_text(0, "Approve-Risk: hotfix for INC-2231 must reach 25% first");
    sim.key(0, Key::Enter);
    let id = sim.state.session.in_flight.as_ref().map(|f| f.id.clone());
    let outcome = Outcome::Succeeded {
        status: 200,
        latency: Duration::from_millis(120),
        excerpt: String::new(),
    };
    sim.send(
        1,
        Msg::ActionDone {
            id: id.unwrap_or_default(),
            outcome,
        },
    );
    sim.run(2, 20, 25.0, "CHG-4821 checkout v2", healthy);
    sim.tick(20);
    sim.state
}

/// An `override` record of the fixtures' release: promoted from `stage` by `who` at `at`.
fn override_record(at: i64, stage: (&str, f64), who: (&str, &str), verdict: &str) -> Record {
    let setup = fixture::setup();
    let mut ctx = fixture::context(&setup);
    (ctx.operator, ctx.host) = (who.0.into(), who.1.into());
    let mut r = Record::new(t(at), Event::Override, ctx);
    r.stage = Some(stage.0.into());
    r.traffic = Some(stage.1);
    r.verdict = Some(verdict.into());
    r
}

/// The last stage baked and healthy, in a cockpit started after two overrides: 5% was left
/// while still baking, and 25% while CI was red. Both come from the journal.
pub fn complete_after_overrides() -> State {
    let mut early = override_record(-2400, ("5%", 5.0), ("alice", "ops-1"), "HOLD");
    early.reason = Some("hotfix for INC-2231 must reach 25% before the payment window".into());
    early.verdict_reasons = vec!["5% baking: 06:10 left, 03:50 verified of 10:00".into()];
    let mut red = override_record(
        -1500,
        ("25%", 25.0),
        ("bo", "ops-2"),
        "NO-GO UNTIL VERIFIED",
    );
    red.reason = Some("CI flake on an unrelated job, rerun pending".into());
    red.verdict_reasons = vec![
        "CI green: failure (expected success)".into(),
        "Release flag on: no data yet".into(),
    ];
    let mut sim = Sim::with_journal(-180, Some((5, -700)), vec![early, red], false);
    sim.run(-180, 0, 100.0, "CHG-4821 checkout v2", healthy);
    sim.tick(0);
    // The digest opened on start tells of the same overrides; closed, COMPLETE's summary shows.
    let mut state = sim.state;
    crate::app::update(
        &mut state,
        crate::app::Msg::Key(crate::app::Key::Esc),
        super::fixture::t(0),
    );
    state
}

#[test]
fn a_stage_promoted_past_with_an_override_says_so() {
    let state = overridden();
    assert_eq!(state.release.overrides.len(), 1);
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &color(), w, h);
        let strip = text
            .lines()
            .find(|l| l.contains("✓ done") && l.contains("▶ baking"))
            .unwrap_or_else(|| panic!("no strip\n{text}"));
        let marks = strip.matches(" override").count() + strip.matches(" ovr ").count();
        assert_eq!(marks, 1, "{strip}");
        assert_snapshot!(format!("overridden_{w}x{h}"), text);
    }
    // Without colour the mark stands out by itself: bold and reversed.
    let plain = Theme::new(false, true);
    let text = screen(&state, &plain, 80, 24);
    let (y, line) = (text.lines().enumerate())
        .find(|(_, l)| l.contains(" ovr "))
        .unwrap_or_else(|| panic!("no mark\n{text}"));
    let x = line.find(" ovr ").unwrap(); // + 1 for the space, - 1 for the backend's quote
    let cell = &buffer(&state, &plain, 80, 24)[(x as u16, y as u16)];
    assert!(
        cell.modifier.contains(Modifier::REVERSED | Modifier::BOLD),
        "{cell:?}"
    );
}

#[test]
fn at_complete_a_restarted_cockpit_lists_every_override() {
    let state = complete_after_overrides();
    assert_eq!(
        state.release.overrides.len(),
        2,
        "read back from the journal"
    );
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &color(), w, h);
        for needle in [
            "COMPLETE",
            "2 promotes over a verdict that was not GO",
            "5% → 10%  by alice@ops-1 at 13:20  hotfix for INC-2231",
            "25% → 50%  by bo@ops-2 at 13:35  CI flake",
            "over HOLD: 5% baking",
            "over NO-GO UNTIL VERIFIED: CI green: failure",
        ] {
            assert!(text.contains(needle), "{w}x{h}: {needle:?}\n{text}");
        }
        let mark = if w == 80 {
            "✓ done ovr"
        } else {
            "✓ done override"
        };
        let strip = text.lines().find(|l| l.contains("✓ ready")).unwrap();
        assert_eq!(strip.matches(mark).count(), 2, "{strip}");
        assert_snapshot!(format!("complete_after_overrides_{w}x{h}"), text);
    }
}
