//! Every way a source fails, asserted where an operator would notice: the real pollers against
//! a real server on 127.0.0.1, their messages fed to `app::update`. In every case the affected
//! condition turns unknown and says why, the verdict fails closed (NO-GO UNTIL VERIFIED), the
//! source panel shows the error, and once the server behaves again the cockpit recovers
//! without a restart.

use crate::support::cockpit;

use crate::support::flaky;

use cockpit::{Cockpit, ok, unknown_because, verdict_is};
use flaky::{API, API_RATE, Answer, CANARY, CAP, PROM, Server, serve, serve_on, setup};
use gonogo::app::SourceStatus;
use gonogo::core::condition::CondState;
use gonogo::core::reading::Outcome;
use gonogo::core::verdict::VerdictKind;
use gonogo::setup::Extract;
use gonogo::sources::SourceClient;
use std::time::Duration;

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
    let health = &c.state.release.sources[endpoint];
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
        None => {
            // The source answers, but its value cannot be used: the panel shows it failing
            // (BAD, not DOWN) with the reason, and the condition names the source.
            let view = &c.state.release.eval.sources[endpoint];
            assert_eq!(view.status, SourceStatus::Unusable, "{}", c.describe());
            let shown = health.last_error.as_deref().unwrap_or_default();
            assert!(shown.contains(why), "the panel says why: {}", c.describe());
            let name = &c.state.setup.sources[endpoint].name;
            let shown = c.condition(cond).why.clone().unwrap();
            assert!(
                shown.starts_with(&format!("{name}: ")),
                "the condition names the source: {shown}"
            );
        }
    }
    let reasons = &c.state.release.eval.verdict.reasons;
    assert!(!reasons.is_empty(), "NO-GO says what is missing");

    server.set(endpoint, Answer::Good);
    c.until(&format!("recovery after {bad:?}"), healthy).await;
    assert_eq!(c.state.release.sources[endpoint].last_error, None);
    assert_eq!(c.state.release.sources[endpoint].consecutive_failures, 0);
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
        c.state.release.sources[API].last_error.as_deref(),
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
        "HTTP 422: execution: query timed out in expression evaluation",
        None,
    )
    .await;
    // A query Prometheus cannot parse: 400 and its envelope, an error too.
    let body = r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error"}"#;
    fails_closed_and_recovers(
        PROM,
        Answer::Raw(400, "application/json", body),
        CANARY,
        "HTTP 400: bad_data: 1:5: parse error",
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
        ok(API_RATE)(s) && s.release.eval.conditions[API_RATE].value == Some(0.02)
    })
    .await;
    server.set(API, Answer::Raw(200, json, r#"{"data":{"rate":"0.09"}}"#));
    c.until("\"0.09\" breaches like 0.09", |s| {
        s.release.eval.conditions[API_RATE].state == CondState::Breached
            && s.release.eval.verdict.kind == VerdictKind::RollbackAdvised
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
            c.state.release.sources[API].consecutive_failures <= 1,
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
        s.release.sources[PROM].consecutive_failures >= 5
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
            .screen
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
        c.state.release.sources[API].last_error.as_deref(),
        Some("jq program still running after 300ms")
    );
}
