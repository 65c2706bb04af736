//! Servers started once for all the integration tests: the first test that needs one starts it
//! (the tests run in parallel in one process and share it), and a watchdog stops it and
//! removes its directory when the test process ends, however it ends. Nothing waits in a sleep: readiness is polled
//! with a generous deadline.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const START_DEADLINE: Duration = Duration::from_secs(120);

/// The release the real-server tests watch: a 5% canary, then 100%, each baking an hour.
pub const RELEASE: &str = r#"[release]
name = "checkout-api"
version = "2.14.0"
environment = "production"

[[stages]]
name = "canary"
traffic = 5
bake = "1h"

[[stages]]
traffic = 100
bake = "1h"
"#;

/// A program to run, or `None` after saying loudly why the test skips. Under `CI=true` a
/// missing program fails the test instead.
pub fn require(found: Option<PathBuf>, test: &str, what: &str) -> Option<PathBuf> {
    if found.is_none() {
        let msg = format!("{test}: {what}");
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        // Straight to the process's stderr: the harness captures the output of passing tests.
        let line = format!("\n========== SKIPPED: {msg} ==========\n\n");
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
    found
}

pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A directory that outlives this function (the watchdog removes it), open to every user so a
/// server running as another user can write in it.
pub fn scratch_dir(prefix: &str) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .unwrap()
        .keep();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    dir
}

/// Start `cmd` with its output in `log`, detached from the test's terminal and pipes.
pub fn spawn(mut cmd: Command, log: &Path) -> Child {
    let out = std::fs::File::create(log).unwrap();
    cmd.stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"))
}

/// When this test process is gone, run `cleanup` (a shell script). The watchdog holds none of
/// the test's pipes, so nothing waits for it; it outlives this process, so nobody waits on it.
#[allow(clippy::zombie_processes)]
pub fn on_exit(cleanup: &str) {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {cleanup}",
        pid = std::process::id()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sh for the watchdog");
}

/// The status and body of `GET path` on `addr` (host:port) with `headers`, or `None` when
/// nothing answers.
pub fn get(addr: &str, path: &str, headers: &[(&str, &str)]) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr.parse().ok()?, Duration::from_millis(500)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n{extra}\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Some((status, body.to_string()))
}

/// Wait until `ready` holds, failing with `log`'s last lines when `child` exits or the
/// deadline passes.
pub fn wait_for(what: &str, child: &mut Child, log: &Path, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + START_DEADLINE;
    while !ready() {
        let tail = || {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(20)..].join("\n")
        };
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{what} exited ({status}) before it was ready; its log:\n{}",
                tail()
            );
        }
        assert!(
            Instant::now() < deadline,
            "{what} was not ready within {START_DEADLINE:?}; its log:\n{}",
            tail()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Prometheus (`bin`) on a free loopback port with `dir/prometheus.yml`, its TSDB in
/// `dir/data` (which may hold blocks already), stopped and `dir` removed when the test process
/// ends; once ready, its address (host:port), the process and its log.
pub fn start_prometheus(bin: &Path, dir: &Path) -> (String, Child, PathBuf) {
    let addr = format!("127.0.0.1:{}", free_port());
    let log = dir.join("server.log");
    let mut cmd = Command::new(bin);
    cmd.arg(format!(
        "--config.file={}",
        dir.join("prometheus.yml").display()
    ))
    .arg(format!(
        "--storage.tsdb.path={}",
        dir.join("data").display()
    ))
    .arg(format!("--web.listen-address={addr}"));
    let mut child = spawn(cmd, &log);
    on_exit(&format!(
        "kill {} 2>/dev/null; sleep 1; rm -rf '{}'",
        child.id(),
        dir.display()
    ));
    wait_for("prometheus", &mut child, &log, || {
        get(&addr, "/-/ready", &[]).is_some_and(|(s, _)| s == 200)
    });
    (addr, child, log)
}
