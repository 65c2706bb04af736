//! Webhooks sent to real HTTP servers on 127.0.0.1: what arrives, and when a request is (and is
//! never) sent again.

use axum::Router;
use axum::extract::Request as HttpRequest;
use axum::http::{HeaderMap, StatusCode};
use gonogo::actions::{Outcome, RetryPolicy, TemplateError, Vars, build_request, send, summary};
use gonogo::secret::Secret;
use gonogo::setup::{ActionSpec, BodyKind};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// What the test server does with the n-th request; the last entry repeats.
#[derive(Clone, Copy)]
enum Reply {
    Status(u16, &'static str),
    /// Sleep (longer than the client waits), then answer 200.
    Hang(Duration),
    /// 307 to a port where nothing listens.
    Redirect,
}

#[derive(Clone)]
struct Received {
    path: String,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Received>>>);

impl Seen {
    fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    fn get(&self, i: usize) -> Received {
        self.0.lock().unwrap()[i].clone()
    }
    async fn wait_for(&self, n: usize) {
        let start = Instant::now();
        while self.count() < n {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "server saw {} of {n}",
                self.count()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn serve(listener: TcpListener, replies: Vec<Reply>) -> Seen {
    let seen = Seen::default();
    let log = seen.clone();
    let app = Router::new().fallback(move |req: HttpRequest| {
        let log = log.clone();
        let replies = replies.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
            let n = {
                let mut log = log.0.lock().unwrap();
                log.push(Received {
                    path: parts.uri.path().to_string(),
                    query: parts.uri.query().unwrap_or("").to_string(),
                    headers: parts.headers,
                    body,
                });
                log.len() - 1
            };
            let location = format!("http://127.0.0.1:{}/elsewhere", free_port());
            let (code, text) = match replies[n.min(replies.len() - 1)] {
                Reply::Status(code, text) => (StatusCode::from_u16(code).unwrap(), text),
                Reply::Hang(d) => {
                    tokio::time::sleep(d).await;
                    (StatusCode::OK, "late")
                }
                Reply::Redirect => (StatusCode::TEMPORARY_REDIRECT, "moved"),
            };
            (code, [(axum::http::header::LOCATION, location)], text)
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    seen
}

async fn server(replies: Vec<Reply>) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (base, serve(listener, replies).await)
}

/// A port nothing listens on (bound, then released).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn client() -> reqwest::Client {
    gonogo::actions::client_builder()
        .no_proxy()
        .build()
        .unwrap()
}

fn spec(url: String, body: &str, kind: BodyKind) -> ActionSpec {
    ActionSpec {
        name: "promote".into(),
        method: "POST".into(),
        url,
        headers: vec![("X-Deploy-Token".into(), Secret::new("tok-s3cr3t-value"))],
        body: Some(body.into()),
        body_kind: kind,
        idempotent: false,
        timeout: Duration::from_secs(10),
        tls: None,
    }
}

const NASTY: &str = "said \"stop\" at C:\\logs\\\nthen \t🚀 ünïcode \u{1} \u{7f} {{reason}} }";

fn vars() -> Vars {
    Vars::new()
        .with("release", "checkout api/v2")
        .with("version", "1.4.0")
        .with("reason", NASTY)
        .with("to_traffic", 25.0)
        .with("commit", Value::Null)
        .with("action_id", "act-7f3a")
}

fn policy(deadline_ms: u64) -> RetryPolicy {
    RetryPolicy {
        deadline: Duration::from_millis(deadline_ms),
        first_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
    }
}

#[tokio::test]
async fn webhook_arrives_with_valid_json_the_key_and_the_secret_header() {
    let (base, seen) = server(vec![Reply::Status(200, "{\"accepted\":\n true}")]).await;
    let body = r#"{"release": "{{release}}", "reason": "{{reason}}", "note": "by ops: {{reason}}",
        "to": {{to_traffic}}, "to_str": "{{to_traffic}}", "commit": {{commit}},
        "status": {"abort": null}}"#;
    let url =
        format!("{base}/hooks/{{{{release}}}}/promote?reason={{{{reason}}}}&v={{{{version}}}}");
    let req = build_request(&spec(url, body, BodyKind::Json), &vars()).unwrap();
    let (outcome, attempts) = send(
        &client(),
        &req,
        "act-7f3a",
        false,
        Duration::from_secs(10),
        &policy(5000),
    )
    .await;

    assert_eq!(attempts, 1);
    match &outcome {
        Outcome::Succeeded {
            status, excerpt, ..
        } => {
            assert_eq!(*status, 200);
            assert_eq!(excerpt, "{\"accepted\": true}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(seen.count(), 1);
    let got = seen.get(0);
    let json: Value = serde_json::from_slice(&got.body).expect("the body is valid JSON");
    assert_eq!(
        json,
        json!({
            "release": "checkout api/v2",
            "reason": NASTY,
            "note": format!("by ops: {NASTY}"),
            "to": 25,
            "to_str": 25,
            "commit": null,
            "status": {"abort": null}
        })
    );
    assert_eq!(got.headers["idempotency-key"], "act-7f3a");
    assert_eq!(got.headers["x-deploy-token"], "tok-s3cr3t-value");
    assert_eq!(got.headers["content-type"], "application/json");
    // A value cannot add a path segment or a query parameter.
    assert_eq!(got.path, "/hooks/checkout%20api%2Fv2/promote");
    let query: Vec<(String, String)> = form_urlencoded::parse(got.query.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(
        query,
        [
            ("reason".into(), NASTY.into()),
            ("v".into(), "1.4.0".into())
        ]
    );

    let line = summary(&req);
    assert!(line.starts_with(&format!("POST {base}/hooks/")), "{line}");
    for shown in [line, outcome.line(), format!("{req:?}")] {
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}

#[tokio::test]
async fn form_bodies_arrive_form_encoded() {
    let (base, seen) = server(vec![Reply::Status(204, "")]).await;
    let spec = spec(
        format!("{base}/trigger"),
        "ref=main&vars[REASON]={{reason}}&vars[PCT]={{to_traffic}}",
        BodyKind::Form,
    );
    let req = build_request(&spec, &vars()).unwrap();
    let (outcome, _) = send(
        &client(),
        &req,
        "a1",
        false,
        Duration::from_secs(10),
        &policy(5000),
    )
    .await;
    assert!(
        matches!(outcome, Outcome::Succeeded { status: 204, .. }),
        "{outcome:?}"
    );
    let got = seen.get(0);
    assert_eq!(
        got.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&got.body).into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("ref".into(), "main".into()),
            ("vars[REASON]".into(), NASTY.into()),
            ("vars[PCT]".into(), "25".into())
        ]
    );
}

#[tokio::test]
async fn connection_refused_is_retried_until_the_server_appears() {
    let port = free_port();
    let req = build_request(
        &spec(
            format!("http://127.0.0.1:{port}/hooks"),
            "{}",
            BodyKind::Json,
        ),
        &vars(),
    )
    .unwrap();
    let sending = tokio::spawn(async move {
        send(
            &client(),
            &req,
            "act-1",
            false,
            Duration::from_secs(10),
            &policy(20_000),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let seen = serve(listener, vec![Reply::Status(200, "ok")]).await;

    let (outcome, attempts) = sending.await.unwrap();
    assert!(
        matches!(outcome, Outcome::Succeeded { status: 200, .. }),
        "{outcome:?}"
    );
    assert!(attempts > 1, "attempts {attempts}");
    assert_eq!(seen.count(), 1);
    assert_eq!(seen.get(0).headers["idempotency-key"], "act-1");
}

#[tokio::test]
async fn a_target_that_never_answers_fails_as_never_received() {
    let port = free_port();
    let req = build_request(
        &spec(
            format!("http://127.0.0.1:{port}/hooks"),
            "{}",
            BodyKind::Json,
        ),
        &vars(),
    )
    .unwrap();
    let (outcome, attempts) = send(
        &client(),
        &req,
        "act-2",
        true,
        Duration::from_secs(5),
        &policy(1500),
    )
    .await;
    assert!(attempts > 1, "attempts {attempts}");
    match outcome {
        Outcome::Failed {
            status: None,
            reason,
            ..
        } => {
            assert!(
                reason.starts_with("could not connect: tcp connect error: Connection refused"),
                "{reason}"
            );
            assert!(reason.contains("never received"), "{reason}");
            assert!(!reason.contains("/hooks"), "no URL in the reason: {reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_503_is_unknown_and_not_resent() {
    let (base, seen) = server(vec![Reply::Status(503, "upstream busy")]).await;
    let req = build_request(
        &spec(format!("{base}/hooks"), "{}", BodyKind::Json),
        &vars(),
    )
    .unwrap();
    let (outcome, attempts) = send(
        &client(),
        &req,
        "act-3",
        false,
        Duration::from_secs(10),
        &policy(5000),
    )
    .await;
    assert_eq!(attempts, 1);
    match outcome {
        Outcome::Unknown {
            status,
            reason,
            what_to_check,
            excerpt,
            ..
        } => {
            assert_eq!(status, Some(503));
            assert!(
                reason.contains("HTTP 503 after the request was sent"),
                "{reason}"
            );
            assert!(what_to_check.contains("127.0.0.1"), "{what_to_check}");
            assert_eq!(excerpt, "upstream busy");
        }
        other => panic!("{other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(seen.count(), 1);
}

#[tokio::test]
async fn a_timeout_is_unknown_and_not_resent() {
    let (base, seen) = server(vec![Reply::Hang(Duration::from_secs(5))]).await;
    let req = build_request(
        &spec(format!("{base}/hooks"), "{}", BodyKind::Json),
        &vars(),
    )
    .unwrap();
    let (outcome, attempts) = send(
        &client(),
        &req,
        "act-4",
        false,
        Duration::from_secs(1),
        &policy(5000),
    )
    .await;
    assert_eq!(attempts, 1);
    match outcome {
        Outcome::Unknown {
            status: None,
            reason,
            what_to_check,
            ..
        } => {
            assert!(reason.starts_with("timeout after 1s"), "{reason}");
            assert!(reason.contains("may or may not have acted"), "{reason}");
            assert!(
                what_to_check.starts_with("check 127.0.0.1:"),
                "{what_to_check}"
            );
        }
        other => panic!("{other:?}"),
    }
    seen.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(seen.count(), 1);
}

#[tokio::test]
async fn an_idempotent_target_gets_the_503_retried_with_the_same_key() {
    let (base, seen) = server(vec![
        Reply::Status(503, "busy"),
        Reply::Status(502, "busy"),
        Reply::Status(200, "done"),
    ])
    .await;
    let req = build_request(
        &spec(format!("{base}/hooks"), "{}", BodyKind::Json),
        &vars(),
    )
    .unwrap();
    let (outcome, attempts) = send(
        &client(),
        &req,
        "act-5",
        true,
        Duration::from_secs(10),
        &policy(20_000),
    )
    .await;
    assert!(
        matches!(outcome, Outcome::Succeeded { status: 200, .. }),
        "{outcome:?}"
    );
    assert_eq!(attempts, 3);
    assert_eq!(seen.count(), 3);
    for i in 0..3 {
        assert_eq!(seen.get(i).headers["idempotency-key"], "act-5");
    }
}

#[tokio::test]
async fn an_idempotent_target_gets_the_timeout_retried() {
    let (base, seen) = server(vec![Reply::Hang(Duration::from_secs(5))]).await;
    let req = build_request(
        &spec(format!("{base}/hooks"), "{}", BodyKind::Json),
        &vars(),
    )
    .unwrap();
    let (outcome, attempts) = send(
        &client(),
        &req,
        "act-6",
        true,
        Duration::from_secs(1),
        &policy(3000),
    )
    .await;
    assert!(attempts > 1, "attempts {attempts}");
    match outcome {
        Outcome::Unknown { reason, .. } => {
            assert!(
                reason.contains(&format!("after {attempts} attempts")),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    seen.wait_for(2).await;
    assert_eq!(seen.get(1).headers["idempotency-key"], "act-6");
}

#[tokio::test]
async fn a_400_is_never_retried_even_for_an_idempotent_target() {
    for idempotent in [false, true] {
        let (base, seen) = server(vec![Reply::Status(400, "bad weight: \"x\"\n")]).await;
        let req = build_request(
            &spec(format!("{base}/hooks"), "{}", BodyKind::Json),
            &vars(),
        )
        .unwrap();
        let (outcome, attempts) = send(
            &client(),
            &req,
            "act-7",
            idempotent,
            Duration::from_secs(10),
            &policy(5000),
        )
        .await;
        assert_eq!(attempts, 1);
        match outcome {
            Outcome::Failed {
                status, excerpt, ..
            } => {
                assert_eq!(status, Some(400));
                assert_eq!(excerpt, "bad weight: \"x\"");
            }
            other => panic!("{other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(seen.count(), 1);
    }
}

#[test]
fn broken_templates_are_refused_before_anything_is_sent() {
    let s = spec("http://127.0.0.1:9/{{stage}}".into(), "{}", BodyKind::Json);
    match build_request(&s, &vars()) {
        Err(TemplateError::Unknown { name, known, place }) => {
            assert_eq!((name.as_str(), place), ("stage", "URL"));
            assert!(known.contains(&"release".to_string()));
        }
        other => panic!("{other:?}"),
    }
    let s = spec(
        "http://127.0.0.1:9/x".into(),
        r#"{"to": {{to_traffic}} "reason": "{{reason}}"}"#,
        BodyKind::Json,
    );
    let err = build_request(&s, &vars()).unwrap_err();
    assert!(
        matches!(err, TemplateError::InvalidJson { line: 1, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("near"), "{err}");
}

#[tokio::test]
async fn a_refusal_after_an_ambiguous_attempt_stays_unknown() {
    // The first attempt may have done the action; the retry's 409 does not say it did not.
    let (base, seen) = server(vec![
        Reply::Status(503, "busy"),
        Reply::Status(409, "key already used"),
    ])
    .await;
    let req = build_request(
        &spec(format!("{base}/hooks"), "{}", BodyKind::Json),
        &vars(),
    )
    .unwrap();
    let (outcome, attempts) = send(
        &client(),
        &req,
        "act-8",
        true,
        Duration::from_secs(10),
        &policy(20_000),
    )
    .await;
    assert_eq!(attempts, 2);
    assert_eq!(seen.count(), 2);
    match outcome {
        Outcome::Unknown {
            status,
            reason,
            excerpt,
            ..
        } => {
            assert_eq!(status, Some(409));
            assert!(
                reason.contains("an earlier attempt may have reached the target"),
                "{reason}"
            );
            assert_eq!(excerpt, "key already used");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_is_unknown() {
    let (base, seen) = server(vec![Reply::Redirect]).await;
    let req = build_request(
        &spec(format!("{base}/hooks"), "{}", BodyKind::Json),
        &vars(),
    )
    .unwrap();
    let (outcome, attempts) = send(
        &client(),
        &req,
        "act-9",
        false,
        Duration::from_secs(10),
        &policy(5000),
    )
    .await;
    assert_eq!(attempts, 1);
    assert_eq!(seen.count(), 1);
    match outcome {
        Outcome::Unknown { status, reason, .. } => {
            assert_eq!(status, Some(307));
            assert!(reason.contains("not followed"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}
