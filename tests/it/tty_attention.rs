//! Seen from across the room, in a real tmux: the window title names the release, its stage
//! and the verdict (`#{pane_title}`); the bell rings when the verdict turns ROLLBACK ADVISED,
//! which tmux marks on a window in the background (`#{window_bell_flag}`, with its default
//! `monitor-bell on`); `--no-bell` silences it; quitting gives the title back.
//!
//! Needs tmux. Outside CI a missing tmux skips these tests loudly; under CI=true it fails.

use crate::support::tmux::{Session as Tmux, tmux_available};
use std::time::{Duration, Instant};

/// A tmux format for `target` (a window id like `@0`).
fn format_of(t: &Tmux, target: &str, f: &str) -> String {
    t.cmd(&["display-message", "-p", "-t", target, f])
        .trim()
        .to_string()
}

/// The format once `until` holds for it; panic after `deadline`.
fn wait_format(
    t: &Tmux,
    target: &str,
    f: &str,
    deadline: Duration,
    until: impl Fn(&str) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let got = format_of(t, target, f);
        if until(&got) {
            return got;
        }
        assert!(
            start.elapsed() < deadline,
            "timed out waiting on {f} of {target}; it is {got:?}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// The demo regressing soon, its window put in the background behind a second one (tmux flags
/// a bell only on a window that is not the current one); the cockpit's window id.
fn demo_in_background(name: &str, extra: &[&str]) -> (Tmux, String) {
    let mut args = vec!["--regress-after", "8s"];
    args.extend(extra);
    let t = Tmux::demo(name, &args);
    let cockpit = t.format("#{window_id}");
    let title = wait_format(&t, &cockpit, "#{pane_title}", secs(20), |s| {
        s == "gonogo checkout-api 1% HOLD"
    });
    assert_eq!(title, "gonogo checkout-api 1% HOLD");
    // A window that stays (a shell could exit at once and bring the cockpit to the front).
    t.cmd(&["new-window", "-t", "t", "sleep 600"]);
    wait_format(&t, "t", "#{window_id}", secs(20), |w| w != cockpit);
    assert_eq!(format_of(&t, &cockpit, "#{window_bell_flag}"), "0");
    (t, cockpit)
}

/// Wait for ROLLBACK ADVISED in the title.
fn advised(t: &Tmux, cockpit: &str) {
    wait_format(t, cockpit, "#{pane_title}", secs(60), |s| {
        s == "gonogo checkout-api 1% ROLLBACK ADVISED"
    });
}

/// Back to the cockpit's window, quit with `q`: a clean exit and the title given back.
fn quit(t: &Tmux, cockpit: &str) {
    t.cmd(&["select-window", "-t", cockpit]);
    wait_format(t, "t", "#{window_id}", secs(20), |w| w == cockpit);
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_restored();
    let title = format_of(t, cockpit, "#{pane_title}");
    assert!(!title.contains("gonogo"), "title given back: {title:?}");
    // tmux names a new pane's title after the host: the title from before the cockpit.
    if let Ok(host) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        assert_eq!(title, host.trim(), "the title from before the cockpit");
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn the_title_names_release_stage_and_verdict_and_the_bell_rings_at_rollback_advised() {
    if !tmux_available() {
        return;
    }
    let (t, cockpit) = demo_in_background("bell", &[]);
    advised(&t, &cockpit);
    wait_format(&t, &cockpit, "#{window_bell_flag}", secs(5), |f| f == "1");
    quit(&t, &cockpit);
}

#[test]
fn no_bell_silences_the_bell_and_the_title_still_shows_the_verdict() {
    if !tmux_available() {
        return;
    }
    let (t, cockpit) = demo_in_background("nobell", &["--no-bell"]);
    advised(&t, &cockpit);
    // The bell would be flagged at once (it is, in the test above); it stays down.
    let start = Instant::now();
    while start.elapsed() < secs(2) {
        assert_eq!(format_of(&t, &cockpit, "#{window_bell_flag}"), "0");
        std::thread::sleep(Duration::from_millis(200));
    }
    quit(&t, &cockpit);
}
