//! Whole-screen snapshots at 120x40 and 80x24, and properties every screen must keep.

use super::fixture;
use super::{Theme, view};
use crate::app::{Overlay, State};
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

pub fn draw(state: &State, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view(state, theme, f)).unwrap();
    term
}

pub fn screen(state: &State, theme: &Theme, w: u16, h: u16) -> String {
    draw(state, theme, w, h).backend().to_string()
}

pub fn buffer(state: &State, theme: &Theme, w: u16, h: u16) -> Buffer {
    draw(state, theme, w, h).backend().buffer().clone()
}

pub fn color() -> Theme {
    Theme::new(true, false)
}

/// Every named state the fixtures reach.
pub fn all_states() -> Vec<(&'static str, State)> {
    vec![
        ("fresh", fixture::fresh()),
        ("baking", fixture::baking(false)),
        ("baked", fixture::baked()),
        ("complete", fixture::complete()),
        ("breached", fixture::breached()),
        ("source_failing", fixture::source_failing()),
        ("help", fixture::help()),
        ("read_only", fixture::baking(true)),
        ("drift", fixture::drift()),
        ("rolled_back", fixture::rolled_back()),
        ("promote_typing", fixture::promote_typing()),
        ("promote_override", fixture::promote_override()),
        ("rollback_prompt", fixture::rollback_prompt()),
        ("verdict_changed", fixture::verdict_changed()),
        ("in_flight", fixture::in_flight()),
        ("confirm_quit", fixture::confirm_quit()),
        ("outcome_unknown", fixture::outcome_unknown()),
        ("outcome_still_unknown", fixture::outcome_still_unknown()),
        ("verify_prompt", fixture::verify_prompt()),
        ("promote_over_unknown", fixture::promote_over_unknown()),
        ("log_scrolled", super::log_tests::scrolled()),
        ("log_filtered", super::log_tests::filtered()),
        ("log_filter_typing", super::log_tests::filter_typing()),
        ("hold_prompt", fixture::hold_prompt()),
        ("held", fixture::held()),
        ("focused", super::detail_tests::focused()),
        ("condition_detail", super::detail_tests::condition_detail()),
        ("gate_detail", super::detail_tests::gate_detail()),
        ("source_detail", super::detail_tests::source_detail()),
    ]
}

macro_rules! snapshots {
    ($($name:ident => $state:expr),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let state = $state;
                assert_snapshot!(
                    concat!(stringify!($name), "_120x40"),
                    screen(&state, &color(), 120, 40)
                );
                assert_snapshot!(
                    concat!(stringify!($name), "_80x24"),
                    screen(&state, &color(), 80, 24)
                );
            }
        )*
    };
}

snapshots! {
    fresh_start_is_no_go_with_unknowns => fixture::fresh(),
    healthy_baking_is_hold_with_countdown => fixture::baking(false),
    baked_is_go_with_should_warning => fixture::baked(),
    last_stage_baked_is_complete => fixture::complete(),
    breach_advises_rollback => fixture::breached(),
    failing_source_shows_its_error => fixture::source_failing(),
    help_overlay => fixture::help(),
    read_only_observer => fixture::baking(true),
    drift_is_no_go => fixture::drift(),
    rolled_back_is_no_go => fixture::rolled_back(),
    promote_prompt_on_go_half_typed => fixture::promote_typing(),
    promote_prompt_on_hold_is_an_override => fixture::promote_override(),
    rollback_prompt_prefilled_with_the_breach => fixture::rollback_prompt(),
    rollback_prompt_after_tab => fixture::rollback_filled(),
    rollback_prompt_shows_live_values => fixture::rollback_prompt_live(),
    prompt_says_the_verdict_changed => fixture::verdict_changed(),
    promote_in_flight => fixture::in_flight(),
    quit_asks_first_while_in_flight => fixture::confirm_quit(),
    outcome_unknown_toast => fixture::outcome_unknown(),
    outcome_still_unknown_offers_verify_not_promote => fixture::outcome_still_unknown(),
    verify_prompt_took_effect_typed => fixture::verify_prompt(),
    promote_while_outcome_unknown_is_an_override => fixture::promote_over_unknown(),
    hold_prompt_asks_how_long => fixture::hold_prompt(),
    held_header_says_who_until_and_why => fixture::held(),
    observer_header_names_the_driver => fixture::watching(),
    observer_header_names_the_driver_while_held => fixture::watching_held(),
}

#[test]
fn ascii_without_colour() {
    let state = fixture::breached();
    let theme = Theme::new(false, true);
    assert_snapshot!("ascii_no_colour_120x40", screen(&state, &theme, 120, 40));
    assert_snapshot!("ascii_no_colour_80x24", screen(&state, &theme, 80, 24));
    let prompt = fixture::verdict_changed();
    let text = screen(&prompt, &theme, 80, 24);
    assert_snapshot!("ascii_no_colour_prompt_80x24", text);
}

#[test]
fn too_small_says_so_under_the_verdict() {
    let state = fixture::breached();
    let text = screen(&state, &color(), 60, 20);
    assert!(text.contains("ROLLBACK ADVISED"), "{text}");
    assert!(text.contains("needs at least 80x24"), "{text}");
    assert_snapshot!("too_small_60x20", text);
}

#[test]
fn odd_sizes_draw_without_panicking() {
    for state in all_states().into_iter().map(|(_, s)| s) {
        for (w, h) in [
            (0, 0),
            (1, 1),
            (10, 3),
            (40, 2),
            (79, 23),
            (80, 23),
            (79, 24),
            (200, 60),
            (80, 100),
        ] {
            for theme in [color(), Theme::new(false, true)] {
                let _ = buffer(&state, &theme, w, h);
            }
        }
    }
}

#[test]
fn no_colour_theme_draws_no_colour_at_all() {
    let theme = Theme::new(false, false);
    for (name, state) in all_states() {
        for (w, h) in [(120, 40), (80, 24), (60, 20)] {
            let buf = buffer(&state, &theme, w, h);
            for (i, cell) in buf.content.iter().enumerate() {
                assert!(
                    cell.fg == Color::Reset
                        && cell.bg == Color::Reset
                        && cell.underline_color == Color::Reset,
                    "{name} {w}x{h}: cell {i} ({:?}) is coloured: {cell:?}",
                    cell.symbol()
                );
            }
        }
    }
}

#[test]
fn colour_theme_keeps_to_the_16_ansi_colours() {
    for (name, state) in all_states() {
        let buf = buffer(&state, &color(), 120, 40);
        for cell in &buf.content {
            for c in [cell.fg, cell.bg] {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "{name}: {c:?} is not one of the 16 ANSI colours"
                );
            }
        }
    }
}

#[test]
fn ascii_theme_leaves_no_other_character_on_screen() {
    for theme in [Theme::new(false, true), Theme::new(true, true)] {
        for (name, state) in all_states() {
            for (w, h) in [(120, 40), (80, 24), (60, 20)] {
                let text = screen(&state, &theme, w, h);
                let odd: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
                assert!(odd.is_empty(), "{name} {w}x{h}: {odd:?}\n{text}");
            }
        }
    }
}

#[test]
fn without_colour_every_state_still_has_its_word_and_symbol() {
    let theme = Theme::new(false, false);
    let text = screen(&fixture::breached(), &theme, 120, 40);
    for needle in [
        "✗ ROLLBACK ADVISED",
        "✗ BREACH",
        "✓ OK",
        "! WARN",
        "✗ breached",
        "✓ done",
    ] {
        assert!(text.contains(needle), "missing {needle:?}\n{text}");
    }
    let text = screen(&fixture::fresh(), &theme, 120, 40);
    for needle in ["? NO-GO UNTIL VERIFIED", "? UNKNOWN", "· WAIT", "· pending"] {
        assert!(text.contains(needle), "missing {needle:?}\n{text}");
    }
}

#[test]
fn the_countdown_comes_from_the_state_not_the_wall_clock() {
    let state = fixture::baking(false);
    let once = screen(&state, &color(), 120, 40);
    assert!(once.contains("05:48 of 10:00 verified"), "{once}");
    assert!(
        once.contains("04:12 left, 05:48 verified of 10:00"),
        "{once}"
    );
    assert_eq!(once, screen(&state, &color(), 120, 40));
}

#[test]
fn a_source_error_and_a_journal_failure_are_on_screen() {
    let state = fixture::source_failing();
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &color(), w, h);
        assert!(text.contains("timeout after 1s"), "{text}");
        assert!(text.contains("JOURNAL WRITE FAILED"), "{text}");
        assert!(text.contains("16 failed"), "{text}");
    }
}

#[test]
fn a_source_whose_value_is_unusable_is_bad_with_the_reason() {
    let state = fixture::value_unusable();
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &color(), w, h);
        let row = text
            .lines()
            .find(|l| l.contains("prometheus") && l.contains("BAD"))
            .unwrap_or_else(|| panic!("no BAD prometheus row at {w}x{h}:\n{text}"));
        assert!(row.contains("✗ BAD"), "{row}");
        assert!(row.contains("1 of 4 unusable"), "{row}");
        if w == 120 {
            assert!(
                row.contains("unusable: Canary p95 latency: value is NaN"),
                "{row}"
            );
        }
        assert!(text.contains("3 of 4 answering"), "{text}");
        // Clipped at 80 columns: the verdict's line is as wide as the screen.
        assert!(
            text.contains("Canary p95 latency unknown: prometheus: v"),
            "the verdict points at the reason: {text}"
        );
    }
}

#[test]
fn read_only_says_actions_are_disabled() {
    let text = screen(&fixture::baking(true), &color(), 80, 24);
    assert!(text.contains("READ-ONLY"), "{text}");
    assert!(text.contains("read-only: actions disabled"), "{text}");
}

#[test]
fn at_80x24_every_condition_gate_and_source_is_on_screen() {
    let dashboards = all_states()
        .into_iter()
        .filter(|(_, s)| s.screen.overlay == Overlay::None && s.screen.toast.is_none())
        // A log being scrolled or filtered takes rows from healthy ones (ui::log_tests).
        .filter(|(_, s)| s.screen.log_view == crate::app::LogView::default());
    for (name, state) in dashboards {
        let text = screen(&state, &color(), 80, 24);
        let setup = &state.setup;
        // During an incident healthy gates and sources fold into a line each (ui::incident).
        let folded = super::incident::active(&state);
        let (gates, sources) = if folded {
            (Vec::new(), Vec::new())
        } else {
            let gates = setup.gates.iter().map(|g| g.name.as_str()).collect();
            (
                gates,
                setup.sources.iter().map(|s| s.name.as_str()).collect(),
            )
        };
        let names = (setup.conditions.iter().map(|c| c.label.as_str()))
            .chain(gates)
            .chain(sources)
            .chain([state.release.eval.verdict.kind.label()]);
        for needle in names {
            assert!(text.contains(needle), "{name}: {needle:?} missing\n{text}");
        }
        let cut = text.contains("more, all") || text.contains("more (enlarge");
        assert!(!cut, "{name}: rows hidden at 80x24\n{text}");
    }
}

#[test]
fn a_cut_table_keeps_the_rows_that_need_attention() {
    // Eight more healthy sources ahead of the failing one: at 80x24 they cannot all show.
    let mut state = fixture::source_failing();
    for n in 0..8 {
        let mut spec = state.setup.sources[1].clone();
        spec.name = format!("mirror-{n}");
        state.setup.sources.insert(0, spec);
        state
            .release
            .sources
            .insert(0, state.release.sources[n + 1].clone());
        state
            .release
            .eval
            .sources
            .insert(0, state.release.eval.sources[n + 1].clone());
    }
    let text = screen(&state, &color(), 80, 24);
    assert!(text.contains("✗ DOWN  prometheus"), "{text}");
    assert!(text.contains("? STALE rollback check"), "{text}");
    assert!(text.contains("more, all OK"), "{text}");
}
