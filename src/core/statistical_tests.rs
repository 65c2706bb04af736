use super::*;
use crate::core::compare::Compare;
use crate::core::condition::{Persistence, Relative, Threshold, Unit};
use chrono::TimeZone;
use std::time::Duration;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

fn spec(critical: bool) -> ConditionSpec {
    ConditionSpec {
        id: "p95".into(),
        label: "p95 vs baseline".into(),
        value: 0,
        threshold: Threshold::default(),
        relative: Some(Relative {
            baseline: 1,
            factor: 1.0,
            offset: 0.0,
        }),
        persistence: Persistence::Immediate,
        unit: Unit::default(),
        stale_after: Duration::from_secs(15),
        compare: Some(Compare {
            min_samples: 10,
            critical,
            ..Compare::default()
        }),
        min_traffic: None,
        observe: false,
        critical,
    }
}

/// `n` samples a second ending at `n`, the canary `canary(i)` against a baseline of 100-109.
fn fed(
    s: &ConditionSpec,
    n: i64,
    canary: impl Fn(i64) -> f64,
) -> (ConditionTrack, VecDeque<Point>) {
    let mut track = ConditionTrack::default();
    let mut points = VecDeque::new();
    for i in 0..n {
        let base = 100.0 + (i % 10) as f64;
        s.observe_baseline(&mut track, t(i), Ok(base));
        let th = s.effective(None, &track);
        s.observe(&mut track, t(i), Ok(canary(i)), th);
        points.push_back(Point {
            at: t(i),
            value: canary(i),
            baseline: Some(base),
        });
    }
    (track, points)
}

#[test]
fn a_worse_canary_fails_critical_as_a_breach_and_others_by_the_score() {
    let worse = |i: i64| 200.0 + (i % 10) as f64;
    let s = spec(true);
    let (track, points) = fed(&s, 20, worse);
    let (st, _) = s.judge_stage(&track, None, &points, t(20));
    assert_eq!(st.state, CondState::Breached, "{st:?}");
    assert!(
        st.why
            .as_deref()
            .unwrap()
            .starts_with("FAIL (critical) p<0.001 effect")
    );
    // Not critical: WARN, held; the stage fails on its score alone (0 below 50).
    let s = spec(false);
    let (st, _) = s.judge_stage(&track, None, &points, t(20));
    assert_eq!(st.state, CondState::Warn);
    assert!(st.confirming.is_some());
    assert_eq!(
        stage_fails([&st]).as_deref(),
        Some("stage score 0 below 50")
    );
}

#[test]
fn a_canary_like_its_baseline_passes_and_too_few_samples_are_unknown() {
    let s = spec(false);
    let (track, points) = fed(&s, 20, |i| 100.0 + ((i + 3) % 10) as f64);
    let (st, _) = s.judge_stage(&track, None, &points, t(20));
    assert_eq!(st.state, CondState::Ok, "{st:?}");
    assert_eq!(stage_score([&st]), Some(100.0));
    assert_eq!(stage_fails([&st]), None);
    let few: VecDeque<Point> = points.iter().take(4).copied().collect();
    let (st, _) = s.judge_stage(&track, None, &few, t(20));
    assert_eq!(st.state, CondState::Unknown);
    assert_eq!(st.why.as_deref(), Some("4 of 10 samples"));
    assert!(awaiting_samples(&st), "fresh data, too few samples: wait");
}

#[test]
fn stale_data_stays_unknown_whatever_the_comparison() {
    let s = spec(true);
    let (track, points) = fed(&s, 20, |i| 100.0 + (i % 10) as f64);
    let (st, _) = s.judge_stage(&track, None, &points, t(80));
    assert_eq!(st.state, CondState::Unknown);
    assert!(st.why.as_deref().unwrap().starts_with("stale"));
    assert!(!awaiting_samples(&st), "stale data: check the source");
}

#[test]
fn a_window_lets_a_regression_that_ended_end() {
    let s = spec(true);
    // 20 s worse, then 12 s like the baseline again.
    let (track, points) = fed(&s, 32, |i| {
        let base = 100.0 + (i % 10) as f64;
        if i < 20 { 2.0 * base } else { base + 0.5 }
    });
    let (st, _) = s.judge_stage(&track, None, &points, t(32));
    assert_eq!(
        st.state,
        CondState::Breached,
        "the whole stage: still worse"
    );
    let windowed = ConditionSpec {
        compare: s.compare.map(|c| Compare {
            window: Some(12),
            ..c
        }),
        ..s.clone()
    };
    let (st, _) = windowed.judge_stage(&track, None, &points, t(32));
    assert_eq!(st.state, CondState::Ok, "{st:?}");
    assert_eq!(st.compare.unwrap().canary_n, 12);
}
