//! The real binary in a detached tmux session: read the screen, type keys, wait for what an
//! operator would see, end the process as an operator (or a crash) would. Each session has its
//! own tmux server, on a socket named after the test, the process and a counter, so parallel
//! tests and other checkouts do not collide. Needs tmux: outside CI a missing tmux skips loudly.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_gonogo");

/// How long a process may take to exit once asked.
const EXIT: Duration = Duration::from_secs(15);

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
    width: usize,
    /// The directory of the journal, removed with the session that made it.
    _dir: Option<tempfile::TempDir>,
    /// The demo's journal (empty for a session running some other command).
    pub journal: PathBuf,
}

impl Session {
    /// `gonogo demo --journal <tmp> <extra>` at 120x40. A shell runs it and, once it exits,
    /// prints its status and stays, so the pane's terminal state can be inspected.
    pub fn demo(name: &str, extra: &[&str]) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Session::demo_on(name, &dir.path().join("journal.jsonl"), extra);
        s._dir = Some(dir);
        s
    }

    /// Another `gonogo demo` on this session's journal, as a restarted cockpit.
    pub fn again(&self, name: &str, extra: &[&str]) -> Session {
        Session::demo_on(name, &self.journal, extra)
    }

    /// `gonogo demo` on a journal the caller keeps.
    pub fn demo_on(name: &str, journal: &Path, extra: &[&str]) -> Session {
        let mut command = format!("'{BIN}' demo --journal '{}'", journal.display());
        for arg in extra {
            command.push_str(&format!(" '{arg}'"));
        }
        let mut s = Session::run(name, (120, 40), &command);
        s.journal = journal.to_path_buf();
        s
    }

    /// `command` (a shell command line) in a `width`x`height` pane; its exit status is printed
    /// after it as `EXITED:<code>`.
    pub fn run(name: &str, (width, height): (usize, usize), command: &str) -> Session {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let socket = format!("gonogo-{name}-{}-{n}", std::process::id());
        let s = Session {
            socket,
            width,
            _dir: None,
            journal: PathBuf::new(),
        };
        let (w, h) = (width.to_string(), height.to_string());
        let out = Command::new("tmux")
            .args(["-L", &s.socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", &w, "-y", &h, "-s", "t", "-e", "TERM=xterm-256color"])
            .args(["sh", "-c", &format!("{command}; echo EXITED:$?; sleep 600")])
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

    /// The pane's text, without colours.
    pub fn screen(&self) -> String {
        self.capture(&[])
    }

    /// The pane with more `capture-pane` flags: `-e` keeps colours, `-J` joins wrapped lines.
    pub fn capture(&self, flags: &[&str]) -> String {
        let mut args = vec!["capture-pane", "-p", "-t", "t"];
        args.extend(flags);
        self.cmd(&args)
    }

    /// The pane's rows, each padded with blanks to the full width (tmux trims them).
    pub fn rows(&self) -> Vec<String> {
        padded(&self.screen(), self.width)
    }

    /// The pane's width in columns, as started.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Each of `keys` as tmux names them ("q", "Enter", "Escape", "Tab").
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.cmd(&["send-keys", "-t", "t", k]);
        }
    }

    /// `text` typed literally.
    pub fn type_text(&self, text: &str) {
        self.cmd(&["send-keys", "-t", "t", "-l", text]);
    }

    /// Press `key` (`p` or `r`) and confirm the action in its Approve-Risk prompt with `reason`.
    pub fn confirm(&self, key: &str, reason: &str, deadline: Duration) {
        self.keys(&[key]);
        self.wait_text("Approve-Risk", deadline);
        self.type_text(reason);
        self.keys(&["Enter"]);
    }

    /// A tmux format for the pane, e.g. `#{alternate_on}`.
    pub fn format(&self, f: &str) -> String {
        self.cmd(&["display-message", "-p", "-t", "t", f])
            .trim()
            .to_string()
    }

    /// The screen once `until` holds, checking `meanwhile` on every screen before it; panic
    /// after `deadline`.
    pub fn until(
        &self,
        what: &str,
        deadline: Duration,
        until: impl Fn(&str) -> bool,
        meanwhile: impl Fn(&str),
    ) -> String {
        self.poll(&[], what, deadline, until, meanwhile)
    }

    /// The capture with `flags` (see `capture`) once it shows `text`.
    pub fn wait_capture(&self, flags: &[&str], text: &str, deadline: Duration) -> String {
        let what = format!("{text:?} on screen");
        self.poll(flags, &what, deadline, |s| s.contains(text), |_| {})
    }

    fn poll(
        &self,
        flags: &[&str],
        what: &str,
        deadline: Duration,
        until: impl Fn(&str) -> bool,
        meanwhile: impl Fn(&str),
    ) -> String {
        let start = Instant::now();
        while start.elapsed() < deadline {
            let screen = self.capture(flags);
            if until(&screen) {
                return screen;
            }
            meanwhile(&screen);
            std::thread::sleep(Duration::from_millis(150));
        }
        panic!(
            "timed out waiting for {what}; screen:\n{}",
            self.capture(flags)
        );
    }

    /// The screen once `until` holds for it; panic after `deadline`.
    pub fn wait_for(&self, what: &str, deadline: Duration, until: impl Fn(&str) -> bool) -> String {
        self.until(what, deadline, until, |_| {})
    }

    /// The screen once it shows `text`.
    pub fn wait_text(&self, text: &str, deadline: Duration) -> String {
        self.wait_for(&format!("{text:?} on screen"), deadline, |s| {
            s.contains(text)
        })
    }

    /// Every screen seen until `until` holds for one (returned last), or panic after `deadline`.
    pub fn screens_until(
        &self,
        what: &str,
        deadline: Duration,
        until: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let seen = std::cell::RefCell::new(Vec::new());
        let last = self.until(what, deadline, until, |s| {
            seen.borrow_mut().push(s.to_string())
        });
        let mut seen = seen.into_inner();
        seen.push(last);
        seen
    }

    /// The exit status the shell printed once the process ended.
    pub fn exit_code(&self) -> i32 {
        let screen = self.wait_text("EXITED:", EXIT);
        let status = screen.split("EXITED:").nth(1).unwrap_or("");
        status
            .split_whitespace()
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(-1)
    }

    /// The process's own pid: the shell's child.
    pub fn pid(&self) -> String {
        let shell = self.format("#{pane_pid}");
        let out = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(!pid.is_empty(), "gonogo is not running under {shell}");
        pid
    }

    /// `http://127.0.0.1:PORT` of the one TCP port the process listens on (the demo's
    /// simulator), read from /proc: its socket inodes among the listening sockets.
    pub fn listening_url(&self) -> String {
        let pid = self.pid();
        let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .unwrap()
            .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
            .filter_map(|l| {
                let l = l.to_string_lossy().into_owned();
                Some(l.strip_prefix("socket:[")?.strip_suffix(']')?.to_string())
            })
            .collect();
        let table = std::fs::read_to_string(format!("/proc/{pid}/net/tcp")).unwrap();
        let port = table.lines().skip(1).find_map(|row| {
            let f: Vec<&str> = row.split_whitespace().collect();
            // local_address is hex "0100007F:PORT"; state 0A is LISTEN; field 9 the inode.
            let listening =
                f.get(3) == Some(&"0A") && inodes.iter().any(|i| Some(&i.as_str()) == f.get(9));
            let (_, port) = f.get(1)?.split_once(':')?;
            listening.then(|| u16::from_str_radix(port, 16).ok())?
        });
        format!(
            "http://127.0.0.1:{}",
            port.expect("the process listens on no TCP port")
        )
    }

    /// Send `signal` ("TERM", "HUP", "KILL", …) to the process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal}");
    }

    pub fn kill_9(&self) {
        self.signal("KILL");
    }

    /// Close the whole tmux server: the process gets SIGHUP and loses its terminal.
    pub fn close(&self) {
        self.cmd(&["kill-server"]);
    }

    pub fn assert_restored(&self) {
        assert_eq!(self.format("#{alternate_on}"), "0", "alternate screen left");
        assert_eq!(self.format("#{cursor_flag}"), "1", "cursor shown again");
        let title = self.format("#{pane_title}");
        assert!(
            !title.contains("gonogo"),
            "window title given back: {title:?}"
        );
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// A screen's rows, each padded with blanks to `width` columns (tmux trims them).
pub fn padded(screen: &str, width: usize) -> Vec<String> {
    screen
        .lines()
        .map(|l| {
            let w = ratatui::text::Line::raw(l).width();
            format!("{l}{}", " ".repeat(width.saturating_sub(w)))
        })
        .collect()
}

/// The banner: the second row of the screen.
pub fn banner(screen: &str) -> &str {
    screen.lines().nth(1).unwrap_or("")
}

/// The footer: the last row that is not blank.
pub fn footer(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
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
    let banner = banner(screen);
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

/// The journal's records, parsed.
pub fn records(journal: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The journal's records once `until` holds for them; panic after `deadline`.
pub fn wait_journal(
    journal: &Path,
    what: &str,
    deadline: Duration,
    until: impl Fn(&[serde_json::Value]) -> bool,
) -> Vec<serde_json::Value> {
    let start = Instant::now();
    loop {
        // A record being written is not a whole line yet: read what is whole.
        let text = std::fs::read_to_string(journal).unwrap_or_default();
        let records: Vec<serde_json::Value> = text
            .lines()
            .map_while(|l| serde_json::from_str(l).ok())
            .collect();
        if until(&records) {
            return records;
        }
        assert!(
            start.elapsed() < deadline,
            "timed out waiting for {what} in the journal: {records:#?}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// `gonogo audit verify` on the journal: it must pass. Its output.
pub fn verify_chain(journal: &Path) -> String {
    let out = Command::new(BIN)
        .args(["audit", "verify", "--journal"])
        .arg(journal)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "journal must verify: {text}");
    text
}
