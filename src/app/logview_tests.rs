//! The event log held in place, filtered, and never emptied of a breach by chatter.

use super::testkit::{state, t};
use super::{CHATTER_CAPACITY, Key, Kind, LOG_CAPACITY, LogLevel, Msg, Overlay, State, update};

fn key(s: &mut State, k: Key) {
    update(s, Msg::Key(k), t(0));
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, Key::Char(c));
    }
}

/// A state whose log holds `n` notes, "note 0" oldest.
fn with_notes(n: usize) -> State {
    let mut s = state(false);
    s.screen.log.clear();
    for i in 0..n {
        s.log(t(i as i64), LogLevel::Info, format!("note {i}"));
    }
    s
}

#[test]
fn a_log_scrolled_back_holds_its_place_while_entries_arrive_and_end_follows_again() {
    let mut s = with_notes(30);
    key(&mut s, Key::PageUp);
    assert_eq!(s.screen.log_view.scroll, super::logview::PAGE);
    s.log(t(100), LogLevel::Warn, "new 1");
    s.log(t(101), LogLevel::Warn, "new 2");
    // Two more below the view: the same entries are in view.
    assert_eq!(s.screen.log_view.scroll, super::logview::PAGE + 2);
    key(&mut s, Key::PageDown);
    assert_eq!(s.screen.log_view.scroll, 2);
    key(&mut s, Key::Home);
    assert_eq!(
        s.screen.log_view.scroll,
        32 - super::logview::PAGE,
        "as far back as puts the oldest page in view"
    );
    key(&mut s, Key::PageUp);
    assert_eq!(
        s.screen.log_view.scroll,
        32 - super::logview::PAGE,
        "no further back than the oldest page"
    );
    key(&mut s, Key::PageDown);
    assert_eq!(
        s.screen.log_view.scroll,
        32 - 2 * super::logview::PAGE,
        "the first PgDn from the oldest moves"
    );
    key(&mut s, Key::End);
    assert_eq!(s.screen.log_view.scroll, 0);
    s.log(t(102), LogLevel::Warn, "new 3");
    assert_eq!(s.screen.log_view.scroll, 0, "following again");
}

#[test]
fn the_filter_hides_by_text_and_level_and_esc_clears_it() {
    let mut s = with_notes(10);
    s.log(t(20), LogLevel::Warn, "Source PROM down");
    s.log(t(21), LogLevel::Error, "verdict ROLLBACK ADVISED");
    key(&mut s, Key::Char('/'));
    assert!(matches!(s.screen.overlay, Overlay::Filter { .. }));
    typed(&mut s, "pro");
    let shown: Vec<&str> = s.shown_log().map(|e| e.text.as_str()).collect();
    assert_eq!(
        shown,
        ["Source PROM down"],
        "the log follows the draft as it is typed"
    );
    typed(&mut s, "m");
    key(&mut s, Key::Enter);
    assert_eq!(s.screen.overlay, Overlay::None);
    let shown: Vec<&str> = s.shown_log().map(|e| e.text.as_str()).collect();
    assert_eq!(shown, ["Source PROM down"], "case-insensitive");
    assert_eq!(s.screen.log.len() - shown.len(), 11, "hidden");

    // `/` again edits the filter in force.
    key(&mut s, Key::Char('/'));
    for _ in 0.."prom".len() {
        key(&mut s, Key::Backspace);
    }
    typed(&mut s, "level:warn");
    key(&mut s, Key::Enter);
    assert_eq!(s.shown_log().count(), 2, "warnings and errors");
    key(&mut s, Key::Char('/'));
    key(&mut s, Key::Ctrl('u'));
    typed(&mut s, "level:error");
    key(&mut s, Key::Enter);
    let shown: Vec<&str> = s.shown_log().map(|e| e.text.as_str()).collect();
    assert_eq!(shown, ["verdict ROLLBACK ADVISED"]);

    // A filtered, scrolled-back view counts only what it shows as arriving below it.
    for i in 0..6 {
        s.log(t(22 + i), LogLevel::Error, "breach began");
    }
    key(&mut s, Key::PageUp);
    assert_eq!(
        s.screen.log_view.scroll, 2,
        "7 shown: back to the oldest page of 5"
    );
    s.log(t(30), LogLevel::Info, "hidden by the filter");
    assert_eq!(s.screen.log_view.scroll, 2);
    s.log(t(31), LogLevel::Error, "shown by the filter");
    assert_eq!(s.screen.log_view.scroll, 3);

    key(&mut s, Key::Char('/'));
    key(&mut s, Key::Esc);
    assert_eq!(s.screen.overlay, Overlay::None);
    assert_eq!(s.shown_log().count(), s.screen.log.len(), "Esc clears");
    assert_eq!(s.screen.log_view.scroll, 0, "and shows the newest");
}

#[test]
fn scrolling_and_filtering_work_in_read_only_mode() {
    let mut s = state(true);
    for i in 0..20 {
        s.log(t(i), LogLevel::Info, format!("note {i}"));
    }
    key(&mut s, Key::PageUp);
    assert!(s.screen.log_view.scroll > 0);
    key(&mut s, Key::Char('/'));
    typed(&mut s, "note 1");
    let fx = update(&mut s, Msg::Key(Key::Enter), t(0));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(s.screen.log_view.filter.is_active());
}

#[test]
fn chatter_never_pushes_a_breach_out_of_the_log() {
    let mut s = with_notes(0);
    s.log_as(
        t(0),
        LogLevel::Error,
        Kind::BreachBegan,
        "error rate breached",
    );
    s.log_as(
        t(1),
        LogLevel::Info,
        Kind::ActionRequested,
        "rollback requested",
    );
    for i in 2..LOG_CAPACITY as i64 - 1 {
        s.log(t(i), LogLevel::Info, "a note");
    }
    assert_eq!(s.screen.log.len(), LOG_CAPACITY - 1);
    // A refused key, many times over, and cancelled prompts.
    for _ in 0..3 * LOG_CAPACITY {
        key(&mut s, Key::Char('v'));
        key(&mut s, Key::Char('p'));
        key(&mut s, Key::Esc);
    }
    let kinds: Vec<Kind> = s.screen.log.iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&Kind::BreachBegan), "{kinds:?}");
    assert!(kinds.contains(&Kind::ActionRequested));
    let chatter = kinds.iter().filter(|k| k.is_chatter()).count();
    assert_eq!(chatter, CHATTER_CAPACITY, "chatter keeps to its own ring");
    assert_eq!(
        s.screen.log.back().map(|e| e.kind),
        Some(Kind::Ui),
        "the newest chatter still shows"
    );

    // The release's own entries still evict the oldest of theirs, past the capacity.
    s.log(t(500), LogLevel::Info, "one more");
    s.log(t(501), LogLevel::Info, "and another");
    let kinds: Vec<Kind> = s.screen.log.iter().map(|e| e.kind).collect();
    assert!(!kinds.contains(&Kind::BreachBegan));
    assert!(kinds.contains(&Kind::ActionRequested));
    assert_eq!(s.screen.log.len(), LOG_CAPACITY + CHATTER_CAPACITY);
}

#[test]
fn chatter_evicted_below_a_scrolled_view_does_not_move_it() {
    let mut s = with_notes(30);
    key(&mut s, Key::PageUp);
    let bottom = |s: &State| {
        let shown: Vec<&str> = s.shown_log().map(|e| e.text.as_str()).collect();
        shown[shown.len() - 1 - s.screen.log_view.scroll].to_string()
    };
    assert_eq!(bottom(&s), "note 24");
    for _ in 0..CHATTER_CAPACITY + 5 {
        key(&mut s, Key::Char('v'));
    }
    assert_eq!(
        s.screen.log_view.scroll,
        super::logview::PAGE + CHATTER_CAPACITY
    );
    assert_eq!(bottom(&s), "note 24");
}
