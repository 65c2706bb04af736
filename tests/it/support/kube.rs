//! A pod's view of the Kubernetes API, on loopback: the service-account files (a token and
//! the cluster's CA) in a temporary directory standing in for
//! `/var/run/secrets/kubernetes.io/serviceaccount/`, and an HTTPS API server presenting a
//! certificate of that CA, which answers only the token and serves the bodies a test sets.

use super::pki::{Ca, Seen, serve_app, write};
use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Where a pod finds its service-account files, as configs name them.
pub const SERVICE_ACCOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount/";

/// The token the stand-in files hold.
pub const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.test-service-account-token";

/// A directory with `token` and `ca.crt`, as a pod's service-account directory has them.
pub struct ServiceAccount {
    pub dir: tempfile::TempDir,
    pub ca: Ca,
}

impl ServiceAccount {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ca = Ca::new("kubernetes");
        write(dir.path(), "token", &format!("{TOKEN}\n"));
        write(dir.path(), "ca.crt", &ca.pem());
        ServiceAccount { dir, ca }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `text` with the in-cluster paths pointing at these files.
    pub fn stand_in(&self, text: &str) -> String {
        text.replace(SERVICE_ACCOUNT, &format!("{}/", self.path().display()))
    }
}

/// What the API server answers for a path: a status and a JSON (or not) body.
type Answers = Arc<Mutex<HashMap<String, (u16, String)>>>;

/// An API server on 127.0.0.1 with a certificate of the service account's CA.
pub struct ApiServer {
    pub addr: SocketAddr,
    pub seen: Seen,
    answers: Answers,
    token: Arc<Mutex<String>>,
}

/// The API server's refusal of an unknown path: the `Status` object published in
/// kubernetes/community's API conventions (see the Argo Rollouts fixtures' README).
pub const NOT_FOUND: &str = include_str!(
    "../../../src/sources/providers/argo_rollouts/fixtures/kube-status-not-found.json"
);

impl ApiServer {
    pub async fn start(account: &ServiceAccount) -> Self {
        let seen = Seen::default();
        let answers = Answers::default();
        let token = Arc::new(Mutex::new(TOKEN.to_string()));
        let (on_get, bodies, valid) = (seen.clone(), answers.clone(), token.clone());
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| async move {
            let path = uri.path().to_string();
            let bearer = headers
                .get("authorization")
                .map(|v| v.to_str().unwrap_or_default().to_string());
            on_get
                .0
                .lock()
                .unwrap()
                .push((path.clone(), headers, String::new()));
            let json = [("content-type", "application/json")];
            // A missing or wrong token: 401 with no body, as an API server behind a proxy may.
            let valid = format!("Bearer {}", valid.lock().unwrap());
            if bearer.as_deref() != Some(valid.as_str()) {
                return (StatusCode::UNAUTHORIZED, json, String::new());
            }
            let (status, body) = bodies
                .lock()
                .unwrap()
                .get(&path)
                .cloned()
                .unwrap_or((404, NOT_FOUND.to_string()));
            (StatusCode::from_u16(status).unwrap(), json, body)
        });
        let addr = serve_app(&account.ca.server(&["127.0.0.1"]), None, app).await;
        ApiServer {
            addr,
            seen,
            answers,
            token,
        }
    }

    /// From now on, GET `path` answers `status` with `body`.
    pub fn answer(&self, path: &str, status: u16, body: &str) {
        self.answers
            .lock()
            .unwrap()
            .insert(path.to_string(), (status, body.to_string()));
    }

    /// From now on, only `token` is accepted (the old one has expired).
    pub fn accept(&self, token: &str) {
        *self.token.lock().unwrap() = token.to_string();
    }

    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }
}
