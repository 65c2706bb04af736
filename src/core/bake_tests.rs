use super::*;
use chrono::TimeZone;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn paused(cause: PauseCause) -> Health {
    Health::Paused(Pause {
        cause,
        text: "no fresh data from prometheus".into(),
    })
}

/// Feed `health` once a second from `from` to `to` inclusive; the checkpoints that fell due.
fn run(b: &mut Bake, from: i64, to: i64, health: &Health) -> Vec<MarkDue> {
    let mut due = Vec::new();
    for s in from..=to {
        if let Some(d) = b.update(t(s), health) {
            b.mark();
            due.push(d);
        }
    }
    due
}

fn bake() -> Bake {
    Bake::new(0, t(0), secs(300))
}

#[test]
fn healthy_time_counts_from_the_first_update_not_from_entry() {
    let mut b = bake();
    run(&mut b, 100, 130, &Health::Healthy);
    assert_eq!(b.verified, secs(30), "entered at 0, first seen at 100");
    assert!(!b.view().is_baked());
    assert_eq!(b.view().left(), secs(270));
}

#[test]
fn unknown_data_pauses_and_keeps_what_was_earned() {
    let mut b = bake();
    run(&mut b, 0, 20, &Health::Healthy);
    run(&mut b, 21, 80, &paused(PauseCause::NoData));
    assert_eq!(b.verified, secs(20), "the interval 20→21 ended unknown");
    assert_eq!(
        b.view().note().as_deref(),
        Some("paused: no fresh data from prometheus")
    );
    run(&mut b, 81, 91, &Health::Healthy);
    assert_eq!(b.verified, secs(30), "81→91; 80→81 began unknown");
    assert_eq!(b.view().note(), None);
}

#[test]
fn a_breach_restarts_from_zero_once_it_ends() {
    let mut b = bake();
    run(&mut b, 0, 200, &Health::Healthy);
    let due = run(&mut b, 201, 260, &Health::Breached);
    assert_eq!(due, vec![MarkDue::Restarted]);
    assert_eq!(b.verified, Duration::ZERO);
    assert_eq!(
        b.view().note().as_deref(),
        Some("restarts when the breach ends")
    );
    let due = run(&mut b, 261, 270, &Health::Healthy);
    assert_eq!(due, vec![MarkDue::BreachEnded]);
    assert_eq!(
        b.verified,
        secs(9),
        "counting starts at the end of the breach"
    );
    let r = b.restarted.unwrap();
    assert_eq!((r.from, r.to), (t(201), Some(t(261))));
    assert_eq!(
        b.view().note().unwrap(),
        format!(
            "restarted after breach {}–{} UTC",
            t(201).format("%H:%M"),
            t(261).format("%H:%M")
        )
    );
}

#[test]
fn a_gap_longer_than_a_step_is_not_observed_and_not_counted() {
    let mut b = bake();
    run(&mut b, 0, 10, &Health::Healthy);
    b.update(t(10 + MAX_STEP.as_secs() as i64 + 1), &Health::Healthy);
    assert_eq!(b.verified, secs(10));
    assert!(b.unobserved.is_some());
    b.update(t(10 + MAX_STEP.as_secs() as i64 + 2), &Health::Healthy);
    assert_eq!(b.verified, secs(11), "counting goes on after the gap");
}

#[test]
fn a_clock_stepping_back_adds_nothing() {
    let mut b = bake();
    run(&mut b, 1000, 1010, &Health::Healthy);
    b.update(t(500), &Health::Healthy);
    assert_eq!(b.verified, secs(10));
    b.update(t(501), &Health::Healthy);
    assert_eq!(
        b.verified,
        secs(11),
        "real seconds after the step count again"
    );
}

#[test]
fn warn_counts_but_confirming_pauses() {
    // Warn is healthy by the definition (fresh data, nothing breached): the caller passes
    // Healthy for it. Over the threshold, not yet confirmed, is a pause.
    let mut b = bake();
    run(&mut b, 0, 10, &Health::Healthy);
    run(&mut b, 11, 20, &paused(PauseCause::Confirming));
    assert_eq!(b.verified, secs(10));
    assert_eq!(b.paused.as_ref().unwrap().cause, PauseCause::Confirming);
}

#[test]
fn checkpoints_are_bounded_when_a_source_flaps() {
    let mut b = bake();
    let mut due = Vec::new();
    // Two seconds healthy, two unknown, for 10 minutes.
    for s in 0..600 {
        let h = if s % 4 < 2 {
            Health::Healthy
        } else {
            paused(PauseCause::NoData)
        };
        if let Some(d) = b.update(t(s), &h) {
            b.mark();
            due.push(d);
        }
    }
    assert_eq!(b.verified, secs(150));
    // At most one record per 10 s of verified time, plus the bake's completion.
    assert!(due.len() <= 16, "{} checkpoints: {due:?}", due.len());
    assert!(due.contains(&MarkDue::Paused));
}

#[test]
fn a_minute_of_verified_time_and_the_end_of_the_bake_are_journaled() {
    let mut b = Bake::new(0, t(0), secs(150));
    let due = run(&mut b, 0, 200, &Health::Healthy);
    assert_eq!(
        due,
        vec![MarkDue::Progress, MarkDue::Progress, MarkDue::Baked]
    );
    let m = b.mark();
    assert_eq!((m.verified_secs, m.bake_secs), (200, 150));
}

#[test]
fn a_resumed_bake_keeps_its_earned_time_and_starts_a_new_interval() {
    let gap = Span {
        from: t(100),
        to: Some(t(400)),
    };
    let mut b = Bake::resume(
        0,
        t(0),
        secs(300),
        Resumed {
            verified: secs(90),
            breached: false,
            restarted: None,
            unobserved: Some(gap),
            breaches: 0,
        },
    );
    b.update(t(400), &Health::Healthy);
    assert_eq!(b.verified, secs(90), "the gap does not count");
    assert_eq!(
        b.view().note().unwrap(),
        format!(
            "not observed {}–{} UTC: not counted",
            t(100).format("%H:%M"),
            t(400).format("%H:%M")
        )
    );
    b.update(t(401), &Health::Healthy);
    assert_eq!(b.verified, secs(91));
}
