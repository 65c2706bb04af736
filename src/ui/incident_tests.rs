//! The incident layout at 80x24, 120x40 and 200x60, and the header's height holding still as
//! reasons come and go.

use super::fixture::{self, Sim};
use super::tests::{buffer, color, screen};
use super::{Theme, incident};
use crate::app::State;
use crate::core::gate::{GateCheck, GateSpec, Tier};
use crate::core::verdict::Reason;
use insta::assert_snapshot;
use ratatui::style::{Color, Modifier};

/// ROLLBACK ADVISED at 10%, with what an incident should push aside: the change ticket is not
/// linked (a should-tier gate fails, listed), two checklist items are not ticked (nags, folded
/// into the gates' line) and the error rate has been breached for 20 seconds.
pub(crate) fn incident() -> State {
    let mut sim = Sim::new(-180, Some((2, -400)), false);
    let items = ["Release notes written", "On-call informed"];
    sim.state.setup.checklist = items.iter().map(|s| s.to_string()).collect();
    sim.state.release.checklist = vec![None; items.len()];
    for (i, name) in items.iter().enumerate() {
        sim.state.setup.gates.push(GateSpec {
            id: format!("checklist-{i}"),
            name: (*name).into(),
            tier: Tier::Should,
            check: GateCheck::Checklist(i),
            verify: Some("tick it in the checklist (press c)".into()),
        });
    }
    sim.run(-180, 0, 10.0, fixture::UNLINKED, fixture::regressed(0.52));
    sim.tick(0);
    sim.state
}

#[test]
fn incident_layout_at_three_sizes() {
    let state = incident();
    assert!(incident::active(&state));
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let text = screen(&state, &color(), w, h);
        assert!(text.contains("gates: 4 OK"), "{w}x{h}\n{text}");
        assert!(text.contains("checklist: 2 items not ticked"), "{text}");
        assert!(text.contains("sources: 4 OK"), "{w}x{h}\n{text}");
        assert!(
            text.contains("Change ticket linked"),
            "failing, so listed\n{text}"
        );
        assert!(
            !text.contains("press c"),
            "the checklist nags step aside\n{text}"
        );
        assert!(!text.contains("should:"), "warnings step aside\n{text}");
        assert_snapshot!(format!("incident_{w}x{h}"), text);
    }
}

#[test]
fn the_log_keeps_five_entries_at_80x24() {
    let mut state = incident();
    // A journal failure takes a header row too.
    state.session.journal_error = Some("No space left on device (os error 28)".into());
    for s in [incident(), state] {
        let text = screen(&s, &color(), 80, 24);
        let lines: Vec<&str> = text.lines().collect();
        let title = (lines.iter().position(|l| l.contains("── Events")))
            .unwrap_or_else(|| panic!("no event log\n{text}"));
        let entries = lines[title + 1..lines.len() - 1]
            .iter()
            .filter(|l| l.contains(" INFO ") || l.contains(" ERROR ") || l.contains(" WARN "))
            .count();
        assert!(entries >= 5, "{entries} entries\n{text}");
    }
}

/// The row the stage strip's title is on: where the header ends.
fn stages_row(state: &State, w: u16, h: u16) -> usize {
    let text = screen(state, &color(), w, h);
    text.lines()
        .position(|l| l.contains("── Stages"))
        .unwrap_or_else(|| panic!("no stages\n{text}"))
}

fn with_reasons(mut state: State, n: usize) -> State {
    let v = &mut state.release.eval.verdict;
    let first = v.reasons[0].clone();
    v.reasons = (0..n)
        .map(|i| Reason {
            text: format!("{} ({i})", first.text),
            ..first.clone()
        })
        .collect();
    state
}

#[test]
fn the_header_keeps_its_height_with_one_reason_or_five() {
    for (name, state) in [("incident", incident()), ("no-go", fixture::fresh())] {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let one = stages_row(&with_reasons(state.clone(), 1), w, h);
            let five = stages_row(&with_reasons(state.clone(), 5), w, h);
            assert_eq!(one, five, "{name} {w}x{h}");
        }
    }
    let text = screen(&with_reasons(incident(), 5), &color(), 80, 24);
    assert!(text.contains("+2 more reasons"), "{text}");
}

#[test]
fn the_banner_block_is_reversed_without_colour_and_red_with_it() {
    let state = incident();
    let plain = buffer(&state, &Theme::new(false, true), 80, 24);
    let coloured = buffer(&state, &color(), 80, 24);
    // The banner and both reason rows, edge to edge.
    for y in 1..4 {
        for x in [0, 40, 79] {
            let cell = &plain[(x, y)];
            assert!(
                cell.modifier.contains(Modifier::REVERSED),
                "({x},{y}) {cell:?}"
            );
            assert_eq!(coloured[(x, y)].bg, Color::Red, "({x},{y})");
        }
    }
    // The row under the block is not part of it.
    assert!(!plain[(40, 4)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn at_200x60_history_is_longer_and_events_are_more() {
    let state = incident();
    let wide = screen(&state, &color(), 200, 60);
    let narrow = screen(&state, &color(), 120, 40);
    let spark = |text: &str| {
        let row = text
            .lines()
            .find(|l| l.contains("Canary error rate  "))
            .unwrap();
        row.chars().filter(|c| ('▁'..='█').contains(c)).count()
    };
    assert!(spark(&wide) > 2 * spark(&narrow), "{wide}\n{narrow}");
    let events = |text: &str| text.lines().filter(|l| l.contains(" INFO ")).count();
    assert!(events(&wide) >= events(&narrow));
}
