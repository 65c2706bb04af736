//! The replay over made-up history: a breach found at its minute with persistence applied,
//! gaps unknown and never healthy, the verdict's timeline, what cannot be replayed.

use super::*;
use crate::core::backfill::Points;
use crate::core::reading::{Reading, SignalId};
use chrono::{TimeDelta, TimeZone};

/// 09:00 UTC: the window starts here.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
}

fn at(min: i64, sec: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(min * 60 + sec)
}

/// One condition on Prometheus (`persistence`: its `for` or `samples` line), one on an HTTP
/// source, a gate, a five-minute bake.
fn setup(persistence: &str) -> Setup {
    let text = format!(
        r#"
[release]
name = "checkout"
version = "2.0"
environment = "prod"
[cockpit]
journal = "/dev/null"
[[stages]]
name = "canary"
traffic = 1
bake = "5m"
[[stages]]
traffic = 100
bake = "5m"
[sources.prom]
kind = "prometheus"
url = "http://127.0.0.1:9"
interval = "15s"
[sources.app]
kind = "http"
url = "http://127.0.0.1:9/health"
[[conditions]]
id = "errors"
label = "Canary error rate"
source = "prom"
query = "errors"
max = 0.02
warn = 0.01
unit = "%"
scale = 100
{persistence}
[[conditions]]
id = "health"
label = "Failed health checks"
source = "app"
pointer = "/failed"
max = 0
[[gates]]
name = "CI green"
source = "app"
pointer = "/ci"
expect = ["success"]
"#
    );
    crate::config::load_str(&text, "backtest test").unwrap_or_else(|e| panic!("{e}"))
}

/// The hour from 09:00 at 15 s steps, each value `value(step time)`.
fn hour(value: impl Fn(DateTime<Utc>) -> Option<f64>) -> (Window, Points) {
    let w = Window {
        from: t0(),
        to: at(60, 0),
        step: Duration::from_secs(15),
        stage: None,
        stage_from: String::new(),
    };
    let points = (0..=240)
        .map(|k| {
            let when = t0() + TimeDelta::seconds(15 * k);
            (when, value(when).map(Reading::Number))
        })
        .collect();
    (w, points)
}

/// Healthy, no data 10:00–20:00, warn-level 30:00–32:00, over the limit 37:00–45:00.
fn regressing(t: DateTime<Utc>) -> Option<f64> {
    let m = (t - t0()).num_seconds() as f64 / 60.0;
    match m {
        m if (10.0..20.0).contains(&m) => None,
        m if (30.0..32.0).contains(&m) => Some(0.015),
        m if (37.0..45.0).contains(&m) => Some(0.05),
        _ => Some(0.001),
    }
}

fn run(persistence: &str, value: impl Fn(DateTime<Utc>) -> Option<f64>) -> Backtest {
    let (w, points) = hour(value);
    let prepared = prepare(setup(persistence), w.step);
    let sig: SignalId = prepared.setup.conditions[0].value;
    replay(&prepared, &w, &[(sig, Ok(points))], &[])
}

#[test]
fn a_breach_is_found_at_its_minute_with_for_applied() {
    let b = run(r#"for = "2m""#, regressing);
    let c = &b.stages[0].conditions[0];
    assert_eq!(c.id, "errors");
    assert_eq!(c.persistence, "for 2m");
    let breach = c.first_breach.as_ref().expect("a breach");
    assert_eq!(breach.at, at(39, 0), "over from 37:00, for 2m: {b:#?}");
    assert_eq!(breach.why, "5.00% above max");
    assert_eq!(c.first_warn.as_ref().map(|m| m.at), Some(at(30, 0)));
    assert_eq!(c.breaches, 1);
    // 39:00 up to the first healthy value at 45:00.
    assert_eq!(c.breached_seconds, 6 * 60);
}

#[test]
fn samples_persistence_counts_steps() {
    let b = run("samples = 3", regressing);
    let c = &b.stages[0].conditions[0];
    assert_eq!(c.persistence, "3 samples");
    // Over at 37:00, 37:15, 37:30: the third sample confirms it.
    assert_eq!(c.first_breach.as_ref().map(|m| m.at), Some(at(37, 30)));
}

#[test]
fn a_gap_is_unknown_never_healthy() {
    let b = run(r#"for = "2m""#, regressing);
    let c = &b.stages[0].conditions[0];
    assert_eq!(c.unknown_seconds, 10 * 60, "10:00 up to 20:00: {c:#?}");
    let first = c.first_unknown.as_ref().unwrap();
    assert_eq!(
        (first.at, first.why.as_str()),
        (at(10, 0), "prom: no data: empty result")
    );
    // All missing: unknown all along, and never a GO.
    let none = run(r#"for = "2m""#, |_| None);
    let c = &none.stages[0].conditions[0];
    assert_eq!(c.unknown_seconds, 3600);
    assert!(c.first_breach.is_none() && c.first_warn.is_none());
    let kinds: Vec<&str> = none.verdicts.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(kinds, ["no_go"]);
}

#[test]
fn the_verdict_timeline_follows_bake_gap_and_breach() {
    let b = run(r#"for = "2m""#, regressing);
    let timeline: Vec<(DateTime<Utc>, &str)> = b
        .verdicts
        .iter()
        .map(|v| (v.at, v.verdict.as_str()))
        .collect();
    assert_eq!(
        timeline,
        [
            (at(0, 0), "HOLD"),
            (at(5, 0), "GO"),
            (at(10, 0), "NO-GO UNTIL VERIFIED"),
            // The bake paused during the gap, nothing lost.
            (at(20, 0), "GO"),
            (at(37, 0), "HOLD"),
            (at(39, 0), "ROLLBACK ADVISED"),
            // The breach ended: the bake starts again from zero.
            (at(45, 0), "HOLD"),
            (at(50, 0), "GO"),
        ],
        "{b:#?}"
    );
    assert_eq!(b.verdicts[5].reason, "Canary error rate: 5.00% above max");
}

#[test]
fn what_cannot_be_replayed_is_listed_with_why() {
    let b = run(r#"for = "2m""#, regressing);
    assert_eq!(b.stages[0].conditions.len(), 1);
    assert_eq!(b.not_replayable.len(), 1);
    let n = &b.not_replayable[0];
    assert_eq!(n.id, "health");
    assert_eq!(n.reason, "reads app (http), which has no history to check");
    assert!(
        b.notes.iter().any(|n| n.contains("gates are not replayed")),
        "{:?}",
        b.notes
    );
    let text = report::text(&b);
    assert!(
        text.contains(
            "not replayable (not in the verdict):\n  Failed health checks: reads app (http)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "the journal records no stage of this release by the window's end, so the first stage"
        ),
        "{text}"
    );
}

#[test]
fn a_failed_read_is_unknown_with_its_reason() {
    let (w, _) = hour(|_| Some(0.001));
    let prepared = prepare(setup(""), w.step);
    let sig = prepared.setup.conditions[0].value;
    let why = "prom: HTTP 400 Bad Request: bad_data".to_string();
    let b = replay(&prepared, &w, &[(sig, Err(why.clone()))], &[]);
    let c = &b.stages[0].conditions[0];
    assert_eq!(c.unknown_seconds, 3600);
    assert_eq!(
        c.first_unknown.as_ref().map(|m| m.why.as_str()),
        Some(why.as_str())
    );
    assert!(
        b.notes.contains(&format!("history not read: {why}")),
        "{:?}",
        b.notes
    );
}

#[test]
fn json_says_it_all_with_times_in_rfc3339() {
    let b = run(r#"for = "2m""#, regressing);
    let json = serde_json::to_value(&b).unwrap();
    let c = &json["stages"][0]["conditions"][0];
    assert_eq!(c["first_breach"]["at"], "2026-11-22T09:39:00Z");
    assert_eq!(c["first_warn"]["at"], "2026-11-22T09:30:00Z");
    assert_eq!(c["unknown_seconds"], 600);
    assert_eq!(c["limit"], "≤ 2.00%");
    assert_eq!(json["stages"][0]["number"], 1);
    assert_eq!(json["step_seconds"], 15.0);
    assert_eq!(json["verdicts"][5]["code"], "rollback_advised");
    assert_eq!(json["verdicts"][5]["at"], "2026-11-22T09:39:00Z");
    assert_eq!(json["not_replayable"][0]["id"], "health");
}

#[test]
fn plan_refuses_bad_flags_and_nothing_to_replay() {
    let opts = |from: &str, stage: Option<&str>| BacktestOptions {
        from: from.into(),
        to: "now".into(),
        step: Duration::from_secs(15),
        stage: stage.map(Into::into),
        format: Format::Text,
    };
    let now = at(60, 0);
    let (_, w) = plan(setup(""), &opts("-1h", Some("100%")), now).unwrap();
    assert_eq!((w.from, w.stage), (t0(), Some(1)));
    let e = plan(setup(""), &opts("an hour ago", None), now).unwrap_err();
    assert!(e.starts_with("--from \"an hour ago\": expected"), "{e}");
    let mut http_only = setup("");
    http_only.conditions.retain(|c| c.id == "health");
    let e = plan(http_only, &opts("-1h", None), now).unwrap_err();
    assert_eq!(
        e,
        "nothing to replay: no stop condition reads a Prometheus query (Failed health checks reads app (http), which has no history to check)"
    );
}

/// The journal's records of the release: the canary entered at 08:50, the 100% stage at 09:30.
fn journal(setup: &Setup) -> Vec<crate::core::record::Record> {
    let ctx = crate::core::record::Context {
        operator: "ana".into(),
        host: "ops1".into(),
        release: "checkout".into(),
        version: "2.0".into(),
        environment: "prod".into(),
    };
    let mut records = crate::app::stage_journal(
        setup,
        &ctx,
        0,
        at(-10, 0),
        at(-1, 0),
        Duration::from_secs(540),
    );
    records.extend(crate::app::stage_journal(
        setup,
        &ctx,
        1,
        at(30, 0),
        at(30, 0),
        Duration::ZERO,
    ));
    records
}

#[test]
fn stage_entries_in_the_journal_split_the_window() {
    let (w, points) = hour(regressing);
    let prepared = prepare(setup(r#"for = "2m""#), w.step);
    let sig = prepared.setup.conditions[0].value;
    let records = journal(&prepared.setup);
    let b = replay(&prepared, &w, &[(sig, Ok(points))], &records);
    let stages: Vec<(Option<usize>, DateTime<Utc>, DateTime<Utc>)> =
        b.stages.iter().map(|s| (s.number, s.from, s.to)).collect();
    assert_eq!(
        stages,
        [(Some(1), t0(), at(29, 59)), (Some(2), at(30, 0), at(60, 0))],
        "{b:#?}"
    );
    assert_eq!(b.stages[0].entered_at, Some(at(-10, 0)));
    assert_eq!(
        b.stages[1].assumed,
        "from the journal: entered at 2026-11-22 09:30:00 UTC"
    );
    let canary = &b.stages[0].conditions[0];
    assert!(canary.first_breach.is_none(), "{canary:#?}");
    assert_eq!(canary.unknown_seconds, 600);
    let full = &b.stages[1].conditions[0];
    assert_eq!(full.first_breach.as_ref().map(|m| m.at), Some(at(39, 0)));
    let timeline: Vec<(DateTime<Utc>, &str)> =
        b.verdicts.iter().map(|v| (v.at, v.code.as_str())).collect();
    // The canary's journaled 9 minutes: baked already; the gap; the 100% stage entered at
    // 09:30 bakes from zero, complete at 09:35, breaches at 09:39.
    assert_eq!(
        timeline,
        [
            (at(0, 0), "go"),
            (at(10, 0), "no_go"),
            (at(20, 0), "go"),
            (at(30, 0), "hold"),
            (at(35, 0), "complete"),
            (at(37, 0), "hold"),
            (at(39, 0), "rollback_advised"),
            (at(45, 0), "hold"),
            (at(50, 0), "complete"),
        ],
        "{b:#?}"
    );
    // With --stage, the journal is not read.
    let given = Window {
        stage: Some(1),
        stage_from: "--stage 100%".into(),
        ..w
    };
    let (_, points) = hour(regressing);
    let b = replay(&prepared, &given, &[(sig, Ok(points))], &records);
    assert_eq!(b.stages.len(), 1);
    assert_eq!(
        b.stages[0].assumed,
        "assumed at 100% for the whole window (--stage 100%; the journal is not read)"
    );
}

#[test]
fn too_little_traffic_replays_as_unknown() {
    let (w, errors) = hour(|_| Some(0.001));
    let (_, requests) = hour(|t| Some(if at(20, 0) > t { 37.0 } else { 900.0 }));
    let floor = r#"min_traffic = { query = "requests", min = 500 }"#;
    let prepared = prepare(setup(floor), w.step);
    let c = &prepared.setup.conditions[0];
    let traffic = c.min_traffic.as_ref().unwrap().signal;
    assert!(prepared.signals.contains(&traffic), "its traffic is read");
    let history = [(c.value, Ok(errors)), (traffic, Ok(requests))];
    let b = replay(&prepared, &w, &history, &[]);
    let c = &b.stages[0].conditions[0];
    assert_eq!(c.unknown_seconds, 20 * 60, "{c:#?}");
    let first = c.first_unknown.as_ref().unwrap();
    assert_eq!(first.why, "not enough traffic: 37 of 500 requests");
    assert!(c.first_breach.is_none());
}
