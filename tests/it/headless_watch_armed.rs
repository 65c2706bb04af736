//! `gonogo watch --armed`: the real binary driving a release headless, against a server on
//! 127.0.0.1, its stdout a pipe. It takes the journal as a cockpit does, writes what a driving
//! cockpit writes, and stops cleanly on a signal.

use crate::headless_watch::Watch;
use crate::support::headless;

use gonogo::core::record::{Event, Record};
use headless::{Answers, Release, Server, config, run};

fn journal(release: &Release) -> Vec<Record> {
    gonogo::journal::read(&release.journal()).unwrap()
}

fn events(records: &[Record]) -> Vec<Event> {
    records.iter().map(|r| r.event).collect()
}

/// Poll the journal until `want` holds; fail with the events read after the deadline.
fn journal_until(release: &Release, what: &str, want: impl Fn(&[Record]) -> bool) -> Vec<Record> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let records = journal(release);
        if want(&records) {
            return records;
        }
        if std::time::Instant::now() > deadline {
            panic!("the journal never held {what}: {:?}", events(&records));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The headless release with its error rate marked critical, and a countdown of `countdown`.
fn armed_config(url: &str, countdown: &str) -> String {
    let text =
        config(url, "500ms", "1s").replace("scale = 100\n", "scale = 100\ncritical = true\n");
    assert!(text.contains("critical = true"));
    format!("{text}\n[automation]\ncountdown = \"{countdown}\"\n")
}

#[test]
fn armed_watch_is_refused_with_no_critical_condition_to_act_on() {
    let server = Server::start(Answers::default());
    let release = Release::new(&config(&server.url, "500ms", "1s"));
    let config = release.config();
    let out = run(&["watch", "--config", config.to_str().unwrap(), "--armed"]);
    assert!(!out.status.success());
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains("critical = true"), "{why}");
    assert!(
        !release.journal().exists(),
        "refused before taking the journal"
    );
}

#[test]
fn armed_watch_drives_the_journal_like_a_cockpit_and_stops_cleanly() {
    let server = Server::start(Answers::default());
    // A countdown no test waits out: this one stops while it runs.
    let release = Release::new(&armed_config(&server.url, "1h"));
    let config = release.config();
    let config = config.to_str().unwrap();
    let mut w = Watch::start(&["watch", "--config", config, "--armed"]);
    let start = w.until("saying what it drives", |l| l.contains("driving shop"));
    assert!(
        start.contains(
            "driving shop 1.4.0 in test (ARMED: auto-rollback, countdown 3600 s; journal"
        ),
        "{start}"
    );
    w.until("with the verdict", |l| l.contains("verdict HOLD"));

    // Its start is on disk as a driver's: a cockpit opening the journal names it.
    let records = journal_until(&release, "the start, the first stage and the arming", |r| {
        events(r).contains(&Event::StageEntered) && events(r).contains(&Event::ArmedChanged)
    });
    let started = &records[0];
    assert_eq!(started.event, Event::CockpitStarted);
    assert_eq!(
        started.detail.as_deref(),
        Some(gonogo::headless::watch::drive::HEADLESS_DRIVER)
    );
    assert_eq!(started.context.operator, "ci");
    // Armed by the flag, as the journal says: the config armed nothing.
    let armed = records
        .iter()
        .find(|r| r.event == Event::ArmedChanged)
        .expect("the arming journaled");
    assert_eq!(armed.detail.as_deref(), Some("--armed"));
    assert!(
        armed
            .armed
            .is_some_and(|a| a.rollback && !a.promote && a.countdown_s == 3600)
    );

    // A second driver is refused, naming the first; a read-only watcher may still watch.
    let second = run(&["watch", "--config", config, "--armed"]);
    assert!(!second.status.success());
    let why = String::from_utf8_lossy(&second.stderr);
    assert!(
        why.contains("is in use by another gonogo cockpit (ci@"),
        "{why}"
    );

    // A breach: the driver journals it and the verdict's change itself, as a cockpit does.
    server.set(|a| a.error_rate = 0.09);
    w.until("with the breach", |l| {
        l.contains("breach began: Error rate")
    });
    let records = journal_until(&release, "the breach and the verdict", |r| {
        r.iter().any(|r| r.event == Event::BreachBegan)
            && r.iter().any(|r| {
                r.event == Event::VerdictChanged && r.verdict.as_deref() == Some("ROLLBACK ADVISED")
            })
    });
    assert!(records.iter().all(|r| r.context.operator == "ci"));

    let (status, lines, _) = w.stop("HUP");
    assert_eq!(status.code(), Some(0), "{}", lines.join("\n"));
    assert!(
        lines.last().unwrap().contains("SIGHUP received, stopping"),
        "{lines:?}"
    );
    let records = journal(&release);
    assert_eq!(
        records.last().map(|r| r.event),
        Some(Event::CockpitStopped),
        "{:?}",
        events(&records)
    );
    let verify = run(&[
        "audit",
        "verify",
        "--journal",
        release.journal().to_str().unwrap(),
    ]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    // Stopped during the countdown: nothing was rolled back.
    assert!(server.rollbacks.lock().unwrap().is_empty());
    // The journal is free again: another driver may take it.
    let mut again = Watch::start(&["watch", "--config", config, "--armed"]);
    again.until("driving again", |l| l.contains("driving shop"));
    let (status, _, _) = again.stop("INT");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn plain_watch_stays_read_only_and_tells_another_cockpit_s_automatic_action() {
    let server = Server::start(Answers::default());
    let release = Release::new(&config(&server.url, "500ms", "1s"));
    let config = release.config();
    let mut w = Watch::start(&[
        "watch",
        "--config",
        config.to_str().unwrap(),
        "--plain",
        "--format",
        "json",
    ]);
    w.until("with the verdict", |l| l.contains("\"kind\":\"verdict\""));
    assert!(
        !release.journal().exists() || journal(&release).is_empty(),
        "a read-only watcher wrote {:?}",
        events(&journal(&release))
    );
    // Another cockpit's armed auto-rollback fires: the watcher says it was automatic.
    let mut auto = headless::record(chrono::Utc::now(), Event::ActionRequested);
    auto.action = Some("rollback".into());
    auto.action_id = Some("gonogo-rollback-1".into());
    auto.auto = Some(gonogo::core::record::AutoMark {
        policy: gonogo::core::autopilot::Policy::AutoRollback,
        evidence: vec!["Error rate: 9.00% above max".into()],
        countdown_s: 30,
    });
    headless::append(&release.journal(), &auto);
    let line = w.until("with the automatic request", |l| {
        l.contains("\"kind\":\"action_requested\"")
    });
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["automatic"]["policy"], "auto-rollback");
    assert_eq!(v["automatic"]["evidence"][0], "Error rate: 9.00% above max");
    assert_eq!(
        v["text"],
        "rollback requested AUTOMATICALLY on ana@ops1: auto-rollback (Error rate: 9.00% above max)"
    );
    let (status, _, _) = w.stop("TERM");
    assert_eq!(status.code(), Some(0));
    assert_eq!(journal(&release).len(), 1, "the watcher wrote nothing");
}

/// What a cockpit following the journal does with a veto it cannot journal itself: leave the
/// record beside the journal for the driver.
fn post(release: &Release, r: &Record) {
    gonogo::journal::vetoes::put(&release.journal(), r).unwrap();
}

#[test]
fn a_veto_s_hold_left_by_an_observer_is_journaled_by_the_driver_in_its_name() {
    let server = Server::start(Answers::default());
    let release = Release::new(&armed_config(&server.url, "1h"));
    let config = release.config();
    let mut w = Watch::start(&[
        "watch",
        "--config",
        config.to_str().unwrap(),
        "--armed",
        "--format",
        "json",
    ]);
    w.until("starting", |l| l.contains("\"kind\":\"started\""));
    let mut hold = headless::record(chrono::Utc::now(), Event::HoldPlaced);
    hold.reason = Some("the load test runs until four".into());
    hold.hold_until = Some(chrono::Utc::now() + chrono::Duration::minutes(15));
    post(&release, &hold);
    // Not a record an observer may leave: never journaled.
    let mut forged = headless::record(chrono::Utc::now(), Event::ActionRequested);
    forged.action = Some("rollback".into());
    post(&release, &forged);

    let line = w.until("with the hold", |l| l.contains("\"kind\":\"hold\""));
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["operator"], "ana");
    assert!(
        v["text"]
            .as_str()
            .unwrap()
            .starts_with("hold placed by ana@ops1 until"),
        "{v}"
    );
    let records = journal_until(&release, "the hold", |r| {
        r.iter().any(|r| r.event == Event::HoldPlaced)
    });
    let held = records
        .iter()
        .find(|r| r.event == Event::HoldPlaced)
        .unwrap();
    assert_eq!(held.context.operator, "ana");
    assert_eq!(
        held.reason.as_deref(),
        Some("the load test runs until four")
    );
    assert!(!events(&records).contains(&Event::ActionRequested));
    let (status, lines, _) = w.stop("TERM");
    assert_eq!(status.code(), Some(0), "{}", lines.join("\n"));
    let verify = run(&[
        "audit",
        "verify",
        "--journal",
        release.journal().to_str().unwrap(),
    ]);
    assert!(verify.status.success());
    assert!(server.rollbacks.lock().unwrap().is_empty());
}

#[test]
fn armed_watch_drives_the_shared_journal_with_the_driver_s_lease() {
    let Some(cluster) = crate::support::postgres::journal_db("headless_watch_armed") else {
        return;
    };
    let url = cluster.url("gonogo");
    let server = Server::start(Answers::default());
    let text = armed_config(&server.url, "1h")
        .replace("shop", "armed-watch")
        .replace(
            r#"journal = "journal.jsonl""#,
            r#"journal = { postgres = { env = "GONOGO_DB" } }"#,
        );
    assert!(text.contains("postgres"));
    let release = Release::new(&text);
    let config = release.config();
    let config = config.to_str().unwrap();
    let env = [("GONOGO_DB", url.as_str())];
    let mut w = Watch::start_with(&["watch", "--config", config, "--armed"], &env);
    let start = w.until("saying what it drives", |l| {
        l.contains("driving armed-watch")
    });
    assert!(
        start.contains("journal the shared journal (PostgreSQL)"),
        "{start}"
    );
    let chain = gonogo::journal::postgres::Chain {
        release: "armed-watch".into(),
        environment: "test".into(),
    };
    let secret = gonogo::secret::Secret::new(url.clone());
    let read = || gonogo::journal::postgres::read(&secret, Some(&chain)).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !read().iter().any(|r| r.event == Event::ArmedChanged) {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            events(&read())
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // It holds the wheel: another driver is refused, naming it.
    let second = std::process::Command::new(headless::BIN)
        .args(["watch", "--config", config, "--armed"])
        .envs(env)
        .output()
        .unwrap();
    assert!(!second.status.success());
    let why = String::from_utf8_lossy(&second.stderr);
    assert!(why.contains("driven from another cockpit"), "{why}");

    let (status, lines, _) = w.stop("TERM");
    assert_eq!(status.code(), Some(0), "{}", lines.join("\n"));
    let records = read();
    assert_eq!(
        records.first().and_then(|r| r.detail.as_deref()),
        Some(gonogo::headless::watch::drive::HEADLESS_DRIVER)
    );
    assert_eq!(records.last().map(|r| r.event), Some(Event::CockpitStopped));
}
