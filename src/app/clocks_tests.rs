//! The release's clocks: elapsed from the attempt's first stage entry, and the bound to 100%.

use super::super::testkit::{records, run, state, t};
use crate::core::record::Event;

fn progress(s: &super::State) -> Option<&str> {
    s.release.eval.progress.as_deref()
}

#[test]
fn the_bound_to_full_sums_the_verified_bake_left_and_the_later_stages() {
    // Three stages of a minute each; the first poll (5s) enters the first.
    let mut s = state(false);
    run(&mut s, 0, 4, 0.001, 1.0);
    assert_eq!(progress(&s), None, "no stage live yet");
    run(&mut s, 5, 5, 0.001, 1.0);
    assert_eq!(progress(&s), Some("<1m elapsed · ≥ 3m to 100%"));
    assert_eq!(
        super::to_full(&s, 0, std::time::Duration::from_secs(30)),
        std::time::Duration::from_secs(150)
    );
    // Half the bake verified: 30s + 2m, rounded up to whole minutes.
    run(&mut s, 6, 35, 0.001, 1.0);
    assert_eq!(s.release.eval.bake_left.map(|d| d.as_secs()), Some(30));
    assert_eq!(progress(&s), Some("<1m elapsed · ≥ 3m to 100%"));
    // Baked: only the later stages are left.
    run(&mut s, 36, 66, 0.001, 1.0);
    assert_eq!(progress(&s), Some("1m elapsed · ≥ 2m to 100%"));
}

#[test]
fn a_breach_stops_the_bake_so_the_bound_stops_falling() {
    let mut s = state(false);
    run(&mut s, 0, 35, 0.001, 1.0);
    assert_eq!(progress(&s), Some("<1m elapsed · ≥ 3m to 100%"));
    // Breached from 40s: no verified time is earned, the bake restarts from zero.
    run(&mut s, 36, 125, 0.05, 1.0);
    assert_eq!(s.release.eval.bake_left.map(|d| d.as_secs()), Some(60));
    assert_eq!(progress(&s), Some("2m elapsed · ≥ 3m to 100%"));
}

#[test]
fn elapsed_counts_from_the_attempt_s_first_stage_entry_in_the_journal() {
    let mut first = state(false);
    let journal = records(&run(&mut first, 0, 10, 0.001, 1.0));
    assert!(journal.iter().any(|r| r.event == Event::StageEntered));
    assert_eq!(first.release.started, Some(t(5)));

    // A restart 10 minutes later reads the start back rather than starting the clock anew.
    let mut again = state(false);
    again.resume(&journal);
    assert_eq!(again.release.started, Some(t(5)));
    let ctx = &again.session.context;
    assert_eq!(super::started_from_journal(&journal, ctx), Some(t(5)));

    // A rollback ends the attempt: its entries no longer count.
    let mut rolled = journal.clone();
    let mut r = rolled[0].clone();
    r.event = Event::RolledBack;
    r.ts = t(20);
    rolled.push(r);
    assert_eq!(super::started_from_journal(&rolled, ctx), None);
}
