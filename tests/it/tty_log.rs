//! The event log in the real binary: PgUp shows older entries and holds them while new ones
//! arrive, End follows again, `/` filters and Esc clears the filter.

use crate::support::tmux::{Session as Tmux, tmux_available};
use std::time::Duration;

/// The rows of the event log panel, title included: from its title to the footer (the last
/// row, where a toast shows too).
fn log_panel(screen: &str) -> String {
    let rows: Vec<&str> = screen.lines().collect();
    let start = rows
        .iter()
        .position(|r| r.starts_with("── Events"))
        .expect("an event log on screen");
    rows[start..rows.len() - 1].join("\n")
}

#[test]
fn the_event_log_scrolls_back_holds_its_place_and_filters() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("logview", &[]);
    t.wait_text("cockpit started", Duration::from_secs(20));
    // Refused keys (no outcome is unknown) until the first entry scrolls out of view.
    let pushed_out = |s: &str| s.contains("── Events") && !log_panel(s).contains("cockpit started");
    for _ in 0..40 {
        t.keys(&["v"]);
        if pushed_out(&t.screen()) {
            break;
        }
    }
    t.wait_for(
        "the first entry out of view",
        Duration::from_secs(5),
        pushed_out,
    );
    // Scrolled, the panel takes rows from the tables: enough entries that it cannot show all.
    for _ in 0..12 {
        t.keys(&["v"]);
    }

    t.keys(&["Home"]);
    let s = t.wait_for("older entries", Duration::from_secs(5), |s| {
        log_panel(s).contains("cockpit started")
    });
    assert!(log_panel(&s).contains("End to follow"), "{s}");
    // New entries arrive below; the view holds its place.
    t.keys(&["v", "v", "v"]);
    std::thread::sleep(Duration::from_millis(500));
    let s = t.screen();
    assert!(log_panel(&s).contains("cockpit started"), "held:\n{s}");

    t.keys(&["End"]);
    t.wait_for("following again", Duration::from_secs(5), |s| {
        let log = log_panel(s);
        !log.contains("cockpit started") && !log.contains("End to follow")
    });

    t.keys(&["/"]);
    t.type_text("COCKPIT started");
    t.keys(&["Enter"]);
    let s = t.wait_for("the filter applied", Duration::from_secs(5), |s| {
        log_panel(s).contains("Events /COCKPIT started · ")
    });
    let log = log_panel(&s);
    assert!(log.contains("cockpit started"), "{s}");
    assert!(!log.contains("outcome is unknown"), "{s}");

    t.keys(&["/"]);
    t.wait_text("Enter keeps it", Duration::from_secs(5));
    t.keys(&["Escape"]);
    t.wait_for("the filter cleared", Duration::from_secs(5), |s| {
        let log = log_panel(s);
        log.starts_with("── Events ──") && log.contains("outcome is unknown")
    });

    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_restored();
}
