//! Datadog metrics: one timeseries query per distinct `query` over the v1 query API,
//! `GET /api/v1/query?from=<unix s>&to=<unix s>&query=<q>`, all of a poll's queries at once,
//! with the `DD-API-KEY` and `DD-APPLICATION-KEY` headers. The window is the last `lookback`
//! (default 5m) up to now; a signal's value is the last non-null point of the one series its
//! query answers (see `read.rs` for every way an answer is refused). A 429 holds every
//! request of the source until Datadog's `X-RateLimit-Reset` has passed.

use super::keys::Key;
use super::{Api, Poll, Provider, Values};
use crate::config::Given;
use crate::core::reading::{Reading, SignalId};
use crate::setup::{Extract, ReleaseInfo, SourceKind, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::{Request, SourceClient};
use crate::sources::error::SourceError;
use chrono::Utc;
use futures_util::future::{BoxFuture, join_all};
use reqwest::Url;
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod read;
pub use read::{read, said};

/// Datadog's timeseries query API (v1), one query per signal.
pub static PROVIDER: Provider = Provider {
    name: "datadog",
    keys: &[&LOOKBACK],
    default_url: Some(API),
    default_headers: &[("Accept", "application/json")],
    refuses_bearer: Some(BEARER),
    required_headers: &KEY_HEADERS,
    request: super::Request::Api(request),
    error_check: None,
    values: Values::OwnQuery(
        "a Datadog metrics query that gives one series, e.g. \
         \"sum:trace.http.request.errors{service:checkout}.as_count()\"",
    ),
    poll: Poll::Own(poll_boxed),
};

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const Datadog: SourceKind = SourceKind::of(&PROVIDER);
}

/// Datadog's US1 site; the others (`https://api.datadoghq.eu`, `https://api.us3.datadoghq.com`,
/// `https://api.us5.datadoghq.com`, `https://api.ap1.datadoghq.com`, `https://api.ddog-gov.com`)
/// by `url`.
const API: &str = "https://api.datadoghq.com";

const BEARER: &str = "Datadog takes an API key and an application key in headers: use headers = \
                      { DD-API-KEY = { env = \"…\" }, DD-APPLICATION-KEY = { env = \"…\" } }";

/// The two keys every request carries, required when the config loads (names matched without
/// case); a request without them would only get Datadog's 403.
const KEY_HEADERS: [&str; 2] = ["DD-API-KEY", "DD-APPLICATION-KEY"];

pub static LOOKBACK: Key = Key::text(
    "lookback",
    "how far back each query looks from now (default \"5m\"): from = now − lookback",
);

const DEFAULT_LOOKBACK: Duration = Duration::from_secs(300);

/// `/api/v1/query`, with the lookback in seconds in the fragment (never sent: the poll reads
/// it back, and sets `from`, `to` and `query` itself at each poll).
fn request(given: &mut Given, _: &ReleaseInfo) -> Option<Api> {
    let lookback = match given.text(&LOOKBACK) {
        None => DEFAULT_LOOKBACK,
        Some(text) => match humantime::parse_duration(text) {
            Ok(d) if d >= Duration::from_secs(1) => d,
            _ => {
                given.invalid(&LOOKBACK, text, "a duration of at least 1s, such as \"5m\"");
                return None;
            }
        },
    };
    let mut api = Api::at(["api", "v1", "query"]);
    api.fragment = Some(format!("lookback={}", lookback.as_secs()));
    Some(api)
}

/// The query URL without its fragment, and the lookback the fragment holds.
fn endpoint(url: &str) -> Result<(String, Duration), SourceError> {
    let bad = || SourceError::Request("not a Datadog query URL".into());
    let mut url = Url::parse(url).map_err(|_| bad())?;
    let secs = url
        .fragment()
        .and_then(|f| f.strip_prefix("lookback="))
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(DEFAULT_LOOKBACK.as_secs());
    url.set_fragment(None);
    Ok((url.to_string(), Duration::from_secs(secs)))
}

fn poll_boxed<'a>(client: &'a SourceClient, spec: &'a SourceSpec) -> BoxFuture<'a, Polled> {
    Box::pin(poll(client, spec))
}

pub async fn poll(client: &SourceClient, spec: &SourceSpec) -> Polled {
    let (url, lookback) = match endpoint(&spec.url) {
        Ok(e) => e,
        Err(e) => return Polled::failed(e),
    };
    if let Some(wait) = held(&url) {
        return Polled::failed(limited(wait));
    }
    // Signals sharing a query share one request.
    let mut queries: Vec<&str> = Vec::new();
    for (_, how) in &spec.signals {
        if let Extract::PromQuery(q) = how
            && !queries.contains(&q.as_str())
        {
            queries.push(q);
        }
    }
    let now = Utc::now();
    let to = now.timestamp().to_string();
    let from = (now.timestamp() - lookback.as_secs() as i64).to_string();
    let params: Vec<[(&str, &str); 3]> = queries
        .iter()
        .map(|q| [("from", from.as_str()), ("to", to.as_str()), ("query", q)])
        .collect();
    let asked = params.iter().map(|params| {
        client.fetch(Request {
            method: "GET",
            url: &url,
            query: params,
            headers: &spec.headers,
            body: None,
            timeout: spec.timeout,
        })
    });
    let fetched = join_all(asked).await;
    let mut answers: Vec<Result<Reading, SourceError>> = Vec::new();
    for f in fetched {
        let f = match f {
            Ok(f) => f,
            Err(e) => {
                answers.push(Err(e));
                continue;
            }
        };
        if f.status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            // Every query of the source counts against the same limit: hold them all.
            let wait = reset(&f.headers).unwrap_or(spec.interval);
            hold(&url, wait);
            return Polled::failed(limited(wait));
        }
        answers.push(read(
            f.status,
            &f.body,
            now.timestamp_millis(),
            spec.stale_after,
        ));
    }
    if let Some(down) = super::answer::none_answered(&answers) {
        // No query got an answer to read: the source is down or refuses us.
        return Polled::failed(down);
    }
    let readings: Vec<(SignalId, Reading)> = spec
        .signals
        .iter()
        .map(|(sig, how)| {
            let reading = match how {
                Extract::PromQuery(q) => {
                    let i = queries.iter().position(|x| x == q).expect("asked");
                    match &answers[i] {
                        Ok(r) => r.clone(),
                        Err(e) => Reading::Missing(e.to_string()),
                    }
                }
                _ => Reading::Missing("a datadog source reads queries".into()),
            };
            (*sig, reading)
        })
        .collect();
    Polled::readings(readings)
}

/// The rate limit's reset from `X-RateLimit-Reset` (seconds until the period ends).
fn reset(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs.max(1)))
}

fn limited(wait: Duration) -> SourceError {
    SourceError::Status {
        code: 429,
        reason: Some(format!(
            "Too Many Requests: Datadog's rate limit, next request in {}s",
            wait.as_secs().max(1)
        )),
    }
}

/// Query URLs held after a 429, and until when. Kept here rather than in the poller: only
/// Datadog says when its limit resets, and a held poll must not send a request at all.
static HELD: Mutex<Vec<(String, Instant)>> = Mutex::new(Vec::new());

fn hold(url: &str, wait: Duration) {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    held.retain(|(u, _)| u != url);
    held.push((url.to_string(), Instant::now() + wait));
}

/// How long `url` is still held, if it is.
fn held(url: &str) -> Option<Duration> {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    held.retain(|(_, until)| *until > now);
    held.iter()
        .find(|(u, _)| u == url)
        .map(|(_, until)| *until - now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lookback_rides_in_the_fragment_and_is_never_sent() {
        let (url, lookback) =
            endpoint("https://api.datadoghq.eu/api/v1/query#lookback=120").unwrap();
        assert_eq!(url, "https://api.datadoghq.eu/api/v1/query");
        assert_eq!(lookback, Duration::from_secs(120));
        let (_, lookback) = endpoint("https://api.datadoghq.com/api/v1/query").unwrap();
        assert_eq!(lookback, DEFAULT_LOOKBACK);
    }

    #[test]
    fn a_rate_limit_holds_its_url_until_the_reset() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("X-RateLimit-Reset", "27".parse().unwrap());
        assert_eq!(reset(&headers), Some(Duration::from_secs(27)));
        let url = "http://127.0.0.1:9/api/v1/query";
        assert_eq!(held(url), None);
        hold(url, Duration::from_secs(27));
        assert!(held(url).is_some_and(|d| d > Duration::from_secs(26)));
        assert_eq!(held("http://127.0.0.1:10/api/v1/query"), None);
        assert!(
            limited(Duration::from_secs(27))
                .to_string()
                .contains("in 27s")
        );
    }
}
