//! Real Prometheus and Alertmanager servers, started by a test on free loopback ports with
//! temporary data directories, and stopped when dropped.
//!
//! The binaries come from Debian's `prometheus` and `prometheus-alertmanager` packages
//! (scripts/test installs them). Without them a test says so loudly and skips, except under
//! `CI=true`, where a missing binary fails the test.

use super::shared::{free_port, on_path, require};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tempfile::TempDir;
use tokio::time::Instant;

const READY_DEADLINE: Duration = Duration::from_secs(60);

/// The first of `names` found on PATH, or `None` after saying loudly that the test skips.
/// Under CI a missing binary is a failure.
pub fn binary(names: &[&str], package: &str, test: &str) -> Option<PathBuf> {
    let found = names.iter().find_map(|name| on_path(name));
    let why = format!(
        "none of {names:?} found on PATH; install the Debian package `{package}` (scripts/test does)"
    );
    require(found, test, &why)
}

/// A server process with its own temporary directory; killed on drop.
pub struct Peer {
    pub url: String,
    child: Child,
    dir: TempDir,
    name: &'static str,
}

impl Peer {
    /// The last lines the server wrote, for a failure message.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// Wait until `/-/ready` answers 200.
    async fn ready(self) -> Self {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + READY_DEADLINE;
        loop {
            let ok = client
                .get(format!("{}/-/ready", self.url))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return self;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not become ready; its log:\n{}",
                self.name,
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(name: &'static str, bin: &Path, dir: TempDir, args: Vec<String>, port: u16) -> Peer {
    let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
    let child = Command::new(bin)
        .args(&args)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    Peer {
        url: format!("http://127.0.0.1:{port}"),
        child,
        dir,
        name,
    }
}

/// Prometheus scraping `targets` (host:port) every second.
pub async fn prometheus(bin: &Path, targets: &[String]) -> Peer {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let list = targets
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
         scrape_configs:\n  - job_name: checkout\n    static_configs:\n      - targets: [{list}]\n"
    );
    std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
    let args = vec![
        "--config.file=prometheus.yml".to_string(),
        format!("--storage.tsdb.path={}", dir.path().join("data").display()),
        format!("--web.listen-address=127.0.0.1:{port}"),
    ];
    spawn("prometheus", bin, dir, args, port).ready().await
}

/// Alertmanager with one receiver that sends nowhere, clustering off.
pub async fn alertmanager(bin: &Path) -> Peer {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = "route:\n  receiver: nowhere\n  group_wait: 1s\nreceivers:\n  - name: nowhere\n";
    std::fs::write(dir.path().join("alertmanager.yml"), config).unwrap();
    let args = vec![
        "--config.file=alertmanager.yml".to_string(),
        format!("--storage.path={}", dir.path().join("data").display()),
        format!("--web.listen-address=127.0.0.1:{port}"),
        "--cluster.listen-address=".to_string(),
    ];
    spawn("alertmanager", bin, dir, args, port).ready().await
}

/// A scrape target for a real Prometheus: `/metrics` answers `body()` at each scrape, and `/ok`
/// answers as a rollback check does, on one loopback port. Returns its address.
pub async fn exporter(body: impl Fn() -> String + Clone + Send + Sync + 'static) -> String {
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/metrics",
            get(move || {
                let body = body.clone();
                async move { ([("content-type", "text/plain; version=0.0.4")], body()) }
            }),
        )
        .route("/ok", get(|| async { "{}" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}
