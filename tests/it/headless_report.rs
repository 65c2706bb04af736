//! `gonogo report` over hand-written journals with known answers (see
//! tests/fixtures/journals/README.md for how each figure comes about).

use crate::support::headless;

use headless::run;
use serde_json::Value;

const ANA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/journals/ana.jsonl"
);
const BOB: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/journals/bob.jsonl"
);

fn report_json(journals: &[&str]) -> Value {
    let mut args = vec!["report", "--format", "json", "--journal"];
    args.extend_from_slice(journals);
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn report_text(journals: &[&str]) -> String {
    let mut args = vec!["report"];
    for j in journals {
        args.extend_from_slice(&["--journal", j]);
    }
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn releases_and_their_outcomes() {
    let v = report_json(&[ANA, BOB]);
    let releases: Vec<(String, String)> = v["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!(
                    "{} {}",
                    r["release"].as_str().unwrap(),
                    r["version"].as_str().unwrap()
                ),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("checkout 1.0.0", "completed"),
        ("checkout 1.1.0", "rolled_back"),
        ("payments 2.0.0", "abandoned"),
        ("checkout 1.2.0", "completed"),
        ("payments 2.0.1", "in_progress"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(releases, expected);
    let t = &v["totals"];
    assert_eq!(t["releases"], 5);
    assert_eq!(t["completed"], 2);
    assert_eq!(t["rolled_back"], 1);
    assert_eq!(t["abandoned"], 1);
    assert_eq!(t["in_progress"], 1);
}

#[test]
fn frequency_lead_time_failure_rate_and_time_to_restore() {
    let v = report_json(&[ANA, BOB]);
    let t = &v["totals"];
    // 5 releases over 10 days and 10 minutes.
    let weeks = (10.0 * 86400.0 + 600.0) / (7.0 * 86400.0);
    assert!((v["span"]["weeks"].as_f64().unwrap() - weeks).abs() < 1e-9);
    assert!((t["releases_per_week"].as_f64().unwrap() - 5.0 / weeks).abs() < 1e-9);
    assert_eq!(t["change_failure_rate"], 0.2);
    assert_eq!(t["lead_time"]["count"], 2);
    assert_eq!(t["lead_time"]["median_seconds"], 6300);
    assert_eq!(t["lead_time"]["max_seconds"], 7200);
    assert_eq!(t["time_to_restore"]["count"], 1);
    assert_eq!(t["time_to_restore"]["median_seconds"], 720);
    let rolled = &v["releases"][1];
    assert_eq!(rolled["time_to_restore_seconds"], 720);
    assert_eq!(rolled["lead_time_seconds"], Value::Null);
    assert_eq!(v["releases"][0]["lead_time_seconds"], 5400);

    let weeks: Vec<(String, u64, u64, u64)> = v["per_week"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["week"].as_str().unwrap().to_string(),
                w["releases"].as_u64().unwrap(),
                w["completed"].as_u64().unwrap(),
                w["rolled_back"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        weeks,
        vec![("2025-W10".into(), 2, 1, 1), ("2025-W11".into(), 3, 1, 0)]
    );
}

#[test]
fn time_per_stage_and_who_approved_overrides() {
    let v = report_json(&[ANA, BOB]);
    let stages: Vec<(String, u64, u64, u64, u64)> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["stage"].as_str().unwrap().to_string(),
                s["count"].as_u64().unwrap(),
                s["median_seconds"].as_u64().unwrap(),
                s["mean_seconds"].as_u64().unwrap(),
                s["max_seconds"].as_u64().unwrap(),
            )
        })
        .collect();
    // 100% never ends in these journals: it has no time spent yet.
    assert_eq!(
        stages,
        vec![
            ("canary".into(), 5, 1800, 1560, 2400),
            ("25%".into(), 3, 3600, 3440, 4800),
        ]
    );
    let overrides = v["overrides"].as_array().unwrap();
    assert_eq!(overrides.len(), 2);
    assert_eq!(overrides[0]["operator"], "ana");
    assert_eq!(overrides[0]["reason"], "hotfix for INC-1 needs it out");
    assert_eq!(overrides[1]["operator"], "bob");
    assert_eq!(overrides[1]["verdict"], "NO-GO UNTIL VERIFIED");
    assert_eq!(
        v["approvers"],
        serde_json::json!([
            { "operator": "ana", "overrides": 1 },
            { "operator": "bob", "overrides": 1 }
        ])
    );
}

#[test]
fn a_journal_given_twice_counts_once() {
    let once = report_json(&[ANA, BOB]);
    let twice = report_json(&[ANA, BOB, ANA]);
    assert_eq!(once["records"], twice["records"]);
    assert_eq!(once["totals"], twice["totals"]);
}

#[test]
fn the_table_and_chart_read_without_colour() {
    let text = report_text(&[ANA, BOB]);
    assert!(
        !text.contains('\x1b'),
        "stdout is a pipe: no colour\n{text}"
    );
    assert!(
        text.contains("change failure rate   20% (1 of 5 rolled back)"),
        "{text}"
    );
    assert!(
        text.contains(
            "time to restore       median 12m · mean 12m · max 12m (1 rolled back after a breach)"
        ),
        "{text}"
    );
    assert!(
        text.contains("2025-03-05 14:19  checkout 1.1.0  ana@ops1"),
        "{text}"
    );
    assert!(text.contains("approved by: ana 1, bob 1"), "{text}");
    // Lead time bars: the longest (2h) is the full 40 cells, 1h30m three quarters of it.
    let bar = |release: &str| {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(release) && l.contains('#'))
            .unwrap_or_else(|| panic!("no bar for {release}\n{text}"));
        line.chars().filter(|c| *c == '#').count()
    };
    assert_eq!(bar("checkout 1.2.0"), 40);
    assert_eq!(bar("checkout 1.0.0"), 30);
    // Per week, one mark per release: # completed, x rolled back, . the rest.
    assert!(text.contains("2025-W10    2  ####xxxx"), "{text}");
    assert!(text.contains("2025-W11    3  ####........"), "{text}");
}

#[test]
fn a_missing_journal_is_an_error_not_an_empty_report() {
    let out = run(&["report", "--journal", "/nonexistent/journal.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/journal.jsonl: no such file"),
        "{err}"
    );
}

const DEMO_1: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/journals/demo-run-1.jsonl"
);
const DEMO_2: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/journals/demo-run-2.jsonl"
);

/// (version, attempt, outcome) of every release attempt in the report.
fn attempts(v: &Value) -> Vec<(String, String, String)> {
    v["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("version"), s("attempt"), s("outcome"))
        })
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn two_demo_runs_of_one_version_are_two_attempts_each_rolled_back() {
    let want = owned(&[
        ("2.14.0", "~1", "rolled_back"),
        ("2.14.0", "~2", "rolled_back"),
    ]);
    let v = report_json(&[DEMO_1, DEMO_2]);
    assert_eq!(attempts(&v), want);
    assert_eq!(v["totals"]["rolled_back"], 2);
    assert_eq!(v["totals"]["change_failure_rate"], 1.0);
    // The two files concatenated into one say the same.
    let dir = tempfile::tempdir().unwrap();
    let both = dir.path().join("both.jsonl");
    let text = std::fs::read_to_string(DEMO_1).unwrap() + &std::fs::read_to_string(DEMO_2).unwrap();
    std::fs::write(&both, text).unwrap();
    assert_eq!(attempts(&report_json(&[both.to_str().unwrap()])), want);
    let table = report_text(&[DEMO_1, DEMO_2]);
    assert!(table.contains("Release attempts (2)"), "{table}");
    assert!(table.contains("0 completed · 2 rolled back"), "{table}");
}

#[test]
fn recorded_attempt_ids_group_the_records_and_are_printed() {
    // The same runs as a cockpit with attempt ids writes them.
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (path, id) in [(DEMO_1, "att-a"), (DEMO_2, "att-b")] {
        let text: String = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v["attempt"] = id.into();
                format!("{v}\n")
            })
            .collect();
        let copy = dir.path().join(format!("{id}.jsonl"));
        std::fs::write(&copy, text).unwrap();
        paths.push(copy.to_str().unwrap().to_string());
    }
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    assert_eq!(
        attempts(&report_json(&paths)),
        owned(&[
            ("2.14.0", "att-a", "rolled_back"),
            ("2.14.0", "att-b", "rolled_back"),
        ])
    );
    let table = report_text(&paths);
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("checkout-api  2.14.0"))
        .collect();
    assert!(
        rows.len() == 2 && rows[0].contains("att-a") && rows[1].contains("att-b"),
        "{table}"
    );
}
