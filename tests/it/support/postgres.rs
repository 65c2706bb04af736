//! PostgreSQL clusters for the tests: `initdb` in a scratch directory and `postgres` on a
//! loopback port, run as the `postgres` user when the tests run as root (which PostgreSQL
//! refuses), stopped and removed by a watchdog when the test process ends. Unleash keeps its
//! data in one; the shared journal's tests share another.

use super::shared::{self, free_port, on_exit, on_path, require, scratch_dir, spawn};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// initdb and postgres: on PATH, or in Debian's /usr/lib/postgresql/<version>/bin (newest).
fn postgres_bin() -> Option<PathBuf> {
    if let Some(initdb) = on_path("initdb") {
        let real = std::fs::canonicalize(initdb).ok()?;
        return real.parent().map(Path::to_path_buf);
    }
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `program` as the postgres user when running as root.
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// A running cluster whose superuser is `user`, trusted on loopback without a password.
pub struct Cluster {
    pub port: u16,
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
}

impl Cluster {
    /// A URL for `user` on database `postgres`, without TLS (loopback).
    pub fn url(&self, user: &str) -> String {
        format!(
            "postgres://{user}@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }

    /// Start the server (again) on its port, and wait until it takes connections.
    pub fn start(&self) {
        let log = self.dir.join("postgres.log");
        let mut postgres = as_postgres(&self.bin.join("postgres"));
        postgres
            .arg("-D")
            .arg(&self.data)
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(&self.dir)
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        let mut postgres = spawn(postgres, &log);
        let pid_file = self.data.join("postmaster.pid");
        shared::wait_for("postgres", &mut postgres, &log, || {
            // The eighth line of postmaster.pid says "ready" once connections are accepted.
            std::fs::read_to_string(&pid_file)
                .is_ok_and(|t| t.lines().nth(7).is_some_and(|l| l.trim() == "ready"))
        });
        // The child handle is dropped, not killed: the server lives until stopped.
    }

    /// Stop the server, cutting its clients off (a fast shutdown: what the test cluster did not
    /// flush yet, with `synchronous_commit=off`, is kept), and wait until it is gone.
    pub fn stop(&self) {
        let out = as_postgres(&self.bin.join("pg_ctl"))
            .args(["stop", "-m", "fast", "-w", "-D"])
            .arg(&self.data)
            .output()
            .expect("pg_ctl");
        assert!(out.status.success(), "pg_ctl stop: {out:?}");
    }
}

/// Make and start a cluster, or `None` (said loudly; a failure under CI) without PostgreSQL.
pub fn cluster(test: &str, user: &str) -> Option<Cluster> {
    let bin = require(
        postgres_bin(),
        test,
        "no PostgreSQL server (initdb, postgres); install the Debian package `postgresql`",
    )?;
    let dir = scratch_dir("gonogo-pg-");
    let data = dir.join("pg");
    // Stop the cluster (immediate shutdown) and remove everything once this process is gone.
    on_exit(&format!(
        "kill -QUIT $(head -1 '{data}/postmaster.pid' 2>/dev/null) 2>/dev/null; sleep 1; rm -rf '{dir}'",
        data = data.display(),
        dir = dir.display()
    ));
    let init = as_postgres(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-U", user, "--auth=trust", "-E", "UTF8", "--no-sync"])
        .output()
        .expect("initdb");
    assert!(
        init.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let cluster = Cluster {
        port: free_port(),
        bin,
        dir,
        data,
    };
    cluster.start();
    Some(cluster)
}

static JOURNAL_DB: OnceLock<Option<Cluster>> = OnceLock::new();

/// The cluster the shared journal's tests share (each writes its own releases), started by
/// the first that asks; `None` (said loudly) without PostgreSQL, outside CI.
pub fn journal_db(test: &str) -> Option<&'static Cluster> {
    JOURNAL_DB
        .get_or_init(|| {
            let started = std::time::Instant::now();
            let cluster = cluster(test, "gonogo")?;
            let line = format!(
                "{test}: PostgreSQL ready in {:.1}s\n",
                started.elapsed().as_secs_f64()
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            Some(cluster)
        })
        .as_ref()
}
