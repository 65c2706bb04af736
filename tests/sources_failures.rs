//! Every way a source fails, asserted where an operator would notice: the real pollers against
//! a real server on 127.0.0.1, their messages fed to `app::update`. In every case the affected
//! condition turns unknown and says why, the verdict fails closed (NO-GO UNTIL VERIFIED), the
//! source panel shows the error, and once the server behaves again the cockpit recovers
//! without a restart.

#[path = "support/cockpit.rs"]
mod cockpit;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cockpit::{Cockpit, ok, unknown_because, verdict_is};
use gonogo::core::condition::{CondState, ConditionSpec, Persistence, Threshold, Unit};
use gonogo::core::gate::{GateCheck, GateSpec, Tier};
use gonogo::core::plan::{Plan, Stage};
use gonogo::core::reading::Outcome;
use gonogo::core::verdict::VerdictKind;
use gonogo::setup::{Extract, ReleaseInfo, Setup, SignalSpec, SourceKind, SourceSpec};
use gonogo::sources::SourceClient;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const API: usize = 0;
const PROM: usize = 1;
/// Condition ids: the API's error rate (http source), the canary's (prometheus source).
const API_RATE: usize = 0;
const CANARY: usize = 1;
const TIMEOUT: Duration = Duration::from_secs(1);
const CAP: usize = 64 * 1024;

/// What an endpoint answers now; the test changes it while the cockpit runs.
#[derive(Clone, Debug)]
enum Answer {
    Good,
    Raw(u16, &'static str, &'static str),
    /// Longer than the timeout before anything is sent.
    Slow,
    /// Headers at once, then one byte every 200ms: the body trickles in slower than the timeout.
    Drip,
    /// A body this many bytes long.
    Big(usize),
    /// Good and 503 by turns, one per request.
    Flap,
}

#[derive(Clone)]
struct Server {
    api: Arc<Mutex<Answer>>,
    prom: Arc<Mutex<Answer>>,
    calls: Arc<AtomicUsize>,
}

impl Server {
    fn new() -> Self {
        Server {
            api: Arc::new(Mutex::new(Answer::Good)),
            prom: Arc::new(Mutex::new(Answer::Good)),
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }
    fn set(&self, endpoint: usize, answer: Answer) {
        let slot = if endpoint == API {
            &self.api
        } else {
            &self.prom
        };
        *slot.lock().unwrap() = answer;
    }
}

const API_GOOD: &str = r#"{"data":{"rate":0.01}}"#;
const PROM_GOOD: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"track":"canary"},"value":[1700000000.1,"0.01"]}]}}"#;

async fn answer(answer: Answer, good: &'static str, calls: &AtomicUsize) -> Response {
    let json = |status: u16, body: &'static str| {
        let status = StatusCode::from_u16(status).unwrap();
        (status, [("content-type", "application/json")], body).into_response()
    };
    match answer {
        Answer::Good => json(200, good),
        Answer::Raw(status, content_type, body) => (
            StatusCode::from_u16(status).unwrap(),
            [("content-type", content_type)],
            body,
        )
            .into_response(),
        Answer::Slow => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            json(200, good)
        }
        Answer::Drip => {
            let bytes = good.as_bytes().to_vec();
            let stream = futures_util::stream::unfold(0usize, move |i| {
                let bytes = bytes.clone();
                async move {
                    if i >= bytes.len() {
                        return None;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Some((Ok::<_, std::io::Error>(vec![bytes[i]]), i + 1))
                }
            });
            (
                [("content-type", "application/json")],
                Body::from_stream(stream),
            )
                .into_response()
        }
        Answer::Big(n) => {
            let mut body = b"{\"pad\":\"".to_vec();
            body.resize(n, b'x');
            ([("content-type", "application/json")], body).into_response()
        }
        Answer::Flap => {
            if calls.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
                json(200, good)
            } else {
                json(503, "{}")
            }
        }
    }
}

fn routes(server: Server) -> Router {
    Router::new()
        .route(
            "/value",
            get(|State(s): State<Server>| async move {
                let a = s.api.lock().unwrap().clone();
                answer(a, API_GOOD, &s.calls).await
            }),
        )
        .route(
            "/api/v1/query",
            get(|State(s): State<Server>| async move {
                let a = s.prom.lock().unwrap().clone();
                answer(a, PROM_GOOD, &s.calls).await
            }),
        )
        .with_state(server)
}

async fn serve_on(listener: tokio::net::TcpListener, server: Server) {
    tokio::spawn(async move { axum::serve(listener, routes(server)).await.unwrap() });
}

async fn serve(server: Server) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    serve_on(listener, server).await;
    url
}

/// A release with one stage baking for an hour: healthy is HOLD, anything unknown is NO-GO.
fn setup(url: &str) -> Setup {
    let source = |name: &str, kind, url: String, extract| SourceSpec {
        name: name.into(),
        kind,
        url,
        method: "GET".into(),
        headers: vec![],
        body: None,
        interval: Duration::from_millis(200),
        timeout: TIMEOUT,
        stale_after: Duration::from_secs(10),
        signals: vec![(if kind == SourceKind::Http { 0 } else { 1 }, extract)],
    };
    let rate = Extract::Pointer("/data/rate".into());
    let canary = Extract::PromQuery("canary_error_ratio".into());
    let condition = |id: &str, label: &str, value| ConditionSpec {
        id: id.into(),
        label: label.into(),
        value,
        threshold: Threshold {
            max: Some(0.05),
            min: None,
            warn: None,
        },
        relative: None,
        persistence: Persistence::Immediate,
        unit: Unit::default(),
        stale_after: Duration::from_secs(10),
    };
    Setup {
        release: ReleaseInfo {
            name: "checkout".into(),
            version: "2.0".into(),
            environment: "prod".into(),
            commit: None,
        },
        plan: Plan {
            stages: vec![Stage {
                name: "all".into(),
                traffic: 100.0,
                bake: Duration::from_secs(3600),
                overrides: BTreeMap::new(),
            }],
        },
        sources: vec![
            source(
                "api",
                SourceKind::Http,
                format!("{url}/value"),
                rate.clone(),
            ),
            source(
                "prometheus",
                SourceKind::Prometheus,
                url.to_string(),
                canary.clone(),
            ),
        ],
        signals: vec![
            SignalSpec {
                source: API,
                extract: rate,
            },
            SignalSpec {
                source: PROM,
                extract: canary,
            },
        ],
        conditions: vec![
            condition("api_rate", "API error rate", 0),
            condition("canary", "Canary errors", 1),
        ],
        gates: vec![GateSpec {
            id: "monitors-live".into(),
            name: "Monitors live".into(),
            tier: Tier::Must,
            check: GateCheck::MonitorsLive,
            verify: None,
        }],
        observed_traffic: None,
        checklist: vec![],
        notify: vec![],
        actions: vec![],
        journal: "/dev/null".into(),
        operator: "ana".into(),
        ascii: false,
    }
}

fn healthy(s: &gonogo::app::State) -> bool {
    ok(API_RATE)(s) && ok(CANARY)(s) && verdict_is(VerdictKind::Hold)(s)
}

/// Healthy, then `bad` on `endpoint`: condition `cond` unknown with `why` and the verdict
/// NO-GO; then healthy again without a restart. `source_error` is how the error the sources
/// panel shows begins, when the source failed as a whole (not just one value).
async fn fails_closed_and_recovers(
    endpoint: usize,
    bad: Answer,
    cond: usize,
    why: &str,
    source_error: Option<&str>,
) {
    let server = Server::new();
    let url = serve(server.clone()).await;
    let client = SourceClient::with_limit(CAP).unwrap();
    let mut c = Cockpit::with_client(setup(&url), client);
    c.until("a healthy start", healthy).await;

    server.set(endpoint, bad.clone());
    c.until(
        &format!("{bad:?}: condition unknown with {why:?}"),
        unknown_because(cond, why),
    )
    .await;
    let health = &c.state.sources[endpoint];
    match source_error {
        Some(e) => {
            assert!(health.consecutive_failures >= 1, "{}", c.describe());
            let shown = health.last_error.as_deref().unwrap_or_default();
            assert!(shown.starts_with(e), "{}", c.describe());
            let shown = c.condition(cond).why.clone().unwrap();
            assert!(
                shown.contains(e),
                "the condition names the source's error: {shown}"
            );
        }
        None => assert_eq!(
            health.last_error, None,
            "the source answers; only the value is unusable"
        ),
    }
    let reasons = &c.state.eval.verdict.reasons;
    assert!(!reasons.is_empty(), "NO-GO says what is missing");

    server.set(endpoint, Answer::Good);
    c.until(&format!("recovery after {bad:?}"), healthy).await;
    assert_eq!(c.state.sources[endpoint].last_error, None);
    assert_eq!(c.state.sources[endpoint].consecutive_failures, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_until_the_server_starts() {
    // A port nobody listens on yet: refused, then the server comes up on it.
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_listener.local_addr().unwrap();
    drop(std_listener);
    let url = format!("http://{addr}");
    let mut c = Cockpit::start(setup(&url));
    c.until("refused: both conditions unknown", |s| {
        unknown_because(API_RATE, "api: connection refused")(s)
            && unknown_because(CANARY, "prometheus: connection refused")(s)
    })
    .await;
    assert_eq!(
        c.state.sources[API].last_error.as_deref(),
        Some("connection refused")
    );
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    serve_on(listener, Server::new()).await;
    c.until("the late server is picked up", healthy).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out() {
    let e = "timeout after 1s";
    fails_closed_and_recovers(API, Answer::Slow, API_RATE, e, Some(e)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_drips_slower_than_the_timeout_times_out() {
    let e = "timeout after 1s";
    fails_closed_and_recovers(API, Answer::Drip, API_RATE, e, Some(e)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_fail_closed() {
    let e = "HTTP 404 Not Found";
    fails_closed_and_recovers(
        API,
        Answer::Raw(404, "text/plain", "no"),
        API_RATE,
        e,
        Some(e),
    )
    .await;
    let e = "HTTP 401 Unauthorized";
    fails_closed_and_recovers(
        API,
        Answer::Raw(401, "text/plain", ""),
        API_RATE,
        e,
        Some(e),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_fail_closed() {
    let e = "HTTP 503 Service Unavailable";
    let bad = Answer::Raw(503, "text/html", "<html>upstream</html>");
    fails_closed_and_recovers(API, bad.clone(), API_RATE, e, Some(e)).await;
    fails_closed_and_recovers(PROM, bad, CANARY, e, Some(e)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_page_instead_of_json_is_quoted() {
    let page = "<!DOCTYPE html><html><body>Please sign in</body></html>";
    let e = "not JSON: <!DOCTYPE html><html><body>Plea…";
    fails_closed_and_recovers(
        API,
        Answer::Raw(200, "text/html", page),
        API_RATE,
        e,
        Some(e),
    )
    .await;
    let e = "not JSON: <!DOCTYPE html><html><body>Plea…";
    fails_closed_and_recovers(
        PROM,
        Answer::Raw(200, "text/html", page),
        CANARY,
        e,
        Some(e),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prometheus_error_is_unknown_with_its_message() {
    let body = r#"{"status":"error","errorType":"execution","error":"query timed out in expression evaluation"}"#;
    fails_closed_and_recovers(
        PROM,
        Answer::Raw(422, "application/json", body),
        CANARY,
        "prometheus error: execution: query timed out in expression evaluation",
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_prometheus_result_is_unknown_never_zero() {
    let body = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
    fails_closed_and_recovers(
        PROM,
        Answer::Raw(200, "application/json", body),
        CANARY,
        "no data: empty result",
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_nan_and_infinity_are_unknown() {
    let nan = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}"#;
    let inf = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"+Inf"]}}"#;
    let json = "application/json";
    fails_closed_and_recovers(
        PROM,
        Answer::Raw(200, json, nan),
        CANARY,
        "value is NaN",
        None,
    )
    .await;
    fails_closed_and_recovers(
        PROM,
        Answer::Raw(200, json, inf),
        CANARY,
        "value is inf",
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_written_as_strings() {
    let json = "application/json";
    // A number in a string is still the number.
    let server = Server::new();
    let url = serve(server.clone()).await;
    let mut c = Cockpit::start(setup(&url));
    server.set(API, Answer::Raw(200, json, r#"{"data":{"rate":"0.02"}}"#));
    c.until("\"0.02\" read as 0.02", |s| {
        ok(API_RATE)(s) && s.eval.conditions[API_RATE].value == Some(0.02)
    })
    .await;
    server.set(API, Answer::Raw(200, json, r#"{"data":{"rate":"0.09"}}"#));
    c.until("\"0.09\" breaches like 0.09", |s| {
        s.eval.conditions[API_RATE].state == CondState::Breached
            && s.eval.verdict.kind == VerdictKind::RollbackAdvised
    })
    .await;
    drop(c);
    // NaN, infinity and words in strings are unknown.
    let cases = [
        (r#"{"data":{"rate":"NaN"}}"#, "value is NaN"),
        (r#"{"data":{"rate":"+Inf"}}"#, "value is inf"),
        (r#"{"data":{"rate":"high"}}"#, "not a number: high"),
    ];
    for (body, why) in cases {
        fails_closed_and_recovers(API, Answer::Raw(200, json, body), API_RATE, why, None).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_says_where() {
    let bad = Answer::Raw(200, "application/json", r#"{"data": {"rate": 0.0"#);
    let e = "bad JSON: EOF while parsing an object at line 1 column 21";
    fails_closed_and_recovers(API, bad, API_RATE, e, Some(e)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_json_without_the_path() {
    let bad = Answer::Raw(200, "application/json", r#"{"data":{"errors":3}}"#);
    fails_closed_and_recovers(API, bad, API_RATE, "no value at /data/rate", None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn null_text_and_out_of_range_values() {
    let json = "application/json";
    let cases = [
        (r#"{"data":{"rate":null}}"#, "null at /data/rate"),
        (r#"{"data":{"rate":true}}"#, "not a number: true"),
        (
            r#"{"data":{"rate":{"value":1}}}"#,
            "not a value at /data/rate (object)",
        ),
    ];
    for (body, why) in cases {
        fails_closed_and_recovers(API, Answer::Raw(200, json, body), API_RATE, why, None).await;
    }
    // JSON has no infinity: a number too large for a double does not parse at all.
    let huge = Answer::Raw(200, json, r#"{"data":{"rate":1e999}}"#);
    let e = "bad JSON: number out of range";
    fails_closed_and_recovers(API, huge, API_RATE, e, Some(e)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_far_over_the_cap() {
    let e = "response over 64 KiB";
    fails_closed_and_recovers(API, Answer::Big(16 * CAP), API_RATE, e, Some(e)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flapping_source_is_never_shown_healthy_after_a_failed_poll() {
    let server = Server::new();
    let url = serve(server.clone()).await;
    let mut c = Cockpit::start(setup(&url));
    c.until("a healthy start", healthy).await;
    server.set(API, Answer::Flap);
    let (mut bad, mut good) = (0, 0);
    while bad < 3 || good < 3 {
        let o = c.next_poll_of(API).await;
        match o.outcome {
            Outcome::Failed(e) => {
                bad += 1;
                assert_eq!(e, "HTTP 503 Service Unavailable");
                assert!(
                    unknown_because(API_RATE, "api: HTTP 503")(&c.state),
                    "right after a failed poll: {}",
                    c.describe()
                );
            }
            Outcome::Readings(_) => {
                good += 1;
                assert!(
                    ok(API_RATE)(&c.state),
                    "after a good poll: {}",
                    c.describe()
                );
            }
        }
        assert!(
            c.state.sources[API].consecutive_failures <= 1,
            "failures alternate with successes"
        );
    }
    server.set(API, Answer::Good);
    c.until("steady again", healthy).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_down_for_many_polls_recovers_after_its_backoff() {
    let server = Server::new();
    let url = serve(server.clone()).await;
    let mut c = Cockpit::start(setup(&url));
    c.until("a healthy start", healthy).await;
    server.set(PROM, Answer::Raw(502, "text/plain", "bad gateway"));
    c.until("five failures in a row", |s| {
        s.sources[PROM].consecutive_failures >= 5
    })
    .await;
    assert!(
        unknown_because(CANARY, "prometheus: HTTP 502 Bad Gateway")(&c.state),
        "{}",
        c.describe()
    );
    server.set(PROM, Answer::Good);
    c.until("recovery", healthy).await;
    assert!(
        c.state
            .log
            .iter()
            .any(|l| l.text == "source prometheus: answering again"),
        "the log says the source is back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jq_program_that_runs_too_long_is_cut_off_and_the_cockpit_goes_on() {
    let server = Server::new();
    let url = serve(server.clone()).await;
    let mut s = setup(&url);
    // Seconds of work: far more than the timeout, and it ends by itself.
    let slow = Extract::Jq("last(range(60000000))".into());
    s.sources[API].signals[0].1 = slow.clone();
    s.sources[API].timeout = Duration::from_millis(300);
    s.signals[0].extract = slow;
    let mut c = Cockpit::start(s);
    c.until(
        "the jq program is cut off at the timeout",
        unknown_because(API_RATE, "api: jq program still running after 300ms"),
    )
    .await;
    c.until("the other source goes on", ok(CANARY)).await;
    assert_eq!(
        c.state.sources[API].last_error.as_deref(),
        Some("jq program still running after 300ms")
    );
}
