//! The lines `watch --armed` adds for the countdown: when it starts, waits and stands down.

use super::*;
use crate::app::testkit::{state, t};
use crate::core::action::Action;
use crate::core::autopilot::{Blocker, Policy, Reason};
use crate::headless::Format;
use std::time::Duration;

fn counting(left: u64) -> Decision {
    Decision::CountingDown {
        action: Action::Rollback,
        policy: Policy::AutoRollback,
        reasons: vec![Reason::Breached {
            condition: "error_rate".into(),
        }],
        deadline: t(30),
        left: Duration::from_secs(left),
    }
}

#[test]
fn a_countdown_starting_is_one_line_with_its_evidence_as_data() {
    let mut s = state(false);
    s.session.auto = Some(counting(30));
    let line = countdown_line(None, &s, false, t(0)).expect("a line when it starts");
    assert_eq!(line.kind, Kind::Armed);
    assert_eq!(line.level, LogLevel::Warn);
    assert!(
        line.text.starts_with("auto-rollback in 30 s: Error rate")
            && line
                .text
                .ends_with("; veto from any cockpit following the journal"),
        "{}",
        line.text
    );
    let json: serde_json::Value = serde_json::from_str(&line.render(Format::Json)).unwrap();
    assert_eq!(json["automatic"]["policy"], "auto-rollback");
    assert!(
        json["automatic"]["evidence"][0]
            .as_str()
            .unwrap()
            .starts_with("Error rate")
    );
    // Counting on: no new line each second.
    let before = counting(30);
    s.session.auto = Some(counting(29));
    assert_eq!(countdown_line(Some(&before), &s, false, t(1)), None);
}

#[test]
fn a_countdown_that_waits_or_stands_down_says_so_and_a_firing_says_nothing_here() {
    let mut s = state(false);
    let before = counting(12);
    s.session.auto = Some(Decision::Blocked {
        policy: Policy::AutoRollback,
        blockers: vec![Blocker::Hold],
    });
    let waits = countdown_line(Some(&before), &s, false, t(18)).unwrap();
    assert_eq!(waits.text, "auto-rollback waits: a hold");
    assert_eq!(waits.automatic, None);

    s.session.auto = None;
    let down = countdown_line(Some(&before), &s, false, t(18)).unwrap();
    assert_eq!(
        down.text,
        "auto-rollback stands down: nothing to act on any more"
    );
    // It fired: the automatic request's own line tells it.
    assert_eq!(countdown_line(Some(&before), &s, true, t(30)), None);
    // Nothing was counting: nothing to say.
    assert_eq!(countdown_line(None, &s, false, t(30)), None);
}

#[test]
fn the_start_of_a_headless_driver_and_its_arming_by_the_flag_say_so() {
    let s = state(false);
    let mut started = Effect::Journal(Box::new(s.started_record(t(0))));
    mark_start(&mut started, true);
    let mut armed = s.record(Event::ArmedChanged, t(0));
    armed.detail = Some("config".into());
    let mut armed = Effect::Journal(Box::new(armed));
    mark_start(&mut armed, true);
    let detail = |e: &Effect| match e {
        Effect::Journal(r) => r.detail.clone(),
        _ => None,
    };
    assert_eq!(detail(&started).as_deref(), Some(HEADLESS_DRIVER));
    assert_eq!(detail(&armed).as_deref(), Some("--armed"));
    // Armed by the config: it stays "config".
    let mut by_config = s.record(Event::ArmedChanged, t(0));
    by_config.detail = Some("config".into());
    let mut by_config = Effect::Journal(Box::new(by_config));
    mark_start(&mut by_config, false);
    assert_eq!(detail(&by_config).as_deref(), Some("config"));
}
