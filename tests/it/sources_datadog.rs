//! Datadog as a condition source (config/providers/datadog.toml), against a local stand-in for
//! `/api/v1/query` that answers with Datadog's published answers (the datadog fixtures README
//! names each): the value a condition judges, what each poll asks (path, window, the query's
//! encoding, both keys), and every bad answer unknown with what was wrong, never a value.

mod server;

use crate::support::cockpit::{Cockpit, unknown_because};
use crate::support::providers::{load_provider, provider_config, rollback_check, secrets};
use axum::http::StatusCode;
use gonogo::config;
use gonogo::core::condition::CondState;
use gonogo::core::reading::{Outcome, Reading};
use gonogo::setup::{Setup, SourceKind};
use gonogo::sources::{SourceClient, poll};
use server::{Answer, Datadog};
use std::time::Duration;

/// The cassette's last point, and the OpenAPI example's only one.
const CASSETTE_LAST: f64 = 92.57754687873684;
const OPENAPI_POINT: f64 = 77.62145685254418;

/// config/providers/datadog.toml pointed at `url`, with further overrides.
fn setup(url: &str, more: &[(&str, String)]) -> Setup {
    let mut overrides = vec![
        ("GONOGO_SOURCES__DATADOG__URL", url.to_string()),
        ("GONOGO_SOURCES__DATADOG__INTERVAL", "200ms".to_string()),
        rollback_check(url),
    ];
    overrides.extend(more.iter().cloned());
    load_provider("datadog", &overrides)
}

/// One poll of the datadog source: the source's failure, or each signal's reading.
async fn poll_once(setup: &Setup) -> Outcome {
    let spec = setup
        .sources
        .iter()
        .find(|s| s.kind == SourceKind::Datadog)
        .unwrap();
    poll(&SourceClient::new().unwrap(), spec).await.outcome
}

/// Every signal is unknown, and each says `why`.
fn all_missing(outcome: &Outcome, why: &str) {
    let Outcome::Readings(readings) = outcome else {
        panic!("{outcome:?}");
    };
    assert!(!readings.is_empty());
    for (_, r) in readings {
        assert!(
            matches!(r, Reading::Missing(w) if w.contains(why)),
            "{why:?}: {r:?}"
        );
    }
}

fn failed(outcome: &Outcome, why: &str) {
    assert!(
        matches!(outcome, Outcome::Failed(w) if w == why),
        "{why:?}: {outcome:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_condition_judges_the_last_point_of_datadogs_answer() {
    let (dd, url) = Datadog::serve(Answer::Now("datadog-query-openapi.json")).await;
    // Every query is answered alike. canary_errors (condition 1) at most 80: the OpenAPI
    // example's 77.6 is fine, the cassette's last point, 92.6, is over; the others hold both.
    let limits = [
        ("GONOGO_CONDITIONS__0__MAX", "100".to_string()),
        ("GONOGO_CONDITIONS__1__MAX", "80".to_string()),
        ("GONOGO_CONDITIONS__2__MAX", "100".to_string()),
    ];
    let mut c = Cockpit::start(setup(&url, &limits));
    c.until("the published example's value is read and OK", |s| {
        let c = &s.release.eval.conditions[1];
        c.state == CondState::Ok && c.value == Some(OPENAPI_POINT)
    })
    .await;
    dd.answer(Answer::Now("datadog-query-two-series.json"));
    c.until(
        "two series are unknown",
        unknown_because(1, "the query must aggregate to one series"),
    )
    .await;
    dd.answer(Answer::AsIs(
        StatusCode::FORBIDDEN,
        "datadog-error-forbidden.json",
        &[],
    ));
    c.until(
        "a refusal is unknown with Datadog's words",
        unknown_because(1, "HTTP 403 Forbidden: Forbidden"),
    )
    .await;
    // A breach stays breached (latched), so it comes last.
    dd.answer(Answer::Now("datadog-query-cassette.json"));
    c.until("the recorded answer's last point breaches", |s| {
        let c = &s.release.eval.conditions[1];
        c.state == CondState::Breached && c.value == Some(CASSETTE_LAST)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_poll_asks_the_last_lookback_with_both_keys_and_the_query_encoded() {
    let (dd, url) = Datadog::serve(Answer::Now("datadog-query-cassette.json")).await;
    let setup = setup(&url, &[]);
    let before = chrono::Utc::now().timestamp();
    let outcome = poll_once(&setup).await;
    let after = chrono::Utc::now().timestamp();
    let Outcome::Readings(readings) = &outcome else {
        panic!("{outcome:?}");
    };
    assert!(
        readings
            .iter()
            .all(|(_, r)| *r == Reading::Number(CASSETTE_LAST))
    );
    let seen = dd.seen();
    // One request per distinct query: the config's three conditions.
    assert_eq!(seen.len(), 3, "{seen:?}");
    let mut asked: Vec<String> = Vec::new();
    for s in &seen {
        assert_eq!(s.path, "/api/v1/query");
        let to: i64 = s.param("to").unwrap().parse().unwrap();
        let from: i64 = s.param("from").unwrap().parse().unwrap();
        assert!((before..=after).contains(&to), "to={to}");
        assert_eq!(to - from, 300, "the default lookback, 5m");
        assert_eq!(s.header("dd-api-key"), Some("test-dd_api_key"));
        assert_eq!(s.header("dd-application-key"), Some("test-dd_app_key"));
        assert_eq!(s.header("accept"), Some("application/json"));
        assert_eq!(s.header("authorization"), None);
        // Braces, colons, commas, slashes and spaces never go raw into the URL.
        assert!(!s.query.contains(['{', '}', ' ', '/']), "{}", s.query);
        asked.push(s.param("query").unwrap());
    }
    asked.sort();
    assert_eq!(
        asked,
        [
            "p95:trace.http.request{service:checkout-api,version:2.14.0}",
            "sum:trace.http.request.errors{service:checkout-api,version:2.14.0}.as_count()",
            "sum:trace.http.request.errors{service:checkout-api,version:2.14.0}.as_count() / \
             sum:trace.http.request.hits{service:checkout-api,version:2.14.0}.as_count()",
        ]
    );

    let two = self::setup(&url, &[("GONOGO_SOURCES__DATADOG__LOOKBACK", "2m".into())]);
    poll_once(&two).await;
    let last = dd.seen().pop().unwrap();
    let window = last.param("to").unwrap().parse::<i64>().unwrap()
        - last.param("from").unwrap().parse::<i64>().unwrap();
    assert_eq!(window, 120);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_answer_is_unknown_and_says_what_was_wrong() {
    let (dd, url) = Datadog::serve(Answer::Now("datadog-query-no-series.json")).await;
    let setup = setup(&url, &[]);
    all_missing(&poll_once(&setup).await, "no series: no data in the window");
    let cases: [(Answer, &str); 5] = [
        (
            Answer::Now("datadog-query-two-series.json"),
            "2 series (*; host:foo,env:test): the query must aggregate to one series",
        ),
        (
            Answer::Now("datadog-query-all-null.json"),
            "no value: 1 points, all null",
        ),
        (
            // The recorded answer as it is: its last point is from January 2022.
            Answer::AsIs(StatusCode::OK, "datadog-query-cassette.json", &[]),
            "older than stale_after (3m)",
        ),
        (
            Answer::Now("datadog-query-status-error.json"),
            "error in response: Datadog: Bad Request",
        ),
        (
            Answer::AsIs(StatusCode::OK, "datadog-error-openapi.json", &[]),
            "unexpected response: no \"status\": not a query answer",
        ),
    ];
    for (answer, why) in cases {
        dd.answer(answer);
        all_missing(&poll_once(&setup).await, why);
    }
    let refusals: [(Answer, &str); 5] = [
        (
            Answer::AsIs(StatusCode::FORBIDDEN, "datadog-error-forbidden.json", &[]),
            "HTTP 403 Forbidden: Forbidden",
        ),
        (
            Answer::AsIs(
                StatusCode::FORBIDDEN,
                "datadog-error-api-key-required.json",
                &[],
            ),
            "HTTP 403 Forbidden: API key required",
        ),
        (
            Answer::AsIs(
                StatusCode::UNAUTHORIZED,
                "datadog-error-forbidden.json",
                &[],
            ),
            "HTTP 401 Unauthorized: Forbidden",
        ),
        (
            Answer::AsIs(StatusCode::BAD_REQUEST, "datadog-error-openapi.json", &[]),
            "HTTP 400 Bad Request: Bad Request",
        ),
        (
            Answer::Text(StatusCode::OK, "<html><title>Sign in</title></html>"),
            "not JSON: <html><title>Sign in</title></h…",
        ),
    ];
    for (answer, why) in refusals {
        dd.answer(answer);
        failed(&poll_once(&setup).await, why);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_holds_every_request_until_datadogs_reset() {
    const HEADERS: &[(&str, &str)] = &[
        ("X-Ratelimit-Limit", "10"),
        ("X-Ratelimit-Name", "logs_public_search_api"),
        ("X-Ratelimit-Period", "10"),
        ("X-Ratelimit-Remaining", "0"),
        ("X-Ratelimit-Reset", "1"),
    ];
    let limited = Answer::AsIs(
        StatusCode::TOO_MANY_REQUESTS,
        "datadog-rate-limited.json",
        HEADERS,
    );
    let (dd, url) = Datadog::serve(limited).await;
    let setup = setup(&url, &[]);
    let why = "HTTP 429 Too Many Requests: Datadog's rate limit, next request in 1s";
    failed(&poll_once(&setup).await, why);
    let sent = dd.seen().len();
    assert!((1..=3).contains(&sent), "{sent}");
    // Within the reset, a poll fails at once and asks nothing.
    dd.answer(Answer::Now("datadog-query-openapi.json"));
    failed(&poll_once(&setup).await, why);
    assert_eq!(dd.seen().len(), sent, "no request while held");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let outcome = poll_once(&setup).await;
    assert!(
        matches!(&outcome, Outcome::Readings(r) if r.iter().all(|(_, v)| *v == Reading::Number(OPENAPI_POINT))),
        "{outcome:?}"
    );
}

#[test]
fn a_source_without_both_keys_is_refused_when_the_config_loads() {
    let text =
        provider_config("datadog").replace(", DD-APPLICATION-KEY = { env = \"DD_APP_KEY\" }", "");
    let e = config::load_with_env(&text, "datadog.toml", &secrets())
        .unwrap_err()
        .to_string();
    let want = "sources.datadog.headers.DD-APPLICATION-KEY: missing — expected the \
                DD-APPLICATION-KEY header: datadog sends it on every request";
    assert!(e.contains(want), "{want:?} not in:\n{e}");
    assert!(
        !e.contains("DD-API-KEY header"),
        "the key given is not asked for:\n{e}"
    );
}

#[test]
fn bad_datadog_config_says_which_key_and_what_was_expected() {
    let text = provider_config("datadog")
        .replace(
            "lookback = \"5m\"",
            "lookback = \"soon\"\nauth = { bearer = \"x\" }",
        )
        .replace("{ env = \"DD_APP_KEY\" }", "\"0123456789abcdef\"")
        .replacen("max = 0.02\n", "max = 0.02\nselect = { host = \"a\" }\n", 1)
        .replacen(
            "query = \"p95:trace.http.request{service:checkout-api,version:2.14.0}\"",
            "query = \" \"",
            1,
        );
    let e = config::load_with_env(&text, "datadog.toml", &secrets())
        .unwrap_err()
        .to_string();
    for want in [
        "sources.datadog.lookback",
        "a duration of at least 1s",
        "sources.datadog.auth.bearer: Datadog takes an API key and an application key",
        "conditions[0].select",
        "`select` does not apply: source `datadog` is a datadog source — use `query`",
        "conditions[2].query",
        "a Datadog metrics query that gives one series",
        "sources.datadog.headers.DD-APPLICATION-KEY: literal secret in the config file",
    ] {
        assert!(e.contains(want), "{want:?} not in:\n{e}");
    }
    assert!(
        !e.contains("0123456789abcdef"),
        "a key is never shown:\n{e}"
    );
}
