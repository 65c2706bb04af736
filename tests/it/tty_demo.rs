//! The real binary in a real terminal (tmux): the demo runs through its verdicts, keys work,
//! and every way out — `q`, SIGTERM, SIGHUP — leaves a restored terminal and a valid journal.
//!
//! Needs tmux. Outside CI a missing tmux skips these tests loudly; under CI=true it fails.

use crate::support::tmux;

use std::time::Duration;
use tmux::{Session as Tmux, tmux_available, verify_chain as verify};

#[test]
fn demo_moves_from_hold_to_rollback_advised_then_rolls_back_through_the_prompt() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("verdicts", &["--regress-after", "8s"]);
    t.wait_text("checkout-api", Duration::from_secs(20));
    t.wait_text("HOLD", Duration::from_secs(20));
    t.wait_text("ROLLBACK ADVISED", Duration::from_secs(60));
    // The p95 comparison may fail the stage's score first (journaled as the verdict and a bake
    // restart); the error rate's breach, which this test reads back, follows within seconds.
    t.wait_text("breach began: Canary error rate", Duration::from_secs(30));
    // Help opens over the cockpit and closes again.
    t.keys(&["?"]);
    t.wait_text("Keys", Duration::from_secs(5));
    t.keys(&["Escape"]);
    t.wait_for("help to close", Duration::from_secs(5), |s| {
        !s.contains("Keys")
    });
    // Roll back through the Approve-Risk prompt; the `q` in the reason is a letter, not quit.
    t.confirm(
        "r",
        "quick rollback: canary errors over 2%",
        Duration::from_secs(5),
    );
    t.wait_text("rollback succeeded", Duration::from_secs(10));
    // The simulator took the webhook: its flag now reports no canary traffic.
    t.wait_text("live traffic changed 1% → 0%", Duration::from_secs(10));
    t.wait_text("rolled back from canary", Duration::from_secs(10));
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_restored();
    let text = std::fs::read_to_string(&t.journal).unwrap();
    assert!(text.contains("\"action_requested\""), "journal: {text}");
    assert!(
        text.contains("quick rollback: canary errors over 2%"),
        "journal: {text}"
    );
    assert!(text.contains("\"rolled_back\""), "journal: {text}");
    assert!(text.contains("\"stage_entered\""), "journal: {text}");
    assert!(text.contains("\"breach_began\""), "journal: {text}");
    assert!(text.contains("\"cockpit_stopped\""), "journal: {text}");
    assert!(verify(&t.journal).contains("chain intact"));
}

#[test]
fn tab_fills_the_rollback_reason_from_the_breach_and_enter_sends_it() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("rbtab", &["--regress-after", "8s"]);
    t.wait_text("ROLLBACK ADVISED", Duration::from_secs(60));
    // As above: the error rate's breach may follow the p95 comparison's failure.
    t.wait_text("breach began: Canary error rate", Duration::from_secs(30));
    t.keys(&["r"]);
    // The breached values are read live, with the time of their reading.
    t.wait_text("Breached (as of", Duration::from_secs(5));
    t.keys(&["Tab"]);
    t.wait_text("Enter to send", Duration::from_secs(5));
    t.keys(&["Enter"]);
    t.wait_text("rollback succeeded", Duration::from_secs(10));
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
    let text = std::fs::read_to_string(&t.journal).unwrap();
    let requested: serde_json::Value = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|r: &serde_json::Value| r["event"] == "action_requested")
        .unwrap_or_else(|| panic!("no action_requested: {text}"));
    // The reason as filled: each breached condition, its value against its limit.
    let reason = requested["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(" > ")
            && (reason.starts_with("Canary error rate")
                || reason.starts_with("Errors vs baseline")),
        "the filled reason names the breach: {requested}"
    );
    assert!(verify(&t.journal).contains("chain intact"));
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_and_keep_the_journal_valid() {
    if !tmux_available() {
        return;
    }
    for signal in ["TERM", "HUP", "INT"] {
        let t = Tmux::demo(&format!("sig{signal}"), &[]);
        t.wait_text("checkout-api", Duration::from_secs(20));
        t.signal(signal);
        assert_eq!(t.exit_code(), 0, "SIG{signal}: clean exit");
        t.assert_restored();
        let text = std::fs::read_to_string(&t.journal).unwrap();
        assert!(
            text.lines().last().unwrap().contains("\"cockpit_stopped\""),
            "SIG{signal}: the stop is journaled last: {text}"
        );
        verify(&t.journal);
    }
}

#[test]
fn kill_9_during_a_slow_webhook_leaves_a_valid_journal_with_the_request() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("kill9", &["--webhook-delay", "60s"]);
    // Wait for the first data: a verdict that moves while the prompt is open is asked again.
    t.wait_text("HOLD", Duration::from_secs(20));
    t.confirm("r", "drill: kill during rollback", Duration::from_secs(5));
    t.wait_text("rollback requested", Duration::from_secs(10));
    t.kill_9();
    assert_eq!(t.exit_code(), 137, "killed by SIGKILL");
    let text = std::fs::read_to_string(&t.journal).unwrap();
    assert!(
        text.lines()
            .last()
            .unwrap()
            .contains("\"action_requested\""),
        "the request is the last record, flushed before the webhook: {text}"
    );
    verify(&t.journal);
}

#[test]
fn the_screen_fits_80x24() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("small", &[]);
    t.cmd(&["resize-window", "-t", "t", "-x", "80", "-y", "24"]);
    t.wait_text("checkout-api", Duration::from_secs(20));
    t.wait_for("a verdict at 80x24", Duration::from_secs(20), |s| {
        s.lines().count() <= 24 && (s.contains("HOLD") || s.contains("NO-GO") || s.contains("GO"))
    });
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
}

#[test]
fn a_hold_shows_in_the_header_refuses_promote_and_is_journaled() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("hold", &[]);
    t.wait_text("HOLD", Duration::from_secs(20));
    t.keys(&["h"]);
    t.wait_text("Why hold the release?", Duration::from_secs(5));
    t.type_text("waiting for DB migration");
    t.keys(&["Enter"]);
    t.wait_text("For how long?", Duration::from_secs(5));
    t.type_text("15m");
    t.keys(&["Enter"]);
    let screen = t.wait_text("HELD by", Duration::from_secs(5));
    assert!(screen.contains("waiting for DB migration"), "{screen}");
    t.keys(&["p"]);
    t.wait_text("promote refused: held by", Duration::from_secs(5));
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_restored();
    let text = std::fs::read_to_string(&t.journal).unwrap();
    assert!(text.contains("\"hold_placed\""), "journal: {text}");
    assert!(text.contains("\"hold_until\""), "journal: {text}");
    assert!(verify(&t.journal).contains("chain intact"));
}
