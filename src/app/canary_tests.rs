//! Minimum evidence, the failure budget and observe-only conditions, through `update`
//! (issue 14): what the verdict, the bake and the journal make of them.

use super::testkit::{context, from_toml, records, t};
use super::{Boot, Effect, Msg, State, start, update};
use crate::core::bake::PauseCause;
use crate::core::condition::CondState;
use crate::core::gate::GateCheck;
use crate::core::plan::StageState;
use crate::core::reading::{Observation, Outcome, Reading};
use crate::core::record::{Event, Record};
use crate::core::verdict::VerdictKind;
use chrono::FixedOffset;
use std::time::Duration;

/// A canary stage of one minute with a budget of two breaches, then 100%: the error rate
/// needs 500 requests behind it, the latency is on trial.
const CANARY: &str = r#"
[release]
name = "checkout"
version = "2.0"
environment = "prod"

[cockpit]
journal = "/dev/null"
operator = "ana"

[[stages]]
name = "canary"
traffic = 1
bake = "1m"
failure_limit = 2

[[stages]]
traffic = 100
bake = "1m"

[sources.prom]
kind = "prometheus"
url = "http://127.0.0.1:9/prom"
interval = "5s"
timeout = "2s"

[[conditions]]
id = "error_rate"
label = "Error rate"
source = "prom"
query = "errors"
max = 0.02
min_traffic = { query = "requests", min = 500 }

[[conditions]]
id = "latency"
label = "Latency"
source = "prom"
query = "latency"
max = 0.5
observe = true
"#;

fn setup() -> crate::setup::Setup {
    let mut setup = from_toml(CANARY, "canary.toml", &["prom"]);
    setup.gates.retain(|g| g.check == GateCheck::MonitorsLive);
    setup
}

fn boot(journal: &[Record], at: i64) -> State {
    Boot {
        setup: setup(),
        context: context(),
        journal,
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only: false,
    }
    .state(t(at))
}

pub(crate) fn started() -> (State, Vec<Effect>) {
    let mut s = boot(&[], 0);
    let fx = start(&mut s, t(0));
    (s, fx)
}

/// One poll at `at`: the error rate, the requests behind it (None: the query came back
/// empty) and the latency.
fn poll(s: &mut State, at: i64, errors: f64, requests: Option<f64>, latency: f64) -> Vec<Effect> {
    let c = &s.setup.conditions;
    let traffic = c[0].min_traffic.as_ref().unwrap().signal;
    let requests = requests.map_or(Reading::Missing("empty result".into()), Reading::Number);
    let readings = vec![
        (c[0].value, Reading::Number(errors)),
        (traffic, requests),
        (c[1].value, Reading::Number(latency)),
    ];
    let obs = Observation {
        source: 0,
        seq: at as u64 + 1,
        at: t(at),
        latency: Duration::from_millis(5),
        outcome: Outcome::Readings(readings),
    };
    update(s, Msg::Observation(obs), t(at))
}

/// Ticks every second from `from` to `to`, a poll every 5 s.
pub(crate) fn run(
    s: &mut State,
    from: i64,
    to: i64,
    errors: f64,
    requests: f64,
    latency: f64,
) -> Vec<Effect> {
    let mut fx = Vec::new();
    for at in from..=to {
        fx.extend(update(s, Msg::Tick, t(at)));
        if at % 5 == 0 {
            fx.extend(poll(s, at, errors, Some(requests), latency));
        }
    }
    fx
}

fn verdict(s: &State) -> (VerdictKind, String) {
    let v = &s.release.eval.verdict;
    (v.kind, v.reasons[0].text.clone())
}

fn error_rate(s: &State) -> (CondState, String) {
    let c = &s.release.eval.conditions[0];
    (c.state, c.why.clone().unwrap_or_default())
}

#[test]
fn below_the_minimum_the_condition_is_unknown_and_the_bake_pauses() {
    let (mut s, _) = started();
    run(&mut s, 0, 30, 0.001, 37.0, 0.1);
    assert_eq!(
        error_rate(&s),
        (
            CondState::Unknown,
            "not enough traffic: 37 of 500 requests".into()
        )
    );
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
    let bake = s.release.eval.bake.clone().unwrap();
    assert_eq!(bake.verified, Duration::ZERO);
    let paused = bake.paused.unwrap();
    assert_eq!(paused.cause, PauseCause::NotEnoughTraffic);
    assert_eq!(paused.text, "not enough traffic for Error rate");
    // The traffic rises: the same value now counts.
    run(&mut s, 31, 40, 0.001, 900.0, 0.1);
    assert_eq!(s.release.eval.conditions[0].state, CondState::Ok);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    assert!(s.release.eval.bake.clone().unwrap().verified > Duration::ZERO);
}

#[test]
fn zero_traffic_never_passes_a_stage() {
    let (mut s, _) = started();
    for at in 0..=300 {
        run(&mut s, at, at, 0.0, 0.0, 0.1);
        assert!(s.release.eval.verdict.kind < VerdictKind::Hold, "at {at}s");
        assert_ne!(s.release.eval.stages[0], StageState::Ready, "at {at}s");
    }
    assert_eq!(
        error_rate(&s).1,
        "not enough traffic: 0 of 500 requests",
        "a perfect error rate on no traffic proves nothing"
    );
    assert_eq!(
        s.release.eval.bake.clone().unwrap().verified,
        Duration::ZERO
    );
}

#[test]
fn missing_or_stale_evidence_is_unknown() {
    let (mut s, _) = started();
    run(&mut s, 0, 10, 0.001, 900.0, 0.1);
    assert_eq!(s.release.eval.conditions[0].state, CondState::Ok);
    // The requests query comes back empty while the error rate still answers.
    poll(&mut s, 15, 0.001, None, 0.1);
    assert_eq!(
        error_rate(&s),
        (CondState::Unknown, "traffic: prom: empty result".into())
    );
    // Only the error rate's own reading arrives from here on: the traffic goes stale.
    let (mut s, _) = started();
    run(&mut s, 0, 10, 0.001, 900.0, 0.1);
    for at in [15, 20, 25, 30] {
        let obs = Observation {
            source: 0,
            seq: at as u64 + 1,
            at: t(at),
            latency: Duration::ZERO,
            outcome: Outcome::Readings(vec![(0, Reading::Number(0.001))]),
        };
        update(&mut s, Msg::Observation(obs), t(at));
    }
    update(&mut s, Msg::Tick, t(30));
    let (state, why) = error_rate(&s);
    assert_eq!(state, CondState::Unknown);
    assert!(why.starts_with("traffic stale: last value"), "{why}");
}

#[test]
fn a_bad_value_on_thin_traffic_is_no_breach() {
    let (mut s, fx) = started();
    let mut fx = fx;
    fx.extend(run(&mut s, 0, 30, 0.5, 2.0, 0.1));
    assert_eq!(s.release.eval.conditions[0].state, CondState::Unknown);
    assert!(!records(&fx).iter().any(|r| r.event == Event::BreachBegan));
    // With enough traffic behind it, the same value is a breach at once.
    run(&mut s, 31, 35, 0.5, 800.0, 0.1);
    assert_eq!(s.release.eval.conditions[0].state, CondState::Breached);
}

/// Breach the error rate from `from` for 10 s, then clean to `to`.
fn breach_then_clean(s: &mut State, from: i64, to: i64) -> Vec<Effect> {
    let mut fx = run(s, from, from + 9, 0.05, 800.0, 0.1);
    fx.extend(run(s, from + 10, to, 0.001, 800.0, 0.1));
    fx
}

#[test]
fn a_breach_within_the_budget_holds_and_still_restarts_the_whole_bake() {
    let (mut s, _) = started();
    run(&mut s, 0, 40, 0.001, 800.0, 0.1);
    run(&mut s, 41, 45, 0.05, 800.0, 0.1);
    assert_eq!(s.release.eval.conditions[0].state, CondState::Breached);
    let (kind, why) = verdict(&s);
    assert_eq!(
        kind,
        VerdictKind::Hold,
        "within the budget: no rollback advised"
    );
    assert_eq!(why, "Error rate: 0.05 above max (1 of 2 breaches used)");
    assert_eq!(s.release.eval.stages[0], StageState::Breached);
    let bake = s.release.eval.bake.clone().unwrap();
    assert_eq!((bake.verified, bake.breaches), (Duration::ZERO, 1));
    // The breach ends: a whole clean minute is needed again, the budget does not shorten it.
    run(&mut s, 46, 100, 0.001, 800.0, 0.1);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    run(&mut s, 101, 112, 0.001, 800.0, 0.1);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    assert_eq!(s.release.eval.bake.clone().unwrap().breaches, 1);
}

#[test]
fn the_breach_past_the_budget_fails_the_stage_outright() {
    let (mut s, _) = started();
    run(&mut s, 0, 10, 0.001, 800.0, 0.1);
    breach_then_clean(&mut s, 11, 40);
    breach_then_clean(&mut s, 41, 70);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    assert_eq!(s.release.eval.bake.clone().unwrap().breaches, 2);
    run(&mut s, 71, 75, 0.05, 800.0, 0.1);
    let (kind, why) = verdict(&s);
    assert_eq!(kind, VerdictKind::RollbackAdvised);
    assert_eq!(why, "stage failed: 3 breaches, its failure budget allows 2");
    // The stage stays failed when the breach ends, however long it is clean.
    run(&mut s, 76, 300, 0.001, 800.0, 0.1);
    assert_eq!(verdict(&s).0, VerdictKind::RollbackAdvised);
}

#[test]
fn a_restart_keeps_the_count_from_the_journal() {
    let (mut s, mut fx) = started();
    fx.extend(run(&mut s, 0, 10, 0.001, 800.0, 0.1));
    fx.extend(breach_then_clean(&mut s, 11, 40));
    fx.extend(breach_then_clean(&mut s, 41, 70));
    let journal = records(&fx);
    let mut again = boot(&journal, 80);
    start(&mut again, t(80));
    assert_eq!(again.release.bake.as_ref().unwrap().breaches, 2);
    run(&mut again, 80, 90, 0.001, 800.0, 0.1);
    run(&mut again, 91, 95, 0.05, 800.0, 0.1);
    assert_eq!(
        verdict(&again),
        (
            VerdictKind::RollbackAdvised,
            "stage failed: 3 breaches, its failure budget allows 2".into()
        )
    );
}

#[test]
fn an_observe_only_condition_never_gates_but_is_journaled() {
    let (mut s, mut fx) = started();
    // The latency breaches its limit the whole time: nothing it gates moves.
    fx.extend(run(&mut s, 0, 70, 0.001, 800.0, 0.9));
    assert_eq!(s.release.eval.conditions[1].state, CondState::Breached);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    let bake = s.release.eval.bake.clone().unwrap();
    assert!(bake.is_baked());
    assert_eq!(bake.breaches, 0, "an observe-only breach spends no budget");
    assert_eq!(s.release.eval.stages[0], StageState::Ready);
    assert!(s.breaches().each.is_empty(), "nothing to roll back for");
    let began: Vec<Record> = records(&fx)
        .into_iter()
        .filter(|r| r.event == Event::BreachBegan)
        .collect();
    assert_eq!(began.len(), 1);
    assert!(began[0].observe_only);
    let detail = began[0].detail.as_deref().unwrap();
    assert!(
        detail.starts_with("observe-only breach began: Latency"),
        "{detail}"
    );
    // Read back from the journal (`audit show`, a followed cockpit), it is a warning.
    let told = crate::core::describe::tell(&began[0], crate::core::describe::Voice::Notice);
    assert_eq!(told.map(|t| t.level), Some(super::LogLevel::Warn));
    // Nothing of the latency reaches the verdict.
    assert!(
        s.release
            .eval
            .verdict
            .reasons
            .iter()
            .all(|r| !r.text.contains("Latency"))
    );
}
