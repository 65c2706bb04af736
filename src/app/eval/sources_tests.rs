//! Each source's age: a bound while it answers on schedule, counted once it is late.
use super::*;
use crate::app::testkit::{poll, state, t};
use crate::app::update;
use crate::app::{Msg, State};

/// The ages shown for each source at second `at`.
fn ages(s: &mut State, at: i64) -> Vec<String> {
    update(s, Msg::Tick, t(at));
    s.release
        .eval
        .sources
        .iter()
        .map(|v| v.age.clone())
        .collect()
}

#[test]
fn an_age_stays_put_while_the_source_is_on_schedule_and_counts_once_late() {
    // Polled every 5s with a 2s timeout: on schedule for up to 7.5s, shown as "<8s".
    let mut s = state(false);
    assert_eq!(ages(&mut s, 0), ["never", "never"]);
    for msg in poll(1, 0, 0.01, 1.0) {
        update(&mut s, msg, t(0));
    }
    for at in 0..=7 {
        assert_eq!(ages(&mut s, at), ["<8s", "<8s"], "at {at}s");
    }
    assert_eq!(ages(&mut s, 8), ["8s", "8s"]);
    assert_eq!(ages(&mut s, 11), ["11s", "11s"]);
    assert_eq!(s.release.eval.sources[0].status, SourceStatus::Ok);
    assert_eq!(ages(&mut s, 16), ["16s", "16s"]);
    assert_eq!(s.release.eval.sources[0].status, SourceStatus::Stale);
}

#[test]
fn the_bound_is_whole_minutes_past_a_minute() {
    let mut spec = crate::app::testkit::setup().sources[0].clone();
    spec.interval = Duration::from_secs(60);
    spec.timeout = Duration::from_secs(10);
    assert_eq!(on_time(&spec), Duration::from_secs(120));
    spec.interval = Duration::from_secs(2);
    spec.timeout = Duration::from_secs(1);
    assert_eq!(on_time(&spec), Duration::from_secs(4));
}
