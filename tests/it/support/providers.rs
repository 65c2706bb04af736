//! The ready-made provider configs, loaded as an operator would run them, with their URLs
//! pointed at a local server through `GONOGO_*` overrides; and a server that answers with
//! recorded bodies in the providers' documented shapes and remembers what it was asked.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use gonogo::config;
use gonogo::setup::Setup;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The secrets the provider configs refer to, as an operator's environment would hold them.
pub fn secrets() -> HashMap<String, String> {
    [
        "PROMETHEUS_TOKEN",
        "GITHUB_TOKEN",
        "GITLAB_TOKEN",
        "UNLEASH_TOKEN",
        "LAUNCHDARKLY_TOKEN",
        "JENKINS_TOKEN",
        "BUILDKITE_TOKEN",
        "DD_API_KEY",
        "DD_APP_KEY",
        "DEPLOY_HOOK_TOKEN",
    ]
    .into_iter()
    .map(|k| (k.to_string(), format!("test-{}", k.to_lowercase())))
    .collect()
}

pub fn provider_config(stem: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("config/providers")
        .join(format!("{stem}.toml"));
    std::fs::read_to_string(path).unwrap()
}

/// config/providers/{stem}.toml with `overrides` (`GONOGO_…` variables) and the secrets.
pub fn load_provider(stem: &str, overrides: &[(&str, String)]) -> Setup {
    let mut env = secrets();
    env.extend(overrides.iter().map(|(k, v)| (k.to_string(), v.clone())));
    config::load_with_env(&provider_config(stem), stem, &env)
        .unwrap_or_else(|e| panic!("{stem}.toml does not load:\n{e}"))
}

/// A recorded body from a provider's fixtures (src/sources/providers/*/fixtures).
pub fn recorded(name: &str) -> String {
    let providers = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/sources/providers");
    let path = std::fs::read_dir(&providers)
        .unwrap()
        .map(|dir| dir.unwrap().path().join("fixtures").join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("{name} is in no provider's fixtures"));
    std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()))
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
}

/// Answers by path (the raw, still-encoded path), changed by the test while the cockpit runs.
/// The rollback check path always answers 200; any other unknown path is a 404.
#[derive(Clone, Default)]
pub struct Recorder {
    answers: Arc<Mutex<HashMap<String, (StatusCode, String)>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

pub const ROLLBACK_CHECK: &str = "/hooks/rollback/check";

impl Recorder {
    /// Answer `path` with the recorded body `file` from now on.
    pub fn answer(&self, path: &str, file: &str) {
        self.answer_with(path, StatusCode::OK, file);
    }

    /// Answer `path` with `status` and the recorded body `file` (a provider's error body).
    pub fn answer_with(&self, path: &str, status: StatusCode, file: &str) {
        self.answers
            .lock()
            .unwrap()
            .insert(path.to_string(), (status, recorded(file)));
    }

    /// The requests made to `path` so far.
    pub fn seen(&self, path: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }

    /// Serve on a free loopback port; returns `http://127.0.0.1:PORT`.
    pub async fn serve(&self) -> String {
        let me = self.clone();
        let app = Router::new().fallback(move |req: Request<Body>| {
            let me = me.clone();
            async move { me.handle(req) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn handle(&self, req: Request<Body>) -> Response {
        let path = req.uri().path().to_string();
        self.seen.lock().unwrap().push(Seen {
            path: path.clone(),
            query: req.uri().query().unwrap_or_default().to_string(),
            headers: req.headers().clone(),
        });
        if path == ROLLBACK_CHECK {
            return (StatusCode::OK, "{}").into_response();
        }
        match self.answers.lock().unwrap().get(&path) {
            Some((status, body)) => (
                *status,
                [("content-type", "application/json")],
                body.clone(),
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

/// The override that points the rollback check at the recorder, so that gate holds.
pub fn rollback_check(url: &str) -> (&'static str, String) {
    (
        "GONOGO_ACTIONS__ROLLBACK__CHECK__URL",
        format!("{url}{ROLLBACK_CHECK}"),
    )
}
