//! An action whose outcome is unknown, through `update`: it blocks GO until the observed
//! traffic or an operator settles it, it survives a restart, and observers mirror it.

use super::testkit::{poll, state, t};
use super::*;
use crate::actions::Outcome as ActionOutcome;
use crate::core::record::{Event, Record, ResolvedBy};
use crate::core::verdict::VerdictKind;

fn feed(state: &mut State, msgs: Vec<Msg>, secs: i64) -> Vec<Effect> {
    msgs.into_iter()
        .flat_map(|m| update(state, m, t(secs)))
        .collect()
}

fn records(fx: &[Effect]) -> Vec<Record> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Journal(r) => Some((**r).clone()),
            Effect::Dispatch(d) => Some(d.requested().clone()),
            _ => None,
        })
        .collect()
}

fn events(fx: &[Effect]) -> Vec<Event> {
    records(fx).iter().map(|r| r.event).collect()
}

fn keys(state: &mut State, text: &str, secs: i64) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(state, Msg::Key(Key::Char(c)), t(secs)))
        .collect()
}

/// Healthy on the first stage, polled every 10 s, until GO at t=100.
fn at_go() -> (State, Vec<Record>) {
    let mut s = state(false);
    let mut journal = records(&start(&mut s, t(0)));
    journal.extend(bake_to_go(&mut s));
    (s, journal)
}

/// Healthy polls every 10 s and the runtime's tick every second between (a bake counts only
/// time it watched), until GO at t=100; what was journaled meanwhile.
fn bake_to_go(s: &mut State) -> Vec<Record> {
    let mut journal = Vec::new();
    for (seq, at) in (1..=10).zip((1..=91).step_by(10)) {
        journal.extend(records(&feed(s, poll(seq, at, 0.001, 1.0), at)));
        for sec in at + 1..at + 10 {
            journal.extend(records(&update(s, Msg::Tick, t(sec))));
        }
    }
    update(s, Msg::Tick, t(100));
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
    journal
}

/// Confirm `action` (`p` or `r`) and have its webhook answer with an unknown outcome.
fn unknown(s: &mut State, key: char, secs: i64) -> Vec<Record> {
    let mut journal = Vec::new();
    update(s, Msg::Key(Key::Char(key)), t(secs));
    update(s, Msg::Key(Key::Ctrl('u')), t(secs));
    keys(s, "Approve-Risk: metrics clean for the whole bake", secs);
    let fx = update(s, Msg::Key(Key::Enter), t(secs));
    journal.extend(records(&fx));
    let id = s.session.in_flight.as_ref().expect("sent").id.clone();
    let outcome = ActionOutcome::Unknown {
        reason: "timed out after 5s".into(),
        what_to_check: "check hooks.example:8080 for the action before confirming again".into(),
        status: None,
        latency: std::time::Duration::ZERO,
        excerpt: String::new(),
    };
    journal.extend(records(&update(
        s,
        Msg::ActionDone { id, outcome },
        t(secs + 5),
    )));
    journal
}

fn resolution(fx: &[Effect]) -> Option<Record> {
    records(fx)
        .into_iter()
        .find(|r| r.event == Event::ActionResolved)
}

#[test]
fn an_unknown_promote_holds_the_verdict_at_no_go_long_after_its_toast() {
    let (mut s, _) = at_go();
    unknown(&mut s, 'p', 101);
    // Long after the toast is gone, with the same healthy data still arriving.
    feed(&mut s, poll(11, 150, 0.001, 1.0), 150);
    update(&mut s, Msg::Tick, t(151));
    assert!(s.screen.toast.is_none());
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
    let first = &s.release.eval.verdict.reasons[0];
    assert!(
        first.text.starts_with("promote 1% → 5% sent 23:15:01:")
            && first.text.contains("outcome unknown: timed out after 5s"),
        "{}",
        first.text
    );
    assert!(
        first
            .verify
            .as_deref()
            .unwrap()
            .contains("check hooks.example:8080"),
        "{first:?}"
    );
}

#[test]
fn a_breach_still_advises_rollback_and_says_a_rollback_is_already_unknown() {
    let (mut s, _) = at_go();
    unknown(&mut s, 'r', 101);
    feed(&mut s, poll(11, 110, 0.05, 1.0), 110);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::RollbackAdvised);
    let last = s.release.eval.verdict.reasons.last().unwrap();
    assert!(
        last.text
            .starts_with("already unknown: rollback from 1% sent"),
        "{last:?}"
    );
    assert!(
        last.verify
            .as_deref()
            .unwrap()
            .contains("before confirming again")
    );
}

#[test]
fn the_observed_traffic_settles_it_and_the_promote_counts_as_done() {
    let (mut s, _) = at_go();
    unknown(&mut s, 'p', 101);
    // The traffic still at 1% proves nothing.
    let fx = feed(&mut s, poll(11, 110, 0.001, 1.0), 110);
    assert_eq!(resolution(&fx), None);
    assert_eq!(s.release.unresolved.len(), 1);
    // The deploy system acted late: the flag now reports 5%.
    let fx = feed(&mut s, poll(12, 120, 0.001, 5.0), 120);
    let r = resolution(&fx).expect("a resolution is journaled");
    let res = r.resolution.unwrap();
    assert_eq!(res.by, ResolvedBy::Evidence);
    assert!(res.took_effect);
    assert!(res.evidence.contains("live traffic 5%"), "{res:?}");
    assert_eq!(r.action.as_deref(), Some("promote"));
    assert_eq!(
        events(&fx)
            .into_iter()
            .filter(|e| *e != Event::BreachEnded)
            .collect::<Vec<_>>(),
        vec![
            Event::ActionResolved,
            Event::StageEntered,
            Event::VerdictChanged
        ]
    );
    assert!(s.release.unresolved.is_empty());
    assert_eq!(s.release.position.unwrap().stage, 1);
    assert_eq!(
        s.release.eval.verdict.kind,
        VerdictKind::Hold,
        "5% bakes now"
    );
}

#[test]
fn a_rollback_is_settled_when_the_traffic_drops_to_zero() {
    let (mut s, _) = at_go();
    unknown(&mut s, 'r', 101);
    let fx = feed(&mut s, poll(11, 110, 0.001, 0.0), 110);
    assert!(resolution(&fx).is_some());
    assert!(events(&fx).contains(&Event::RolledBack));
    assert!(s.release.position.unwrap().rolled_back);
    assert_eq!(s.release.attempt, None, "a rollback ends the attempt");
}

/// `v`, pick with Tab (once: took effect; twice: did not), type, Enter.
fn verify(s: &mut State, tabs: usize, text: &str, secs: i64) -> Vec<Effect> {
    update(s, Msg::Key(Key::Char('v')), t(secs));
    for _ in 0..tabs {
        update(s, Msg::Key(Key::Tab), t(secs));
    }
    keys(s, text, secs);
    update(s, Msg::Key(Key::Enter), t(secs))
}

#[test]
fn an_operator_who_checked_records_that_it_took_effect() {
    let (mut s, _) = at_go();
    unknown(&mut s, 'p', 101);
    let fx = verify(&mut s, 1, "Verified: argo shows 5% since 14:03", 130);
    let r = resolution(&fx).expect("journaled");
    assert_eq!(r.context.operator, "ana");
    assert_eq!(r.reason.as_deref(), Some("argo shows 5% since 14:03"));
    let res = r.resolution.unwrap();
    assert_eq!((res.by, res.took_effect), (ResolvedBy::Operator, true));
    assert!(events(&fx).contains(&Event::StageEntered));
    assert_eq!(s.release.position.unwrap().stage, 1);
    assert_eq!(s.screen.overlay, Overlay::None);
}

#[test]
fn an_operator_who_checked_records_that_it_did_not_and_the_release_stays() {
    let (mut s, _) = at_go();
    unknown(&mut s, 'p', 101);
    // Nothing picked, then too short a reason: nothing is recorded.
    update(&mut s, Msg::Key(Key::Char('v')), t(120));
    keys(&mut s, "Verified: argo history shows no sync", 120);
    assert_eq!(
        resolution(&update(&mut s, Msg::Key(Key::Enter), t(120))),
        None
    );
    update(&mut s, Msg::Key(Key::Esc), t(120));
    let fx = verify(&mut s, 2, "Verified: no", 121);
    assert_eq!(resolution(&fx), None);
    assert!(matches!(s.screen.overlay, Overlay::Verify(_)));
    update(&mut s, Msg::Key(Key::Esc), t(121));

    let fx = verify(&mut s, 2, "Verified: argo history shows no sync", 122);
    let r = resolution(&fx).expect("journaled");
    let res = r.resolution.unwrap();
    assert_eq!((res.by, res.took_effect), (ResolvedBy::Operator, false));
    assert!(!events(&fx).contains(&Event::StageEntered));
    assert_eq!(s.release.position.unwrap().stage, 0);
    feed(&mut s, poll(11, 123, 0.001, 1.0), 123);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::Go);
}

#[test]
fn a_read_only_observer_cannot_settle_it() {
    let (mut operator, journal) = at_go();
    let mut journal = journal;
    journal.extend(unknown(&mut operator, 'p', 101));
    let mut observer = state(true);
    observer.resume(&journal);
    assert_eq!(observer.release.unresolved.len(), 1);
    let fx = verify(&mut observer, 1, "Verified: argo shows 5% since 14:03", 130);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(observer.release.unresolved.len(), 1);
    // No prompt opened (Tab and Enter focused a condition and opened its detail).
    assert!(!matches!(observer.screen.overlay, Overlay::Verify(_)));
}

#[test]
fn an_action_in_flight_when_the_cockpit_was_killed_is_unknown_at_the_next_start() {
    let (mut s, mut journal) = at_go();
    update(&mut s, Msg::Key(Key::Char('r')), t(101));
    keys(&mut s, "canary errors over budget", 101);
    journal.extend(records(&update(&mut s, Msg::Key(Key::Enter), t(101))));
    assert_eq!(journal.last().unwrap().event, Event::ActionRequested);
    // kill -9: nothing more is written. The next start reads the journal back.
    let fresh = state(false);
    let boot = Boot {
        setup: fresh.setup,
        context: fresh.session.context,
        journal: &journal,
        local_offset: fresh.screen.local_offset,
        read_only: false,
    };
    let (next, fx) = boot.start(t(300));
    let unknown = records(&fx)
        .into_iter()
        .find(|r| r.event == Event::ActionOutcomeUnknown)
        .expect("the start journals the outcome as unknown");
    assert_eq!(unknown.action.as_deref(), Some("rollback"));
    assert_eq!(
        next.release.eval.verdict.kind,
        VerdictKind::NoGoUntilVerified
    );
    let first = &next.release.eval.verdict.reasons[0].text;
    assert!(
        first.starts_with("rollback from 1% sent")
            && first.contains("(id gonogo-rollback-")
            && first.contains("in flight when the cockpit stopped (killed or cut off"),
        "{first}"
    );
    // Journaled at that start: the one after it reads the same unknown back.
    journal.extend(records(&fx));
    let mut third = state(false);
    third.resume(&journal);
    assert_eq!(third.release.unresolved.len(), 1);
}

#[test]
fn quitting_with_an_action_in_flight_journals_it_and_the_next_start_says_so() {
    let (mut s, mut journal) = at_go();
    update(&mut s, Msg::Key(Key::Char('r')), t(101));
    keys(&mut s, "canary errors over budget", 101);
    journal.extend(records(&update(&mut s, Msg::Key(Key::Enter), t(101))));
    update(&mut s, Msg::Key(Key::Char('q')), t(102));
    assert_eq!(s.screen.overlay, Overlay::ConfirmQuit);
    let fx = update(&mut s, Msg::Key(Key::Char('y')), t(102));
    let stop = records(&fx).pop().unwrap();
    assert_eq!(stop.event, Event::CockpitStopped);
    assert!(
        stop.action_id
            .as_deref()
            .unwrap()
            .starts_with("gonogo-rollback-")
    );
    journal.push(stop);
    let mut next = state(false);
    next.resume(&journal);
    let u = &next.release.unresolved[0];
    assert_eq!(
        u.why,
        WhyUnknown::InFlightAtStop {
            at: t(102),
            clean: true
        }
    );
}

#[test]
fn an_observer_mirrors_the_unknown_outcome_and_its_settlement() {
    let (mut operator, _) = at_go();
    let mut observer = state(true);
    start(&mut observer, t(0));
    bake_to_go(&mut observer);

    let sent = unknown(&mut operator, 'p', 101);
    update(&mut observer, Msg::Journal(sent), t(107));
    assert_eq!(
        observer.release.eval.verdict.kind,
        VerdictKind::NoGoUntilVerified
    );
    assert_eq!(observer.release.unresolved[0].sent, t(101));
    assert!(
        observer.release.eval.verdict.reasons[0]
            .text
            .starts_with("promote 1% → 5%")
    );

    let fx = verify(&mut operator, 1, "Verified: argo shows 5% since 14:03", 130);
    update(&mut observer, Msg::Journal(records(&fx)), t(131));
    assert!(observer.release.unresolved.is_empty());
    assert_eq!(observer.release.position.unwrap().stage, 1);
    assert!(
        observer
            .screen
            .log
            .iter()
            .any(|l| l.text.contains("took effect, verified by ana"))
    );
}

#[test]
fn every_record_of_an_attempt_carries_its_id_and_a_new_first_stage_begins_another() {
    let (mut s, journal) = at_go();
    let id = s
        .release
        .attempt
        .clone()
        .expect("the first stage began an attempt");
    let entered = journal
        .iter()
        .find(|r| r.event == Event::StageEntered)
        .unwrap();
    assert_eq!(entered.attempt.as_ref(), Some(&id));
    assert!(id.len() == "20231114T2213Z-3f2a".len(), "{id}");
    let fx = {
        unknown(&mut s, 'r', 101);
        feed(&mut s, poll(11, 110, 0.001, 0.0), 110)
    };
    let rolled = records(&fx)
        .into_iter()
        .find(|r| r.event == Event::RolledBack)
        .unwrap();
    assert_eq!(rolled.attempt.as_ref(), Some(&id));
    assert_eq!(s.release.attempt, None);
    s.enter_stage(0, t(200), "promoted by ana", &mut Vec::new());
    let second = s.release.attempt.clone().unwrap();
    assert_ne!(second, id);
}

#[test]
fn the_position_and_the_unknown_come_from_the_current_attempt_only() {
    let (mut s, mut journal) = at_go();
    // An old attempt left a request unanswered (written before this fix, say).
    update(&mut s, Msg::Key(Key::Char('r')), t(101));
    keys(&mut s, "canary errors over budget", 101);
    journal.extend(records(&update(&mut s, Msg::Key(Key::Enter), t(101))));
    // A new attempt begins.
    let mut fx = Vec::new();
    s.release.attempt = None;
    s.enter_stage(0, t(300), "a new attempt", &mut fx);
    journal.extend(records(&fx));
    let ctx = s.session.context.clone();
    assert_eq!(open_attempt(&journal, &ctx), s.release.attempt);
    assert!(unresolved_from_journal(&journal, &ctx, &s.setup.plan, &s.setup.actions).is_empty());
    let p = position_from_journal(&journal, &ctx, &s.setup.plan).unwrap();
    assert_eq!(p.entered_at, t(300));
}
