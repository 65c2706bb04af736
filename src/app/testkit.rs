//! A small release for the app's tests: three stages, one condition, observed traffic.

use super::{Boot, Msg, State};
use crate::core::condition::{ConditionSpec, Persistence, Threshold, Unit};
use crate::core::gate::{GateCheck, GateSpec, Tier};
use crate::core::plan::{Plan, Stage};
use crate::core::reading::{Observation, Outcome, Reading};
use crate::core::record::Context;
use crate::setup::{
    ActionSpec, BodyKind, Extract, ReleaseInfo, Setup, SignalSpec, SourceKind, SourceSpec,
};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use std::collections::BTreeMap;
use std::time::Duration;

pub const ERROR_RATE: usize = 0;
pub const TRAFFIC: usize = 1;

pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

fn source(name: &str, kind: SourceKind, signals: Vec<(usize, Extract)>) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind,
        url: format!("http://127.0.0.1:9/{name}"),
        method: "GET".into(),
        headers: vec![],
        body: None,
        interval: Duration::from_secs(5),
        timeout: Duration::from_secs(2),
        stale_after: Duration::from_secs(15),
        signals,
        tls: None,
    }
}

fn action(name: &str) -> ActionSpec {
    ActionSpec {
        name: name.into(),
        method: "POST".into(),
        url: format!("http://hooks.example:8080/{name}?x=1"),
        headers: vec![],
        body: Some("{}".into()),
        body_kind: BodyKind::Json,
        idempotent: false,
        timeout: Duration::from_secs(5),
        tls: None,
    }
}

pub fn setup() -> Setup {
    let stage = |traffic: f64| Stage {
        name: format!("{traffic}%"),
        traffic,
        bake: Duration::from_secs(60),
        overrides: BTreeMap::new(),
    };
    let rate = Extract::PromQuery("rate".into());
    let share = Extract::Pointer("/rollout".into());
    Setup {
        release: ReleaseInfo {
            name: "checkout".into(),
            version: "2.0".into(),
            environment: "prod".into(),
            commit: None,
        },
        plan: Plan {
            stages: vec![stage(1.0), stage(5.0), stage(100.0)],
        },
        sources: vec![
            source(
                "prom",
                SourceKind::Prometheus,
                vec![(ERROR_RATE, rate.clone())],
            ),
            source("flags", SourceKind::Http, vec![(TRAFFIC, share.clone())]),
        ],
        signals: vec![
            SignalSpec {
                source: 0,
                extract: rate,
            },
            SignalSpec {
                source: 1,
                extract: share,
            },
        ],
        conditions: vec![ConditionSpec {
            id: "error_rate".into(),
            label: "Error rate".into(),
            value: ERROR_RATE,
            threshold: Threshold {
                max: Some(0.02),
                min: None,
                warn: None,
            },
            relative: None,
            persistence: Persistence::Immediate,
            unit: Unit::default(),
            stale_after: Duration::from_secs(15),
        }],
        gates: vec![GateSpec {
            id: "monitors".into(),
            name: "Monitors live".into(),
            tier: Tier::Must,
            check: GateCheck::MonitorsLive,
            verify: None,
        }],
        observed_traffic: Some(TRAFFIC),
        checklist: vec![],
        notify: vec![],
        actions: vec![action("promote"), action("rollback")],
        journal: "/dev/null".into(),
        operator: "ana".into(),
        ascii: false,
    }
}

/// Who and what release the test states' records belong to.
pub fn context() -> Context {
    Context {
        operator: "ana".into(),
        host: "laptop".into(),
        release: "checkout".into(),
        version: "2.0".into(),
        environment: "prod".into(),
    }
}

pub fn state(read_only: bool) -> State {
    let boot = Boot {
        setup: setup(),
        context: context(),
        journal: &[],
        local_offset: FixedOffset::east_opt(3600).unwrap(),
        read_only,
    };
    boot.state(t(0))
}

/// One poll of both sources at `secs`: the error rate and the live traffic share.
pub fn poll(seq: u64, secs: i64, rate: f64, traffic: f64) -> Vec<Msg> {
    let obs = |source, reading| {
        Msg::Observation(Observation {
            source,
            seq,
            at: t(secs),
            latency: Duration::from_millis(12),
            outcome: Outcome::Readings(vec![reading]),
        })
    };
    vec![
        obs(0, (ERROR_RATE, Reading::Number(rate))),
        obs(1, (TRAFFIC, Reading::Text(format!("{traffic}")))),
    ]
}

/// A tick every second from `from` to `to` (inclusive), both sources polled every 5 s (the
/// poll's sequence number is its second): what the runtime feeds a live cockpit.
pub fn run(s: &mut State, from: i64, to: i64, rate: f64, traffic: f64) -> Vec<super::Effect> {
    let mut fx = Vec::new();
    for at in from..=to {
        fx.extend(super::update(s, Msg::Tick, t(at)));
        if at.rem_euclid(5) == 0 {
            for m in poll(at as u64, at, rate, traffic) {
                fx.extend(super::update(s, m, t(at)));
            }
        }
    }
    fx
}

/// The journal records among `fx`.
pub fn records(fx: &[super::Effect]) -> Vec<crate::core::record::Record> {
    fx.iter()
        .filter_map(|e| match e {
            super::Effect::Journal(r) => Some((**r).clone()),
            _ => None,
        })
        .collect()
}

/// A dispatch as only a confirmed Approve-Risk prompt makes one: `key` (`p` or `r`) opens the
/// prompt, then a valid confirmation.
pub fn confirmed_dispatch(key: char) -> super::Dispatch {
    let mut s = state(false);
    super::start(&mut s, t(0));
    let keys = [super::Key::Char(key), super::Key::Ctrl('u')]
        .into_iter()
        .chain(
            "Approve-Risk: metrics look clean"
                .chars()
                .map(super::Key::Char),
        );
    for k in keys {
        super::update(&mut s, Msg::Key(k), t(1));
    }
    super::update(&mut s, Msg::Key(super::Key::Enter), t(1))
        .into_iter()
        .find_map(|e| match e {
            super::Effect::Dispatch(d) => Some(*d),
            _ => None,
        })
        .expect("a confirmed prompt dispatches")
}
