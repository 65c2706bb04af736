//! The digest overlay at 120x40 and 80x24: shown on start after another operator drove the
//! release while this one was away.

use super::fixture::{self, t};
use super::tests::{color, screen};
use crate::app::{self, Key, Msg, State};
use crate::core::action::Action;
use crate::core::record::{Context, Event, Record};
use crate::core::restore::RestoreMark;
use chrono::FixedOffset;
use insta::assert_snapshot;

fn context(who: &str) -> Context {
    let (operator, host) = who.split_once('@').unwrap();
    let setup = fixture::setup();
    Context {
        operator: operator.into(),
        host: host.into(),
        release: setup.release.name.clone(),
        version: setup.release.version.clone(),
        environment: setup.release.environment.clone(),
    }
}

fn rec(secs: i64, event: Event, f: impl FnOnce(&mut Record)) -> Record {
    let mut r = Record::new(t(secs), event, context("bo@ops-2"));
    f(&mut r);
    r
}

fn verdict(secs: i64, v: &str, why: &str) -> Record {
    rec(secs, Event::VerdictChanged, |r| {
        r.verdict = Some(v.into());
        r.verdict_reasons = vec![why.into()];
    })
}

/// alice left at -900; bo drove a promote, a breach and a rollback while she was away, and
/// ticked `ticks` checklist items.
pub fn away(ticks: usize) -> State {
    let setup = fixture::setup();
    let me = context("alice@ops-1");
    let mut journal = app::stage_journal(
        &setup,
        &me,
        0,
        t(-1200),
        t(-900),
        std::time::Duration::from_secs(300),
    );
    journal.push(Record::new(t(-900), Event::CockpitStopped, me.clone()));
    let action = |secs, event, a: Action, f: &dyn Fn(&mut Record)| {
        rec(secs, event, |r| {
            r.action = Some(a);
            f(r);
        })
    };
    journal.push(rec(-880, Event::CockpitStarted, |_| {}));
    journal.extend((0..ticks).map(|i| {
        rec(-879 + i as i64, Event::ChecklistTicked, |r| {
            r.detail = Some(format!("Runbook step {}", i + 1));
            r.outcome = Some("ticked".into());
        })
    }));
    journal.extend([
        rec(-860, Event::HoldPlaced, |r| {
            r.reason = Some("waiting for the DB migration".into());
            r.hold_until = Some(t(-700));
        }),
        rec(-700, Event::HoldReleased, |r| {
            r.outcome = Some("expired".into())
        }),
        verdict(
            -600,
            "GO",
            "1% canary baked and healthy; promote to the next stage",
        ),
        action(-590, Event::ActionRequested, Action::Promote, &|r| {
            r.reason = Some("metrics look clean on the canary".into())
        }),
        action(-589, Event::ActionSucceeded, Action::Promote, &|r| {
            r.outcome = Some("succeeded: HTTP 200 in 412 ms".into())
        }),
        rec(-589, Event::StageEntered, |r| {
            r.stage = Some("5%".into());
            r.traffic = Some(5.0);
        }),
        rec(-400, Event::SourceDown, |r| {
            r.source = Some("prometheus".into());
            r.detail = Some("timeout after 2s".into());
        }),
        verdict(-400, "NO-GO UNTIL VERIFIED", "prometheus: timeout after 2s"),
        rec(-340, Event::SourceUp, |r| {
            r.source = Some("prometheus".into())
        }),
        rec(-120, Event::BreachBegan, |r| {
            r.detail = Some("breach began: Canary error rate: 4.57% above max".into())
        }),
        verdict(
            -120,
            "ROLLBACK ADVISED",
            "Canary error rate: 4.57% above max",
        ),
        action(-100, Event::ActionRequested, Action::Rollback, &|r| {
            r.reason = Some("Canary error rate 4.57% > 2.00%".into())
        }),
        action(-99, Event::ActionSucceeded, Action::Rollback, &|r| {
            r.outcome = Some("succeeded: HTTP 200 in 1204 ms".into())
        }),
        rec(-99, Event::RolledBack, |r| r.stage = Some("5%".into())),
        rec(-40, Event::Restored, |r| {
            r.restore = Some(RestoreMark {
                requested_at: t(-100),
                webhook_ms: 1204,
                healthy_ms: 60_000,
            })
        }),
        rec(-40, Event::BreachEnded, |r| {
            r.detail = Some("breach ended: Canary error rate is OK".into())
        }),
    ]);
    let boot = app::Boot {
        setup,
        context: me,
        journal: &journal,
        local_offset: FixedOffset::east_opt(3600).unwrap(),
        read_only: false,
    };
    boot.start(t(0)).0
}

#[test]
fn digest_on_start() {
    let state = away(1);
    assert_snapshot!("digest_on_start_120x40", screen(&state, &color(), 120, 40));
    assert_snapshot!("digest_on_start_80x24", screen(&state, &color(), 80, 24));
}

#[test]
fn digest_scrolled_back_counts_what_is_above_and_below() {
    let mut state = away(6);
    for _ in 0..3 {
        app::update(&mut state, Msg::Key(Key::Up), t(1));
    }
    let s = screen(&state, &color(), 80, 24);
    assert!(s.contains("+3 later"), "{s}");
    assert!(s.contains("earlier (↑ to scroll)"), "{s}");
    assert_snapshot!("digest_scrolled_80x24", s);
}

#[test]
fn digest_in_ascii_and_small_sizes() {
    let theme = super::Theme::new(false, true);
    let mut state = away(6);
    app::update(&mut state, Msg::Key(Key::Up), t(1));
    let text = screen(&state, &theme, 80, 24);
    assert!(text.is_ascii(), "{text}");
    assert!(text.contains("earlier"), "{text}");
    for (w, h) in [(0, 0), (10, 3), (60, 20), (200, 60)] {
        super::tests::buffer(&state, &color(), w, h);
    }
}
