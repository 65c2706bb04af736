//! `gonogo audit verify` and `gonogo audit repair`, the real binary: reading is bounded (a
//! device, a FIFO, a directory or a huge line is a clear error, exit 1, no backtrace), and a
//! torn last line is set aside and journaled so the chain goes on.

use crate::support::headless;
use crate::support::tmux;

use chrono::Utc;
use gonogo::core::record::Event;
use gonogo::journal::Journal;
use headless::{record, run};
use std::io::Write;
use std::path::Path;
use std::process::Output;
use std::time::Duration;
use tmux::{Session, tmux_available};

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

#[test]
fn the_cockpit_refuses_a_torn_journal_names_the_repair_and_starts_after_it() {
    if !tmux_available() {
        return;
    }
    let server = headless::Server::start(headless::Answers::default());
    let release = headless::Release::new(&headless::config(&server.url, "500ms", "1s"));
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
        headless::BIN,
        release.config().display()
    );

    // Wrapped lines joined: the error names a long path.
    const JOINED: &[&str] = &["-J"];
    const WAIT: Duration = Duration::from_secs(30);
    let pane = Session::run("audit-torn", (100, 30), &cockpit);
    let screen = pane.wait_capture(JOINED, "EXITED:", WAIT);
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

    let pane = Session::run("audit-repaired", (100, 30), &cockpit);
    pane.wait_capture(JOINED, "shop 1.4.0", WAIT);
    pane.keys(&["q"]);
    let screen = pane.wait_capture(JOINED, "EXITED:", WAIT);
    assert!(screen.contains("EXITED:0"), "{screen}");
    assert_eq!(audit("verify", &journal).status.code(), Some(0));
}

/// `gonogo audit show | head -1`: the reader goes away after one line, and the command stops
/// quietly (exit 0, nothing on stderr), as `cat` or `grep` would, instead of a crash report.
#[test]
fn a_reader_that_stops_reading_ends_audit_show_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    // Far more than a pipe's buffer, so the writer is still writing when the reader leaves.
    write(&journal, &[Event::ChecklistTicked; 4000]);
    let mut child = Command::new(headless::BIN)
        .args(["audit", "show", "--journal", journal.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("checklist"), "{first}");
    // The pipe's read end is closed here, as `head` closes it.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.is_empty(), "{err}");
    assert_eq!(out.status.code(), Some(0));
}
