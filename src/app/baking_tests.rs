//! The bake as an operator sees it through `update`: items 1–3 of issue 10, and the journal.

use crate::app::testkit::{poll, records, run, state, t};
use crate::app::{Boot, Effect, Key, Msg, State, start, update};
use crate::core::bake::PauseCause;
use crate::core::plan::StageState;
use crate::core::reading::{Observation, Outcome};
use crate::core::record::{Event, Record};
use crate::core::verdict::VerdictKind;
use std::time::Duration;

fn events(fx: &[Effect]) -> Vec<Event> {
    records(fx).iter().map(|r| r.event).collect()
}

/// Prometheus failing at `at`, the flag answering at 1%.
fn prom_down(s: &mut State, at: i64) -> Vec<Effect> {
    let mut fx = update(s, Msg::Tick, t(at));
    if at % 5 == 0 {
        let failed = Msg::Observation(Observation {
            source: 0,
            seq: at as u64,
            at: t(at),
            latency: Duration::from_secs(2),
            outcome: Outcome::Failed("connection refused".into()),
        });
        fx.extend(update(s, failed, t(at)));
        fx.extend(update(s, poll(at as u64, at, 0.0, 1.0).remove(1), t(at)));
    }
    fx
}

fn verdict(s: &State) -> (VerdictKind, String) {
    (
        s.release.eval.verdict.kind,
        s.release.eval.verdict.reasons[0].text.clone(),
    )
}

#[test]
fn a_blind_bake_earns_nothing_and_data_arriving_is_hold_with_the_whole_bake() {
    let mut s = state(false);
    start(&mut s, t(0));
    for at in 1..=120 {
        prom_down(&mut s, at);
        assert_ne!(
            s.release.eval.stages.first(),
            Some(&StageState::Ready),
            "at {at}s"
        );
        assert!(s.release.eval.verdict.kind < VerdictKind::Hold, "at {at}s");
    }
    let bake = s.release.eval.bake.clone().unwrap();
    assert_eq!(bake.verified, Duration::ZERO);
    assert_eq!(bake.paused.unwrap().text, "no fresh data from prom");
    run(&mut s, 121, 125, 0.001, 1.0);
    assert_eq!(
        verdict(&s),
        (
            VerdictKind::Hold,
            "1% baking: 01:00 left, 00:00 verified of 01:00".into()
        )
    );
    run(&mut s, 126, 184, 0.001, 1.0);
    assert_eq!(
        s.release.eval.verdict.kind,
        VerdictKind::Hold,
        "59 s verified"
    );
    run(&mut s, 185, 185, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
}

#[test]
fn a_breach_restarts_the_bake_once_it_ends() {
    let mut s = state(false);
    start(&mut s, t(0));
    run(&mut s, 1, 50, 0.001, 1.0);
    let fx = run(&mut s, 51, 110, 0.05, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::RollbackAdvised);
    let marks: Vec<_> = records(&fx).into_iter().filter_map(|r| r.bake).collect();
    assert_eq!(marks.len(), 1, "one checkpoint for the restart: {marks:?}");
    assert_eq!((marks[0].verified_secs, marks[0].breached), (0, true));
    // The breach ends at 115: a minute after the stage's entry, but it has not shown a clean
    // bake since.
    run(&mut s, 111, 120, 0.001, 1.0);
    let (kind, first) = verdict(&s);
    assert_eq!(kind, VerdictKind::Hold);
    assert_eq!(first, "1% baking: 00:55 left, 00:05 verified of 01:00");
    let restarted = &s.release.eval.verdict.reasons[1].text;
    assert!(
        restarted.starts_with("restarted after breach "),
        "{restarted}"
    );
    run(&mut s, 121, 175, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
}

#[test]
fn drift_pauses_the_bake_and_is_journaled_once_each_way() {
    let mut s = state(false);
    start(&mut s, t(0));
    run(&mut s, 1, 30, 0.001, 1.0);
    let fx = run(&mut s, 31, 200, 0.001, 5.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
    let bake = s.release.eval.bake.clone().unwrap();
    // Entered at the first poll (5 s), drifting from the poll at 35 s.
    assert_eq!(bake.verified, Duration::from_secs(30));
    assert_eq!(bake.paused.unwrap().cause, PauseCause::Drift);
    let drift: Vec<_> = records(&fx)
        .into_iter()
        .filter(|r| r.event == Event::DriftBegan)
        .collect();
    assert_eq!(drift.len(), 1);
    let mark = drift[0].drift.clone().unwrap();
    assert_eq!((mark.tracked_traffic, mark.observed_traffic), (1.0, 5.0));
    assert!(
        s.screen
            .log
            .iter()
            .any(|l| l.text.starts_with("drift began:"))
    );

    let fx = run(&mut s, 201, 210, 0.001, 1.0);
    assert_eq!(
        events(&fx)
            .iter()
            .filter(|e| **e == Event::DriftEnded)
            .count(),
        1
    );
    assert!(!events(&fx).contains(&Event::DriftBegan));
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    // 30 s before the drift, and from its end at 205 s: the minute is full at 235 s.
    run(&mut s, 211, 234, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    run(&mut s, 235, 235, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
}

/// A fresh state from the journal the run so far produced, started at `at`, as the runtime
/// builds one.
fn restarted(journal: &[Record], at: i64) -> (State, Vec<Effect>) {
    let s = state(false);
    let boot = Boot {
        setup: s.setup,
        context: s.session.context,
        journal,
        local_offset: s.screen.local_offset,
        read_only: false,
    };
    boot.start(t(at))
}

#[test]
fn a_restart_resumes_from_the_last_checkpoint_and_does_not_count_the_gap() {
    let mut s = state(false);
    let mut journal = records(&start(&mut s, t(0)));
    journal.extend(records(&run(&mut s, 1, 50, 0.001, 1.0)));
    // Killed at 50: the last checkpoint is none (under a minute verified).
    let (mut s, fx) = restarted(&journal, 80);
    journal.extend(records(&fx));
    let bake = s.release.eval.bake.clone().unwrap();
    assert_eq!(bake.verified, Duration::ZERO, "nothing journaled yet");
    let gap = bake.unobserved.unwrap();
    assert_eq!(
        (gap.from, gap.to),
        (t(5), Some(t(80))),
        "from the entry to the start"
    );
    journal.extend(records(&run(&mut s, 80, 150, 0.001, 1.0)));
    assert_eq!(s.release.eval.bake.clone().unwrap().verified.as_secs(), 70);
    // Quit cleanly at 150: the checkpoint at the stop keeps everything.
    journal.extend(records(&update(&mut s, Msg::Key(Key::Char('q')), t(150))));
    let ev: Vec<Event> = journal.iter().rev().take(2).map(|r| r.event).collect();
    assert_eq!(ev, vec![Event::CockpitStopped, Event::BakeCheckpoint]);
    let (s, _) = restarted(&journal, 400);
    let bake = s.release.eval.bake.clone().unwrap();
    assert_eq!(bake.verified.as_secs(), 70);
    assert!(s.release.eval.verdict.kind < VerdictKind::Go);
}

#[test]
fn a_restart_during_a_breach_stays_at_zero_until_fresh_data_ends_it() {
    let mut s = state(false);
    let mut journal = records(&start(&mut s, t(0)));
    journal.extend(records(&run(&mut s, 1, 90, 0.001, 1.0)));
    journal.extend(records(&run(&mut s, 91, 100, 0.05, 1.0)));
    let (mut s, _) = restarted(&journal, 101);
    let bake = s.release.eval.bake.clone().unwrap();
    assert!(bake.breached && bake.verified.is_zero(), "{bake:?}");
    run(&mut s, 101, 120, 0.001, 1.0);
    let bake = s.release.eval.bake.clone().unwrap();
    assert!(!bake.breached);
    assert_eq!(
        bake.verified.as_secs(),
        15,
        "counting from the first fresh data"
    );
}

#[test]
fn a_promoted_stage_starts_at_zero_and_waits_for_the_traffic_to_move() {
    let mut s = state(false);
    start(&mut s, t(0));
    run(&mut s, 1, 100, 0.001, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    update(&mut s, Msg::Key(Key::Char('p')), t(100));
    for c in "Approve-Risk: metrics look clean".chars() {
        update(&mut s, Msg::Key(Key::Char(c)), t(100));
    }
    let fx = update(&mut s, Msg::Key(Key::Enter), t(100));
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Dispatch(d) => Some(d.id().to_string()),
            _ => None,
        })
        .unwrap();
    let outcome = crate::actions::Outcome::Succeeded {
        status: 200,
        latency: Duration::from_millis(40),
        excerpt: "ok".into(),
    };
    update(&mut s, Msg::ActionDone { id, outcome }, t(101));
    run(&mut s, 101, 104, 0.001, 1.0);
    let bake = s.release.eval.bake.clone().unwrap();
    assert_eq!(bake.verified, Duration::ZERO, "a new stage starts at zero");
    assert_eq!(bake.paused.unwrap().cause, PauseCause::AwaitingMove);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Hold);
    run(&mut s, 105, 120, 0.001, 5.0);
    assert_eq!(s.release.eval.bake.clone().unwrap().verified.as_secs(), 15);
}
