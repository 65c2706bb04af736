//! Focus and the detail view in the real binary: Tab focuses the stop conditions, Enter opens
//! the focused condition's detail with its query printed whole, Esc returns to the dashboard.

use crate::support::tmux::{Session as Tmux, tmux_available};
use std::time::Duration;

/// The demo's first stop condition's query, as config/demo.toml writes it.
fn demo_query() -> String {
    let demo = include_str!("../../config/demo.toml");
    let line = demo
        .lines()
        .find(|l| l.starts_with("query = ") && l.contains("code=~"))
        .expect("the demo's error rate query");
    line["query = ".len()..].trim_matches('\'').to_string()
}

/// The words of the detail's `query` fact: its row and the rows under it, joined, without
/// spaces (a wrapped line's end and the screen's padding look alike).
fn query_on_screen(screen: &str) -> String {
    let rows: Vec<&str> = screen.lines().collect();
    let Some(start) = rows.iter().position(|r| r.contains("│ query ")) else {
        return String::new();
    };
    let column = rows[start].find("query").unwrap_or(0) + "query".len();
    let mut text = String::new();
    for (i, row) in rows[start..].iter().enumerate() {
        let (Some(head), Some(rest)) = (row.get(..column), row.get(column..)) else {
            break;
        };
        if i > 0 && !head.trim_start_matches('│').trim().is_empty() {
            break; // the next fact
        }
        text.push_str(rest.trim_end_matches('│'));
    }
    text.split_whitespace().collect()
}

#[test]
fn tab_enter_shows_the_condition_s_query_and_esc_returns() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("focus", &[]);
    t.wait_text("── Stop conditions", Duration::from_secs(20));
    let focused = |s: &str| s.lines().any(|l| l.starts_with('›'));

    t.keys(&["Tab"]);
    let s = t.wait_for("a focused row", Duration::from_secs(5), focused);
    let row = s.lines().find(|l| l.starts_with('›')).unwrap_or_default();
    assert!(row.contains("Canary error rate"), "{s}");

    t.keys(&["Enter"]);
    let want: String = demo_query().split_whitespace().collect();
    let s = t.wait_for("the detail with its query", Duration::from_secs(5), |s| {
        s.contains("Stop condition · Canary error rate") && query_on_screen(s) == want
    });
    assert!(s.contains("headroom"), "{s}");
    assert!(s.contains("breach"), "{s}");

    t.keys(&["Escape"]);
    let s = t.wait_for("the dashboard again", Duration::from_secs(5), |s| {
        !s.contains("Stop condition ·") && s.contains("── Gates")
    });
    assert!(focused(&s), "focus stays where it was:\n{s}");

    // Shift-Tab goes back out of focus; the dashboard is as it was.
    t.keys(&["BTab"]);
    t.wait_for("no focused row", Duration::from_secs(5), |s| !focused(s));

    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_restored();
}
