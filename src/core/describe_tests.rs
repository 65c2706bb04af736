//! The words of each place for a record, side by side.
use super::*;
use crate::core::record::Context;
use chrono::{TimeZone, Utc};

fn record(event: Event) -> Record {
    let ctx = Context {
        operator: "ana".into(),
        host: "ops1".into(),
        release: "checkout".into(),
        version: "2.0".into(),
        environment: "prod".into(),
    };
    Record::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 10, 15, 0).unwrap(),
        event,
        ctx,
    )
}

const FOLLOWED: Voice = Voice::Followed { stage: None };

#[test]
fn the_log_and_a_watcher_keep_quiet_about_what_they_see_themselves() {
    for event in [
        Event::BreachBegan,
        Event::BreachEnded,
        Event::DriftBegan,
        Event::DriftEnded,
        Event::BakeCheckpoint,
    ] {
        let r = record(event);
        assert_eq!(tell(&r, Voice::Watch), None, "{event:?}");
        assert_eq!(tell(&r, FOLLOWED), None, "{event:?}");
        assert!(tell(&r, Voice::Notice).is_some(), "{event:?}");
    }
    // A repaired journal is news to a watcher, not to a cockpit following the journal.
    let r = record(Event::JournalRepaired);
    let told = tell(&r, Voice::Watch).unwrap();
    assert_eq!(
        (told.level, told.kind, told.text.as_str()),
        (
            LogLevel::Warn,
            Kind::JournalRepaired,
            "journal repaired by ana@ops1: a torn last line set aside"
        )
    );
    assert_eq!(tell(&r, FOLLOWED), None);
}

#[test]
fn each_place_words_a_stop_with_an_action_in_flight_its_own_way() {
    let mut r = record(Event::CockpitStopped);
    r.action = Some("promote".into());
    r.action_id = Some("id-7".into());
    let watch = tell(&r, Voice::Watch).unwrap();
    assert_eq!((watch.level, watch.kind), (LogLevel::Error, Kind::Cockpit));
    assert_eq!(
        watch.text,
        "cockpit of ana@ops1 stopped with promote id-7 in flight: outcome unknown"
    );
    let log = tell(&r, FOLLOWED).unwrap();
    assert_eq!(
        (log.level, log.text.as_str()),
        (LogLevel::Info, "cockpit of ana@ops1 stopped")
    );
    assert_eq!(
        tell(&r, Voice::Notice).unwrap().text,
        "checkout 2.0 (prod): cockpit stopped by ana on ops1 with promote id-7 in flight: its outcome is unknown"
    );
}

#[test]
fn a_hold_is_told_with_who_until_when_and_why() {
    let mut r = record(Event::HoldPlaced);
    r.reason = Some("waiting for DB migration".into());
    r.hold_until = Some(Utc.with_ymd_and_hms(2026, 3, 2, 10, 30, 0).unwrap());
    let watch = tell(&r, Voice::Watch).unwrap();
    assert_eq!((watch.level, watch.kind), (LogLevel::Warn, Kind::Hold));
    assert_eq!(
        watch.text,
        "hold placed by ana@ops1 until 10:30Z: \"waiting for DB migration\""
    );
    assert!(audit_line(&r).contains("until 2026-03-02 10:30:00Z"));
    let mut gone = record(Event::HoldReleased);
    gone.outcome = Some("expired".into());
    assert_eq!(tell(&gone, FOLLOWED).unwrap().text, "ana: hold expired");
}

#[test]
fn a_stage_s_words_name_its_share_once() {
    assert_eq!(stage_words("canary", Some(1.0)), "canary (1%)");
    assert_eq!(stage_words("5%", Some(5.0)), "5%");
    assert_eq!(stage_words("canary", None), "canary");
}

#[test]
fn what_the_cockpit_judged_is_told_where_nobody_judges_it_again() {
    let mut v = record(Event::VerdictChanged);
    v.verdict = Some("ROLLBACK ADVISED".into());
    v.verdict_reasons = vec!["Error rate: 4.57% above max".into(), "p95: 587 ms".into()];
    let mut down = record(Event::SourceDown);
    down.source = Some("prometheus".into());
    down.detail = Some("timeout after 2s".into());
    let mut up = record(Event::SourceUp);
    up.source = Some("prometheus".into());
    // The log and a watcher judge these themselves.
    for r in [&v, &down, &up] {
        assert_eq!(tell(r, Voice::Watch), None, "{:?}", r.event);
        assert_eq!(tell(r, FOLLOWED), None, "{:?}", r.event);
    }
    let digest = |r: &Record| tell(r, Voice::Digest).unwrap();
    let told = digest(&v);
    assert_eq!(
        (told.level, told.kind, told.text.as_str()),
        (
            LogLevel::Error,
            Kind::Verdict,
            "verdict ROLLBACK ADVISED: Error rate: 4.57% above max"
        )
    );
    assert_eq!(
        tell(&v, Voice::Notice).unwrap().text,
        "checkout 2.0 (prod): verdict ROLLBACK ADVISED: Error rate: 4.57% above max"
    );
    assert_eq!(
        digest(&down).text,
        "source prometheus down: timeout after 2s"
    );
    assert_eq!(digest(&down).kind, Kind::SourceDown);
    assert_eq!(digest(&up).text, "source prometheus usable again");
    assert_eq!(digest(&up).level, LogLevel::Good);
    assert!(audit_line(&down).contains("source prometheus"));
}

#[test]
fn a_restore_is_told_everywhere_with_both_durations() {
    let mut r = record(Event::Restored);
    r.restore = Some(crate::core::restore::RestoreMark {
        requested_at: r.ts,
        webhook_ms: 1200,
        healthy_ms: 47_000,
    });
    let words =
        "restored: rollback answered in 1.2s; every stop condition healthy 47s after the request";
    for voice in [Voice::Watch, FOLLOWED, Voice::Digest] {
        let told = tell(&r, voice).unwrap();
        assert_eq!((told.kind, told.text.as_str()), (Kind::Restored, words));
    }
    assert!(audit_line(&r).contains("every stop condition healthy 47s"));
}

#[test]
fn the_digest_keeps_quiet_about_bookkeeping_only() {
    for event in [
        Event::CockpitStarted,
        Event::CockpitStopped,
        Event::BakeCheckpoint,
    ] {
        assert_eq!(tell(&record(event), Voice::Digest), None, "{event:?}");
    }
    let mut stopped = record(Event::CockpitStopped);
    stopped.action = Some("promote".into());
    stopped.action_id = Some("id-7".into());
    assert_eq!(
        tell(&stopped, Voice::Digest).unwrap().text,
        "cockpit stopped with promote in flight: outcome unknown"
    );
}
