//! A small release for the app's tests (testkit.toml: three stages, one condition, observed
//! traffic), loaded by the config loader, and the states and polls the tests start from.

use super::{Boot, Msg, State};
use crate::core::gate::GateCheck;
use crate::core::reading::{Observation, Outcome, Reading};
use crate::core::record::Context;
use crate::setup::Setup;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use std::time::Duration;

pub const ERROR_RATE: usize = 0;
pub const TRAFFIC: usize = 1;

pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

/// A release from config text, through the loader `gonogo` runs (so every check on it runs
/// too), its sources numbered in `order` of their names: the loader numbers them by name, the
/// states of the tests by the order their files declare them in.
pub fn from_toml(text: &str, origin: &str, order: &[&str]) -> Setup {
    let mut setup = crate::config::load_str(text, origin).unwrap_or_else(|e| panic!("{e}"));
    let rank = |name: &str| {
        let at = order.iter().position(|n| *n == name);
        at.unwrap_or_else(|| panic!("source {name} is not in {order:?}"))
    };
    assert_eq!(order.len(), setup.sources.len(), "{order:?}");
    let new_id: Vec<usize> = setup.sources.iter().map(|s| rank(&s.name)).collect();
    setup.sources.sort_by_key(|s| rank(&s.name));
    for signal in &mut setup.signals {
        signal.source = new_id[signal.source];
    }
    for gate in &mut setup.gates {
        if let GateCheck::Reachable { source, .. } = &mut gate.check {
            *source = new_id[*source];
        }
    }
    setup
}

pub fn setup() -> Setup {
    let mut setup = from_toml(
        include_str!("testkit.toml"),
        "src/app/testkit.toml",
        &["prom", "flags"],
    );
    // What no config says: the release has no rollback path gate (the loader adds one that
    // fails, as its rollback action has no check), and its monitors gate an id and no hint of
    // its own.
    setup.gates.retain(|g| g.check == GateCheck::MonitorsLive);
    for gate in &mut setup.gates {
        gate.id = "monitors".into();
        gate.verify = None;
    }
    setup
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

/// A webhook answered without telling whether the action took effect (a 503 after sending).
pub fn unknown_outcome() -> crate::actions::Outcome {
    crate::actions::Outcome::Unknown {
        reason: "HTTP 503 after the request was sent".into(),
        what_to_check: "check hooks.example:8080".into(),
        status: None,
        latency: Duration::ZERO,
        excerpt: String::new(),
    }
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
