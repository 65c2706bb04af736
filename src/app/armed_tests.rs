//! Armed automation in the reducer: a critical breach counts down, fires once through the
//! dispatch, and never fires for an observer, on unknown data, during drift or under a hold;
//! a veto (typed here or followed from the journal) stops it and becomes a hold.

use super::testkit::{context, records, run, setup, t};
use super::{Boot, Effect, Key, Msg, Overlay, State, start, update};
use crate::core::autopilot::{Automation, Decision, Policy};
use crate::core::reading::{Observation, Outcome};
use crate::core::record::{AutoMark, Event, Record};
use chrono::FixedOffset;
use std::time::Duration;

const COUNTDOWN: Duration = Duration::from_secs(10);
const CLEAN: f64 = 0.001;
const BAD: f64 = 0.05;

fn armed_state(read_only: bool, journal: &[Record]) -> State {
    let mut setup = setup();
    setup.conditions[0].critical = true;
    setup.automation = Automation {
        armed: super::ROLLBACK_ONLY,
        countdown: COUNTDOWN,
    };
    let boot = Boot {
        setup,
        context: context(),
        journal,
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only,
    };
    boot.state(t(0))
}

/// An observer of a driver at the canary since 0 that armed auto-rollback.
fn observer(driver_fx: &[Effect]) -> State {
    let setup = setup();
    let mut journal = super::stage_journal(&setup, &context(), 0, t(0), t(0), Duration::ZERO);
    journal.extend(records(driver_fx));
    let mut s = armed_state(true, &journal);
    // Its own config says another countdown: the driver's, journaled, is the one that runs.
    s.session.autopilot = crate::core::autopilot::Autopilot::new(Duration::from_secs(99));
    start(&mut s, t(0));
    s
}

/// Started, clean for 20 s at the canary (1 %), with its start's records.
fn clean(read_only: bool) -> (State, Vec<Effect>) {
    let mut s = armed_state(read_only, &[]);
    let mut fx = start(&mut s, t(0));
    fx.extend(run(&mut s, 1, 20, CLEAN, 1.0));
    (s, fx)
}

fn dispatches(fx: &[Effect]) -> Vec<&super::Dispatch> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Dispatch(d) => Some(&**d),
            _ => None,
        })
        .collect()
}

fn typed(s: &mut State, text: &str, secs: i64) -> Vec<Effect> {
    let mut fx: Vec<Effect> = text
        .chars()
        .flat_map(|c| update(s, Msg::Key(Key::Char(c)), t(secs)))
        .collect();
    fx.extend(update(s, Msg::Key(Key::Enter), t(secs)));
    fx
}

#[test]
fn the_config_arming_is_journaled_once_at_start() {
    let (_, fx) = clean(false);
    let armed: Vec<Record> = records(&fx)
        .into_iter()
        .filter(|r| r.event == Event::ArmedChanged)
        .collect();
    assert_eq!(armed.len(), 1, "{armed:?}");
    assert_eq!(armed[0].detail.as_deref(), Some("config"));
    let mark = armed[0].armed.unwrap();
    assert!(mark.rollback && !mark.promote && mark.countdown_s == 10);
    // Started again on that journal: it already says so, nothing more is journaled.
    let mut again = armed_state(false, &armed);
    let fx = start(&mut again, t(30));
    assert!(!records(&fx).iter().any(|r| r.event == Event::ArmedChanged));
}

#[test]
fn a_critical_breach_counts_down_and_fires_exactly_once_through_the_dispatch() {
    let (mut s, _) = clean(false);
    // Breached at 25 (the poll), the countdown runs 10 s.
    let fx = run(&mut s, 21, 34, BAD, 1.0);
    assert!(dispatches(&fx).is_empty());
    let Some(Decision::CountingDown { policy, left, .. }) = &s.session.auto else {
        panic!("{:?}", s.session.auto)
    };
    assert_eq!(
        (*policy, *left),
        (Policy::AutoRollback, Duration::from_secs(1))
    );
    let fx = run(&mut s, 35, 80, BAD, 1.0);
    let sent = dispatches(&fx);
    assert_eq!(sent.len(), 1, "one rollback, however long the breach lasts");
    let r = sent[0].requested();
    assert_eq!(r.ts, t(35));
    assert_eq!(r.action.as_ref().map(|a| a.as_str()), Some("rollback"));
    let auto = r.auto.as_ref().expect("journaled as automatic");
    assert_eq!(auto.policy, Policy::AutoRollback);
    assert_eq!(auto.countdown_s, 10);
    assert!(auto.evidence[0].starts_with("Error rate"), "{auto:?}");
    assert!(
        r.reason
            .as_deref()
            .unwrap()
            .starts_with("auto-rollback: Error rate")
    );
    // No Approve-Risk prompt: the screen is left as it was.
    assert_eq!(s.screen.overlay, Overlay::None);
    assert!(s.session.in_flight.is_some());
}

#[test]
fn the_countdown_is_the_same_whatever_the_messages_between() {
    // Ticks only at 25..35 versus a tick every second with polls: the same firing time.
    let (mut s, _) = clean(false);
    run(&mut s, 21, 25, BAD, 1.0);
    let mut fired = None;
    for at in [26, 29, 33, 34, 35, 36] {
        let fx = update(&mut s, Msg::Tick, t(at));
        if !dispatches(&fx).is_empty() {
            fired = fired.or(Some(at));
        }
    }
    assert_eq!(fired, Some(35));
}

#[test]
fn an_observer_shows_the_countdown_but_never_fires() {
    let (_, fx) = clean(false);
    let mut s = observer(&fx);
    assert!(s.session.armed.rollback, "the journal's arming");
    assert_eq!(
        s.session.autopilot.countdown(),
        COUNTDOWN,
        "and its countdown"
    );
    run(&mut s, 1, 20, CLEAN, 1.0);
    run(&mut s, 21, 30, BAD, 1.0);
    assert!(matches!(
        s.session.auto,
        Some(Decision::CountingDown { .. })
    ));
    let fx = run(&mut s, 31, 80, BAD, 1.0);
    assert!(dispatches(&fx).is_empty());
    assert!(records(&fx).is_empty(), "an observer journals nothing");
    // Nor can it arm.
    let fx = update(&mut s, Msg::Key(Key::Char('A')), t(81));
    assert!(records(&fx).is_empty());
}

#[test]
fn unknown_data_a_hold_or_drift_never_fire() {
    // The source fails while breached: unknown, never breached; nothing fires.
    let (mut s, _) = clean(false);
    run(&mut s, 21, 26, BAD, 1.0);
    let mut fx = Vec::new();
    for at in 27..80 {
        fx.extend(update(&mut s, Msg::Tick, t(at)));
        let failed = Msg::Observation(Observation {
            source: 0,
            seq: at as u64,
            at: t(at),
            latency: Duration::from_millis(5),
            outcome: Outcome::Failed("connection refused".into()),
        });
        fx.extend(update(&mut s, failed, t(at)));
    }
    assert!(dispatches(&fx).is_empty());
    // Unknown is not breached: no countdown runs on it.
    assert_eq!(s.session.auto, None);

    // Held before the breach.
    let (mut s, _) = clean(false);
    update(&mut s, Msg::Key(Key::Char('h')), t(20));
    typed(&mut s, "waiting for DB migration", 20);
    typed(&mut s, "1h", 20);
    assert!(dispatches(&run(&mut s, 21, 80, BAD, 1.0)).is_empty());

    // Drift: the observed traffic is not the tracked stage's.
    let (mut s, _) = clean(false);
    run(&mut s, 21, 60, CLEAN, 25.0);
    assert!(s.release.drift.is_some());
    assert!(dispatches(&run(&mut s, 61, 120, BAD, 25.0)).is_empty());
}

#[test]
fn a_veto_is_journaled_with_its_reason_and_becomes_a_hold() {
    let (mut s, _) = clean(false);
    run(&mut s, 21, 28, BAD, 1.0);
    update(&mut s, Msg::Key(Key::Char('x')), t(28));
    assert!(matches!(&s.screen.overlay, Overlay::Hold(m) if m.veto));
    // The machine waits while the veto is typed.
    assert!(dispatches(&run(&mut s, 29, 40, BAD, 1.0)).is_empty());
    let fx = typed(&mut s, "known flaky dependency", 40);
    let rs = records(&fx);
    let kinds: Vec<Event> = rs.iter().map(|r| r.event).collect();
    assert_eq!(
        kinds[..2],
        [Event::AutoVetoed, Event::HoldPlaced],
        "{kinds:?}"
    );
    assert_eq!(rs[0].reason.as_deref(), Some("known flaky dependency"));
    assert_eq!(
        rs[0].auto.as_ref().map(|a| a.policy),
        Some(Policy::AutoRollback)
    );
    assert_eq!(rs[1].reason.as_deref(), Some("known flaky dependency"));
    assert!(s.held(t(41)).is_some());
    assert!(dispatches(&run(&mut s, 41, 120, BAD, 1.0)).is_empty());
}

/// An observer of a journal whose operator's cockpit is counting down to an auto-rollback.
fn observer_counting_down() -> State {
    let (_, fx) = clean(false);
    let mut s = observer(&fx);
    run(&mut s, 1, 20, CLEAN, 1.0);
    run(&mut s, 21, 28, BAD, 1.0);
    s
}

/// `x` and a reason at `secs`: the veto and its hold are written.
fn assert_vetoes(s: &mut State, secs: i64) {
    update(s, Msg::Key(Key::Char('x')), t(secs));
    let fx = typed(s, "I own this dependency", secs);
    let kinds: Vec<Event> = records(&fx).iter().map(|r| r.event).collect();
    assert_eq!(kinds, [Event::AutoVetoed, Event::HoldPlaced]);
}

#[test]
fn an_observer_may_veto_and_its_veto_and_hold_are_written() {
    let mut s = observer_counting_down();
    assert_vetoes(&mut s, 28);
}

#[test]
fn a_watcher_cut_off_from_the_shared_journal_is_told_its_veto_cannot_reach_the_driver() {
    let mut s = observer_counting_down();
    s.session.wheel = Some(super::wheel::Wheel::Lost("connection refused".into()));
    update(&mut s, Msg::Key(Key::Char('x')), t(28));
    assert!(
        matches!(s.screen.overlay, Overlay::None),
        "no reason is asked for"
    );
    let said = s
        .screen
        .log
        .iter()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>();
    assert!(
        said.iter().any(|t| t
            .contains("veto refused: the shared journal cannot be reached (connection refused)")),
        "{said:?}"
    );
    assert!(matches!(
        s.session.auto,
        Some(Decision::CountingDown { .. })
    ));
    // Back in reach: the veto is taken as before.
    s.session.wheel = None;
    assert_vetoes(&mut s, 28);
}

#[test]
fn a_veto_that_did_not_reach_the_driver_is_not_shown_as_a_veto_or_a_hold() {
    let mut s = observer_counting_down();
    update(&mut s, Msg::Key(Key::Char('x')), t(28));
    typed(&mut s, "I own this dependency", 28);
    assert!(s.held(t(28)).is_some());
    assert!(matches!(s.session.auto, Some(Decision::Vetoed(_))));
    // The inbox refused it: the driver acts on, and so must this screen say.
    let why = format!("{}: connection refused", crate::journal::store::VETO_LOST);
    update(&mut s, Msg::Journaled(Err(why)), t(29));
    assert!(s.held(t(29)).is_none());
    assert!(
        s.session.journal_error.is_none(),
        "an observer's journal is not broken"
    );
    let said: Vec<&str> = s.screen.log.iter().map(|e| e.text.as_str()).collect();
    assert!(
        said.iter()
            .any(|t| t.contains("veto not delivered: connection refused")),
        "{said:?}"
    );
    run(&mut s, 29, 31, BAD, 1.0);
    assert!(
        matches!(s.session.auto, Some(Decision::CountingDown { .. })),
        "{:?}",
        s.session.auto
    );
    // And it may veto again.
    assert_vetoes(&mut s, 31);
}

#[test]
fn a_followed_veto_stops_the_countdown_here_too() {
    let (mut s, _) = clean(false);
    run(&mut s, 21, 28, BAD, 1.0);
    let mut other = context();
    other.operator = "bo".into();
    other.host = "ops2".into();
    let mut veto = Record::new(t(29), Event::AutoVetoed, other);
    veto.reason = Some("rolling forward instead".into());
    veto.auto = Some(AutoMark {
        policy: Policy::AutoRollback,
        evidence: vec![],
        countdown_s: 10,
    });
    update(&mut s, Msg::Journal(vec![veto]), t(29));
    assert!(matches!(s.session.auto, Some(Decision::Vetoed(_))));
    assert!(dispatches(&run(&mut s, 30, 120, BAD, 1.0)).is_empty());
}

#[test]
fn the_arm_key_toggles_and_is_journaled() {
    // Nothing critical: nothing to arm, said so.
    let mut s = super::testkit::state(false);
    start(&mut s, t(0));
    let fx = update(&mut s, Msg::Key(Key::Char('A')), t(1));
    assert!(records(&fx).is_empty());
    assert!(s.screen.toast.as_ref().unwrap().text.contains("critical"));
    let mut setup = setup();
    setup.conditions[0].critical = true;
    let boot = Boot {
        setup,
        context: context(),
        journal: &[],
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only: false,
    };
    let mut s = boot.state(t(0));
    let fx = start(&mut s, t(0));
    assert!(!records(&fx).iter().any(|r| r.event == Event::ArmedChanged));
    let fx = update(&mut s, Msg::Key(Key::Char('A')), t(1));
    let r = &records(&fx)[0];
    assert_eq!(
        (r.event, r.detail.as_deref()),
        (Event::ArmedChanged, Some("key"))
    );
    assert!(s.session.armed.rollback && !s.session.armed.promote);
    let fx = update(&mut s, Msg::Key(Key::Char('A')), t(2));
    assert_eq!(records(&fx)[0].armed.map(|a| a.rollback), Some(false));
}

#[test]
fn vetoes_an_observer_left_are_journaled_under_its_name_and_stop_the_countdown() {
    let (mut s, _) = clean(false);
    run(&mut s, 21, 28, BAD, 1.0);
    let mut cy = context();
    cy.operator = "cy".into();
    let mut veto = Record::new(t(28), Event::AutoVetoed, cy.clone());
    veto.reason = Some("watching the fix deploy".into());
    veto.auto = Some(AutoMark {
        policy: Policy::AutoRollback,
        evidence: vec!["Error rate: 5.00% > 2.00%".into()],
        countdown_s: 10,
    });
    let mut hold = Record::new(t(28), Event::HoldPlaced, cy);
    hold.reason = veto.reason.clone();
    hold.hold_until = Some(t(28 + 900));
    let fx = update(&mut s, Msg::Vetoes(vec![veto, hold]), t(29));
    let rs = records(&fx);
    assert_eq!(rs[0].event, Event::AutoVetoed);
    assert_eq!(rs[0].context.operator, "cy");
    assert_eq!(rs[1].event, Event::HoldPlaced);
    assert!(s.held(t(30)).is_some_and(|h| h.by.starts_with("cy@")));
    assert!(dispatches(&run(&mut s, 30, 120, BAD, 1.0)).is_empty());
    // An observer (a driver that just lost the wheel) acts on none and leaves them again for
    // the cockpit that writes the journal now (its runner leaves, never appends).
    let (mut o, _) = clean(true);
    let again = records(&update(&mut o, Msg::Vetoes(rs.clone()), t(30)));
    assert_eq!(again, rs);
    assert!(o.held(t(30)).is_none());
}

#[test]
fn a_baked_stage_with_its_gates_holding_promotes_by_itself_once() {
    let mut setup = setup();
    setup.automation = Automation {
        armed: crate::core::autopilot::Armed {
            rollback: false,
            promote: true,
        },
        countdown: COUNTDOWN,
    };
    let boot = Boot {
        setup,
        context: context(),
        journal: &[],
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only: false,
    };
    let mut s = boot.state(t(0));
    start(&mut s, t(0));
    // Baking (1m) is no promote; GO at about 60 s, then the countdown.
    let fx = run(&mut s, 1, 60, CLEAN, 1.0);
    assert!(dispatches(&fx).is_empty());
    let fx = run(&mut s, 61, 120, CLEAN, 1.0);
    let sent = dispatches(&fx);
    assert_eq!(sent.len(), 1, "{:?}", s.session.auto);
    let r = sent[0].requested();
    assert_eq!(r.action.as_ref().map(|a| a.as_str()), Some("promote"));
    assert_eq!(r.auto.as_ref().map(|a| a.policy), Some(Policy::AutoPromote));
    assert_eq!(
        sent[0].vars().get("to_traffic").map(|v| v.to_string()),
        Some("5".into())
    );

    // Held: never.
    let mut held = armed_state(false, &[]);
    held.session.armed = crate::core::autopilot::Armed {
        rollback: false,
        promote: true,
    };
    start(&mut held, t(0));
    update(&mut held, Msg::Key(Key::Char('h')), t(1));
    typed(&mut held, "waiting for DB migration", 1);
    typed(&mut held, "1h", 1);
    assert!(dispatches(&run(&mut held, 2, 200, CLEAN, 1.0)).is_empty());
}

#[test]
fn the_bell_rings_once_when_a_countdown_starts() {
    // Auto-promote: the countdown starts at GO, which rings nothing of its own.
    let mut s = armed_state(false, &[]);
    s.session.armed = crate::core::autopilot::Armed {
        rollback: false,
        promote: true,
    };
    start(&mut s, t(0));
    let mut attention = super::attention::Attention::default();
    let mut at = 0;
    while !matches!(s.session.auto, Some(Decision::CountingDown { .. })) {
        at += 1;
        assert!(at < 120, "no countdown");
        run(&mut s, at, at, CLEAN, 1.0);
        if !matches!(s.session.auto, Some(Decision::CountingDown { .. })) {
            attention.since(&s);
        }
    }
    assert!(attention.since(&s).bell, "the countdown starts: ring");
    run(&mut s, at + 1, at + 3, CLEAN, 1.0);
    assert!(!attention.since(&s).bell, "counting on rings no more");
}
