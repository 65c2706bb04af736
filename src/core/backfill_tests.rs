use super::*;
use crate::core::bake::Resumed;
use crate::core::condition::{Persistence, Relative, Threshold, Unit};
use crate::core::plan::Stage;
use chrono::TimeZone;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// "Error rate" on signal 0: breach above 2%, stale after 3s.
fn error_rate(persistence: Persistence) -> ConditionSpec {
    ConditionSpec {
        id: "error_rate".into(),
        label: "Error rate".into(),
        value: 0,
        threshold: Threshold {
            max: Some(0.02),
            min: None,
            warn: None,
        },
        relative: None,
        persistence,
        unit: Unit {
            suffix: "%".into(),
            scale: 100.0,
            decimals: 2,
        },
        stale_after: secs(3),
        min_traffic: None,
        observe: false,
        compare: None,
        critical: false,
    }
}

/// One point a second from 0 to 60; `value(s)` gives each (None: no value at that step).
fn points(value: impl Fn(i64) -> Option<f64>) -> Result<Points, String> {
    Ok((0..=60)
        .map(|s| (t(s), value(s).map(Reading::Number)))
        .collect())
}

/// The gap from 0 to 60 s.
fn over_a_minute<'a>(
    conditions: &'a [ConditionSpec],
    overrides: &'a BTreeMap<String, ThresholdOverride>,
    traffic: Option<Traffic<'a>>,
) -> Gap<'a> {
    Gap {
        from: t(0),
        to: t(60),
        conditions,
        overrides,
        step: secs(1),
        traffic,
    }
}

/// The live traffic on signal 1 must show the first stage of `plan`.
fn traffic(plan: &Plan) -> Traffic<'_> {
    Traffic {
        signal: 1,
        plan,
        stage: 0,
        stale_after: secs(3),
    }
}

fn judge_one(spec: ConditionSpec, history: Result<Points, String>) -> Finding {
    let overrides = BTreeMap::new();
    let conditions = [spec];
    let gap = over_a_minute(&conditions, &overrides, None);
    judge(&gap, &[(0, history)])
}

#[test]
fn healthy_at_every_step_is_verified() {
    let f = judge_one(error_rate(Persistence::Immediate), points(|_| Some(0.005)));
    assert_eq!(f, Finding::Verified);
}

#[test]
fn a_statistical_condition_cannot_be_verified_from_history() {
    let spec = ConditionSpec {
        compare: Some(crate::core::compare::Compare::default()),
        ..error_rate(Persistence::Immediate)
    };
    let f = judge_one(spec, points(|_| Some(0.005)));
    assert_eq!(
        f,
        Finding::NotCounted(
            "Error rate compares the stage's samples, which history cannot replay".into()
        )
    );
}

#[test]
fn a_step_without_data_counts_only_within_the_staleness_limit() {
    // A step widened past stale_after (3s): a value every 5s is never stale.
    let conditions = [error_rate(Persistence::Immediate)];
    let overrides = BTreeMap::new();
    let wide = Gap {
        step: secs(5),
        ..over_a_minute(&conditions, &overrides, None)
    };
    let every_5s = points(|s| (s % 5 == 0).then_some(0.005));
    assert_eq!(judge(&wide, &[(0, every_5s.clone())]), Finding::Verified);
    let narrow = over_a_minute(&conditions, &overrides, None);
    assert!(matches!(
        judge(&narrow, &[(0, every_5s)]),
        Finding::NotCounted(_)
    ));

    // 2s without a value: the last one is still within 3s.
    let short = points(|s| (!(20..22).contains(&s)).then_some(0.005));
    assert_eq!(
        judge_one(error_rate(Persistence::Immediate), short),
        Finding::Verified
    );
    // 10s without a value: stale from 24s (3s after the value of 20s) to 29s.
    let long = points(|s| (!(21..30).contains(&s)).then_some(0.005));
    assert_eq!(
        judge_one(error_rate(Persistence::Immediate), long),
        Finding::NotCounted("no data for Error rate 22:13:44–22:13:49".into())
    );
    let none_at_first = points(|s| (s >= 5).then_some(0.005));
    assert!(matches!(
        judge_one(error_rate(Persistence::Immediate), none_at_first),
        Finding::NotCounted(w) if w.starts_with("no data for Error rate")
    ));
    let failed = judge_one(error_rate(Persistence::Immediate), Err("HTTP 503".into()));
    assert_eq!(
        failed,
        Finding::NotCounted("history not read: HTTP 503".into())
    );
}

#[test]
fn a_breach_in_history_follows_persistence_as_live_judging_does() {
    let spike = |from: i64, to: i64| {
        points(move |s| Some(if (from..to).contains(&s) { 0.2 } else { 0.005 }))
    };
    // Two samples over a three-sample persistence: over its limit, not a breach; live, that
    // pauses the bake, so the gap does not count.
    let f = judge_one(error_rate(Persistence::Samples(3)), spike(30, 32));
    assert_eq!(
        f,
        Finding::NotCounted(
            "Error rate 20.00% over its limit at 22:13:50 (over 1 of 3 samples), not yet a breach"
                .into()
        )
    );
    // Three samples: a breach from the third until the first healthy step.
    let f = judge_one(error_rate(Persistence::Samples(3)), spike(30, 40));
    assert_eq!(
        f,
        Finding::Breached {
            span: Span {
                from: t(32),
                to: Some(t(40))
            },
            why: "Error rate 20.00% above max at 22:13:52".into()
        }
    );
    // One that lasts to the end of the gap stays open.
    let f = judge_one(error_rate(Persistence::For(secs(5))), spike(50, 61));
    assert!(
        matches!(f, Finding::Breached { span: Span { from, to: None }, .. } if from == t(55)),
        "{f:?}"
    );
}

#[test]
fn the_current_stage_overrides_apply() {
    let mut overrides = BTreeMap::new();
    overrides.insert(
        "error_rate".to_string(),
        ThresholdOverride {
            max: Some(0.05),
            ..Default::default()
        },
    );
    let conditions = [error_rate(Persistence::Immediate)];
    let gap = over_a_minute(&conditions, &overrides, None);
    let history = [(0, points(|_| Some(0.03)))];
    assert_eq!(judge(&gap, &history), Finding::Verified);
    assert!(matches!(
        judge_one(error_rate(Persistence::Immediate), points(|_| Some(0.03))),
        Finding::Breached { .. }
    ));
}

#[test]
fn a_relative_condition_is_compared_with_the_baseline_of_the_same_step() {
    let mut spec = error_rate(Persistence::Immediate);
    spec.threshold.max = None;
    spec.relative = Some(Relative {
        baseline: 1,
        factor: 2.0,
        offset: 0.0,
    });
    let conditions = [spec];
    let overrides = BTreeMap::new();
    let gap = over_a_minute(&conditions, &overrides, None);
    // The baseline doubles at 30s; the canary follows it: within 2× at every step.
    let base = |s: i64| if s < 30 { 0.01 } else { 0.02 };
    let canary = points(move |s| Some(base(s) * 1.5));
    let history = [(0, canary.clone()), (1, points(move |s| Some(base(s))))];
    assert_eq!(judge(&gap, &history), Finding::Verified);
    // Against a baseline one step late, the canary at 30s is over 2× the old baseline.
    let late = points(move |s| Some(base(s - 1)));
    assert!(matches!(
        judge(&gap, &[(0, canary.clone()), (1, late)]),
        Finding::Breached { span, .. } if span.from == t(30)
    ));
    // No baseline at a step: unknown there, not counted.
    let holes = points(move |s| (s != 45).then_some(base(s)));
    assert_eq!(
        judge(&gap, &[(0, canary), (1, holes)]),
        Finding::NotCounted("no data for Error rate at 22:14:05".into())
    );
}

#[test]
fn drift_must_be_ruled_out_step_by_step() {
    let plan = Plan {
        stages: [5.0, 100.0]
            .iter()
            .map(|&traffic| Stage {
                name: format!("{traffic}%"),
                traffic,
                bake: secs(600),
                overrides: BTreeMap::new(),
                failure_limit: None,
            })
            .collect(),
    };
    let conditions = [error_rate(Persistence::Immediate)];
    let overrides = BTreeMap::new();
    let gap = over_a_minute(&conditions, &overrides, Some(traffic(&plan)));
    let healthy = points(|_| Some(0.005));
    let on_5 = points(|_| Some(5.0));
    assert_eq!(
        judge(&gap, &[(0, healthy.clone()), (1, on_5)]),
        Finding::Verified
    );
    let moved = points(|s| Some(if s == 40 { 100.0 } else { 5.0 }));
    assert_eq!(
        judge(&gap, &[(0, healthy.clone()), (1, moved)]),
        Finding::NotCounted("live traffic 100% at 22:14:00, not the tracked 5%".into())
    );
    let unseen = points(|s| (s < 10).then_some(5.0));
    assert_eq!(
        judge(&gap, &[(0, healthy), (1, unseen)]),
        Finding::NotCounted("no data for the live traffic at 22:13:33".into())
    );
}

#[test]
fn the_step_is_widened_to_stay_within_prometheus_points() {
    assert_eq!(step_for(secs(15), t(0), t(3600)), (secs(15), false));
    // A day at 1s would be 86,401 points: 8s steps give 10,801.
    let (step, widened) = step_for(secs(1), t(0), t(86_400));
    assert!(widened);
    assert_eq!(step, Duration::from_millis(7_856));
    assert!(86_400_000 / (step.as_millis() as u64) < MAX_POINTS);
}

fn resumed(verified: u64) -> Bake {
    let gap = Span {
        from: t(0),
        to: Some(t(60)),
    };
    let mut b = Bake::resume(
        0,
        t(-100),
        secs(600),
        Resumed {
            verified: secs(verified),
            breached: false,
            restarted: None,
            unobserved: Some(gap),
            breaches: 0,
        },
    );
    b.asked("prometheus");
    b
}

fn gap() -> Span {
    Span {
        from: t(0),
        to: Some(t(60)),
    }
}

#[test]
fn a_verified_gap_is_added_and_the_screen_says_where_from() {
    let mut b = resumed(100);
    assert_eq!(
        b.view().note().as_deref(),
        Some("not observed 22:13–22:14 UTC: not counted (checking prometheus history)")
    );
    let due = b.backfill(gap(), &Finding::Verified, "prometheus", secs(1));
    assert_eq!(due, Some(MarkDue::Backfilled));
    assert_eq!(b.verified, secs(160));
    assert_eq!(
        b.view().note().as_deref(),
        Some("22:13–22:14 UTC verified from prometheus history")
    );
    assert_eq!(
        b.backfill(gap(), &Finding::Verified, "prometheus", secs(1)),
        None,
        "one answer counts once"
    );
    assert_eq!(b.verified, secs(160));
}

#[test]
fn an_unverified_gap_is_not_counted_and_says_why() {
    let mut b = resumed(100);
    let why = Finding::NotCounted("no data for Error rate at 22:14:05".into());
    assert_eq!(b.backfill(gap(), &why, "prometheus", secs(1)), None);
    assert_eq!(b.verified, secs(100));
    assert_eq!(
        b.view().note().as_deref(),
        Some("not observed 22:13–22:14 UTC: not counted (no data for Error rate at 22:14:05)")
    );
}

#[test]
fn a_breach_in_history_restarts_the_bake() {
    let mut b = resumed(100);
    // Live, healthy since the restart at 60: 10s verified after the gap.
    for s in 60..=70 {
        b.update(t(s), &crate::core::bake::Health::Healthy);
    }
    assert_eq!(b.verified, secs(110));
    let span = Span {
        from: t(30),
        to: Some(t(40)),
    };
    let breach = Finding::Breached {
        span,
        why: "Error rate 20.00% above max at 22:13:50".into(),
    };
    assert_eq!(
        b.backfill(gap(), &breach, "prometheus", secs(1)),
        Some(MarkDue::BreachInHistory)
    );
    assert_eq!(b.verified, secs(10), "only what came after the breach");
    assert_eq!(b.restarted, Some(span));
    assert_eq!(
        b.view().note().as_deref(),
        Some("restarted after breach 22:13–22:14 UTC")
    );

    // A breach lasting to the gap's end holds the bake at zero until fresh data ends it.
    let mut b = resumed(100);
    let open = Finding::Breached {
        span: Span {
            from: t(50),
            to: None,
        },
        why: "Error rate 20.00% above max at 22:14:10".into(),
    };
    b.backfill(gap(), &open, "prometheus", secs(1));
    assert!(b.breached);
    assert_eq!(b.verified, Duration::ZERO);
    b.update(t(61), &crate::core::bake::Health::Healthy);
    assert!(!b.breached);
    assert_eq!(b.restarted.unwrap().to, Some(t(61)));
}

#[test]
fn a_breach_seen_live_since_outweighs_a_clean_history() {
    let mut b = resumed(100);
    b.update(t(61), &crate::core::bake::Health::Breached);
    let due = b.backfill(gap(), &Finding::Verified, "prometheus", secs(1));
    assert_eq!(due, None);
    assert_eq!(b.verified, Duration::ZERO);
}

#[test]
fn a_gap_on_too_little_traffic_is_not_counted() {
    let mut spec = error_rate(Persistence::Immediate);
    spec.min_traffic = Some(crate::core::min_traffic::MinTraffic {
        signal: 2,
        min: 500.0,
        unit: "requests".into(),
    });
    let (overrides, conditions) = (BTreeMap::new(), [spec]);
    let gap = over_a_minute(&conditions, &overrides, None);
    let healthy = points(|_| Some(0.005));
    let enough = points(|_| Some(900.0));
    let history = [(0, healthy.clone()), (2, enough)];
    assert_eq!(judge(&gap, &history), Finding::Verified);
    // Half the gap on a trickle: the error rate proves nothing then.
    let thin = points(|s| Some(if s < 30 { 900.0 } else { 37.0 }));
    let f = judge(&gap, &[(0, healthy), (2, thin)]);
    assert!(matches!(f, Finding::NotCounted(_)), "{f:?}");
}
