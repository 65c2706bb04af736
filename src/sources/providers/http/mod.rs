//! Any JSON endpoint: one request per poll, each signal's value taken at its JSON Pointer or
//! by its jq program, after checking the answer does not report an error inside a 2xx.

use super::keys::Key;
use super::{Poll, Provider, Values};
use crate::config::Given;
use crate::core::reading::Reading;
use crate::setup::{Extract, SourceKind, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::{Body, Request, SourceClient};
use crate::sources::error::{SourceError, parse_json};
use crate::sources::pick::{pick, reported_error};
use futures_util::future::BoxFuture;
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Any JSON endpoint; values picked with JSON Pointer or a jq program.
pub static PROVIDER: Provider = Provider {
    name: "http",
    keys: &[&ERROR_POINTER, &ERROR_JQ],
    default_url: None,
    default_headers: &[],
    refuses_bearer: None,
    required_headers: &[],
    request: super::Request::Template,
    error_check: Some(error_check),
    values: Values::Json,
    poll: Poll::Own(poll_boxed),
};

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const Http: SourceKind = SourceKind::of(&PROVIDER);
}

pub static ERROR_POINTER: Key = Key::text(
    "error_pointer",
    "where the answer reports an error inside a 2xx, as a JSON Pointer",
);

pub static ERROR_JQ: Key = Key::text(
    "error_jq",
    "where the answer reports an error inside a 2xx, as a jq program",
);

/// `error_pointer` or `error_jq`: where an answer reports an error inside a 2xx.
fn error_check(given: &mut Given) -> Option<Extract> {
    match (given.text(&ERROR_POINTER), given.text(&ERROR_JQ)) {
        (Some(_), Some(_)) => {
            given.problem(&ERROR_JQ, "set either error_pointer or error_jq, not both");
            None
        }
        (Some(p), None) => given
            .pointer(&ERROR_POINTER, p)
            .then(|| Extract::ErrorAt(Box::new(Extract::Pointer(p.to_string())))),
        (None, Some(q)) => given
            .jq(&ERROR_JQ, q)
            .then(|| Extract::ErrorAt(Box::new(Extract::Jq(q.to_string())))),
        (None, None) => None,
    }
}

fn poll_boxed<'a>(client: &'a SourceClient, spec: &'a SourceSpec) -> BoxFuture<'a, Polled> {
    Box::pin(poll(client, spec))
}

pub async fn poll(client: &SourceClient, spec: &SourceSpec) -> Polled {
    let doc = match fetch_json(client, spec).await {
        Ok(doc) => doc,
        Err(e) => return Polled::failed(e),
    };
    let wanted: Vec<Extract> = spec.signals.iter().map(|(_, how)| how.clone()).collect();
    let readings = if wanted.iter().any(uses_jq) {
        run_jq(doc, wanted, spec.timeout).await
    } else {
        read_all(&doc, &wanted)
    };
    match readings {
        Ok(readings) => Polled::readings(
            spec.signals
                .iter()
                .zip(readings)
                .filter_map(|((sig, _), r)| Some((*sig, r?)))
                .collect(),
        ),
        Err(e) => Polled::failed(e),
    }
}

/// At most this many jq programs run at once, across all sources. A program that never ends
/// keeps its thread (it cannot be stopped from outside), but never more than this many
/// threads spin, and no poll starts another while they do.
const JQ_SLOTS: usize = 2;

fn jq_slots() -> Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS
        .get_or_init(|| Arc::new(Semaphore::new(JQ_SLOTS)))
        .clone()
}

/// Read the values off the async workers, within the source's timeout.
async fn run_jq(
    doc: Value,
    wanted: Vec<Extract>,
    timeout: Duration,
) -> Result<Vec<Option<Reading>>, SourceError> {
    let words = crate::sources::error::duration_words(timeout);
    let deadline = tokio::time::Instant::now() + timeout;
    let slot = match tokio::time::timeout_at(deadline, jq_slots().acquire_owned()).await {
        Ok(Ok(slot)) => slot,
        _ => {
            return Err(SourceError::Program(format!(
                "jq busy: other programs still running after {words}"
            )));
        }
    };
    // A thread of its own, not tokio's blocking pool: the runtime waits for that pool when it
    // shuts down, and a program that never ends must not keep the cockpit from quitting.
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("gonogo-jq".into())
        .spawn(move || {
            let _slot = slot;
            let _ = tx.send(read_all(&doc, &wanted));
        });
    if spawned.is_err() {
        return Err(SourceError::Program("jq: no thread to run on".into()));
    }
    match tokio::time::timeout_at(deadline, rx).await {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => Err(SourceError::Program("jq program crashed".into())),
        Err(_) => Err(SourceError::Program(format!(
            "jq program still running after {words}"
        ))),
    }
}

fn uses_jq(how: &Extract) -> bool {
    match how {
        Extract::Jq(_) => true,
        Extract::ErrorAt(inner) | Extract::Mapped(inner, _) => uses_jq(inner),
        _ => false,
    }
}

/// Each signal's reading (`None` for error checks, which are not values); an error reported
/// inside the answer fails the whole poll.
fn read_all(doc: &Value, wanted: &[Extract]) -> Result<Vec<Option<Reading>>, SourceError> {
    for how in wanted {
        if let Extract::ErrorAt(at) = how
            && let Some(error) = reported_error(doc, at)
        {
            return Err(SourceError::Reported(error));
        }
    }
    Ok(wanted
        .iter()
        .map(|how| match how {
            Extract::ErrorAt(_) => None,
            how => Some(pick(doc, how).unwrap_or_else(|| {
                Reading::Missing("an http source reads a pointer or a jq program".into())
            })),
        })
        .collect())
}

/// A source with nothing to read (a rollback check endpoint): any 2xx answer is success.
pub async fn check(client: &SourceClient, spec: &SourceSpec) -> Polled {
    match client.fetch(request(spec)).await {
        Ok(f) if f.status.is_success() => Polled::readings(Vec::new()),
        Ok(f) => Polled::failed(SourceError::status(f.status)),
        Err(e) => Polled::failed(e),
    }
}

fn request(spec: &SourceSpec) -> Request<'_> {
    Request {
        method: &spec.method,
        url: &spec.url,
        query: &[],
        headers: &spec.headers,
        body: spec.body.as_deref().map(Body::Raw),
        timeout: spec.timeout,
    }
}

pub async fn fetch_json(client: &SourceClient, spec: &SourceSpec) -> Result<Value, SourceError> {
    let fetched = client.fetch(request(spec)).await?;
    if !fetched.status.is_success() {
        return Err(SourceError::status(fetched.status));
    }
    parse_json(&fetched.body)
}
