use super::*;
use chrono::TimeZone;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn armed() -> Armed {
    Armed {
        rollback: true,
        promote: true,
    }
}

fn rollback(breached: &[&str]) -> Input {
    Input {
        armed: armed(),
        stage: 2,
        breached_critical: ids(breached),
        ..Input::default()
    }
}

fn promote(stage: usize) -> Input {
    Input {
        armed: armed(),
        stage,
        promote_ready: true,
        ..Input::default()
    }
}

fn with(mut input: Input, blocker: Blocker) -> Input {
    input.blockers.push(blocker);
    input
}

/// Evaluate `input` once a second from `from` to `to` inclusive; the seconds at which it fired.
fn fires(a: &mut Autopilot, input: &Input, from: i64, to: i64) -> Vec<i64> {
    (from..=to)
        .filter(|&s| matches!(a.evaluate(input, t(s)), Decision::Fire(_)))
        .collect()
}

/// What stops both policies: unknown data, drift, a hold, an outcome unknown, read-only.
fn blocking_both() -> Vec<Blocker> {
    vec![
        Blocker::ConditionUnknown("latency".into()),
        Blocker::Drift,
        Blocker::Hold,
        Blocker::OutcomeUnknown,
        Blocker::ReadOnly,
    ]
}

/// Evidence for a promote only: a rollback at night needs no release window or green CI.
fn blocking_promote_only() -> Vec<Blocker> {
    vec![
        Blocker::OutsideWindow,
        Blocker::GateFailing("ci".into()),
        Blocker::GateUnknown("ci".into()),
    ]
}

fn every_blocker() -> Vec<Blocker> {
    [blocking_both(), blocking_promote_only()].concat()
}

#[test]
fn rollback_fires_exactly_once_per_situation() {
    let mut a = Autopilot::default();
    assert_eq!(fires(&mut a, &rollback(&["errors"]), 0, 300), vec![30]);
}

#[test]
fn promote_fires_exactly_once_per_situation() {
    let mut a = Autopilot::default();
    assert_eq!(fires(&mut a, &promote(1), 0, 300), vec![30]);
}

#[test]
fn firing_carries_the_policy_and_the_evidence_as_data() {
    let mut a = Autopilot::new(Duration::from_secs(5));
    let input = rollback(&["errors", "5xx"]);
    a.evaluate(&input, t(0));
    let Decision::Fire(f) = a.evaluate(&input, t(5)) else {
        panic!("expected a firing at the deadline");
    };
    assert_eq!(f.action, Action::Rollback);
    assert_eq!(f.policy, Policy::AutoRollback);
    assert_eq!(f.stage, 2);
    assert_eq!(f.at, t(5));
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["action"], "rollback");
    assert_eq!(json["policy"], "auto-rollback");
    assert_eq!(json["reasons"][0]["kind"], "breached");
    assert_eq!(json["reasons"][0]["condition"], "5xx");
    assert_eq!(json["reasons"][1]["condition"], "errors");
    let back: Firing = serde_json::from_value(json).unwrap();
    assert_eq!(back, f);
}

#[test]
fn the_countdown_says_what_when_and_how_long() {
    let mut a = Autopilot::default();
    a.evaluate(&promote(3), t(0));
    assert_eq!(
        a.evaluate(&promote(3), t(12)),
        Decision::CountingDown {
            action: Action::Promote,
            policy: Policy::AutoPromote,
            reasons: vec![Reason::BakedAndGated { stage: 3 }],
            deadline: t(30),
            left: Duration::from_secs(18),
        }
    );
}

#[test]
fn a_changed_situation_restarts_the_countdown() {
    // Another set of breached critical conditions.
    let mut a = Autopilot::default();
    assert!(fires(&mut a, &rollback(&["errors"]), 0, 20).is_empty());
    assert_eq!(
        fires(&mut a, &rollback(&["errors", "5xx"]), 21, 100),
        vec![51]
    );

    // Another stage.
    let mut a = Autopilot::default();
    assert!(fires(&mut a, &promote(1), 0, 20).is_empty());
    assert_eq!(fires(&mut a, &promote(2), 21, 100), vec![51]);

    // A fired situation that changes counts down again, once.
    let mut a = Autopilot::default();
    assert_eq!(fires(&mut a, &rollback(&["errors"]), 0, 40), vec![30]);
    assert_eq!(fires(&mut a, &rollback(&["5xx"]), 41, 200), vec![71]);
}

#[test]
fn the_same_situation_does_not_restart_the_countdown() {
    let mut a = Autopilot::default();
    let mut input = rollback(&["errors"]);
    a.evaluate(&input, t(0));
    // Unrelated fields change (promote readiness is outranked by the breach).
    input.promote_ready = true;
    assert_eq!(fires(&mut a, &input, 1, 100), vec![30]);
}

#[test]
fn a_veto_holds_until_the_situation_changes() {
    let mut a = Autopilot::default();
    let input = rollback(&["errors"]);
    assert!(fires(&mut a, &input, 0, 10).is_empty());
    let veto = a.veto("  known noisy deploy  ", "ana", t(10)).unwrap();
    assert_eq!(veto.reason, "known noisy deploy");
    assert_eq!(veto.policy, Policy::AutoRollback);
    assert_eq!(
        veto.reasons,
        vec![Reason::Breached {
            condition: "errors".into()
        }]
    );
    for s in 11..=300 {
        assert_eq!(a.evaluate(&input, t(s)), Decision::Vetoed(veto.clone()));
    }
    assert_eq!(
        fires(&mut a, &rollback(&["errors", "5xx"]), 301, 400),
        vec![331]
    );
}

#[test]
fn a_veto_is_forgotten_when_the_situation_goes_away_and_comes_back() {
    let mut a = Autopilot::default();
    let input = rollback(&["errors"]);
    a.evaluate(&input, t(0));
    a.veto("looking into it", "ana", t(5)).unwrap();
    assert_eq!(a.evaluate(&rollback(&[]), t(6)), Decision::Idle);
    assert_eq!(fires(&mut a, &input, 7, 100), vec![37]);
}

#[test]
fn a_veto_needs_something_pending_and_a_reason() {
    let mut a = Autopilot::default();
    assert_eq!(a.veto("why", "ana", t(0)), Err(VetoError::NothingPending));
    a.evaluate(&rollback(&["errors"]), t(0));
    assert_eq!(a.veto("   ", "ana", t(1)), Err(VetoError::NoReason));
    assert_eq!(fires(&mut a, &rollback(&["errors"]), 1, 30), vec![30]);
    assert_eq!(
        a.veto("too late", "ana", t(31)),
        Err(VetoError::AlreadyFired)
    );
}

#[test]
fn every_blocker_stops_an_armed_promote() {
    for b in every_blocker() {
        let mut a = Autopilot::default();
        let input = with(promote(1), b.clone());
        assert!(fires(&mut a, &input, 0, 300).is_empty(), "{b:?}");
        assert_eq!(
            a.evaluate(&input, t(301)),
            Decision::Blocked {
                policy: Policy::AutoPromote,
                blockers: vec![b]
            }
        );
    }
}

#[test]
fn holds_and_the_safety_blockers_stop_an_armed_rollback() {
    for b in blocking_both() {
        assert!(b.stops(Policy::AutoRollback), "{b:?}");
        let mut a = Autopilot::default();
        let input = with(rollback(&["errors"]), b.clone());
        assert!(fires(&mut a, &input, 0, 300).is_empty(), "{b:?}");
        assert_eq!(
            a.evaluate(&input, t(301)),
            Decision::Blocked {
                policy: Policy::AutoRollback,
                blockers: vec![b]
            }
        );
    }
}

#[test]
fn gates_and_release_windows_never_delay_a_rollback() {
    for b in blocking_promote_only() {
        let mut a = Autopilot::default();
        let input = with(rollback(&["errors"]), b.clone());
        assert_eq!(fires(&mut a, &input, 0, 300), vec![30], "{b:?}");
    }
}

#[test]
fn a_blocker_cancels_the_countdown_and_a_whole_one_follows() {
    let mut a = Autopilot::default();
    let input = rollback(&["errors"]);
    assert!(fires(&mut a, &input, 0, 25).is_empty());
    let held = with(input.clone(), Blocker::OutcomeUnknown);
    assert!(fires(&mut a, &held, 26, 40).is_empty());
    assert_eq!(fires(&mut a, &input, 41, 200), vec![71]);
}

#[test]
fn never_fires_on_unknown_data_drift_outcome_unknown_or_read_only() {
    for b in [
        Blocker::ConditionUnknown("errors".into()),
        Blocker::Drift,
        Blocker::OutcomeUnknown,
        Blocker::ReadOnly,
    ] {
        for input in [rollback(&["5xx"]), promote(1)] {
            let mut a = Autopilot::default();
            let input = with(input, b.clone());
            assert!(fires(&mut a, &input, 0, 300).is_empty(), "{b:?} {input:?}");
        }
    }
    // A critical condition that is unknown is not breached: with nothing breached there is no
    // rollback to count down, and its unknown state keeps a promote from firing too.
    let mut a = Autopilot::default();
    let unknown = with(rollback(&[]), Blocker::ConditionUnknown("errors".into()));
    assert_eq!(a.evaluate(&unknown, t(0)), Decision::Idle);
    let mut ready = unknown.clone();
    ready.promote_ready = true;
    assert!(fires(&mut a, &ready, 0, 300).is_empty());
}

#[test]
fn nothing_fires_unless_armed_and_a_breach_outranks_a_promote() {
    let mut a = Autopilot::default();
    let mut input = rollback(&["errors"]);
    input.promote_ready = true;
    input.armed.rollback = false;
    assert!(
        fires(&mut a, &input, 0, 300).is_empty(),
        "breached: no promote"
    );
    let mut input = promote(1);
    input.armed.promote = false;
    assert!(fires(&mut a, &input, 0, 300).is_empty());
    // Disarming mid-countdown forgets it; arming again starts a whole one.
    let mut a = Autopilot::default();
    assert!(fires(&mut a, &promote(1), 0, 20).is_empty());
    assert_eq!(a.evaluate(&input, t(21)), Decision::Idle);
    assert_eq!(fires(&mut a, &promote(1), 22, 100), vec![52]);
}

/// The countdown under a controlled clock: for each countdown length, start and evaluation
/// rhythm, it fires once, at the first evaluation at or past start + countdown, and every
/// countdown shown before it is `deadline - now`. Run twice, the decisions are identical.
#[test]
fn the_countdown_is_deterministic_under_a_controlled_clock() {
    let rhythms: [&[i64]; 4] = [&[1], &[7], &[1, 2, 3, 5, 8, 13], &[29, 1, 2]];
    for countdown in [1u64, 5, 30, 90, 600] {
        for start in [0i64, 17, 3_600] {
            for rhythm in rhythms {
                let mut times = vec![start];
                let mut i = 0;
                while *times.last().unwrap() < start + 2 * countdown as i64 + 60 {
                    times.push(times.last().unwrap() + rhythm[i % rhythm.len()]);
                    i += 1;
                }
                let run = || {
                    let mut a = Autopilot::new(Duration::from_secs(countdown));
                    let input = rollback(&["errors"]);
                    times
                        .iter()
                        .map(|&s| a.evaluate(&input, t(s)))
                        .collect::<Vec<_>>()
                };
                let decisions = run();
                assert_eq!(decisions, run());
                let due = start + countdown as i64;
                let first_due = *times.iter().find(|&&s| s >= due).unwrap();
                let case = format!("countdown {countdown} start {start} rhythm {rhythm:?}");
                for (&s, d) in times.iter().zip(&decisions) {
                    match d {
                        Decision::CountingDown { deadline, left, .. } => {
                            assert!(s < due, "{case}: still counting at {s}");
                            assert_eq!(*deadline, t(due), "{case}");
                            assert_eq!(left.as_secs() as i64, due - s, "{case}");
                        }
                        Decision::Fire(f) => {
                            assert_eq!(s, first_due, "{case}");
                            assert_eq!(f.at, t(s), "{case}");
                        }
                        Decision::Idle => assert!(s > first_due, "{case}: idle at {s}"),
                        other => panic!("{case}: {other:?}"),
                    }
                }
            }
        }
    }
}

#[test]
fn a_clock_that_steps_back_never_fires_early() {
    let mut a = Autopilot::default();
    let input = promote(1);
    a.evaluate(&input, t(100));
    for s in [90, 50, 0, 99, 110] {
        let d = a.evaluate(&input, t(s));
        assert!(
            matches!(d, Decision::CountingDown { deadline, .. } if deadline == t(130)),
            "{s}: {d:?}"
        );
    }
    assert_eq!(fires(&mut a, &input, 111, 200), vec![130]);
}
