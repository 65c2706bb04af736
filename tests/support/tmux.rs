//! `gonogo demo` in a detached tmux session: read the screen, wait for what an operator would
//! see. Each session has its own tmux server (socket named after the test and the process), so
//! parallel tests do not collide. Needs tmux: outside CI a missing tmux skips loudly.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_gonogo");

pub fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("tmux is required under CI=true (scripts/test installs it)");
        }
        eprintln!("SKIPPED: tmux is not installed; the terminal end-to-end tests did not run");
    }
    found
}

pub struct Session {
    socket: String,
    /// The directory of the journal, removed with the session that made it.
    _dir: Option<tempfile::TempDir>,
    pub journal: PathBuf,
}

impl Session {
    /// `gonogo demo --journal <tmp> <extra>` at 120x40. A shell runs it and, once it exits,
    /// prints its status and stays, so the pane's terminal state can be inspected.
    pub fn demo(name: &str, extra: &[&str]) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        let mut s = Session::start(name, journal, extra);
        s._dir = Some(dir);
        s
    }

    /// Another `gonogo demo` on this session's journal, as a restarted cockpit.
    pub fn again(&self, name: &str, extra: &[&str]) -> Session {
        Session::start(name, self.journal.clone(), extra)
    }

    fn start(name: &str, journal: PathBuf, extra: &[&str]) -> Session {
        let socket = format!("gonogo-{name}-{}", std::process::id());
        let mut command = format!("'{BIN}' demo --journal '{}'", journal.display());
        for arg in extra {
            command.push_str(&format!(" '{arg}'"));
        }
        command.push_str("; echo EXITED:$?; sleep 600");
        let s = Session {
            socket,
            _dir: None,
            journal,
        };
        let size = [
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            "t",
            "-e",
            "TERM=xterm-256color",
        ];
        let out = Command::new("tmux")
            .args(["-L", &s.socket, "-f", "/dev/null", "new-session", "-d"])
            .args(size)
            .args(["sh", "-c", &command])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        s
    }

    /// Run `tmux <args>` against this session's server; its stdout.
    pub fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "t"])
    }

    /// Every screen seen until `until` holds for one (returned last), or panic after `deadline`.
    pub fn screens_until(
        &self,
        what: &str,
        deadline: Duration,
        until: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let start = Instant::now();
        let mut seen = Vec::new();
        while start.elapsed() < deadline {
            let screen = self.screen();
            let done = until(&screen);
            seen.push(screen);
            if done {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(150));
        }
        panic!("timed out waiting for {what}; screen:\n{}", self.screen());
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The verified seconds the stage strip shows ("00:08 of 00:30 verified"), if any.
pub fn verified(screen: &str) -> Option<u64> {
    screen.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let i = words
            .windows(4)
            .position(|w| w[1] == "of" && w[3] == "verified")?;
        let (m, s) = words[i].split_once(':')?;
        Some(m.parse::<u64>().ok()? * 60 + s.parse::<u64>().ok()?)
    })
}

/// The verdict word on a screen (the banner's first words).
pub fn verdict(screen: &str) -> Option<&'static str> {
    let banner = screen.lines().nth(1)?;
    [
        "ROLLBACK ADVISED",
        "NO-GO UNTIL VERIFIED",
        "HOLD",
        "GO",
        "COMPLETE",
    ]
    .into_iter()
    .find(|v| banner.contains(&format!(" {v} ")))
}
