use super::*;
use crate::core::record::{Event, Record};

#[test]
fn a_rollback_s_restore_is_reported_as_the_cockpit_journaled_it() {
    use crate::core::record::Context;
    use crate::core::restore::RestoreMark;
    let at = |s: i64| DateTime::<Utc>::from_timestamp(1_700_000_000 + s, 0).unwrap();
    let ctx = Context {
        release: "checkout".into(),
        version: "2.0".into(),
        environment: "prod".into(),
        ..Context::default()
    };
    let mut entered = Record::new(at(0), Event::StageEntered, ctx.clone());
    entered.stage = Some("1%".into());
    entered.traffic = Some(1.0);
    let rolled = Record::new(at(60), Event::RolledBack, ctx.clone());
    let mark = RestoreMark {
        requested_at: at(58),
        webhook_ms: 1250,
        healthy_ms: 95_000,
    };
    let mut restored = Record::new(at(153), Event::Restored, ctx);
    restored.restore = Some(mark);
    let f = compute(vec![], &[entered.clone(), rolled.clone(), restored]);
    assert_eq!(f.releases[0].restored, Some(mark));
    let text = super::super::text::render(&f);
    assert!(text.contains("Restored after a rollback"), "{text}");
    assert!(text.contains("1.2s"), "{text}");
    // Conditions that never recovered: nothing claimed, nothing shown.
    let f = compute(vec![], &[entered, rolled]);
    assert_eq!(f.releases[0].restored, None);
    assert!(!super::super::text::render(&f).contains("Restored after"));
}

#[test]
fn stats_take_the_middle_and_round_down() {
    assert_eq!(Stats::of(&[]), None);
    let s = Stats::of(&[30, 10, 20]).unwrap();
    assert_eq!(
        (s.median_seconds, s.mean_seconds, s.max_seconds),
        (20, 20, 30)
    );
    let s = Stats::of(&[10, 40, 20, 30]).unwrap();
    assert_eq!((s.count, s.median_seconds, s.mean_seconds), (4, 25, 25));
}
