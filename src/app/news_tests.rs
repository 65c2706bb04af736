//! The verdict, the sources and a rollback's restore are journaled once per change, by the
//! driving cockpit only.

use super::news::journaled_from;
use super::testkit::{context, records, run, state, t};
use super::{Effect, Key, Msg, State, start, update};
use crate::actions::Outcome as ActionOutcome;
use crate::core::reading::{Observation, Outcome};
use crate::core::record::{Event, Record};
use crate::core::verdict::VerdictKind;
use std::time::Duration;

fn of(fx: &[Effect], event: Event) -> Vec<Record> {
    records(fx)
        .into_iter()
        .filter(|r| r.event == event)
        .collect()
}

fn verdicts(fx: &[Effect]) -> Vec<String> {
    of(fx, Event::VerdictChanged)
        .into_iter()
        .filter_map(|r| r.verdict)
        .collect()
}

fn failed(s: &mut State, secs: i64, error: &str) -> Vec<Effect> {
    let o = Observation {
        source: 0,
        seq: secs as u64,
        at: t(secs),
        latency: Duration::from_secs(2),
        outcome: Outcome::Failed(error.into()),
    };
    update(s, Msg::Observation(o), t(secs))
}

#[test]
fn the_verdict_is_journaled_once_per_change_and_not_before_the_sources_answer() {
    let mut s = state(false);
    let mut fx = start(&mut s, t(0));
    fx.extend(run(&mut s, 1, 100, 0.001, 1.0));
    // NO-GO while nothing has answered is the cockpit's start, not news of the release.
    assert_eq!(verdicts(&fx), ["HOLD", "GO"]);
    let go = &of(&fx, Event::VerdictChanged)[1];
    assert_eq!(go.verdict_reasons.len(), 1);
    // Ticks and polls that change nothing journal nothing of it.
    assert!(verdicts(&run(&mut s, 101, 140, 0.001, 1.0)).is_empty());
}

#[test]
fn a_source_going_down_and_coming_back_is_journaled_once_each_way() {
    let mut s = state(false);
    start(&mut s, t(0));
    run(&mut s, 1, 100, 0.001, 1.0);
    let mut fx = failed(&mut s, 101, "timeout after 2s");
    // Another error while down is no new outage.
    fx.extend(failed(&mut s, 102, "HTTP 503"));
    let down = of(&fx, Event::SourceDown);
    assert_eq!(down.len(), 1, "{down:?}");
    assert_eq!(down[0].source.as_deref(), Some("prom"));
    assert_eq!(down[0].detail.as_deref(), Some("timeout after 2s"));
    assert_eq!(verdicts(&fx), ["NO-GO UNTIL VERIFIED"]);
    let fx = run(&mut s, 103, 110, 0.001, 1.0);
    let up = of(&fx, Event::SourceUp);
    assert_eq!(up.len(), 1);
    assert_eq!(up[0].source.as_deref(), Some("prom"));
    assert_eq!(up[0].detail, None);
}

#[test]
fn an_observer_journals_none_of_it() {
    let mut s = state(true);
    let mut fx = start(&mut s, t(0));
    fx.extend(run(&mut s, 1, 100, 0.001, 1.0));
    fx.extend(failed(&mut s, 101, "timeout after 2s"));
    assert_eq!(records(&fx), []);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
}

#[test]
fn a_restart_reads_back_what_was_journaled() {
    let mut s = state(false);
    let mut fx = start(&mut s, t(0));
    fx.extend(run(&mut s, 1, 100, 0.001, 1.0));
    fx.extend(failed(&mut s, 101, "timeout after 2s"));
    let journal = records(&fx);
    let j = journaled_from(&journal, &context());
    assert_eq!(j.verdict.as_deref(), Some("NO-GO UNTIL VERIFIED"));
    assert_eq!(j.down, ["prom"]);
    // A journal written before these records existed reads as saying nothing of them.
    let old: Vec<Record> = journal
        .into_iter()
        .filter(|r| !matches!(r.event, Event::VerdictChanged | Event::SourceDown))
        .collect();
    assert_eq!(journaled_from(&old, &context()), Default::default());
}

/// GO at 100, breached at 105, rolled back: requested at 106, answered at 108.
fn rolled_back() -> State {
    let mut s = state(false);
    start(&mut s, t(0));
    run(&mut s, 1, 100, 0.001, 1.0);
    run(&mut s, 101, 105, 0.05, 1.0);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::RollbackAdvised);
    update(&mut s, Msg::Key(Key::Char('r')), t(106));
    for c in "errors above two percent".chars() {
        update(&mut s, Msg::Key(Key::Char(c)), t(106));
    }
    let fx = update(&mut s, Msg::Key(Key::Enter), t(106));
    let id = super::tests::dispatch(&fx).unwrap().id().to_string();
    let outcome = ActionOutcome::Succeeded {
        status: 200,
        latency: Duration::from_millis(1900),
        excerpt: "ok".into(),
    };
    let fx = update(&mut s, Msg::ActionDone { id, outcome }, t(108));
    assert!(of(&fx, Event::Restored).is_empty());
    s
}

#[test]
fn the_restore_after_a_rollback_is_journaled_once_the_conditions_are_healthy_again() {
    let mut s = rolled_back();
    // Still breached after the rollback: nothing claimed.
    let fx = run(&mut s, 109, 115, 0.05, 0.0);
    assert!(of(&fx, Event::Restored).is_empty());
    let fx = run(&mut s, 116, 125, 0.001, 0.0);
    let restored = of(&fx, Event::Restored);
    assert_eq!(restored.len(), 1, "{restored:?}");
    let mark = restored[0].restore.unwrap();
    // The rollback ended the attempt; its restore is reported with it.
    assert!(restored[0].attempt.is_some());
    assert_eq!(s.release.attempt, None);
    assert_eq!((mark.requested_at, mark.webhook_ms), (t(106), 2000));
    assert_eq!(
        mark.healthy_ms, 14_000,
        "the first healthy poll after it, at 120"
    );
    assert!(
        s.screen
            .log
            .iter()
            .any(|e| e.text.starts_with("restored: rollback answered in 2.0s"))
    );
    // Once.
    assert!(of(&run(&mut s, 126, 140, 0.001, 0.0), Event::Restored).is_empty());
}

#[test]
fn conditions_that_never_recover_claim_no_restore() {
    let mut s = rolled_back();
    let fx = run(&mut s, 109, 300, 0.05, 0.0);
    assert!(of(&fx, Event::Restored).is_empty());
    assert!(s.release.journaled.restoring.is_some());
}
