//! The readers of a shared journal, as the real binary runs them with a config that names it:
//! `audit show|verify|export`, `report` and `check` read the release's records from PostgreSQL,
//! an export verifies as a file journal with no database, and the URL's secret shows nowhere.

use crate::support::headless::BIN;
use crate::support::postgres::journal_db;
use gonogo::core::record::Event;
use gonogo::journal::postgres;
use gonogo::secret::Secret;
use std::process::{Command, Output};

const PASSWORD: &str = "hunter2-not-shown";

fn run(args: &[&str], url: &str) -> (Output, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("GONOGO_DB", url)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains(PASSWORD), "the URL's secret shows: {text}");
    (out, text)
}

#[test]
fn audit_report_and_check_read_the_release_from_the_shared_journal() {
    let Some(cluster) = journal_db("shared_journal_cli") else {
        return;
    };
    // Trust on loopback: the password is not asked for, but it is in the URL like a real one.
    let url = cluster
        .url("gonogo")
        .replace("gonogo@", &format!("gonogo:{PASSWORD}@"));
    let release = "cli-readers";
    let chain = postgres::Chain {
        release: release.into(),
        environment: "production".into(),
    };
    let (mut j, _) = postgres::Shared::open(&Secret::new(url.clone()), &chain).unwrap();
    for (i, event) in [
        Event::CockpitStarted,
        Event::StageEntered,
        Event::ActionRequested,
    ]
    .into_iter()
    .enumerate()
    {
        let mut r = crate::shared_journal::record(release, event, &format!("reason {i}"));
        r.attempt = Some("a-cli-1".into());
        r.stage = Some("canary".into());
        j.append(&r).unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("release.toml");
    let text = include_str!("../fixtures/minimal.toml").replace("checkout-api", release)
        + "\n[cockpit]\njournal = { postgres = { env = \"GONOGO_DB\" } }\n";
    std::fs::write(&config, text).unwrap();
    let cfg = config.to_str().unwrap();

    let (out, text) = run(&["audit", "verify", "--config", cfg], &url);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ok — 3 records, chain intact"), "{text}");

    let (out, text) = run(&["audit", "show", "--config", cfg], &url);
    assert!(out.status.success(), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("reason 2"), "{text}");

    let file = dir.path().join("export.jsonl");
    let to = file.to_str().unwrap();
    let (out, text) = run(&["audit", "export", "--config", cfg, "--to", to], &url);
    assert!(out.status.success(), "{text}");
    // The auditor's side: no database, the file journal's verifier.
    let (out, text) = run(&["audit", "verify", "--journal", to], "");
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ok — 3 records"), "{text}");

    let (out, text) = run(&["report", "--config", cfg, "--format", "json"], &url);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(release), "{text}");

    let (_, text) = run(
        &["check", "--config", cfg, "--wait", "1s", "--format", "json"],
        &url,
    );
    assert!(text.contains("\"attempt\": \"a-cli-1\""), "{text}");

    // Without the variable, nothing falls back to a file quietly.
    let (out, text) = run(&["audit", "verify", "--config", cfg], "");
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("could not be read"), "{text}");
}

#[test]
fn watch_follows_another_cockpits_action_on_the_shared_journal() {
    let Some(cluster) = journal_db("shared_journal_cli") else {
        return;
    };
    let url = cluster.url("gonogo");
    let release = "cli-watch";
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("release.toml");
    let text = include_str!("../fixtures/minimal.toml").replace("checkout-api", release)
        + "\n[cockpit]\njournal = { postgres = { env = \"GONOGO_DB\" } }\n";
    std::fs::write(&config, text).unwrap();
    let chain = postgres::Chain {
        release: release.into(),
        environment: "production".into(),
    };
    // The tables exist before the watcher reads (a driver's cockpit made them).
    let (mut driver, _) = postgres::Shared::open(&Secret::new(url.clone()), &chain).unwrap();

    let mut child = Command::new(BIN)
        .args(["watch", "--plain", "--config", config.to_str().unwrap()])
        .env("GONOGO_DB", &url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let wait = std::time::Duration::from_secs(30);
    let first = lines.recv_timeout(wait).unwrap();
    assert!(first.contains("the shared journal (PostgreSQL)"), "{first}");

    let mut done = crate::shared_journal::record(release, Event::ActionSucceeded, "r");
    done.action = Some("rollback".into());
    done.outcome = Some("succeeded: HTTP 200 in 40 ms: ok".into());
    let sent = std::time::Instant::now();
    driver.append(&done).unwrap();
    let line = loop {
        let line = lines.recv_timeout(wait).unwrap();
        if line.contains("rollback by ana@ops1") {
            break line;
        }
    };
    let took = sent.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("succeeded: HTTP 200"), "{line}");
    // `watch` prints on its once-a-second tick; the cockpit's observer gets it at once.
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    eprintln!(
        "shared_journal_cli: watch printed another cockpit's rollback {took:?} after its commit"
    );
}
