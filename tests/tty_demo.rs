//! The real binary in a real terminal (tmux): the demo runs through its verdicts, keys work,
//! and every way out — `q`, SIGTERM, SIGHUP — leaves a restored terminal and a valid journal.
//!
//! Needs tmux. Outside CI a missing tmux skips these tests loudly; under CI=true it fails.

#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tmux::{BIN, Session as Tmux, tmux_available};

impl Tmux {
    fn format(&self, f: &str) -> String {
        self.cmd(&["display-message", "-p", "-t", "t", f])
            .trim()
            .to_string()
    }

    fn wait_for(&self, what: &str, deadline: Duration, pred: impl Fn(&Tmux) -> bool) {
        let start = Instant::now();
        while start.elapsed() < deadline {
            if pred(self) {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("timed out waiting for {what}; screen:\n{}", self.screen());
    }

    fn wait_text(&self, text: &str, deadline: Duration) {
        self.wait_for(&format!("{text:?} on screen"), deadline, |t| {
            t.screen().contains(text)
        });
    }

    /// Wait for the shell to report gonogo's exit status.
    fn wait_exit(&self) -> i32 {
        self.wait_for("the process to exit", Duration::from_secs(10), |t| {
            t.screen().contains("EXITED:")
        });
        let screen = self.screen();
        let status = screen.split("EXITED:").nth(1).unwrap_or("");
        status
            .split_whitespace()
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(-1)
    }

    /// gonogo's own pid: the shell's child.
    fn pid(&self) -> String {
        let shell = self.format("#{pane_pid}");
        let out = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(!pid.is_empty(), "gonogo is not running under {shell}");
        pid
    }

    fn assert_restored(&self) {
        assert_eq!(self.format("#{alternate_on}"), "0", "alternate screen left");
        assert_eq!(self.format("#{cursor_flag}"), "1", "cursor shown again");
    }
}

fn verify(journal: &Path) -> String {
    let out = Command::new(BIN)
        .args(["audit", "verify", "--journal"])
        .arg(journal)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "journal must verify: {text}");
    text
}

#[test]
fn demo_moves_from_hold_to_rollback_advised_then_rolls_back_through_the_prompt() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("verdicts", &["--regress-after", "8s"]);
    t.wait_text("checkout-api", Duration::from_secs(20));
    t.wait_text("HOLD", Duration::from_secs(20));
    t.wait_text("ROLLBACK ADVISED", Duration::from_secs(60));
    // Help opens over the cockpit and closes again.
    t.cmd(&["send-keys", "-t", "t", "?"]);
    t.wait_text("Keys", Duration::from_secs(5));
    t.cmd(&["send-keys", "-t", "t", "Escape"]);
    t.wait_for("help to close", Duration::from_secs(5), |t| {
        !t.screen().contains("Keys")
    });
    // Roll back through the Approve-Risk prompt; the `q` in the reason is a letter, not quit.
    t.cmd(&["send-keys", "-t", "t", "r"]);
    t.wait_text("Approve-Risk", Duration::from_secs(5));
    t.cmd(&[
        "send-keys",
        "-t",
        "t",
        "-l",
        "quick rollback: canary errors over 2%",
    ]);
    t.cmd(&["send-keys", "-t", "t", "Enter"]);
    t.wait_text("rollback succeeded", Duration::from_secs(10));
    // The simulator took the webhook: its flag now reports no canary traffic.
    t.wait_text("live traffic changed 1% → 0%", Duration::from_secs(10));
    t.wait_text("rolled back from canary", Duration::from_secs(10));
    t.cmd(&["send-keys", "-t", "t", "q"]);
    assert_eq!(t.wait_exit(), 0);
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
fn sigterm_and_sighup_restore_the_terminal_and_keep_the_journal_valid() {
    if !tmux_available() {
        return;
    }
    for signal in ["TERM", "HUP", "INT"] {
        let t = Tmux::demo(&format!("sig{signal}"), &[]);
        t.wait_text("checkout-api", Duration::from_secs(20));
        let pid = t.pid();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(t.wait_exit(), 0, "SIG{signal}: clean exit");
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
    t.cmd(&["send-keys", "-t", "t", "r"]);
    t.wait_text("Approve-Risk", Duration::from_secs(5));
    t.cmd(&["send-keys", "-t", "t", "-l", "drill: kill during rollback"]);
    t.cmd(&["send-keys", "-t", "t", "Enter"]);
    t.wait_text("rollback requested", Duration::from_secs(10));
    Command::new("kill")
        .args(["-9", &t.pid()])
        .status()
        .unwrap();
    assert_eq!(t.wait_exit(), 137, "killed by SIGKILL");
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
    t.wait_for("a verdict at 80x24", Duration::from_secs(20), |t| {
        let s = t.screen();
        s.lines().count() <= 24 && (s.contains("HOLD") || s.contains("NO-GO") || s.contains("GO"))
    });
    t.cmd(&["send-keys", "-t", "t", "q"]);
    assert_eq!(t.wait_exit(), 0);
}
