//! The demo end to end: the simulator over real HTTP, the real pollers, and the app's `update`
//! deciding the verdict as the canary bakes, regresses and is rolled back.

use crate::support::cockpit;
use chrono::Utc;
use gonogo::app::{Msg, State, update};
use gonogo::core::condition::CondState;
use gonogo::core::reading::{Outcome, Reading};
use gonogo::core::verdict::VerdictKind;
use gonogo::demo::{Scenario, Simulator};
use gonogo::setup::{Extract, Setup, SourceSpec};
use gonogo::sources::{SourceClient, poll, spawn_pollers};
use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;

mod setup;
use setup::demo_setup;

const DEADLINE: Duration = Duration::from_secs(30);

/// The app fed by the real pollers, as the runtime does it (without a terminal or journal).
struct Cockpit {
    state: State,
    rx: Receiver<Msg>,
    /// Every verdict shown, in order, without repeats.
    verdicts: Vec<VerdictKind>,
}

impl Cockpit {
    fn new(setup: Setup, rx: Receiver<Msg>) -> Self {
        let context = cockpit::context(&setup);
        let (state, _) = cockpit::start(setup, context);
        let verdicts = vec![state.release.eval.verdict.kind];
        Cockpit {
            state,
            rx,
            verdicts,
        }
    }

    /// Feed observations (and a tick when none comes) until `done` holds or the deadline passes.
    async fn run_until(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !done(&self.state) {
            assert!(
                Instant::now() < deadline,
                "{what} did not happen; verdicts so far: {:?}, reasons now: {:?}",
                self.verdicts,
                self.state.release.eval.verdict.reasons
            );
            let msg = match tokio::time::timeout(Duration::from_millis(250), self.rx.recv()).await {
                Ok(Some(msg)) => msg,
                Ok(None) => panic!("the pollers stopped"),
                Err(_) => Msg::Tick,
            };
            update(&mut self.state, msg, Utc::now());
            let kind = self.state.release.eval.verdict.kind;
            if self.verdicts.last() != Some(&kind) {
                self.verdicts.push(kind);
            }
        }
    }
}

fn verdict_is(kind: VerdictKind) -> impl Fn(&State) -> bool {
    move |s| s.release.eval.verdict.kind == kind
}

/// `wanted` appears in `seen` in this order (other verdicts may come between).
fn in_order(seen: &[VerdictKind], wanted: &[VerdictKind]) -> bool {
    let mut it = seen.iter();
    wanted.iter().all(|w| it.any(|s| s == w))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_canary_bakes_goes_then_regresses_and_a_rollback_heals_it() {
    let scenario = Scenario {
        regress_after: Duration::from_secs(6),
        ramp: Duration::from_secs(1),
        ..Scenario::default()
    };
    let sim = gonogo::demo::start(scenario).await.unwrap();
    let setup = demo_setup(&sim.url);
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    let client = SourceClient::new().unwrap();
    let _pollers = spawn_pollers(&setup.sources, &client, tx);
    let mut cockpit = Cockpit::new(setup, rx);

    cockpit.run_until("GO", verdict_is(VerdictKind::Go)).await;
    cockpit
        .run_until("ROLLBACK ADVISED", verdict_is(VerdictKind::RollbackAdvised))
        .await;
    use VerdictKind::*;
    assert!(
        in_order(&cockpit.verdicts, &[Hold, Go, RollbackAdvised]),
        "verdicts went {:?}",
        cockpit.verdicts
    );
    let reasons: Vec<&str> = cockpit
        .state
        .release
        .eval
        .verdict
        .reasons
        .iter()
        .map(|r| r.text.as_str())
        .collect();
    assert!(
        reasons.iter().any(|r| {
            [
                "Canary error rate:",
                "Errors vs baseline:",
                "Canary p95 latency:",
            ]
            .iter()
            .any(|label| r.starts_with(label))
        }),
        "the breach is named: {reasons:?}"
    );
    assert!(sim.state().regressing);

    let answer = reqwest::Client::new()
        .post(format!("{}/hooks/rollback", sim.url))
        .header("Idempotency-Key", "rollback-1")
        .header("content-type", "application/json")
        .body(r#"{"release": "checkout-api", "reason": "error rate"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let after = sim.state();
    assert_eq!(
        (after.traffic, after.rollbacks, after.regressing),
        (0.0, 1, false)
    );
    let hook = after.hooks.last().unwrap();
    assert_eq!(hook.idempotency_key.as_deref(), Some("rollback-1"));
    assert!(hook.body.contains("error rate"));

    cockpit
        .run_until("the error rate recovering", |s| {
            s.release.eval.conditions[0].state == CondState::Ok
                && s.release.eval.conditions[2].state == CondState::Ok
        })
        .await;
    assert_ne!(cockpit.state.release.eval.verdict.kind, RollbackAdvised);
    cockpit
        .run_until("the flag showing the traffic gone", |s| {
            s.release.observed.is_some_and(|(share, _)| share == 0.0)
        })
        .await;
}

async fn poll_once(spec: &SourceSpec) -> Outcome {
    let client = SourceClient::new().unwrap();
    tokio::time::timeout(DEADLINE, poll(&client, spec))
        .await
        .unwrap()
        .outcome
}

fn traffic_source(sim: &Simulator) -> SourceSpec {
    demo_setup(&sim.url).sources[2].clone()
}

#[tokio::test]
async fn promotes_walk_the_plan_once_per_idempotency_key() {
    let sim = gonogo::demo::start(Scenario::default()).await.unwrap();
    let flag = traffic_source(&sim);
    let rollout = |o: Outcome| match o {
        Outcome::Readings(r) => r[1].1.clone(),
        Outcome::Failed(e) => panic!("{e}"),
    };
    assert_eq!(rollout(poll_once(&flag).await), Reading::Text("1".into()));

    let http = reqwest::Client::new();
    let promote = |key: &'static str| {
        http.post(format!("{}/hooks/promote", sim.url))
            .header("Idempotency-Key", key)
            .body(r#"{"to_traffic": 5}"#)
            .send()
    };
    let json = |r: reqwest::Response| async move {
        serde_json::from_slice::<serde_json::Value>(&r.bytes().await.unwrap()).unwrap()
    };
    let first = json(promote("p-1").await.unwrap()).await;
    let retried = json(promote("p-1").await.unwrap()).await;
    assert_eq!(first, retried, "a retry gets the same answer");
    assert_eq!(first["traffic"], 5.0);
    assert_eq!(sim.state().promotes, 1, "a retry is not a second promote");
    assert_eq!(sim.state().hooks.len(), 2, "both calls are recorded");
    assert_eq!(rollout(poll_once(&flag).await), Reading::Text("5".into()));

    promote("p-2").await.unwrap();
    assert_eq!(sim.state().traffic, 10.0);
    assert_eq!(rollout(poll_once(&flag).await), Reading::Text("10".into()));
}

#[tokio::test]
async fn an_operator_moves_the_rollout_by_hand_through_the_admin_api() {
    let sim = gonogo::demo::start(Scenario::default()).await.unwrap();
    let flag = traffic_source(&sim);
    let strategies = format!(
        "{}/api/admin/projects/default/features/checkout-v2/environments/production/strategies",
        sim.url
    );
    let http = reqwest::Client::new();
    let put = |id: &str, rollout: serde_json::Value| {
        let body =
            serde_json::json!({"name": "flexibleRollout", "parameters": {"rollout": rollout}});
        http.put(format!("{strategies}/{id}"))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
    };
    let status = |id: &'static str, rollout: serde_json::Value| {
        let sent = put(id, rollout);
        async move { sent.await.unwrap().status().as_u16() }
    };
    assert_eq!(status("release-rollout", "3".into()).await, 200);
    assert_eq!(sim.state().traffic, 3.0);
    assert_eq!(
        poll_once(&flag).await,
        Outcome::Readings(vec![
            (6, Reading::Bool(true)),
            (7, Reading::Text("3".into()))
        ])
    );
    assert_eq!(status("release-rollout", "101".into()).await, 400);
    assert_eq!(status("release-rollout", "most".into()).await, 400);
    assert_eq!(status("another", 5.into()).await, 404);
    assert_eq!(sim.state().traffic, 3.0, "a refused change changes nothing");
    assert_eq!(status("release-rollout", 1.into()).await, 200);
    assert_eq!(sim.state().traffic, 1.0);
    assert_eq!(
        sim.state().promotes,
        0,
        "not a promote: the cockpit was not asked"
    );
}

#[tokio::test]
async fn the_simulated_providers_answer_like_the_real_ones() {
    let sim = gonogo::demo::start(Scenario::default()).await.unwrap();
    let setup = demo_setup(&sim.url);

    let Outcome::Readings(prom) = poll_once(&setup.sources[0]).await else {
        panic!("prometheus answers")
    };
    let n = |i: usize| prom[i].1.number().unwrap();
    assert!(
        n(0) > 0.0 && n(0) < 0.01,
        "healthy canary error ratio: {}",
        n(0)
    );
    assert!(n(1) > 0.0 && n(1) < 0.01, "baseline error ratio: {}", n(1));
    assert!(n(2) > 0.1 && n(2) < 0.3, "healthy p95: {}", n(2));
    assert_eq!(n(3), 0.0);

    let mut unknown = setup.sources[0].clone();
    unknown.signals = vec![(0, Extract::PromQuery("up".into()))];
    assert_eq!(
        poll_once(&unknown).await,
        Outcome::Readings(vec![(
            0,
            Reading::Missing("HTTP 400: bad_data: unknown series in the simulator".into())
        )])
    );

    assert_eq!(
        poll_once(&setup.sources[1]).await,
        Outcome::Readings(vec![
            (4, Reading::Text("success".into())),
            (5, Reading::Text("CHG-4821 checkout v2".into())),
        ])
    );
    let mut other_commit = setup.sources[1].clone();
    other_commit.url = other_commit.url.replace("9f2c1ab", "0000000");
    assert_eq!(
        poll_once(&other_commit).await,
        Outcome::Readings(vec![
            (
                4,
                Reading::Missing("no value at /workflow_runs/0/conclusion".into())
            ),
            (
                5,
                Reading::Missing("no value at /workflow_runs/0/display_title".into())
            ),
        ])
    );

    assert_eq!(
        poll_once(&setup.sources[2]).await,
        Outcome::Readings(vec![
            (6, Reading::Bool(true)),
            (7, Reading::Text("1".into()))
        ])
    );
    assert_eq!(
        poll_once(&setup.sources[3]).await,
        Outcome::Readings(vec![])
    );
}

#[tokio::test]
async fn a_dropped_simulator_stops_answering() {
    let sim = gonogo::demo::start(Scenario::default()).await.unwrap();
    let check = demo_setup(&sim.url).sources[3].clone();
    assert_eq!(poll_once(&check).await, Outcome::Readings(vec![]));
    drop(sim);
    let deadline = Instant::now() + DEADLINE;
    loop {
        // A connection accepted while the server stops may be reset; then nothing listens.
        if poll_once(&check).await == Outcome::Failed("connection refused".into()) {
            break;
        }
        assert!(Instant::now() < deadline, "still answering after drop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
