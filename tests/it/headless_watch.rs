//! `gonogo watch --plain` and the default command with stdout not a terminal: the real binary
//! against a server on 127.0.0.1 whose answers change, its stdout a pipe.

use crate::support::headless;

use chrono::{DateTime, Utc};
use gonogo::core::record::Event;
use headless::{Answers, BIN, Release, Server, append, config, record};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(30);
const HOUR: Duration = Duration::from_secs(3600);

/// The binary running, each stdout line collected as it comes.
pub(crate) struct Watch {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    pub(crate) fn start(args: &[&str]) -> Watch {
        Watch::start_with(args, &[])
    }

    /// With these environment variables set, too.
    pub(crate) fn start_with(args: &[&str], env: &[(&str, &str)]) -> Watch {
        let mut child = Command::new(BIN)
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Watch {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Read lines until one satisfies `want`; fail with everything seen after the deadline.
    pub(crate) fn until(&mut self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if want(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    let _ = self.child.kill();
                    panic!("no line {what}; lines so far:\n{}", self.seen.join("\n"));
                }
            }
        }
    }

    /// Send a signal, wait for the exit, and collect the last lines.
    pub(crate) fn stop(mut self, signal: &str) -> (ExitStatus, Vec<String>, String) {
        let ok = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("watch did not stop on {signal}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        self.seen.extend(self.lines.try_iter());
        let mut stderr = String::new();
        use std::io::Read;
        let _ = self
            .child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr);
        (status, self.seen, stderr)
    }
}

fn healthy_go_release(server: &Server) -> Release {
    let release = Release::new(&config(&server.url, "500ms", "1s"));
    let entered = release.entered("canary", 10.0, HOUR);
    // The operator's cockpit verified the whole 10-minute bake.
    release.verified(entered, Duration::from_secs(600), Duration::from_secs(5));
    release
}

fn timestamp(line: &str) -> DateTime<Utc> {
    let ts = line.split(' ').next().unwrap();
    DateTime::parse_from_rfc3339(ts)
        .unwrap_or_else(|e| panic!("line does not start with a time ({e}): {line}"))
        .with_timezone(&Utc)
}

#[test]
fn plain_lines_show_the_verdict_change_the_breach_an_action_and_stop_on_sigterm() {
    let server = Server::start(Answers::default());
    let release = healthy_go_release(&server);
    let config = release.config();
    let mut w = Watch::start(&["watch", "--config", config.to_str().unwrap(), "--plain"]);
    w.until("saying GO", |l| l.contains("GOOD  verdict GO:"));

    server.set(|a| a.error_rate = 0.09);
    let breach = w.until("with the breach", |l| {
        l.contains("breach began: Error rate")
    });
    assert!(
        breach.contains("ERROR breach began: Error rate: 9.00%"),
        "{breach}"
    );
    w.until("with the new verdict", |l| {
        l.contains("verdict ROLLBACK ADVISED")
    });

    // Another cockpit rolls back: the watcher reads it from the journal.
    let mut done = record(Utc::now(), Event::ActionSucceeded);
    done.action = Some("rollback".into());
    done.outcome = Some("succeeded: HTTP 200 in 40 ms: ok".into());
    append(&release.journal(), &done);
    let action = w.until("with the action", |l| l.contains("rollback by ana@ops1"));
    assert!(
        action.contains("GOOD  rollback by ana@ops1: succeeded: HTTP 200"),
        "{action}"
    );

    let (status, lines, _) = w.stop("TERM");
    assert_eq!(status.code(), Some(0), "{}", lines.join("\n"));
    assert!(
        lines.last().unwrap().contains("SIGTERM received, stopping"),
        "{lines:?}"
    );
    for line in &lines {
        timestamp(line);
        assert!(!line.contains('\x1b'), "an escape code in {line:?}");
        assert!(
            !line.contains('\x07'),
            "the bell is the cockpit's: {line:?}"
        );
    }
}

#[test]
fn json_lines_carry_kinds_and_a_source_going_down_and_up() {
    let server = Server::start(Answers::default());
    let release = healthy_go_release(&server);
    let config = release.config();
    let mut w = Watch::start(&[
        "watch",
        "--config",
        config.to_str().unwrap(),
        "--plain",
        "--format",
        "json",
    ]);
    let parse = |l: &str| -> Value {
        serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))
    };
    let go = w.until("with verdict GO", |l| {
        let v = parse(l);
        v["kind"] == "verdict" && v["verdict"] == "GO"
    });
    let go = parse(&go);
    assert_eq!(go["level"], "good");
    assert!(
        go["reasons"][0]
            .as_str()
            .unwrap()
            .contains("baked and healthy"),
        "{go}"
    );

    // The source hangs past its timeout, then answers again.
    server.set(|a| a.delay = Duration::from_secs(2));
    let down = parse(&w.until("source down", |l| parse(l)["kind"] == "source_down"));
    assert!(
        down["text"].as_str().unwrap().starts_with("source app:"),
        "{down}"
    );
    server.set(|a| a.delay = Duration::ZERO);
    w.until("source up", |l| parse(l)["kind"] == "source_up");

    let (status, lines, _) = w.stop("INT");
    assert_eq!(status.code(), Some(0));
    for line in &lines {
        let v = parse(line);
        for field in ["ts", "level", "kind", "text", "verdict"] {
            assert!(v[field].is_string(), "{field} missing in {line}");
        }
    }
}

#[test]
fn the_default_command_writes_lines_when_stdout_is_not_a_terminal() {
    let server = Server::start(Answers::default());
    let release = healthy_go_release(&server);
    let config = release.config();
    let mut w = Watch::start(&["--config", config.to_str().unwrap()]);
    w.until("saying GO", |l| l.contains("GOOD  verdict GO:"));
    let (status, lines, stderr) = w.stop("TERM");
    assert_eq!(status.code(), Some(0));
    assert!(stderr.contains("stdout is not a terminal"), "{stderr}");
    assert!(lines.iter().all(|l| !l.contains('\x1b')), "{lines:?}");
    // Watching never writes the journal: only the records the test wrote are there.
    assert_eq!(gonogo::journal::read(&release.journal()).unwrap().len(), 2);
}

/// A condition label long enough that the verdict line runs well past 80 columns.
const LONG_LABEL: &str =
    "Error rate of the checkout canary over five minutes, all regions, all payment providers";

#[test]
fn a_long_verdict_reason_is_written_whole_and_records_show_their_attempt() {
    let server = Server::start(Answers::default());
    let text = config(&server.url, "500ms", "1s").replace(
        "label = \"Error rate\"",
        &format!("label = \"{LONG_LABEL}\""),
    );
    let release = Release::new(&text);
    let entered = release.entered("canary", 10.0, HOUR);
    release.verified(entered, Duration::from_secs(600), Duration::from_secs(5));
    let config = release.config();
    let config = config.to_str().unwrap();
    let mut plain = Watch::start(&["watch", "--config", config, "--plain"]);
    let mut json = Watch::start(&["watch", "--config", config, "--format", "json"]);
    plain.until("saying GO", |l| l.contains("GOOD  verdict GO:"));
    json.until("saying GO", |l| l.contains("\"verdict\":\"GO\""));

    server.set(|a| a.error_rate = 0.09);
    let whole = format!("verdict ROLLBACK ADVISED: {LONG_LABEL}: 9.00% above max");
    assert!(whole.len() > 100);
    let line = plain.until("with the new verdict", |l| l.contains("verdict ROLLBACK"));
    assert!(line.ends_with(&whole), "cut short: {line}");
    let line = json.until("with the new verdict", |l| l.contains("verdict ROLLBACK"));
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["text"], whole.as_str(), "{line}");

    // A record another cockpit journals with its attempt id: both formats show it.
    let mut rolled = record(Utc::now(), Event::RolledBack);
    rolled.stage = Some("canary".into());
    rolled.attempt = Some("shop-1.4.0-att2".into());
    append(&release.journal(), &rolled);
    let line = plain.until("with the rollback", |l| l.contains("rolled back from"));
    assert!(line.ends_with("[attempt shop-1.4.0-att2]"), "{line}");
    let line = json.until("with the rollback", |l| l.contains("rolled_back"));
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["attempt"], "shop-1.4.0-att2", "{line}");
    plain.stop("TERM");
    json.stop("TERM");
}
