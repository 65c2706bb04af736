//! An unobserved gap through `update`: asked for at start, verified and journaled, restarted by
//! a breach in history, or not counted with the reason on the screen.

use super::{HistoryAnswer, HistoryAsk};
use crate::app::testkit::{self, records, run, t};
use crate::app::{Boot, Effect, Msg, State, update};
use crate::core::bake::{BakeView, Span};
use crate::core::reading::Reading;
use crate::core::record::{Context, Event, Record};
use crate::core::verdict::VerdictKind;
use chrono::FixedOffset;
use std::time::Duration;

/// The test release with a ten-minute first stage, and no live traffic source (or one in
/// Prometheus, with `traffic_in_prometheus`).
fn setup(traffic_in_prometheus: bool) -> crate::setup::Setup {
    let mut setup = testkit::setup();
    setup.plan.stages[0].bake = Duration::from_secs(600);
    if traffic_in_prometheus {
        let rollout = crate::setup::Extract::PromQuery("rollout".into());
        setup.sources[1].kind = crate::setup::SourceKind::Prometheus;
        setup.sources[1].signals[0].1 = rollout.clone();
        setup.signals[1].extract = rollout;
    } else {
        setup.observed_traffic = None;
    }
    setup
}

fn context() -> Context {
    testkit::state(false).session.context
}

/// A cockpit over `journal`, started at `at` as the runtime starts one.
fn started(setup: &crate::setup::Setup, journal: &[Record], at: i64) -> (State, Vec<Effect>) {
    let boot = Boot {
        setup: setup.clone(),
        context: context(),
        journal,
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only: false,
    };
    boot.start(t(at))
}

fn asked(fx: &[Effect]) -> Option<HistoryAsk> {
    fx.iter().find_map(|e| match e {
        Effect::History(a) => Some((**a).clone()),
        _ => None,
    })
}

/// A cockpit that observed 0–130 s healthy and was killed: its journal.
fn killed_at_130(setup: &crate::setup::Setup) -> Vec<Record> {
    let (mut s, fx) = started(setup, &[], 0);
    let mut journal = records(&fx);
    journal.extend(records(&run(&mut s, 1, 130, 0.001, 1.0)));
    journal
}

/// History of `ask`: signal 0 (the error rate) is `rate(k)` at step k, the traffic 1%.
fn history(ask: &HistoryAsk, rate: impl Fn(i64) -> Option<f64>) -> Msg {
    let step = ask.step.as_secs() as i64;
    let (from, to) = (ask.gap.from, ask.gap.to.unwrap());
    let steps = (to - from).num_seconds() / step;
    let signals = ask
        .signals
        .iter()
        .map(|&sig| {
            let points = (0..=steps)
                .map(|k| {
                    let at = from + chrono::TimeDelta::seconds(k * step);
                    let v = if sig == 0 { rate(k) } else { Some(1.0) };
                    (at, v.map(Reading::Number))
                })
                .collect();
            (sig, Ok(points))
        })
        .collect();
    Msg::History(Box::new(HistoryAnswer {
        gap: ask.gap,
        step: ask.step,
        signals,
    }))
}

fn bake(s: &State) -> BakeView {
    s.release.eval.bake.clone().unwrap()
}

#[test]
fn a_gap_verified_from_history_is_counted_journaled_and_said() {
    let setup = setup(false);
    let mut journal = killed_at_130(&setup);
    let (mut s, fx) = started(&setup, &journal, 200);
    journal.extend(records(&fx));
    let ask = asked(&fx).expect("history asked for at start");
    let gap = bake(&s).unobserved.unwrap();
    assert_eq!(ask.gap, gap);
    assert_eq!(
        (ask.step, ask.widened, ask.signals.clone()),
        (Duration::from_secs(5), false, vec![0])
    );
    let before = bake(&s).verified;
    // The cockpit runs meanwhile: the live bake counts from the start, the gap does not.
    journal.extend(records(&run(&mut s, 200, 210, 0.001, 1.0)));
    assert_eq!(
        bake(&s).note().unwrap(),
        format!(
            "not observed {}: not counted (checking prom history)",
            gap.words()
        )
    );
    let fx = update(&mut s, history(&ask, |_| Some(0.001)), t(210));
    let gap_len = (gap.to.unwrap() - gap.from).to_std().unwrap();
    assert_eq!(
        bake(&s).verified,
        before + gap_len + Duration::from_secs(10)
    );
    assert_eq!(
        bake(&s).note().unwrap(),
        format!("{} verified from prom history", gap.words())
    );
    let mark = records(&fx)
        .into_iter()
        .find(|r| r.event == Event::BakeCheckpoint)
        .and_then(|r| r.bake)
        .expect("a checkpoint of the verified gap");
    let backfilled = mark
        .backfilled
        .expect("the checkpoint says it came from history");
    assert_eq!((backfilled.span, backfilled.source.as_str()), (gap, "prom"));
    journal.extend(records(&fx));
    // A restart keeps it.
    let (s2, _) = started(&setup, &journal, 212);
    assert_eq!(bake(&s2).verified, bake(&s).verified);
}

#[test]
fn a_breach_in_history_restarts_the_bake_and_counts_nothing_of_the_gap() {
    let setup = setup(false);
    let journal = killed_at_130(&setup);
    let (mut s, fx) = started(&setup, &journal, 200);
    let ask = asked(&fx).unwrap();
    run(&mut s, 200, 210, 0.001, 1.0);
    let fx = update(
        &mut s,
        history(&ask, |k| Some(if k == 3 { 0.05 } else { 0.001 })),
        t(210),
    );
    let b = bake(&s);
    assert_eq!(
        b.verified,
        Duration::from_secs(10),
        "only the live time after it"
    );
    let restarted = b.restarted.expect("restarted by the breach");
    assert_eq!(
        restarted.from,
        ask.gap.from + chrono::TimeDelta::seconds(15)
    );
    assert_eq!(
        b.note().unwrap(),
        format!("restarted after breach {}", restarted.words())
    );
    let mark = records(&fx).into_iter().find_map(|r| r.bake).unwrap();
    assert_eq!((mark.verified_secs, mark.restarted), (10, Some(restarted)));
    assert!(mark.backfilled.is_none());
    assert!(
        s.screen
            .log
            .iter()
            .any(|l| l.text.contains("breach in prom history"))
    );
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
}

#[test]
fn a_gap_without_data_is_not_counted_and_the_screen_says_why() {
    let setup = setup(false);
    let journal = killed_at_130(&setup);
    let (mut s, fx) = started(&setup, &journal, 200);
    let ask = asked(&fx).unwrap();
    // Nothing from step 2 to 6: 15 s without a value is stale (stale_after 15 s) from 25 s.
    run(&mut s, 200, 201, 0.001, 1.0);
    let before = bake(&s).verified;
    update(
        &mut s,
        history(&ask, |k| (!(2..=6).contains(&k)).then_some(0.001)),
        t(201),
    );
    assert_eq!(bake(&s).verified, before);
    let note = bake(&s).note().unwrap();
    assert!(
        note.starts_with(&format!(
            "not observed {}: not counted (no data for Error rate ",
            ask.gap.words()
        )),
        "{note}"
    );
}

#[test]
fn a_live_traffic_source_outside_prometheus_leaves_the_gap_unverified() {
    let mut setup = setup(true);
    setup.sources[1].kind = crate::setup::SourceKind::Http;
    let journal = killed_at_130(&setup);
    let (mut s, fx) = started(&setup, &journal, 200);
    assert_eq!(
        asked(&fx),
        None,
        "nothing to ask: drift cannot be ruled out"
    );
    run(&mut s, 200, 201, 0.001, 1.0);
    let gap: Span = bake(&s).unobserved.unwrap();
    assert_eq!(
        bake(&s).note().unwrap(),
        format!(
            "not observed {}: not counted (the live traffic source is not in Prometheus)",
            gap.words()
        )
    );
}

#[test]
fn the_live_traffic_in_prometheus_is_read_over_the_gap_too() {
    let setup = setup(true);
    let journal = killed_at_130(&setup);
    let (mut s, fx) = started(&setup, &journal, 200);
    let ask = asked(&fx).expect("traffic in Prometheus: history asked for");
    assert_eq!(ask.signals, vec![0, 1]);
    let before = bake(&s).verified;
    update(&mut s, history(&ask, |_| Some(0.001)), t(200));
    assert!(bake(&s).verified > before, "{:?}", bake(&s));
}

#[test]
fn a_long_gap_widens_the_step_to_stay_within_prometheus_points_and_says_so() {
    let setup = setup(false);
    let journal = killed_at_130(&setup);
    // A day later: at the 5 s interval that would be over 17,000 points.
    let (s, fx) = started(&setup, &journal, 86_400);
    let ask = asked(&fx).unwrap();
    assert!(ask.widened && ask.step > Duration::from_secs(5), "{ask:?}");
    let (from, to) = (ask.gap.from, ask.gap.to.unwrap());
    let points = (to - from).num_milliseconds() as u128 / ask.step.as_millis() + 1;
    assert!(points <= 11_000, "{points} points");
    let said = s
        .screen
        .log
        .iter()
        .any(|l| l.text.contains("step widened to"));
    assert!(said, "the event log says the step was widened");
}
