//! `gonogo audit verify` and `gonogo audit repair`, the real binary: reading is bounded (a
//! device, a FIFO, a directory or a huge line is a clear error, exit 1, no backtrace), and a
//! torn last line is set aside and journaled so the chain goes on.

mod headless_support;

use chrono::Utc;
use gonogo::core::record::Event;
use gonogo::journal::Journal;
use headless_support::{record, run};
use std::io::Write;
use std::path::Path;
use std::process::Output;

/// A journal of these events, written in one go: opening it once keeps the lock from being
/// inherited, for an instant, by a process another test spawns meanwhile.
fn write(journal: &Path, events: &[Event]) {
    let (mut j, _) = Journal::open(journal).unwrap();
    for event in events {
        j.append(&record(Utc::now(), *event)).unwrap();
    }
}

fn audit(what: &str, journal: &Path) -> Output {
    run(&["audit", what, "--journal", journal.to_str().unwrap()])
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Exit 1 with one clear line on stderr: never an abort, a panic or a backtrace.
fn assert_clear_error(out: &Output, want: &str) {
    let (_, err) = text(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(want), "{err}");
    for noise in ["panicked", "backtrace", "memory allocation", "Location:"] {
        assert!(!err.contains(noise), "{noise} in {err}");
    }
}

#[test]
fn what_is_not_a_journal_is_refused_by_name() {
    assert_clear_error(
        &audit("verify", Path::new("/dev/zero")),
        "journal /dev/zero is a character device, not a regular file: not a gonogo journal",
    );
    let dir = tempfile::tempdir().unwrap();
    assert_clear_error(
        &audit("verify", dir.path()),
        "is a directory, not a regular file",
    );
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Opening a FIFO would wait for a writer forever; it is refused before.
    assert_clear_error(&audit("verify", &fifo), "is a FIFO (named pipe)");
    assert_clear_error(
        &run(&["audit", "show", "--journal", "/dev/zero"]),
        "not a regular file",
    );
    assert_clear_error(
        &run(&["report", "--journal", "/dev/zero"]),
        "not a regular file",
    );
    let big = dir.path().join("big.jsonl");
    std::fs::write(&big, vec![b'x'; 3 << 20]).unwrap();
    assert_clear_error(
        &audit("verify", &big),
        "line 1 is longer than 1 MiB: not a gonogo journal",
    );
}

#[test]
fn a_torn_last_line_is_reported_set_aside_and_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    write(&journal, &[Event::CockpitStarted, Event::StageEntered]);
    let torn = br#"{"ts":"2026-03-02T10:15:00Z","event":"action_req"#;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    f.write_all(torn).unwrap();
    drop(f);

    let shown = run(&["audit", "show", "--journal", journal.to_str().unwrap()]);
    let (said, err) = text(&shown);
    assert_eq!(said.lines().count(), 2, "{said}");
    assert!(
        err.contains(&format!(
            "the last {} bytes are not a whole record",
            torn.len()
        )),
        "{err}"
    );

    let out = audit("verify", &journal);
    assert_clear_error(
        &out,
        &format!(
            "line 3 is cut short ({} bytes, no newline, not a record)",
            torn.len()
        ),
    );
    let (_, err) = text(&out);
    let command = format!("gonogo audit repair --journal {}", journal.display());
    assert!(err.contains(&command), "the way on is named: {err}");

    let out = audit("repair", &journal);
    let (said, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("journal.jsonl.torn-"))
        .collect();
    assert_eq!(aside.len(), 1, "{said}");
    assert_eq!(
        std::fs::read(&aside[0]).unwrap(),
        torn,
        "kept, byte for byte"
    );
    assert!(said.contains(&aside[0].display().to_string()), "{said}");

    let out = audit("verify", &journal);
    let (said, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(said.contains("3 records, chain intact"), "{said}");
    let records = gonogo::journal::read(&journal).unwrap();
    let repaired = &records[2];
    assert_eq!(repaired.event, Event::JournalRepaired);
    let detail = repaired.detail.as_deref().unwrap();
    assert!(detail.starts_with("line 3 cut short ("), "{detail}");
    assert!(detail.contains(&aside[0].display().to_string()), "{detail}");
    let shown = run(&["audit", "show", "--journal", journal.to_str().unwrap()]);
    assert!(
        text(&shown).0.contains("journal repaired"),
        "{:?}",
        text(&shown)
    );

    // Whole again: a second repair changes nothing.
    let before = std::fs::read(&journal).unwrap();
    let out = audit("repair", &journal);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).0.contains("nothing to repair"));
    assert_eq!(std::fs::read(&journal).unwrap(), before);
}

#[test]
fn damage_before_the_last_line_is_reported_and_not_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    write(
        &journal,
        &[Event::CockpitStarted, Event::StageEntered, Event::Override],
    );
    let lines = std::fs::read_to_string(&journal).unwrap();
    let edited = lines.replacen("\"stage_entered\"", "\"cockpit_stopped\"", 1);
    std::fs::write(&journal, format!("{edited}{{\"ts\":\"20")).unwrap();
    let before = std::fs::read(&journal).unwrap();

    assert_clear_error(&audit("verify", &journal), "line 3 breaks the chain");
    let out = audit("repair", &journal);
    assert_clear_error(&out, "line 3 breaks the chain");
    assert!(text(&out).1.contains("not repaired"), "{:?}", text(&out));
    assert_eq!(std::fs::read(&journal).unwrap(), before, "nothing changed");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing set aside");
}

/// A tmux server of its own running `command` in a 100x30 pane, killed when dropped.
struct Pane(String);

impl Pane {
    fn start(name: &str, command: &str) -> Pane {
        let pane = Pane(format!("gonogo-audit-{name}-{}", std::process::id()));
        let ok = std::process::Command::new("tmux")
            .args(["-L", &pane.0, "-f", "/dev/null", "new-session", "-d"])
            .args([
                "-x",
                "100",
                "-y",
                "30",
                "-s",
                "t",
                "-e",
                "TERM=xterm-256color",
            ])
            .args(["sh", "-c", &format!("{command}; echo EXITED:$?; sleep 600")])
            .status()
            .unwrap();
        assert!(ok.success());
        pane
    }

    fn screen(&self) -> String {
        let out = std::process::Command::new("tmux")
            .args(["-L", &self.0, "capture-pane", "-p", "-J", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_text(&self, want: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(want) {
                return screen;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no {want:?} on screen:\n{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &str) {
        std::process::Command::new("tmux")
            .args(["-L", &self.0, "send-keys", "-t", "t", keys])
            .status()
            .unwrap();
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["-L", &self.0, "kill-server"])
            .output();
    }
}

#[test]
fn the_cockpit_refuses_a_torn_journal_names_the_repair_and_starts_after_it() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        return;
    }
    let server = headless_support::Server::start(headless_support::Answers::default());
    let release =
        headless_support::Release::new(&headless_support::config(&server.url, "500ms", "1s"));
    let journal = release.journal();
    write(&journal, &[Event::CockpitStarted, Event::StageEntered]);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    f.write_all(br#"{"ts":"2026-03-02T10:1"#).unwrap();
    drop(f);
    let cockpit = format!(
        "'{}' --config '{}'",
        headless_support::BIN,
        release.config().display()
    );

    let pane = Pane::start("torn", &cockpit);
    let screen = pane.wait_text("EXITED:");
    assert!(screen.contains("EXITED:1"), "{screen}");
    assert!(screen.contains("line 3 is cut short (22 bytes"), "{screen}");
    assert!(screen.contains("gonogo audit repair --journal"), "{screen}");
    drop(pane);

    let out = run(&[
        "audit",
        "repair",
        "--config",
        release.config().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let records = gonogo::journal::read(&journal).unwrap();
    assert_eq!(
        records.last().unwrap().context.operator,
        "ci",
        "the config's operator"
    );

    let pane = Pane::start("repaired", &cockpit);
    pane.wait_text("shop 1.4.0");
    pane.keys("q");
    let screen = pane.wait_text("EXITED:");
    assert!(screen.contains("EXITED:0"), "{screen}");
    assert_eq!(audit("verify", &journal).status.code(), Some(0));
}
