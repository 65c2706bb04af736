//! Minimum evidence, the failure budget and an observe-only condition on screen, at 120x40
//! and 80x24: a canary with too little traffic, a stage that spent one of its two breaches,
//! and the condition detail of the thin canary.

use super::Theme;
use super::tests::{buffer, color, screen};
use crate::app::canary_tests::{run, started};
use crate::app::testkit::t;
use crate::app::{Key, Msg, State, update};
use insta::assert_snapshot;
use ratatui::style::Color;

/// 30 s into the canary on 37 requests; the observe-only latency over its limit.
fn thin() -> State {
    let (mut s, _) = started();
    run(&mut s, 0, 30, 0.001, 37.0, 0.9);
    s
}

/// Enough traffic; one breach of the error rate, over since 20 s: 1 of 2 breaches used.
fn one_breach_used() -> State {
    let (mut s, _) = started();
    run(&mut s, 0, 30, 0.001, 900.0, 0.1);
    run(&mut s, 31, 40, 0.05, 900.0, 0.1);
    run(&mut s, 41, 60, 0.001, 900.0, 0.1);
    s
}

/// The thin canary's error rate, opened.
fn thin_detail() -> State {
    let mut s = thin();
    for k in [Key::Tab, Key::Enter] {
        update(&mut s, Msg::Key(k), t(30));
    }
    s
}

#[test]
fn a_thin_canary_says_not_enough_traffic_and_marks_the_observe_only_row() {
    let s = thin();
    let wide = screen(&s, &color(), 120, 40);
    assert!(
        wide.contains("not enough traffic: 37 of 500 requests"),
        "{wide}"
    );
    assert!(wide.contains("observe · "), "{wide}");
    assert!(wide.contains("0 of 2 breaches used"), "{wide}");
    assert_snapshot!("canary_thin_120x40", wide);
    assert_snapshot!("canary_thin_80x24", screen(&s, &color(), 80, 24));
}

#[test]
fn the_stage_strip_shows_the_budget_spent() {
    let s = one_breach_used();
    let wide = screen(&s, &color(), 120, 40);
    assert!(wide.contains("1 of 2 breaches used"), "{wide}");
    assert_snapshot!("canary_budget_120x40", wide);
    let narrow = screen(&s, &color(), 80, 24);
    assert!(narrow.contains("1 of 2 breaches used"), "{narrow}");
    assert_snapshot!("canary_budget_80x24", narrow);
}

#[test]
fn the_condition_detail_shows_the_traffic_behind_the_value() {
    let s = thin_detail();
    let wide = screen(&s, &color(), 120, 40);
    assert!(
        wide.contains("37 of 500 requests: not enough, unknown below the minimum"),
        "{wide}"
    );
    assert_snapshot!("canary_detail_120x40", wide);
    assert_snapshot!("canary_detail_80x24", screen(&s, &color(), 80, 24));
}

#[test]
fn without_colour_and_in_ascii_the_words_remain() {
    for s in [thin(), one_breach_used(), thin_detail()] {
        for theme in [Theme::new(false, false), Theme::new(false, true)] {
            let buf = buffer(&s, &theme, 80, 24);
            for cell in &buf.content {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "{cell:?}"
                );
                assert!(!theme.ascii || cell.symbol().is_ascii(), "{cell:?}");
            }
        }
    }
    let plain = screen(&thin(), &Theme::new(false, true), 120, 40);
    assert!(plain.contains("observe - "), "{plain}");
    assert!(plain.contains("not enough traffic"), "{plain}");
}
