//! The evidence of a state: verdicts, and sources that never answered.
use super::evidence::*;
use crate::app::State;
use crate::app::{Boot, Msg, stage_journal, update};
use crate::core::bake::PauseCause;
use crate::core::reading::{Observation, Outcome, Reading};
use crate::core::verdict::VerdictKind;
use chrono::{DateTime, Utc};
use chrono::{FixedOffset, TimeDelta};
use std::time::Duration;

const CONFIG: &str = r#"
[release]
name = "shop"
version = "1.0"
environment = "test"

[[stages]]
traffic = 100
bake = "1m"

[sources.app]
kind = "http"
url = "http://127.0.0.1:9/metrics"

[sources.extra]
kind = "http"
url = "http://127.0.0.1:9/extra"

[[conditions]]
id = "errors"
source = "app"
pointer = "/errors"
max = 1

[actions.rollback]
url = "http://127.0.0.1:9/rollback"
check = { url = "http://127.0.0.1:9/check" }
"#;

/// Every source answers except `silent`; the only stage was entered an hour ago and the
/// journal proves its whole bake.
fn state_with_silent(silent: &str) -> (State, DateTime<Utc>) {
    let setup = crate::config::load_str(CONFIG, "test.toml").unwrap();
    let now = Utc::now();
    let context = Default::default();
    // The journal proves the whole bake, checkpointed a second ago.
    let entered = now - TimeDelta::hours(1);
    let checkpoint = now - TimeDelta::seconds(1);
    let minute = Duration::from_secs(60);
    let journal = stage_journal(&setup, &context, 0, entered, checkpoint, minute);
    let boot = Boot {
        setup,
        context,
        journal: &journal,
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only: true,
    };
    let mut state = boot.state(now);
    for (id, spec) in state.setup.sources.clone().iter().enumerate() {
        if spec.name == silent {
            continue;
        }
        let readings = spec
            .signals
            .iter()
            .map(|(sig, _)| (*sig, Reading::Number(0.0)))
            .collect();
        let o = Observation {
            source: id,
            seq: 1,
            at: now,
            latency: Duration::from_millis(3),
            outcome: Outcome::Readings(readings),
        };
        update(&mut state, Msg::Observation(o), now);
    }
    (state, now)
}

#[test]
fn every_source_answering_a_baked_last_stage_is_complete() {
    let (state, now) = state_with_silent("nobody");
    let e = from_state(&state, now, Duration::ZERO, Duration::from_secs(5));
    assert_eq!(e.verdict, "COMPLETE", "{:?}", e.reasons);
    assert_eq!(e.exit_code, 0);
}

#[test]
fn a_silent_source_keeps_the_verdict_at_no_go_even_when_nothing_reads_it() {
    let (state, now) = state_with_silent("extra");
    assert_eq!(state.release.eval.verdict.kind, VerdictKind::Complete);
    let e = from_state(&state, now, Duration::from_secs(5), Duration::from_secs(5));
    assert_eq!(e.verdict, "NO-GO UNTIL VERIFIED");
    assert_eq!(e.exit_code, 4);
    assert_eq!(e.reasons.len(), 1);
    assert_eq!(e.reasons[0].text, "source extra: no answer within 5s");
    let extra = e.sources.iter().find(|s| s.name == "extra").unwrap();
    assert_eq!((extra.state, extra.answered), ("timeout", false));
}

#[test]
fn a_silent_source_is_named_first_among_other_reasons() {
    let (state, now) = state_with_silent("app");
    let e = from_state(&state, now, Duration::from_secs(5), Duration::from_secs(5));
    assert_eq!(e.verdict, "NO-GO UNTIL VERIFIED");
    assert_eq!(e.reasons[0].text, "source app: no answer within 5s");
    assert!(e.reasons.len() > 1, "the unknown condition is still listed");
}

#[test]
fn the_bake_shows_its_verified_time_and_why_it_is_paused() {
    let (mut state, now) = state_with_silent("nobody");
    let e = from_state(&state, now, Duration::ZERO, Duration::from_secs(5));
    let stage = e.stage.unwrap();
    assert_eq!(
        (stage.bake_verified_seconds, stage.bake_left_seconds),
        (60, 0)
    );
    assert_eq!(stage.bake_paused, None);
    // Nothing journaled for this entry: an hour since the entry, none of it proven.
    state.release.bake = None;
    crate::app::resume_from_journal(&mut state, &[], now);
    let e = from_state(&state, now, Duration::ZERO, Duration::from_secs(5));
    assert_eq!(e.verdict, "HOLD", "{:?}", e.reasons);
    let stage = e.stage.clone().unwrap();
    assert_eq!(
        (stage.bake_verified_seconds, stage.bake_left_seconds),
        (0, 60)
    );
    let gap = stage.bake_not_observed.unwrap();
    assert_eq!(gap.to, Some(now));
    let json = serde_json::to_value(&e.stage).unwrap();
    assert_eq!(json["bake_not_observed"]["to"], serde_json::json!(now));
    // The app source failing: paused for want of data.
    let failed = Observation {
        source: 0,
        seq: 2,
        at: now,
        latency: Duration::from_millis(3),
        outcome: Outcome::Failed("connection refused".into()),
    };
    update(&mut state, Msg::Observation(failed), now);
    let e = from_state(&state, now, Duration::ZERO, Duration::from_secs(5));
    let paused = e.stage.unwrap().bake_paused.unwrap();
    assert_eq!(paused.cause, PauseCause::NoData);
    assert_eq!(paused.text, "no fresh data from app");
}

/// The names schema 1 promises: renaming a variant must not rename it in the JSON.
#[test]
fn json_names_are_the_schemas() {
    use crate::core::condition::CondState as C;
    use crate::core::gate::{GateState as G, Tier as T};
    use crate::core::plan::StageState as S;
    use VerdictKind as V;
    fn names<E: Into<&'static str>, const N: usize>(all: [E; N]) -> [&'static str; N] {
        all.map(Into::into)
    }
    assert_eq!(
        names([
            V::Go,
            V::Complete,
            V::Hold,
            V::NoGoUntilVerified,
            V::RollbackAdvised
        ]),
        ["go", "complete", "hold", "no_go", "rollback_advised"]
    );
    assert_eq!(
        names([
            S::Pending,
            S::Baking,
            S::Ready,
            S::Breached,
            S::Done,
            S::RolledBack
        ]),
        [
            "pending",
            "baking",
            "ready",
            "breached",
            "done",
            "rolled_back"
        ]
    );
    assert_eq!(
        names([C::Ok, C::Warn, C::Breached, C::Unknown]),
        ["ok", "warn", "breached", "unknown"]
    );
    assert_eq!(
        names([G::Holds, G::Fails, G::Unknown]),
        ["holds", "fails", "unknown"]
    );
    assert_eq!(
        names([T::Must, T::Should, T::Optional]),
        ["must", "should", "optional"]
    );
}
