//! The cockpit's behaviour through `update`: what an operator would see and what gets journaled
//! or sent, with no terminal, network or clock.

use super::testkit::{poll, run, state, t};
use super::*;
use crate::actions::Outcome as ActionOutcome;
use crate::core::condition::CondState;
use crate::core::reading::{Observation, Outcome, Reading};
use crate::core::record::Event;
use crate::core::verdict::VerdictKind;
use std::time::Duration;

fn feed(state: &mut State, msgs: Vec<Msg>, secs: i64) -> Vec<Effect> {
    msgs.into_iter()
        .flat_map(|m| update(state, m, t(secs)))
        .collect()
}

fn journaled(fx: &[Effect]) -> Vec<Event> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Journal(r) => Some(r.event),
            _ => None,
        })
        .collect()
}

fn typed(state: &mut State, text: &str, secs: i64) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(state, Msg::Key(Key::Char(c)), t(secs)))
        .collect()
}

pub(super) fn dispatch(fx: &[Effect]) -> Option<&Dispatch> {
    fx.iter().find_map(|e| match e {
        Effect::Dispatch(d) => Some(&**d),
        _ => None,
    })
}

/// A release on its first stage (entered at 5 s), healthy and baked (GO) at t=100.
pub(super) fn baked() -> State {
    let mut s = state(false);
    start(&mut s, t(0));
    run(&mut s, 1, 100, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    s
}

#[test]
fn a_live_release_goes_from_no_go_to_hold_to_go_to_rollback_advised() {
    let mut s = state(false);
    let fx = start(&mut s, t(0));
    assert_eq!(journaled(&fx), vec![Event::CockpitStarted]);
    assert_eq!(
        s.release.eval.verdict.kind,
        VerdictKind::NoGoUntilVerified,
        "no data yet"
    );

    let fx = feed(&mut s, poll(1, 1, 0.001, 1.0), 1);
    assert_eq!(
        journaled(&fx),
        vec![Event::StageEntered, Event::VerdictChanged],
        "first observation enters the stage, and the verdict is journaled once known"
    );
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    assert_eq!(
        s.release.eval.verdict.reasons[0].text,
        "1% baking: 01:00 left, 00:00 verified of 01:00"
    );

    // A minute of verified healthy time: polled every 5 s, updated every second.
    run(&mut s, 2, 60, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    run(&mut s, 61, 61, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);

    let fx = feed(&mut s, poll(62, 62, 0.05, 1.0), 62);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::RollbackAdvised);
    assert_eq!(
        journaled(&fx),
        vec![
            Event::BreachBegan,
            Event::BakeCheckpoint,
            Event::VerdictChanged
        ],
        "the breach, the bake restarting from zero, and the verdict"
    );
    assert!(
        s.screen
            .log
            .iter()
            .any(|l| l.text.starts_with("breach began: Error rate"))
    );
}

#[test]
fn a_failing_source_makes_its_conditions_unknown_and_recovery_needs_no_restart() {
    let mut s = baked();
    update(
        &mut s,
        Msg::Observation(Observation {
            source: 0,
            seq: 101,
            at: t(101),
            latency: Duration::from_secs(2),
            outcome: Outcome::Failed("timeout after 2s".into()),
        }),
        t(101),
    );
    assert_eq!(s.release.eval.conditions[0].state, CondState::Unknown);
    assert_eq!(
        s.release.eval.conditions[0].why.as_deref(),
        Some("prom: timeout after 2s")
    );
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
    assert_eq!(s.release.sources[0].consecutive_failures, 1);
    feed(&mut s, poll(105, 105, 0.001, 1.0), 105);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    assert!(
        s.screen
            .log
            .iter()
            .any(|l| l.text == "source prom: answering again")
    );
}

#[test]
fn silence_turns_into_stale_and_no_go() {
    let mut s = baked();
    update(&mut s, Msg::Tick, t(130));
    assert_eq!(s.release.eval.conditions[0].state, CondState::Unknown);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
}

#[test]
fn a_late_answer_from_an_older_poll_is_dropped() {
    let mut s = baked();
    feed(&mut s, poll(1, 99, 0.5, 1.0), 99);
    assert_eq!(
        s.release.eval.verdict.kind,
        VerdictKind::Go,
        "seq 1 is older than seq 2"
    );
}

#[test]
fn drift_between_tracked_and_live_traffic_is_no_go() {
    let mut s = baked();
    feed(&mut s, poll(101, 101, 0.001, 5.0), 101);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
    assert_eq!(
        s.release.eval.verdict.reasons[0].text,
        "drift: tracked 1%, live traffic 5%"
    );
}

#[test]
fn redraw_is_asked_for_only_when_something_visible_changed() {
    let mut s = baked();
    s.take_dirty();
    // Same values again at the same second: nothing on screen changes.
    feed(&mut s, poll(101, 100, 0.001, 1.0), 100);
    s.take_dirty();
    update(&mut s, Msg::Tick, t(100));
    assert!(!s.take_dirty(), "a tick in the same second changes nothing");
    update(&mut s, Msg::Key(Key::Char('z')), t(100));
    assert!(!s.take_dirty(), "an unbound key changes nothing");
    update(&mut s, Msg::Key(Key::Char('?')), t(100));
    assert!(s.take_dirty());
}

#[test]
fn promote_needs_the_full_approve_risk_phrase_and_q_is_just_a_letter() {
    let mut s = baked();
    update(&mut s, Msg::Key(Key::Char('p')), t(100));
    assert!(matches!(s.screen.overlay, Overlay::Approve(_)));
    let fx = typed(&mut s, "q", 100);
    assert!(
        fx.is_empty() && !s.session.quitting,
        "q inside the prompt is a letter"
    );
    update(&mut s, Msg::Key(Key::Backspace), t(100));
    typed(&mut s, "Approve-Risk: short", 100);
    let fx = update(&mut s, Msg::Key(Key::Enter), t(100));
    assert!(
        dispatch(&fx).is_none(),
        "Enter does nothing until the text parses"
    );
    let Overlay::Approve(m) = &s.screen.overlay else {
        panic!("modal closed")
    };
    assert_eq!(
        m.notice.as_deref(),
        Some("reason needs 10 non-blank characters (5 so far)")
    );
    typed(&mut s, " of breath", 100);
    let fx = update(&mut s, Msg::Key(Key::Enter), t(100));
    let d = dispatch(&fx).expect("a valid confirmation dispatches");
    assert_eq!(d.action(), "promote");
    assert_eq!(d.requested().event, Event::ActionRequested);
    assert_eq!(d.requested().reason.as_deref(), Some("short of breath"));
    assert!(
        d.override_record().is_none(),
        "promote on GO is no override"
    );
    assert_eq!(d.vars()["to_traffic"], serde_json::json!(5));
    assert_eq!(d.vars()["from_traffic"], serde_json::json!(1));
    assert_eq!(s.screen.overlay, Overlay::None);
    assert!(s.session.in_flight.is_some());
}

#[test]
fn a_second_action_is_refused_while_one_is_in_flight() {
    let mut s = baked();
    update(&mut s, Msg::Key(Key::Char('p')), t(100));
    typed(&mut s, "Approve-Risk: metrics look clean", 100);
    update(&mut s, Msg::Key(Key::Enter), t(100));
    update(&mut s, Msg::Key(Key::Char('r')), t(101));
    assert_eq!(s.screen.overlay, Overlay::None);
    assert_eq!(
        s.screen.toast.as_ref().map(|t| t.text.as_str()),
        Some("promote is in flight; wait for its outcome")
    );
    // Quit asks first while the action is in flight.
    let fx = update(&mut s, Msg::Key(Key::Char('q')), t(101));
    assert!(fx.is_empty());
    assert_eq!(s.screen.overlay, Overlay::ConfirmQuit);
    update(&mut s, Msg::Key(Key::Char('n')), t(101));
    assert!(!s.session.quitting);
}

#[test]
fn a_successful_promote_enters_the_next_stage_without_false_drift() {
    let mut s = baked();
    update(&mut s, Msg::Key(Key::Char('p')), t(100));
    typed(&mut s, "Approve-Risk: metrics look clean", 100);
    let fx = update(&mut s, Msg::Key(Key::Enter), t(100));
    let id = dispatch(&fx).unwrap().id().to_string();
    let outcome = ActionOutcome::Succeeded {
        status: 200,
        latency: Duration::from_millis(40),
        excerpt: "ok".into(),
    };
    let fx = update(&mut s, Msg::ActionDone { id, outcome }, t(101));
    assert_eq!(
        journaled(&fx),
        vec![
            Event::ActionSucceeded,
            Event::StageEntered,
            Event::VerdictChanged
        ]
    );
    assert_eq!(s.release.position.unwrap().stage, 1);
    assert_eq!(
        s.release.eval.verdict.kind,
        VerdictKind::Hold,
        "the old 1% reading is not drift"
    );
    feed(&mut s, poll(103, 103, 0.001, 5.0), 103);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    assert!(s.session.in_flight.is_none());
}

#[test]
fn an_unknown_outcome_is_journaled_and_the_release_does_not_move() {
    let mut s = baked();
    update(&mut s, Msg::Key(Key::Char('p')), t(100));
    typed(&mut s, "Approve-Risk: metrics look clean", 100);
    let fx = update(&mut s, Msg::Key(Key::Enter), t(100));
    let id = dispatch(&fx).unwrap().id().to_string();
    let outcome = super::testkit::unknown_outcome();
    let fx = update(&mut s, Msg::ActionDone { id, outcome }, t(101));
    assert_eq!(
        journaled(&fx),
        vec![Event::ActionOutcomeUnknown, Event::VerdictChanged]
    );
    assert_eq!(s.release.position.unwrap().stage, 0);
    assert!(
        s.screen
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("OUTCOME UNKNOWN")
    );
}

#[test]
fn promoting_while_not_go_is_an_override_with_the_failing_reasons() {
    let mut s = state(false);
    start(&mut s, t(0));
    feed(&mut s, poll(1, 1, 0.001, 1.0), 1);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    update(&mut s, Msg::Key(Key::Char('p')), t(2));
    let Overlay::Approve(m) = &s.screen.overlay else {
        panic!()
    };
    assert!(m.is_override);
    typed(&mut s, "Approve-Risk: hotfix must ship now", 2);
    let fx = update(&mut s, Msg::Key(Key::Enter), t(2));
    let d = dispatch(&fx).unwrap();
    let o = d.override_record().expect("override journaled");
    assert_eq!(o.event, Event::Override);
    assert_eq!(o.verdict.as_deref(), Some("HOLD"));
    assert_eq!(
        o.verdict_reasons,
        vec!["1% baking: 00:59 left, 00:01 verified of 01:00".to_string()]
    );
}

#[test]
fn a_verdict_that_changed_since_the_prompt_opened_is_asked_again() {
    let mut s = baked();
    update(&mut s, Msg::Key(Key::Char('p')), t(100));
    typed(&mut s, "Approve-Risk: metrics look clean", 100);
    feed(&mut s, poll(101, 101, 0.05, 1.0), 101);
    let fx = update(&mut s, Msg::Key(Key::Enter), t(101));
    assert!(dispatch(&fx).is_none());
    let Overlay::Approve(m) = &s.screen.overlay else {
        panic!()
    };
    assert!(
        m.notice
            .as_deref()
            .unwrap()
            .starts_with("the verdict changed from GO to ROLLBACK ADVISED")
    );
    assert!(m.is_override);
    let fx = update(&mut s, Msg::Key(Key::Enter), t(101));
    assert!(dispatch(&fx).unwrap().override_record().is_some());
}

#[test]
fn rollback_is_the_fast_path_and_esc_cancels() {
    let mut s = baked();
    feed(&mut s, poll(101, 101, 0.05, 1.0), 101);
    update(&mut s, Msg::Key(Key::Char('r')), t(101));
    let Overlay::Approve(m) = &s.screen.overlay else {
        panic!()
    };
    assert_eq!(m.input, "Approve-Risk: ");
    assert!(s.breaches().each[0].starts_with("Error rate "));
    assert!(!m.is_override);
    update(&mut s, Msg::Key(Key::Esc), t(101));
    assert_eq!(s.screen.overlay, Overlay::None);
    update(&mut s, Msg::Key(Key::Char('r')), t(101));
    update(
        &mut s,
        Msg::Paste("errors at 5%\nrolling back".into()),
        t(101),
    );
    let fx = update(&mut s, Msg::Key(Key::Enter), t(101));
    let d = dispatch(&fx).expect("pasted reason confirms");
    assert_eq!(
        d.requested().reason.as_deref(),
        Some("errors at 5% rolling back")
    );
    let id = d.id().to_string();
    let ok = ActionOutcome::Succeeded {
        status: 200,
        latency: Duration::from_millis(5),
        excerpt: String::new(),
    };
    let fx = update(&mut s, Msg::ActionDone { id, outcome: ok }, t(102));
    assert_eq!(
        journaled(&fx),
        vec![Event::ActionSucceeded, Event::RolledBack]
    );
    assert!(s.release.position.unwrap().rolled_back);
    feed(&mut s, poll(104, 104, 0.001, 0.0), 104);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
    assert_eq!(
        s.release.eval.verdict.reasons[0].text,
        "rolled back from 1%"
    );
}

#[test]
fn read_only_sends_nothing_and_writes_nothing() {
    let mut s = state(true);
    let fx = start(&mut s, t(0));
    assert!(journaled(&fx).is_empty());
    let mut all = feed(&mut s, poll(1, 1, 0.05, 1.0), 1);
    all.extend(update(&mut s, Msg::Key(Key::Char('r')), t(2)));
    all.extend(typed(&mut s, "Approve-Risk: trying anyway", 2));
    all.extend(update(&mut s, Msg::Key(Key::Enter), t(2)));
    // No prompt opened; the keys typed moved focus (`k`) and Enter opened its detail.
    assert!(!matches!(s.screen.overlay, Overlay::Approve(_)));
    assert!(
        all.iter()
            .all(|e| !matches!(e, Effect::Dispatch(_) | Effect::Journal(_)))
    );
    assert_eq!(
        s.release.eval.verdict.kind,
        VerdictKind::RollbackAdvised,
        "observers still see the verdict"
    );
}

#[test]
fn signals_quit_cleanly_with_the_stop_journaled_last() {
    let mut s = baked();
    let fx = update(&mut s, Msg::Shutdown("SIGTERM"), t(100));
    assert_eq!(
        journaled(&fx),
        vec![Event::BakeCheckpoint, Event::CockpitStopped],
        "the bake as it stood, then the stop"
    );
    assert_eq!(fx.last(), Some(&Effect::Quit));
}

fn with_slack(read_only: bool) -> State {
    let mut s = super::testkit::state(read_only);
    s.setup.notify = vec![crate::setup::NotifySpec {
        name: "slack".into(),
        url: crate::secret::Secret::new("http://127.0.0.1:9/hook"),
        method: "POST".into(),
        headers: vec![],
        body: r#"{"text": "{{message}}"}"#.into(),
        body_kind: crate::setup::BodyKind::Json,
        events: vec![Event::BreachBegan],
        timeout: Duration::from_secs(1),
        tls: None,
    }];
    s
}

fn notices(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Notify(n) => Some(n.message.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn breaches_and_overrides_are_announced_but_not_by_observers() {
    let mut s = with_slack(false);
    start(&mut s, t(0));
    feed(&mut s, poll(1, 1, 0.001, 1.0), 1);
    let fx = feed(&mut s, poll(2, 5, 0.05, 1.0), 5);
    assert_eq!(
        notices(&fx),
        [
            "checkout 2.0 (prod): breach began: Error rate: 0.05 above max",
            "checkout 2.0 (prod): verdict ROLLBACK ADVISED: Error rate: 0.05 above max"
        ]
    );
    update(&mut s, Msg::Key(Key::Char('p')), t(6));
    typed(&mut s, "Approve-Risk: pushing through anyway", 6);
    let fx = update(&mut s, Msg::Key(Key::Enter), t(6));
    let sent = notices(&fx);
    assert!(
        sent[0].contains("OVERRIDE by ana: promote while the verdict is ROLLBACK ADVISED"),
        "{sent:?}"
    );

    let mut o = with_slack(true);
    start(&mut o, t(0));
    feed(&mut o, poll(1, 1, 0.001, 1.0), 1);
    let fx = feed(&mut o, poll(2, 5, 0.05, 1.0), 5);
    assert!(notices(&fx).is_empty(), "an observer announces nothing");
}

/// `update` recomputes only the conditions and sources whose input or time changed. Whatever
/// the messages and however time moves, what it shows must equal a full evaluation at that
/// moment: staleness, persistence windows, overrides of the stage and baselines included.
#[test]
fn reusing_what_still_holds_shows_exactly_what_a_full_evaluation_shows() {
    use crate::core::condition::{Persistence, Relative, Threshold};
    use crate::core::plan::ThresholdOverride;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    let mut setup = testkit::setup();
    let base = setup.conditions[0].clone();
    let mut variant = |id: &str, f: &dyn Fn(&mut crate::core::condition::ConditionSpec)| {
        let mut c = base.clone();
        c.id = id.into();
        c.label = id.into();
        f(&mut c);
        setup.conditions.push(c);
    };
    variant("for_20s", &|c| {
        c.persistence = Persistence::For(Duration::from_secs(20))
    });
    variant("three_samples", &|c| {
        c.persistence = Persistence::Samples(3)
    });
    variant("warned", &|c| {
        c.threshold = Threshold {
            max: Some(0.02),
            min: None,
            warn: Some(0.01),
        };
        c.stale_after = Duration::from_secs(7);
    });
    variant("relative", &|c| {
        c.relative = Some(Relative {
            baseline: testkit::TRAFFIC,
            factor: 0.001,
            offset: 0.0,
        })
    });
    // Goes stale before it counts as late.
    setup.sources[1].stale_after = Duration::from_secs(6);
    setup.plan.stages[1].overrides.insert(
        "error_rate".into(),
        ThresholdOverride {
            max: Some(0.01),
            min: None,
            warn: None,
        },
    );
    let boot = Boot {
        setup,
        context: testkit::context(),
        journal: &[],
        local_offset: chrono::FixedOffset::east_opt(0).unwrap(),
        read_only: false,
    };
    let mut s = boot.state(t(0));

    let mut rng = SmallRng::seed_from_u64(11);
    let mut now = t(0);
    let mut seq = [0u64; 2];
    let mut seen = [false; 6];
    for step in 0..5_000 {
        now += chrono::TimeDelta::milliseconds(rng.random_range(0..4_000));
        let msg = match rng.random_range(0..10) {
            0..=3 => {
                seq[0] += 1;
                let outcome = match rng.random_range(0..6) {
                    0 => Outcome::Failed("HTTP 503".into()),
                    1 => Outcome::Readings(vec![(
                        testkit::ERROR_RATE,
                        Reading::Missing("no value".into()),
                    )]),
                    _ => Outcome::Readings(vec![(
                        testkit::ERROR_RATE,
                        Reading::Number([0.005, 0.015, 0.03][rng.random_range(0..3)]),
                    )]),
                };
                Msg::Observation(Observation {
                    source: 0,
                    seq: seq[0],
                    at: now,
                    latency: Duration::from_millis(rng.random_range(1..50)),
                    outcome,
                })
            }
            4..=6 => {
                seq[1] += 1;
                let share = ["1", "5", "100", "0", "x"][rng.random_range(0..5)];
                Msg::Observation(Observation {
                    source: 1,
                    seq: seq[1],
                    at: now,
                    latency: Duration::from_millis(3),
                    outcome: Outcome::Readings(vec![(
                        testkit::TRAFFIC,
                        Reading::Text(share.into()),
                    )]),
                })
            }
            _ => Msg::Tick,
        };
        update(&mut s, msg, now);
        let mut full = s.clone();
        full.release.reuse.all();
        eval::refresh(&mut full, now);
        assert_eq!(s.release.eval, full.release.eval, "step {step} at {now}");
        let why = |c: &crate::core::condition::ConditionStatus, w: &str| {
            c.why.as_deref().is_some_and(|x| x.contains(w))
        };
        for c in &s.release.eval.conditions {
            seen[0] |= c.state == CondState::Breached;
            seen[1] |= why(c, "over for");
            seen[2] |= why(c, "stale");
            seen[3] |= c.state == CondState::Warn && c.confirming.is_none();
        }
        seen[4] |= s.release.eval.current == Some(1);
        seen[5] |= s.release.eval.sources[1].status == SourceStatus::Stale;
    }
    // The walk went through every state worth checking.
    assert_eq!(
        seen, [true; 6],
        "breach, confirming, stale, warn, stage 2, stale source"
    );
}
