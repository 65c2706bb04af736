//! A gap no cockpit observed, verified from a real Prometheus's history: Prometheus (Debian's
//! `prometheus`, started once for this binary) scrapes an exporter every second while no
//! cockpit runs; a journal is left as a killed cockpit leaves it (its last checkpoint before
//! that window); then `gonogo check`, the real binary with its real pollers, reads the gap back
//! with range queries. Healthy all along, the gap is counted and said to come from history; a
//! breach during it restarts the bake; a condition with no history leaves it not counted, and
//! says why.

use crate::support::headless;
use crate::support::shared;

use chrono::{DateTime, Utc};
use headless::{Release, json_of};
use serde_json::Value;
use shared::{get, on_path, require, scratch_dir};
use std::io::{Read, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const TEST: &str = "backfill_prometheus";

/// The `case="breach"` series is over its limit while this is set.
static BREACHING: AtomicBool = AtomicBool::new(false);
static PROMETHEUS: OnceLock<Option<String>> = OnceLock::new();

/// The exporter: `gap_error_ratio` of two cases, served from a thread of its own.
fn exporter() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let breach = if BREACHING.load(Ordering::SeqCst) {
                0.2
            } else {
                0.005
            };
            let body = format!(
                "# TYPE gap_error_ratio gauge\n\
                 gap_error_ratio{{case=\"healthy\"}} 0.005\n\
                 gap_error_ratio{{case=\"breach\"}} {breach}\n"
            );
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    addr
}

/// The shared Prometheus's URL, started (scraping the exporter every second) by the first
/// caller; `None` (the test skips, loudly) without the binary.
fn prometheus() -> Option<&'static str> {
    PROMETHEUS.get_or_init(start).as_deref()
}

fn start() -> Option<String> {
    let bin = require(
        on_path("prometheus"),
        TEST,
        "no `prometheus` on PATH; install the Debian package `prometheus` (scripts/test does)",
    )?;
    let target = exporter();
    let dir = scratch_dir("gonogo-backfill-");
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
         scrape_configs:\n  - job_name: canary\n    static_configs:\n      - targets: ['{target}']\n"
    );
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let (addr, mut child, log) = shared::start_prometheus(&bin, &dir);
    // Scraped at least once: the series exist.
    shared::wait_for("prometheus's first scrape", &mut child, &log, || {
        get(&addr, "/api/v1/query?query=gap_error_ratio", &[])
            .is_some_and(|(_, body)| body.contains("\"case\":\"breach\""))
    });
    Some(format!("http://{addr}"))
}

/// A release whose one stop condition reads `query` from the shared Prometheus.
fn config(prometheus: &str, query: &str) -> String {
    format!(
        r#"{head}
[sources.prometheus]
kind = "prometheus"
url = "{prometheus}"
interval = "1s"

[[conditions]]
id = "errors"
label = "Canary error ratio"
source = "prometheus"
query = '{query}'
max = 0.02
unit = "%"
scale = 100
"#,
        head = headless::release_head(),
    )
}

/// The journal a cockpit killed at `killed` leaves: the canary entered a minute before, a
/// minute verified, checkpointed at `killed`.
fn killed_cockpit(release: &Release, killed: DateTime<Utc>) {
    let ago = |t: DateTime<Utc>| (Utc::now() - t).to_std().unwrap();
    let entered = release.entered("canary", 10.0, ago(killed) + Duration::from_secs(60));
    release.verified(entered, Duration::from_secs(60), ago(killed));
}

/// Let `secs` seconds of scrapes reach Prometheus while nothing observes.
fn unobserved(secs: u64) {
    std::thread::sleep(Duration::from_secs(secs));
}

/// `gonogo check` over the release, with `extra` arguments.
fn check_with(release: &Release, extra: &[&str]) -> std::process::Output {
    release.check("30s", extra)
}

/// `gonogo check --format json` over the release; its `stage` object.
fn check(release: &Release) -> Value {
    json_of(&check_with(release, &["--format", "json"]))["stage"].clone()
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a time: {v}"))
}

#[test]
fn a_healthy_gap_is_verified_from_history_and_counted() {
    let Some(prom) = prometheus() else { return };
    let release = Release::new(&config(prom, r#"gap_error_ratio{case="healthy"}"#));
    let killed = Utc::now();
    unobserved(6);
    killed_cockpit(&release, killed);
    let started = Instant::now();
    let stage = check(&release);
    let backfilled = &stage["bake_backfilled"];
    assert_eq!(backfilled["source"], "prometheus", "{stage:#}");
    assert_eq!(backfilled["step_ms"], 1000, "{stage:#}");
    let from = time(&backfilled["span"]["from"]);
    let to = time(&backfilled["span"]["to"]);
    assert!(
        (from - killed).num_milliseconds().abs() < 1000,
        "the gap starts at the last checkpoint: {stage:#}"
    );
    let gap = (to - from).num_seconds() as u64;
    assert!(gap >= 6, "{stage:#}");
    assert!(stage["bake_not_observed"].is_null(), "{stage:#}");
    let verified = stage["bake_verified_seconds"].as_u64().unwrap();
    // The minute journaled, the gap, and at most what the check itself observed.
    let observed = started.elapsed().as_secs() + 1;
    assert!(
        (60 + gap..=60 + gap + observed).contains(&verified),
        "verified {verified}s, gap {gap}s: {stage:#}"
    );
    // The text says it too (the gap now reaches this second check's start).
    let out = check_with(&release, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("verified from prometheus history"), "{text}");
}

#[test]
fn a_breach_during_the_gap_restarts_the_bake() {
    let Some(prom) = prometheus() else { return };
    let release = Release::new(&config(prom, r#"gap_error_ratio{case="breach"}"#));
    let killed = Utc::now();
    unobserved(2);
    BREACHING.store(true, Ordering::SeqCst);
    unobserved(3);
    BREACHING.store(false, Ordering::SeqCst);
    unobserved(3);
    killed_cockpit(&release, killed);
    let started = Instant::now();
    let stage = check(&release);
    assert!(stage["bake_backfilled"].is_null(), "{stage:#}");
    let restarted = &stage["bake_restarted"];
    let (from, to) = (time(&restarted["from"]), time(&restarted["to"]));
    assert!(
        from > killed && to > from,
        "the breach in the gap restarted the bake: {stage:#}"
    );
    let why = stage["bake_not_observed_why"].as_str().unwrap_or_default();
    assert!(
        why.starts_with("breach in prometheus history: Canary error ratio 20.00% above max at "),
        "{stage:#}"
    );
    let verified = stage["bake_verified_seconds"].as_u64().unwrap();
    assert!(
        verified <= started.elapsed().as_secs() + 1,
        "nothing of the journaled minute or the gap counts: {stage:#}"
    );
}

#[test]
fn a_gap_without_history_is_not_counted_and_says_why() {
    let Some(prom) = prometheus() else { return };
    let killed = Utc::now();
    unobserved(3);
    // A value only from now on: the first seconds of the gap have none.
    let query = format!(
        r#"gap_error_ratio{{case="healthy"}} and on() (vector(time()) > {})"#,
        Utc::now().timestamp()
    );
    let release = Release::new(&config(prom, &query));
    unobserved(3);
    killed_cockpit(&release, killed);
    let started = Instant::now();
    let stage = check(&release);
    assert!(stage["bake_backfilled"].is_null(), "{stage:#}");
    assert!(!stage["bake_not_observed"].is_null(), "{stage:#}");
    let why = stage["bake_not_observed_why"].as_str().unwrap_or_default();
    assert!(
        why.starts_with("no data for Canary error ratio "),
        "{stage:#}"
    );
    let verified = stage["bake_verified_seconds"].as_u64().unwrap();
    assert!(
        (60..=61 + started.elapsed().as_secs()).contains(&verified),
        "the journaled minute and what the check observed, not the gap: {stage:#}"
    );
}

/// The operator's cockpit, as the runtime runs it (real pollers, the history read through the
/// runtime's runner): the verified gap is added, and journaled on a checkpoint that says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_cockpit_journals_the_gap_it_verified() {
    use gonogo::app::{Effect, Msg};
    let Some(prom) = prometheus() else { return };
    let release = Release::new(&config(prom, r#"gap_error_ratio{case="healthy"}"#));
    let killed = Utc::now();
    tokio::time::sleep(Duration::from_secs(6)).await;
    killed_cockpit(&release, killed);
    let setup = gonogo::config::load_file(&release.config()).unwrap_or_else(|e| panic!("{e}"));
    let records = gonogo::journal::read(&release.journal()).unwrap();
    let now = Utc::now();
    let boot = gonogo::app::Boot {
        context: gonogo::app::context(&setup),
        setup,
        journal: &records,
        local_offset: chrono::FixedOffset::east_opt(0).unwrap(),
        read_only: false,
    };
    let (mut state, effects) = boot.start(now);
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let client = gonogo::sources::SourceClient::new().unwrap();
    let _pollers = gonogo::sources::spawn_pollers(&state.setup.sources, &client, tx.clone());
    let mut asked = 0;
    for effect in effects {
        if let Effect::History(ask) = effect {
            asked += 1;
            gonogo::history::spawn(*ask, &state.setup, &client, tx.clone());
        }
    }
    assert_eq!(asked, 1, "one history read asked for at start");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mark = loop {
        let msg = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("the history answered")
            .unwrap();
        let history = matches!(msg, Msg::History(_));
        let fx = gonogo::app::update(&mut state, msg, Utc::now());
        if history {
            break fx.into_iter().find_map(|e| match e {
                Effect::Journal(r) => r.bake,
                _ => None,
            });
        }
    };
    let mark = mark.expect("a checkpoint journaled with the verified gap");
    let backfilled = mark
        .backfilled
        .clone()
        .expect("the checkpoint says it came from history");
    assert_eq!(backfilled.source, "prometheus");
    assert!(mark.verified_secs >= 66, "{mark:?}");
    let bake = state.release.eval.bake.clone().unwrap();
    assert!(bake.unobserved.is_none(), "{bake:?}");
    assert!(
        state
            .screen
            .log
            .iter()
            .any(|l| l.text.contains("verified from prometheus history")),
        "the event log says so"
    );
}
