//! A server whose answers a test changes while the cockpit runs (good, slow, dripping, an
//! error page, a broken body, …), and a small release reading it: one http source and one
//! prometheus source, a condition on each, one stage baking for an hour.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gonogo::core::condition::{ConditionSpec, Persistence, Threshold, Unit};
use gonogo::core::gate::{GateCheck, GateSpec, Tier};
use gonogo::core::plan::{Plan, Stage};
use gonogo::setup::{Extract, ReleaseInfo, Setup, SignalSpec, SourceKind, SourceSpec};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const API: usize = 0;
pub const PROM: usize = 1;
/// Condition ids: the API's error rate (http source), the canary's (prometheus source).
pub const API_RATE: usize = 0;
pub const CANARY: usize = 1;
pub const TIMEOUT: Duration = Duration::from_secs(1);
pub const CAP: usize = 64 * 1024;

/// What an endpoint answers now; the test changes it while the cockpit runs.
#[derive(Clone, Debug)]
pub enum Answer {
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
pub struct Server {
    api: Arc<Mutex<Answer>>,
    prom: Arc<Mutex<Answer>>,
    calls: Arc<AtomicUsize>,
}

impl Server {
    pub fn new() -> Self {
        Server {
            api: Arc::new(Mutex::new(Answer::Good)),
            prom: Arc::new(Mutex::new(Answer::Good)),
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }
    pub fn set(&self, endpoint: usize, answer: Answer) {
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

pub async fn serve_on(listener: tokio::net::TcpListener, server: Server) {
    tokio::spawn(async move { axum::serve(listener, routes(server)).await.unwrap() });
}

pub async fn serve(server: Server) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    serve_on(listener, server).await;
    url
}

/// A release with one stage baking for an hour: healthy is HOLD, anything unknown is NO-GO.
pub fn setup(url: &str) -> Setup {
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
        tls: None,
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
        min_traffic: None,
        observe: false,
        compare: None,
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
                failure_limit: None,
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
        keys: Default::default(),
        notify: vec![],
        actions: vec![],
        journal: "/dev/null".into(),
        shared_journal: None,
        operator: "ana".into(),
        ascii: false,
        bell: true,
        theme: Default::default(),
        automation: Default::default(),
    }
}
