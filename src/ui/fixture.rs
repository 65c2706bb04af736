//! A release like config/demo.toml, and states reached by feeding the real `update` with
//! observations at fixed times, for deterministic screens.

use crate::app::{self, Key, Msg, State};
use crate::core::condition::{ConditionSpec, Persistence, Relative, Threshold, Unit};
use crate::core::gate::{GateCheck, GateSpec, Tier};
use crate::core::plan::{Plan, Position, Stage};
use crate::core::reading::{Observation, Outcome, Reading};
use crate::core::record::Context;
use crate::setup::{Extract, ReleaseInfo, Setup, SignalSpec, SourceKind, SourceSpec};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use std::collections::BTreeMap;
use std::time::Duration;

/// 2025-03-14 13:00:00 UTC, 14:00 local.
pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_741_957_200 + secs, 0).unwrap()
}

const PROMETHEUS: usize = 0;
const GITHUB: usize = 1;
const UNLEASH: usize = 2;
const ROLLBACK_CHECK: usize = 3;

// Signals.
const ERROR_RATE: usize = 0;
const BASELINE_ERRORS: usize = 1;
const P95: usize = 2;
const FAILED_CHECKS: usize = 3;
const CI: usize = 4;
const TITLE: usize = 5;
const FLAG: usize = 6;
const ROLLOUT: usize = 7;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn source(name: &str, kind: SourceKind, interval: u64, signals: &[(usize, &str)]) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind,
        url: format!("http://127.0.0.1:9000/{name}"),
        method: "GET".into(),
        headers: vec![],
        body: None,
        interval: secs(interval),
        timeout: secs(1),
        stale_after: secs(3 * interval),
        signals: signals
            .iter()
            .map(|(id, e)| (*id, Extract::Pointer((*e).into())))
            .collect(),
    }
}

fn percent() -> Unit {
    Unit {
        suffix: "%".into(),
        scale: 100.0,
        decimals: 2,
    }
}

pub fn setup() -> Setup {
    let stage = |name: &str, traffic: f64| Stage {
        name: name.into(),
        traffic,
        bake: secs(600),
        overrides: BTreeMap::new(),
    };
    let sources = vec![
        source(
            "prometheus",
            SourceKind::Prometheus,
            2,
            &[
                (ERROR_RATE, ""),
                (BASELINE_ERRORS, ""),
                (P95, ""),
                (FAILED_CHECKS, ""),
            ],
        ),
        source(
            "github",
            SourceKind::Http,
            5,
            &[
                (CI, "/workflow_runs/0/conclusion"),
                (TITLE, "/workflow_runs/0/display_title"),
            ],
        ),
        source(
            "unleash",
            SourceKind::Http,
            2,
            &[
                (FLAG, "/environments/0/enabled"),
                (ROLLOUT, "/environments/0/strategies/0"),
            ],
        ),
        source("rollback check", SourceKind::Http, 5, &[]),
    ];
    let signals = sources
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.signals.iter().map(move |(_, e)| SignalSpec {
                source: i,
                extract: e.clone(),
            })
        })
        .collect();
    let condition = |id: &str, label: &str, value, threshold, persistence, unit| ConditionSpec {
        id: id.into(),
        label: label.into(),
        value,
        threshold,
        relative: None,
        persistence,
        unit,
        stale_after: secs(6),
    };
    let conditions = vec![
        condition(
            "error_rate",
            "Canary error rate",
            ERROR_RATE,
            Threshold {
                max: Some(0.02),
                min: None,
                warn: Some(0.01),
            },
            Persistence::For(secs(6)),
            percent(),
        ),
        ConditionSpec {
            relative: Some(Relative {
                baseline: BASELINE_ERRORS,
                factor: 2.0,
                offset: 0.002,
            }),
            ..condition(
                "errors_vs_baseline",
                "Errors vs baseline",
                ERROR_RATE,
                Threshold::default(),
                Persistence::Samples(3),
                percent(),
            )
        },
        condition(
            "p95_latency",
            "Canary p95 latency",
            P95,
            Threshold {
                max: Some(0.4),
                min: None,
                warn: Some(0.3),
            },
            Persistence::For(secs(6)),
            Unit {
                suffix: "ms".into(),
                scale: 1000.0,
                decimals: 0,
            },
        ),
        condition(
            "failed_health_checks",
            "Failed health checks",
            FAILED_CHECKS,
            Threshold {
                max: Some(0.0),
                min: None,
                warn: None,
            },
            Persistence::Immediate,
            Unit {
                decimals: 0,
                ..Unit::default()
            },
        ),
    ];
    let value_gate =
        |name: &str, tier, signal, expect: &str, stale, verify: Option<&str>| GateSpec {
            id: name.to_lowercase().replace(' ', "_"),
            name: name.into(),
            tier,
            check: GateCheck::Value {
                signal,
                expect: vec![expect.into()],
                stale_after: secs(stale),
            },
            verify: verify.map(Into::into),
        };
    let gates = vec![
        value_gate(
            "CI green",
            Tier::Must,
            CI,
            "success",
            15,
            Some("open the workflow run for 9f2c1ab"),
        ),
        value_gate(
            "Release flag on",
            Tier::Must,
            FLAG,
            "true",
            6,
            Some("enable checkout-v2 in production"),
        ),
        value_gate(
            "Change ticket linked",
            Tier::Should,
            TITLE,
            "CHG-4821 checkout v2",
            15,
            None,
        ),
        GateSpec {
            id: "monitors_live".into(),
            name: "Monitors live".into(),
            tier: Tier::Must,
            check: GateCheck::MonitorsLive,
            verify: Some("fix the sources marked DOWN or STALE".into()),
        },
        GateSpec {
            id: "rollback_path".into(),
            name: "Rollback path verified".into(),
            tier: Tier::Must,
            check: GateCheck::Reachable {
                source: ROLLBACK_CHECK,
                within: secs(15),
            },
            verify: Some("make the rollback check answer 2xx".into()),
        },
    ];
    Setup {
        release: ReleaseInfo {
            name: "checkout-api".into(),
            version: "2.14.0".into(),
            environment: "production".into(),
            commit: Some("9f2c1ab".into()),
        },
        plan: Plan {
            stages: vec![
                stage("canary", 1.0),
                stage("5%", 5.0),
                stage("10%", 10.0),
                stage("25%", 25.0),
                stage("50%", 50.0),
                stage("100%", 100.0),
            ],
        },
        sources,
        signals,
        conditions,
        gates,
        observed_traffic: Some(ROLLOUT),
        actions: vec![],
        journal: "gonogo-journal.jsonl".into(),
        operator: "alice".into(),
        ascii: false,
    }
}

/// A state plus the poll sequence of each source.
pub struct Sim {
    pub state: State,
    seq: [u64; 4],
}

/// How the canary behaves at a given second.
#[derive(Clone, Copy)]
pub struct Health {
    pub error_rate: f64,
    pub p95: f64,
    pub failed_checks: f64,
}

/// Small deterministic wobble, so sparklines and trends have something to show.
fn wobble(i: i64) -> f64 {
    [0.0, 0.3, -0.2, 0.5, 0.1, -0.4, 0.2, -0.1][i.rem_euclid(8) as usize]
}

pub fn healthy(at: i64) -> Health {
    Health {
        error_rate: 0.0042 + 0.0008 * wobble(at / 2),
        p95: 0.182 + 0.02 * wobble(at / 2 + 3),
        failed_checks: 0.0,
    }
}

impl Sim {
    /// A cockpit started at `start` (seconds from `t(0)`), at `stage` entered at `entered`.
    pub fn new(start: i64, position: Option<(usize, i64)>, read_only: bool) -> Sim {
        let position = position.map(|(stage, entered)| Position {
            stage,
            entered_at: t(entered),
            rolled_back: false,
        });
        let setup = setup();
        let context = Context {
            operator: setup.operator.clone(),
            host: "ops-1".into(),
            release: setup.release.name.clone(),
            version: setup.release.version.clone(),
            environment: setup.release.environment.clone(),
        };
        let offset = FixedOffset::east_opt(3600).unwrap();
        let mut state = State::new(setup, position, context, offset, read_only, t(start));
        app::start(&mut state, t(start));
        Sim { state, seq: [0; 4] }
    }

    fn poll(&mut self, source: usize, at: i64, latency_ms: u64, outcome: Outcome) {
        self.seq[source] += 1;
        let o = Observation {
            source,
            seq: self.seq[source],
            at: t(at),
            latency: Duration::from_millis(latency_ms),
            outcome,
        };
        app::update(&mut self.state, Msg::Observation(o), t(at));
    }

    pub fn prometheus(&mut self, at: i64, h: Health) {
        let readings = vec![
            (ERROR_RATE, Reading::Number(h.error_rate)),
            (BASELINE_ERRORS, Reading::Number(0.0040)),
            (P95, Reading::Number(h.p95)),
            (FAILED_CHECKS, Reading::Number(h.failed_checks)),
        ];
        self.poll(PROMETHEUS, at, 38, Outcome::Readings(readings));
    }

    pub fn github(&mut self, at: i64, conclusion: &str, title: &str) {
        let readings = vec![
            (CI, Reading::Text(conclusion.into())),
            (TITLE, Reading::Text(title.into())),
        ];
        self.poll(GITHUB, at, 212, Outcome::Readings(readings));
    }

    pub fn unleash(&mut self, at: i64, enabled: bool, rollout: f64) {
        let readings = vec![
            (FLAG, Reading::Bool(enabled)),
            (ROLLOUT, Reading::Number(rollout)),
        ];
        self.poll(UNLEASH, at, 17, Outcome::Readings(readings));
    }

    pub fn rollback_check(&mut self, at: i64) {
        self.poll(ROLLBACK_CHECK, at, 9, Outcome::Readings(vec![]));
    }

    pub fn fail(&mut self, source: usize, at: i64, latency_ms: u64, error: &str) {
        self.poll(source, at, latency_ms, Outcome::Failed(error.into()));
    }

    /// Every source answering healthily from `from` to `to` (seconds), at `rollout` percent;
    /// the canary's health at each second comes from `health`.
    pub fn run(
        &mut self,
        from: i64,
        to: i64,
        rollout: f64,
        title: &str,
        health: impl Fn(i64) -> Health,
    ) {
        for s in from..=to {
            if s % 2 == 0 {
                self.prometheus(s, health(s));
                self.unleash(s, true, rollout);
            }
            if s % 5 == 0 {
                self.github(s, "success", title);
                self.rollback_check(s);
            }
        }
    }

    pub fn tick(&mut self, at: i64) {
        app::update(&mut self.state, Msg::Tick, t(at));
    }
}

const TICKET: &str = "CHG-4821 checkout v2";

/// Just started: nothing has answered yet.
pub fn fresh() -> State {
    Sim::new(0, None, false).state
}

/// 10% for 5m48s, every condition healthy: HOLD, 04:12 left.
pub fn baking(read_only: bool) -> State {
    let mut sim = Sim::new(-180, Some((2, -348)), read_only);
    sim.run(-180, 0, 10.0, TICKET, healthy);
    sim.tick(0);
    sim.state
}

/// 10% baked and healthy, but the change ticket is not linked: GO with a warning.
pub fn baked() -> State {
    let mut sim = Sim::new(-180, Some((2, -612)), false);
    sim.run(-180, 0, 10.0, "checkout v2 rollout", healthy);
    sim.tick(0);
    sim.state
}

/// The last stage, baked and healthy.
pub fn complete() -> State {
    let mut sim = Sim::new(-180, Some((5, -700)), false);
    sim.run(-180, 0, 100.0, TICKET, healthy);
    sim.tick(0);
    sim.state
}

/// 10%: the error rate jumped 20 seconds ago and stayed up: ROLLBACK ADVISED.
pub fn breached() -> State {
    let mut sim = Sim::new(-180, Some((2, -400)), false);
    sim.run(-180, 0, 10.0, TICKET, |s| {
        if s < -20 {
            healthy(s)
        } else {
            Health {
                error_rate: 0.031 + 0.002 * wobble(s),
                p95: 0.33 + 0.01 * wobble(s),
                failed_checks: 0.0,
            }
        }
    });
    sim.tick(0);
    sim.state
}

/// 5%: Prometheus times out for the last 30 seconds, the rollback check has not answered
/// for 25, and the journal cannot be written: NO-GO UNTIL VERIFIED.
pub fn source_failing() -> State {
    let mut sim = Sim::new(-180, Some((1, -200)), false);
    sim.run(-180, -31, 5.0, TICKET, healthy);
    for s in -30..=0 {
        if s % 2 == 0 {
            sim.fail(PROMETHEUS, s, 1000, "timeout after 1s (GET /api/v1/query)");
            sim.unleash(s, true, 5.0);
        }
        if s % 5 == 0 {
            sim.github(s, "success", TICKET);
        }
        if s == -25 {
            sim.rollback_check(s);
        }
        if s == -3 {
            let failed = Msg::Journaled(Err("No space left on device (os error 28)".into()));
            app::update(&mut sim.state, failed, t(s));
        }
    }
    sim.tick(0);
    sim.state
}

/// The help overlay over a baking release.
pub fn help() -> State {
    let mut state = baking(false);
    app::update(&mut state, Msg::Key(Key::Char('?')), t(0));
    state
}
