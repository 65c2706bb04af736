//! The event log scrolled back, filtered, and with its filter being typed, at 120x40 and 80x24.

use super::fixture;
use super::tests::{color, screen};
use crate::app::{self, Key, LogLevel, Msg, State};
use insta::assert_snapshot;

fn keys(state: &mut State, keys: &[Key]) {
    for &k in keys {
        app::update(state, Msg::Key(k), fixture::t(0));
    }
}

fn typed(text: &str) -> Vec<Key> {
    text.chars().map(Key::Char).collect()
}

/// The breach and two dozen deliveries after it, scrolled back two pages; three warnings
/// arrived since, held below the view.
pub fn scrolled() -> State {
    let mut state = fixture::breached();
    for n in 1..=24 {
        state.log(
            fixture::t(n / 2 - 14),
            LogLevel::Info,
            format!("notify slack: delivered ({n})"),
        );
    }
    keys(&mut state, &[Key::PageUp, Key::PageUp]);
    for n in 1..=3 {
        state.log(
            fixture::t(n),
            LogLevel::Warn,
            format!("notify slack: timed out ({n})"),
        );
    }
    state
}

/// The breach, its log filtered to errors that mention the error rate.
pub fn filtered() -> State {
    let mut state = fixture::breached();
    keys(&mut state, &[Key::Char('/')]);
    keys(&mut state, &typed("ERROR level:error"));
    keys(&mut state, &[Key::Enter]);
    state
}

/// The filter prompt open on the log, half typed.
pub fn filter_typing() -> State {
    let mut state = fixture::breached();
    keys(&mut state, &[Key::Char('/')]);
    keys(&mut state, &typed("verd"));
    state
}

#[test]
fn the_log_scrolled_back_says_how_many_newer_entries_wait() {
    let state = scrolled();
    let wide = screen(&state, &color(), 120, 40);
    assert!(wide.contains("↑ 12 newer — End to follow"), "{wide}");
    assert!(wide.contains("breach began"), "{wide}");
    assert!(!wide.contains("timed out (3)"), "{wide}");
    assert_snapshot!("log_scrolled_120x40", wide);
    assert_snapshot!("log_scrolled_80x24", screen(&state, &color(), 80, 24));
}

#[test]
fn the_log_filtered_names_its_filter_and_what_it_hides() {
    let state = filtered();
    let wide = screen(&state, &color(), 120, 40);
    assert!(wide.contains("Events /ERROR level:error · "), "{wide}");
    assert_snapshot!("log_filtered_120x40", wide);
    assert_snapshot!("log_filtered_80x24", screen(&state, &color(), 80, 24));
}

#[test]
fn the_filter_is_typed_on_the_log_s_last_line() {
    let state = filter_typing();
    let text = screen(&state, &color(), 80, 24);
    assert!(
        text.contains("/verd   Enter keeps it · Esc clears"),
        "{text}"
    );
    assert_snapshot!(
        "log_filter_typing_120x40",
        screen(&state, &color(), 120, 40)
    );
    assert_snapshot!("log_filter_typing_80x24", text);
}
