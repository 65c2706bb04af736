//! Stop conditions observed sample by sample and judged: levels, persistence, staleness,
//! overrides and relative thresholds.
use super::*;
use chrono::{DateTime, TimeZone, Utc};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

fn spec(persistence: Persistence) -> ConditionSpec {
    ConditionSpec {
        id: "error_rate".into(),
        label: "Error rate".into(),
        value: 0,
        threshold: Threshold {
            max: Some(0.02),
            min: None,
            warn: Some(0.01),
        },
        relative: None,
        persistence,
        unit: Unit {
            suffix: "%".into(),
            scale: 100.0,
            decimals: 2,
        },
        stale_after: Duration::from_secs(15),
        min_traffic: None,
        observe: false,
        compare: None,
        critical: false,
    }
}

fn feed(spec: &ConditionSpec, track: &mut ConditionTrack, at: i64, v: Result<f64, String>) {
    let th = spec.effective(None, track);
    spec.observe(track, t(at), v, th);
}

#[test]
fn levels_follow_thresholds() {
    let s = spec(Persistence::Immediate);
    let mut track = ConditionTrack::default();
    feed(&s, &mut track, 0, Ok(0.005));
    assert_eq!(s.status(&track, None, t(1)).state, CondState::Ok);
    feed(&s, &mut track, 5, Ok(0.015));
    assert_eq!(s.status(&track, None, t(6)).state, CondState::Warn);
    feed(&s, &mut track, 10, Ok(0.03));
    let st = s.status(&track, None, t(11));
    assert_eq!(st.state, CondState::Breached);
    assert_eq!(st.why.as_deref(), Some("3.00% above max"));
}

#[test]
fn no_sample_is_unknown_not_healthy() {
    let s = spec(Persistence::Immediate);
    let st = s.status(&ConditionTrack::default(), None, t(0));
    assert_eq!(st.state, CondState::Unknown);
    assert_eq!(st.why.as_deref(), Some("no data yet"));
}

#[test]
fn failed_or_missing_value_is_unknown_with_reason() {
    let s = spec(Persistence::Immediate);
    let mut track = ConditionTrack::default();
    feed(&s, &mut track, 0, Ok(0.001));
    feed(&s, &mut track, 5, Err("timeout after 2s".into()));
    let st = s.status(&track, None, t(6));
    assert_eq!(st.state, CondState::Unknown);
    assert_eq!(st.why.as_deref(), Some("timeout after 2s"));
}

#[test]
fn stale_sample_is_unknown() {
    let s = spec(Persistence::Immediate);
    let mut track = ConditionTrack::default();
    feed(&s, &mut track, 0, Ok(0.001));
    assert_eq!(s.status(&track, None, t(15)).state, CondState::Ok);
    let st = s.status(&track, None, t(47));
    assert_eq!(st.state, CondState::Unknown);
    assert_eq!(st.why.as_deref(), Some("stale: last value 47s ago"));
}

#[test]
fn persistence_for_needs_the_breach_to_hold() {
    let s = spec(Persistence::For(Duration::from_secs(120)));
    let mut track = ConditionTrack::default();
    feed(&s, &mut track, 0, Ok(0.05));
    let st = s.status(&track, None, t(5));
    assert_eq!(st.state, CondState::Warn, "one noisy sample is no breach");
    assert_eq!(st.confirming.as_deref(), Some("over for 5s of 2m"));
    // The noise goes away: the run resets.
    feed(&s, &mut track, 10, Ok(0.001));
    feed(&s, &mut track, 20, Ok(0.05));
    feed(&s, &mut track, 135, Ok(0.05));
    assert_eq!(s.status(&track, None, t(136)).state, CondState::Warn);
    feed(&s, &mut track, 140, Ok(0.05));
    assert_eq!(s.status(&track, None, t(140)).state, CondState::Breached);
}

#[test]
fn persistence_samples_counts_consecutive_samples() {
    let s = spec(Persistence::Samples(3));
    let mut track = ConditionTrack::default();
    feed(&s, &mut track, 0, Ok(0.05));
    feed(&s, &mut track, 5, Ok(0.05));
    assert_eq!(s.status(&track, None, t(6)).state, CondState::Warn);
    feed(&s, &mut track, 10, Ok(0.001));
    feed(&s, &mut track, 15, Ok(0.05));
    feed(&s, &mut track, 20, Ok(0.05));
    assert_eq!(s.status(&track, None, t(21)).state, CondState::Warn);
    feed(&s, &mut track, 25, Ok(0.05));
    assert_eq!(s.status(&track, None, t(26)).state, CondState::Breached);
    // Recovery ends the breach at once.
    feed(&s, &mut track, 30, Ok(0.001));
    assert_eq!(s.status(&track, None, t(31)).state, CondState::Ok);
}

#[test]
fn a_confirmed_breach_does_not_hide_when_data_goes_missing() {
    let s = spec(Persistence::Immediate);
    let mut track = ConditionTrack::default();
    feed(&s, &mut track, 0, Ok(0.05));
    feed(&s, &mut track, 5, Err("HTTP 503".into()));
    let st = s.status(&track, None, t(6));
    assert_eq!(st.state, CondState::Breached);
    assert_eq!(st.why.as_deref(), Some("breached, then HTTP 503"));
}

#[test]
fn stage_override_replaces_the_threshold() {
    let s = spec(Persistence::Immediate);
    let mut track = ConditionTrack::default();
    let loose = super::super::plan::ThresholdOverride {
        max: Some(0.1),
        ..Default::default()
    };
    let th = s.effective(Some(&loose), &track);
    s.observe(&mut track, t(0), Ok(0.05), th);
    assert_eq!(s.status(&track, Some(&loose), t(1)).state, CondState::Warn);
}

#[test]
fn relative_condition_follows_the_baseline() {
    let mut s = spec(Persistence::Immediate);
    s.threshold = Threshold::default();
    s.relative = Some(Relative {
        baseline: 1,
        factor: 1.5,
        offset: 0.001,
    });
    let mut track = ConditionTrack::default();
    feed(&s, &mut track, 0, Ok(0.01));
    let st = s.status(&track, None, t(1));
    assert_eq!(st.state, CondState::Unknown, "no baseline yet: unknown");
    s.observe_baseline(&mut track, t(2), Ok(0.01));
    feed(&s, &mut track, 3, Ok(0.015));
    assert_eq!(s.status(&track, None, t(4)).state, CondState::Ok);
    feed(&s, &mut track, 5, Ok(0.017));
    assert_eq!(s.status(&track, None, t(6)).state, CondState::Breached);
}

#[test]
fn min_thresholds_breach_below() {
    let s = ConditionSpec {
        threshold: Threshold {
            max: None,
            min: Some(0.99),
            warn: Some(0.995),
        },
        ..spec(Persistence::Immediate)
    };
    let mut track = ConditionTrack::default();
    feed(&s, &mut track, 0, Ok(0.999));
    assert_eq!(s.status(&track, None, t(0)).state, CondState::Ok);
    feed(&s, &mut track, 1, Ok(0.993));
    assert_eq!(s.status(&track, None, t(1)).state, CondState::Warn);
    feed(&s, &mut track, 2, Ok(0.98));
    assert_eq!(s.status(&track, None, t(2)).state, CondState::Breached);
}
