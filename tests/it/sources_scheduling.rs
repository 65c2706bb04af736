//! Scheduling against a real server on 127.0.0.1: a limit on requests in flight across
//! sources, backoff while a source fails, and the normal pace again once it answers.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use gonogo::app::Msg;
use gonogo::core::reading::{Observation, Outcome};
use gonogo::setup::{Extract, SourceKind, SourceSpec};
use gonogo::sources::{SourceClient, spawn_pollers};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::Receiver;

const DEADLINE: Duration = Duration::from_secs(30);

#[derive(Clone, Default)]
struct World {
    in_flight: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    healthy: Arc<AtomicBool>,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

fn routes(world: World) -> Router {
    Router::new()
        .route(
            "/slow",
            get(|State(w): State<World>| async move {
                let now = w.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                w.most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
                w.in_flight.fetch_sub(1, Ordering::SeqCst);
                ([("content-type", "application/json")], r#"{"v":1}"#)
            }),
        )
        .route(
            "/flaky",
            get(|State(w): State<World>| async move {
                w.arrivals.lock().unwrap().push(Instant::now());
                if w.healthy.load(Ordering::SeqCst) {
                    ([("content-type", "application/json")], r#"{"v":1}"#).into_response()
                } else {
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                }
            }),
        )
        .with_state(world)
}

async fn serve(world: World) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, routes(world)).await.unwrap() });
    url
}

fn source(name: &str, url: String, interval: Duration) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind: SourceKind::Http,
        url,
        method: "GET".into(),
        headers: vec![],
        body: None,
        interval,
        timeout: Duration::from_secs(5),
        stale_after: interval * 3,
        signals: vec![(0, Extract::Pointer("/v".into()))],
        tls: None,
    }
}

async fn next_observation(rx: &mut Receiver<Msg>) -> Observation {
    match tokio::time::timeout(DEADLINE, rx.recv()).await {
        Ok(Some(Msg::Observation(o))) => o,
        other => panic!("expected an observation, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_across_sources_stay_within_the_client_limit() {
    let world = World::default();
    let url = serve(world.clone()).await;
    let sources: Vec<SourceSpec> = (0..6)
        .map(|i| {
            source(
                &format!("s{i}"),
                format!("{url}/slow"),
                Duration::from_millis(50),
            )
        })
        .collect();
    let client = SourceClient::with_limits(gonogo::sources::DEFAULT_BODY_LIMIT, 2).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let pollers = spawn_pollers(&sources, &client, tx);
    for _ in 0..18 {
        let o = next_observation(&mut rx).await;
        assert!(
            matches!(o.outcome, Outcome::Readings(_)),
            "waiting for a turn is not a timeout: {:?}",
            o.outcome
        );
    }
    // Read before the pollers stop: stopping them cancels their requests one by one, and a
    // request cancelled gives its turn to another while the server still answers the first.
    let most = world.most.load(Ordering::SeqCst);
    drop(pollers);
    assert_eq!(most, 2, "six sources, never more than two requests at once");
}

/// Gaps between consecutive requests the server saw.
fn gaps(world: &World) -> Vec<Duration> {
    let times = world.arrivals.lock().unwrap();
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_is_polled_less_often_until_it_answers_again() {
    let world = World::default();
    let url = serve(world.clone()).await;
    let interval = Duration::from_millis(200);
    let client = SourceClient::new().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let pollers = spawn_pollers(
        &[source("flaky", format!("{url}/flaky"), interval)],
        &client,
        tx,
    );

    // Five failures in a row: waits of 1, 2, 4 and 8 intervals (each at least 90% of that).
    for _ in 0..5 {
        let o = next_observation(&mut rx).await;
        assert_eq!(
            o.outcome,
            Outcome::Failed("HTTP 503 Service Unavailable".into())
        );
    }
    let failing = gaps(&world);
    for (i, factor) in [1u32, 2, 4, 8].iter().enumerate() {
        let least = (interval * *factor).mul_f64(0.9);
        assert!(
            failing[i] >= least,
            "gap {i} after {} failures was {:?}, expected at least {least:?}",
            i + 1,
            failing[i]
        );
    }

    world.healthy.store(true, Ordering::SeqCst);
    // The source recovers on its next (backed-off) poll, then keeps the normal pace.
    loop {
        let o = next_observation(&mut rx).await;
        if matches!(o.outcome, Outcome::Readings(_)) {
            break;
        }
    }
    let before = world.arrivals.lock().unwrap().len();
    for _ in 0..3 {
        let o = next_observation(&mut rx).await;
        assert!(matches!(o.outcome, Outcome::Readings(_)), "{:?}", o.outcome);
    }
    drop(pollers);
    let after: Vec<Duration> = gaps(&world)[before - 1..].to_vec();
    let capped = (interval * 8).mul_f64(0.9);
    assert!(
        after.iter().any(|g| *g < capped),
        "after recovery the source is polled at its interval again, gaps were {after:?}"
    );
}
