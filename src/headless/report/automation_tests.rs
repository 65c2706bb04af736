use super::*;
use crate::core::record::{AutoMark, Context};

fn at(s: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_700_000_000 + s, 0).unwrap()
}

fn record(s: i64, event: Event, operator: &str) -> Record {
    let ctx = Context {
        operator: operator.into(),
        host: "runner7".into(),
        release: "checkout".into(),
        version: "2.0".into(),
        environment: "prod".into(),
    };
    let mut r = Record::new(at(s), event, ctx);
    r.stage = Some("canary".into());
    r.traffic = Some(1.0);
    r
}

fn rollback_mark() -> AutoMark {
    AutoMark {
        policy: Policy::AutoRollback,
        evidence: vec!["Error rate 9.00% above max 2.00%".into()],
        countdown_s: 30,
    }
}

/// A night with automation: armed at start, one countdown vetoed, the next one fired.
fn night() -> Vec<Record> {
    let mut entered = record(0, Event::StageEntered, "ci");
    entered.detail = Some("assumed".into());
    let mut armed = record(1, Event::ArmedChanged, "ci");
    armed.armed = Some(ArmedMark {
        rollback: true,
        promote: false,
        countdown_s: 30,
    });
    armed.detail = Some("--armed".into());
    let mut vetoed = record(60, Event::AutoVetoed, "ana");
    vetoed.auto = Some(rollback_mark());
    vetoed.reason = Some("the spike is the load test".into());
    let mut manual = record(90, Event::ActionRequested, "ana");
    manual.action = Some("promote".into());
    manual.reason = Some("load test over, baked".into());
    let mut auto = record(200, Event::ActionRequested, "ci");
    auto.action = Some("rollback".into());
    auto.auto = Some(rollback_mark());
    vec![entered, armed, vetoed, manual, auto]
}

#[test]
fn automatic_actions_vetoes_and_arming_are_rows_a_manual_action_is_not() {
    let rows = rows(&night());
    let happened: Vec<(Happened, &str)> = rows
        .iter()
        .map(|r| (r.happened, r.operator.as_str()))
        .collect();
    assert_eq!(
        happened,
        vec![
            (Happened::ArmedChanged, "ci"),
            (Happened::Vetoed, "ana"),
            (Happened::Automatic, "ci"),
        ]
    );
    let auto = &rows[2];
    assert_eq!(auto.policy, Some(Policy::AutoRollback));
    assert_eq!(auto.action.as_deref(), Some("rollback"));
    assert_eq!(auto.evidence, vec!["Error rate 9.00% above max 2.00%"]);
    assert_eq!(
        auto.text,
        "rollback AUTOMATICALLY: auto-rollback (Error rate 9.00% above max 2.00%)"
    );
    assert_eq!(
        rows[1].reason.as_deref(),
        Some("the spike is the load test")
    );
    assert_eq!(rows[0].detail.as_deref(), Some("--armed"));
    let json = serde_json::to_value(&rows).unwrap();
    assert_eq!(json[2]["happened"], "automatic");
    assert_eq!(json[2]["policy"], "auto-rollback");
    assert_eq!(json[0]["armed"]["rollback"], true);
}

#[test]
fn the_text_report_has_an_automation_table_only_when_it_ran() {
    let text = render(&rows(&night()));
    assert!(
        text.contains("Automation (1 automatic, 1 vetoed, 1 arming change)"),
        "{text}"
    );
    assert!(
        text.contains(
            "ci@runner7   rollback AUTOMATICALLY: auto-rollback (Error rate 9.00% above max 2.00%)"
        ),
        "{text}"
    );
    assert!(
        text.contains("vetoed auto-rollback (Error rate 9.00% above max 2.00%): \"the spike is the load test\""),
        "{text}"
    );
    let manual_only: Vec<Record> = night()
        .into_iter()
        .filter(|r| r.auto.is_none() && r.armed.is_none())
        .collect();
    assert_eq!(render(&rows(&manual_only)), "");
}

#[test]
fn a_release_counts_its_automatic_actions() {
    let f = super::super::compute(vec![], &night());
    assert_eq!(f.releases.len(), 1);
    assert_eq!(f.releases[0].automatic, 1);
    assert_eq!(f.automation.len(), 3);
}
