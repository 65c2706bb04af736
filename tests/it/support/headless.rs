//! What the headless tests share: a small release server on 127.0.0.1 whose answers a test
//! changes while the real binary polls it, a config pointing at it, and journal writing.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use gonogo::core::bake::BakeMark;
use gonogo::core::record::{Context, Event, Record};
use gonogo::journal::{Journal, JournalError};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_gonogo");

/// What the server answers now.
#[derive(Debug, Clone)]
pub struct Answers {
    pub error_rate: f64,
    pub ci: String,
    /// Take this long before answering `/metrics` (a source that hangs).
    pub delay: Duration,
}

impl Default for Answers {
    fn default() -> Self {
        Answers {
            error_rate: 0.001,
            ci: "success".into(),
            delay: Duration::ZERO,
        }
    }
}

pub struct Server {
    pub url: String,
    pub answers: Arc<Mutex<Answers>>,
    /// Rollback requests received, each with its `Idempotency-Key`.
    pub rollbacks: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Serve on a free port of 127.0.0.1 from a thread of its own, for the life of the test.
    pub fn start(answers: Answers) -> Server {
        let answers = Arc::new(Mutex::new(answers));
        let shared = answers.clone();
        let rollbacks = Arc::new(Mutex::new(Vec::new()));
        let seen = rollbacks.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                    .await
                    .unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = Router::new()
                    .route("/metrics", get(metrics))
                    .route("/rollback/check", get(|| async { "ok" }))
                    .route(
                        "/hooks/rollback",
                        post(move |headers: axum::http::HeaderMap| async move {
                            let key = headers
                                .get("idempotency-key")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_string();
                            seen.lock().unwrap().push(key);
                            "ok"
                        }),
                    )
                    .with_state(shared);
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        Server {
            url: format!("http://{addr}"),
            answers,
            rollbacks,
        }
    }

    pub fn set(&self, change: impl FnOnce(&mut Answers)) {
        change(&mut self.answers.lock().unwrap());
    }
}

async fn metrics(State(answers): State<Arc<Mutex<Answers>>>) -> axum::Json<Value> {
    let a = answers.lock().unwrap().clone();
    if !a.delay.is_zero() {
        tokio::time::sleep(a.delay).await;
    }
    axum::Json(json!({ "error_rate": a.error_rate, "ci": a.ci }))
}

pub const RELEASE: &str = "shop";
pub const VERSION: &str = "1.4.0";
pub const ENVIRONMENT: &str = "test";

/// The release, journal and plan every headless test config starts with: two stages
/// (canary 10%, full 100%, 10 minutes each).
pub fn release_head() -> String {
    format!(
        r#"
[release]
name = "{RELEASE}"
version = "{VERSION}"
environment = "{ENVIRONMENT}"

[cockpit]
journal = "journal.jsonl"
operator = "ci"

[[stages]]
name = "canary"
traffic = 10
bake = "10m"

[[stages]]
name = "full"
traffic = 100
bake = "10m"
"#
    )
}

/// [`config`] as the release `release`, journaled on the shared journal `$GONOGO_DB` names,
/// with no operator: each cockpit is named by its `$USER`.
pub fn shared_config(url: &str, release: &str) -> String {
    config(url, "500ms", "1s")
        .replace(
            &format!("name = \"{RELEASE}\""),
            &format!("name = \"{release}\""),
        )
        .replace(
            "journal = \"journal.jsonl\"",
            "journal = { postgres = { env = \"GONOGO_DB\" } }",
        )
        .replace("operator = \"ci\"\n", "")
}

/// A release of two stages (canary 10%, full 100%, 10 minutes each), one condition (error
/// rate at most 2%, at once), one gate (CI green) and a verified rollback path.
pub fn config(url: &str, source_timeout: &str, source_interval: &str) -> String {
    format!(
        r#"{head}
[sources.app]
kind = "http"
url = "{url}/metrics"
interval = "{source_interval}"
timeout = "{source_timeout}"

[[conditions]]
id = "errors"
label = "Error rate"
source = "app"
pointer = "/error_rate"
max = 0.02
unit = "%"
scale = 100

[[gates]]
name = "CI green"
tier = "must"
source = "app"
pointer = "/ci"
expect = ["success"]

[actions.rollback]
url = "{url}/hooks/rollback"
check = {{ url = "{url}/rollback/check", interval = "1s", timeout = "500ms" }}
"#,
        head = release_head()
    )
}

/// A directory holding `release.toml` (and the journal the config names, once written).
pub struct Release {
    pub dir: tempfile::TempDir,
}

impl Release {
    pub fn new(config_text: &str) -> Release {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("release.toml"), config_text).unwrap();
        Release { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("release.toml")
    }

    pub fn journal(&self) -> PathBuf {
        self.dir.path().join("journal.jsonl")
    }

    /// `gonogo check` over this release, waiting up to `wait` for data, with `extra` arguments.
    pub fn check(&self, wait: &str, extra: &[&str]) -> Output {
        let config = self.config();
        let mut args = vec![
            "check",
            "--config",
            config.to_str().unwrap(),
            "--wait",
            wait,
        ];
        args.extend_from_slice(extra);
        run(&args)
    }

    /// Journal that `stage` (with its share) was entered `ago` before now, as a cockpit does;
    /// the entry's time.
    pub fn entered(&self, stage: &str, traffic: f64, ago: Duration) -> DateTime<Utc> {
        let mut r = record(Utc::now() - ago, Event::StageEntered);
        r.stage = Some(stage.into());
        r.traffic = Some(traffic);
        append(&self.journal(), &r);
        r.ts
    }

    /// Journal a bake checkpoint of the entry at `entered_at`, `ago` before now, as the
    /// operator's cockpit does: `verified` of the stage's 10-minute bake shown healthy.
    pub fn verified(&self, entered_at: DateTime<Utc>, verified: Duration, ago: Duration) {
        let mut r = record(Utc::now() - ago, Event::BakeCheckpoint);
        r.bake = Some(BakeMark {
            entered_at,
            verified_secs: verified.as_secs(),
            bake_secs: 600,
            paused: None,
            breached: false,
            restarted: None,
            breaches: 0,
            backfilled: None,
        });
        append(&self.journal(), &r);
    }
}

pub fn record(ts: DateTime<Utc>, event: Event) -> Record {
    Record::new(
        ts,
        event,
        Context {
            operator: "ana".into(),
            host: "ops1".into(),
            release: RELEASE.into(),
            version: VERSION.into(),
            environment: ENVIRONMENT.into(),
        },
    )
}

/// Append as a cockpit would (taking the journal for the moment of the write). A process
/// another test spawns at that moment holds a copy of the descriptor, and so the lock, until
/// it execs: a lock still held is tried again for a while.
pub fn append(path: &Path, r: &Record) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut j = loop {
        match Journal::open(path) {
            Ok((j, _)) => break j,
            Err(JournalError::Locked { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("{e}"),
        }
    };
    j.append(r).unwrap();
}

/// Run the binary to its end with a generous deadline; stdout is a pipe, never a terminal.
pub fn run(args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("NO_COLOR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "gonogo {args:?} did not finish: stdout {}\nstderr {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A command's standard output as JSON; a failure shows what it printed instead.
pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
