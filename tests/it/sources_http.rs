//! Sources against a real HTTP server on 127.0.0.1 serving canned answers.

use axum::Router;
use axum::body::Body;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gonogo::app::Msg;
use gonogo::core::reading::{Observation, Outcome, Reading};
use gonogo::secret::Secret;
use gonogo::setup::{Extract, SourceKind, SourceSpec};
use gonogo::sources::{SourceClient, poll, spawn_pollers};
use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(30);
const MIB: usize = 1024 * 1024;

#[derive(Deserialize)]
struct Q {
    query: String,
}

/// A Prometheus whose answer depends on the query text.
async fn prom_answer(query: &str) -> Response {
    let vector = |v: &str| {
        format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"track":"canary"}},"value":[1700000000.5,"{v}"]}}]}}}}"#
        )
    };
    let (status, body) = match query {
        "vector" => (200, vector("0.0042")),
        "nan" => (200, vector("NaN")),
        "scalar" => (
            200,
            r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"7"]}}"#.into(),
        ),
        "empty" => (
            200,
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.into(),
        ),
        "down" => (503, "<html>upstream unavailable</html>".into()),
        _ => (
            400,
            r#"{"status":"error","errorType":"bad_data","error":"1:1: parse error: unexpected identifier"}"#
                .into(),
        ),
    };
    let status = StatusCode::from_u16(status).unwrap();
    (status, [("content-type", "application/json")], body).into_response()
}

#[derive(Clone, Default)]
struct Counters {
    in_flight: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    calls: Arc<AtomicUsize>,
}

fn json(body: &'static str) -> Response {
    ([("content-type", "application/json")], body).into_response()
}

fn routes(counters: Counters) -> Router {
    Router::new()
        .route(
            "/api/v1/query",
            get(|Query(q): Query<Q>| async move { prom_answer(&q.query).await })
                .post(|Form(q): Form<Q>| async move { prom_answer(&q.query).await }),
        )
        .route(
            "/doc",
            get(|| async {
                json(r#"{"runs":[{"conclusion":"success","n":3,"done":true}],"gone":null}"#)
            }),
        )
        .route("/scalar", get(|| async { json("0.25") }))
        .route(
            "/html",
            get(|| async { "<!DOCTYPE html><html><body>Please sign in</body></html>" }),
        )
        .route("/broken", get(|| async { json(r#"{"runs": [1, 2"#) }))
        .route(
            "/unavailable",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "try later") }),
        )
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route("/big", get(|| async { vec![b' '; 5 * MIB] }))
        .route(
            "/big-chunked",
            get(|| async {
                let chunks = (0..80).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024]));
                Body::from_stream(futures_util::stream::iter(chunks))
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                json("1")
            }),
        )
        .route(
            "/auth",
            get(|h: HeaderMap| async move {
                if h.get("authorization").is_some_and(|v| v == "Bearer s3cret") {
                    json(r#"{"ok":true}"#)
                } else {
                    StatusCode::UNAUTHORIZED.into_response()
                }
            }),
        )
        .route(
            "/counted",
            get(|State(c): State<Counters>| async move {
                c.calls.fetch_add(1, Ordering::SeqCst);
                let now = c.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                c.most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(150)).await;
                c.in_flight.fetch_sub(1, Ordering::SeqCst);
                json(r#"{"v":1}"#)
            }),
        )
        .with_state(counters)
}

async fn serve_with(counters: Counters) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, routes(counters)).await.unwrap() });
    url
}

async fn serve() -> String {
    serve_with(Counters::default()).await
}

fn spec(kind: SourceKind, url: String, signals: Vec<Extract>) -> SourceSpec {
    SourceSpec {
        name: "test".into(),
        kind,
        url,
        method: "GET".into(),
        headers: vec![],
        body: None,
        interval: Duration::from_secs(1),
        timeout: Duration::from_secs(5),
        stale_after: Duration::from_secs(30),
        signals: signals.into_iter().enumerate().collect(),
        tls: None,
    }
}

fn prom(url: &str, queries: &[&str]) -> SourceSpec {
    let signals = queries
        .iter()
        .map(|q| Extract::PromQuery(q.to_string()))
        .collect();
    spec(SourceKind::Prometheus, url.to_string(), signals)
}

fn pointers(url: String, ptrs: &[&str]) -> SourceSpec {
    let signals = ptrs
        .iter()
        .map(|p| Extract::Pointer(p.to_string()))
        .collect();
    spec(SourceKind::Http, url, signals)
}

async fn outcome(s: &SourceSpec) -> Outcome {
    let client = SourceClient::new().unwrap();
    tokio::time::timeout(DEADLINE, poll(&client, s))
        .await
        .expect("a poll ends within its timeout")
        .outcome
}

fn readings(o: Outcome) -> Vec<Reading> {
    match o {
        Outcome::Readings(r) => r.into_iter().map(|(_, r)| r).collect(),
        Outcome::Failed(e) => panic!("expected readings, got failure {e:?}"),
    }
}

fn failed(o: Outcome) -> String {
    match o {
        Outcome::Failed(e) => e,
        Outcome::Readings(r) => panic!("expected a failure, got {r:?}"),
    }
}

#[tokio::test]
async fn prometheus_vector_and_scalar_give_numbers() {
    let url = serve().await;
    let r = readings(outcome(&prom(&url, &["vector", "scalar"])).await);
    assert_eq!(r, vec![Reading::Number(0.0042), Reading::Number(7.0)]);
}

#[tokio::test]
async fn prometheus_nan_is_a_number_the_core_calls_unknown() {
    let url = serve().await;
    let r = readings(outcome(&prom(&url, &["nan"])).await);
    assert!(matches!(r[0], Reading::Number(n) if n.is_nan()), "{r:?}");
    assert_eq!(r[0].number(), Err("value is NaN".to_string()));
}

#[tokio::test]
async fn prometheus_empty_result_is_missing_never_zero() {
    let url = serve().await;
    let r = readings(outcome(&prom(&url, &["empty"])).await);
    assert_eq!(r, vec![Reading::Missing("no data: empty result".into())]);
}

#[tokio::test]
async fn prometheus_error_names_its_type_and_spares_the_other_queries() {
    let url = serve().await;
    let r = readings(outcome(&prom(&url, &["vector", "sum(nope"])).await);
    assert_eq!(r[0], Reading::Number(0.0042));
    assert_eq!(
        r[1],
        Reading::Missing("HTTP 400: bad_data: 1:1: parse error: unexpected identifier".into())
    );
}

#[tokio::test]
async fn prometheus_down_for_every_query_is_a_failed_source() {
    let url = serve().await;
    let e = failed(outcome(&prom(&url, &["down", "down"])).await);
    assert_eq!(e, "HTTP 503 Service Unavailable");
}

#[tokio::test]
async fn prometheus_queries_can_be_posted_as_a_form() {
    let url = serve().await;
    let mut s = prom(&url, &["vector"]);
    s.method = "POST".into();
    assert_eq!(readings(outcome(&s).await), vec![Reading::Number(0.0042)]);
}

#[tokio::test]
async fn json_pointers_pick_values_or_say_why_not() {
    let url = serve().await;
    let s = pointers(
        format!("{url}/doc"),
        &[
            "/runs/0/conclusion",
            "/runs/0/n",
            "/runs/0/done",
            "/gone",
            "/runs/1/conclusion",
            "/runs",
        ],
    );
    let r = readings(outcome(&s).await);
    assert_eq!(
        r,
        vec![
            Reading::Text("success".into()),
            Reading::Number(3.0),
            Reading::Bool(true),
            Reading::Missing("null at /gone".into()),
            Reading::Missing("no value at /runs/1/conclusion".into()),
            Reading::Missing("not a value at /runs (array)".into()),
        ]
    );
}

#[tokio::test]
async fn the_empty_pointer_reads_a_scalar_document() {
    let url = serve().await;
    let r = readings(outcome(&pointers(format!("{url}/scalar"), &[""])).await);
    assert_eq!(r, vec![Reading::Number(0.25)]);
}

#[tokio::test]
async fn html_instead_of_json_is_quoted() {
    let url = serve().await;
    let e = failed(outcome(&pointers(format!("{url}/html"), &["/x"])).await);
    assert_eq!(e, "not JSON: <!DOCTYPE html><html><body>Plea…");
}

#[tokio::test]
async fn malformed_json_says_where() {
    let url = serve().await;
    let e = failed(outcome(&pointers(format!("{url}/broken"), &["/runs"])).await);
    assert!(e.starts_with("bad JSON: EOF while parsing a list"), "{e}");
}

#[tokio::test]
async fn http_errors_carry_their_status() {
    let url = serve().await;
    let e = failed(outcome(&pointers(format!("{url}/unavailable"), &["/x"])).await);
    assert_eq!(e, "HTTP 503 Service Unavailable");
    let e = failed(outcome(&pointers(format!("{url}/missing"), &["/x"])).await);
    assert_eq!(e, "HTTP 404 Not Found");
}

#[tokio::test]
async fn bodies_over_the_cap_fail_whether_announced_or_streamed() {
    let url = serve().await;
    let e = failed(outcome(&pointers(format!("{url}/big"), &["/x"])).await);
    assert_eq!(e, "response over 4 MiB");
    let e = failed(outcome(&pointers(format!("{url}/big-chunked"), &["/x"])).await);
    assert_eq!(e, "response over 4 MiB");
}

#[tokio::test]
async fn connection_refused_is_said_plainly() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = failed(outcome(&pointers(format!("http://127.0.0.1:{port}/x"), &["/x"])).await);
    assert_eq!(e, "connection refused");
    let e = failed(outcome(&prom(&format!("http://127.0.0.1:{port}"), &["a", "b"])).await);
    assert_eq!(e, "connection refused");
}

#[tokio::test]
async fn a_slow_server_times_out_at_the_source_timeout() {
    let url = serve().await;
    let mut s = pointers(format!("{url}/slow"), &["/x"]);
    s.timeout = Duration::from_millis(300);
    assert_eq!(failed(outcome(&s).await), "timeout after 300ms");
}

#[tokio::test]
async fn headers_are_sent_and_never_shown() {
    let url = serve().await;
    let mut s = pointers(format!("{url}/auth"), &["/ok"]);
    s.headers = vec![("Authorization".into(), Secret::new("Bearer s3cret"))];
    assert_eq!(readings(outcome(&s).await), vec![Reading::Bool(true)]);
    s.headers = vec![("Authorization".into(), Secret::new("Bearer wrong"))];
    let e = failed(outcome(&s).await);
    assert_eq!(e, "HTTP 401 Unauthorized");
    s.headers = vec![("Authorization".into(), Secret::new("Bearer hunter2\n"))];
    let e = failed(outcome(&s).await);
    assert_eq!(e, "request failed: bad value for header authorization");
}

#[tokio::test]
async fn a_source_without_signals_only_needs_a_2xx() {
    let url = serve().await;
    let ok = spec(SourceKind::Http, format!("{url}/scalar"), vec![]);
    assert_eq!(outcome(&ok).await, Outcome::Readings(vec![]));
    let down = spec(SourceKind::Http, format!("{url}/unavailable"), vec![]);
    assert_eq!(failed(outcome(&down).await), "HTTP 503 Service Unavailable");
}

async fn next_observation(rx: &mut tokio::sync::mpsc::Receiver<Msg>) -> Observation {
    match tokio::time::timeout(DEADLINE, rx.recv()).await {
        Ok(Some(Msg::Observation(o))) => o,
        other => panic!("expected an observation, got {other:?}"),
    }
}

#[tokio::test]
async fn pollers_number_their_polls_and_stop_when_dropped() {
    let url = serve().await;
    let mut fast = pointers(format!("{url}/doc"), &["/runs/0/conclusion"]);
    fast.interval = Duration::from_millis(50);
    let mut down = prom(&url, &["down"]);
    down.interval = Duration::from_millis(50);
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let client = SourceClient::new().unwrap();
    let pollers = spawn_pollers(&[fast, down], &client, tx);
    assert_eq!(pollers.len(), 2);

    let mut seqs = [Vec::new(), Vec::new()];
    while seqs.iter().any(|s| s.len() < 3) {
        let o = next_observation(&mut rx).await;
        match (o.source, &o.outcome) {
            (0, Outcome::Readings(r)) => assert_eq!(r, &vec![(0, Reading::Text("success".into()))]),
            (1, Outcome::Failed(e)) => assert_eq!(e, "HTTP 503 Service Unavailable"),
            other => panic!("unexpected {other:?}"),
        }
        seqs[o.source].push(o.seq);
    }
    for s in &seqs {
        assert_eq!(
            &s[..3],
            &[1, 2, 3],
            "each source counts its own polls from 1"
        );
    }

    drop(pollers);
    let closed = tokio::time::timeout(DEADLINE, async { while rx.recv().await.is_some() {} }).await;
    assert!(closed.is_ok(), "dropping the pollers ends every task");
}

#[tokio::test]
async fn a_poll_slower_than_the_interval_never_overlaps_the_next() {
    let counters = Counters::default();
    let url = serve_with(counters.clone()).await;
    let mut slow = pointers(format!("{url}/counted"), &["/v"]);
    slow.interval = Duration::from_millis(20);
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let client = SourceClient::new().unwrap();
    let pollers = spawn_pollers(&[slow], &client, tx);
    for _ in 0..4 {
        next_observation(&mut rx).await;
    }
    drop(pollers);
    assert!(counters.calls.load(Ordering::SeqCst) >= 4);
    assert_eq!(
        counters.most.load(Ordering::SeqCst),
        1,
        "one request at a time"
    );
}
