//! `gonogo check`, the real binary against a server on 127.0.0.1: every exit code, the JSON
//! evidence, and a source that does not answer in time failing closed.

use crate::support::headless;

use headless::{Answers, Release, Server, config, json_of, run};
use serde_json::Value;
use std::process::Output;
use std::time::Duration;

const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);

fn check(release: &Release, extra: &[&str]) -> Output {
    release.check("20s", extra)
}

fn json(out: &Output) -> Value {
    json_of(out)
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

fn healthy_release(server: &Server) -> Release {
    Release::new(&config(&server.url, "500ms", "1s"))
}

#[test]
fn baked_and_healthy_is_go_exit_0_with_every_piece_of_evidence() {
    let server = Server::start(Answers::default());
    let release = healthy_release(&server);
    let entered = release.entered("canary", 10.0, HOUR);
    release.verified(entered, 10 * MINUTE, Duration::from_secs(5));
    let out = check(&release, &["--format", "json"]);
    let v = json(&out);
    assert_eq!(code(&out), 0, "{v:#}");
    assert_eq!(v["schema"], 1);
    assert_eq!(v["verdict"], "GO");
    assert_eq!(v["verdict_code"], "go");
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["stage"]["name"], "canary");
    assert_eq!(v["stage"]["bake_left_seconds"], 0);
    assert_eq!(v["stage"]["bake_verified_seconds"], 600);
    assert_eq!(v["stage"]["bake_paused"], Value::Null);
    let c = &v["conditions"][0];
    assert_eq!(c["id"], "errors");
    assert_eq!(c["state"], "ok");
    assert_eq!(c["value"], 0.001);
    assert_eq!(c["value_text"], "0.10%");
    assert_eq!(c["threshold"]["max"], 0.02);
    assert_eq!(c["threshold_text"], "≤ 2.00%");
    let gates: Vec<(&str, &str, &str)> = v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap(),
                g["tier"].as_str().unwrap(),
                g["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(gates.contains(&("CI green", "must", "holds")), "{gates:?}");
    assert!(
        gates.contains(&("Rollback path verified", "must", "holds")),
        "{gates:?}"
    );
    assert!(
        v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["state"] == "ok" && s["answered"] == true),
        "{:#}",
        v["sources"]
    );
}

#[test]
fn the_last_stage_baked_is_complete_exit_0() {
    let server = Server::start(Answers::default());
    let release = healthy_release(&server);
    release.entered("canary", 10.0, 3 * HOUR);
    let entered = release.entered("full", 100.0, HOUR);
    release.verified(entered, 10 * MINUTE, Duration::from_secs(5));
    let out = check(&release, &["--format", "json"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["verdict"], "COMPLETE");
}

#[test]
fn a_stage_still_baking_is_hold_exit_3_with_the_time_left() {
    let server = Server::start(Answers::default());
    let release = healthy_release(&server);
    let entered = release.entered("canary", 10.0, MINUTE);
    release.verified(entered, MINUTE, Duration::from_secs(1));
    let out = check(&release, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(code(&out), 3, "{text}");
    assert!(
        text.starts_with("HOLD — shop 1.4.0 · test · stage canary (10%)"),
        "{text}"
    );
    // A minute verified of 10: nine minutes left (the check adds what it saw itself).
    assert!(
        text.contains("canary (10%) baking: 09:00 left, 01:00 verified of 10:00")
            || text.contains("canary (10%) baking: 08:5"),
        "{text}"
    );
    // The text names every condition with value and threshold, and every gate with its tier.
    assert!(text.contains("OK     Error rate  0.10%  ≤ 2.00%"), "{text}");
    assert!(text.contains("HOLDS  must  CI green"), "{text}");
}

#[test]
fn an_hour_since_the_entry_with_nothing_verified_is_hold_with_the_whole_bake() {
    let server = Server::start(Answers::default());
    let release = healthy_release(&server);
    release.entered("canary", 10.0, HOUR);
    let out = check(&release, &["--format", "json"]);
    let v = json(&out);
    assert_eq!(code(&out), 3, "wall-clock time is no evidence: {v:#}");
    assert_eq!(v["verdict"], "HOLD");
    assert_eq!(v["stage"]["bake_verified_seconds"], 0);
    assert_eq!(v["stage"]["bake_left_seconds"], 600);
    assert!(v["stage"]["bake_not_observed"]["from"].is_string(), "{v:#}");
    let out = check(&release, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\nBake\n  00:00 verified of 10:00 · not observed "),
        "{text}"
    );
}

#[test]
fn a_failing_must_gate_is_no_go_exit_4() {
    let server = Server::start(Answers {
        ci: "failure".into(),
        ..Answers::default()
    });
    let release = healthy_release(&server);
    release.entered("canary", 10.0, HOUR);
    let out = check(&release, &["--format", "json"]);
    let v = json(&out);
    assert_eq!(code(&out), 4, "{v:#}");
    assert_eq!(v["verdict"], "NO-GO UNTIL VERIFIED");
    let ci = v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "CI green")
        .unwrap();
    assert_eq!(ci["state"], "fails");
    assert!(ci["evidence"].as_str().unwrap().contains("failure"), "{ci}");
}

#[test]
fn a_breach_is_rollback_advised_exit_5() {
    let server = Server::start(Answers {
        error_rate: 0.09,
        ..Answers::default()
    });
    let release = healthy_release(&server);
    release.entered("canary", 10.0, HOUR);
    let out = check(&release, &["--format", "json"]);
    let v = json(&out);
    assert_eq!(code(&out), 5, "{v:#}");
    assert_eq!(v["verdict_code"], "rollback_advised");
    assert_eq!(v["conditions"][0]["state"], "breached");
    assert!(
        v["reasons"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Error rate: 9.00%"),
        "{:#}",
        v["reasons"]
    );
}

#[test]
fn a_source_silent_past_wait_is_reported_as_timed_out_and_no_go() {
    // The source's own timeout (8s) is longer than --wait: the check stops waiting first.
    let server = Server::start(Answers {
        delay: Duration::from_secs(30),
        ..Answers::default()
    });
    let release = Release::new(&config(&server.url, "8s", "10s"));
    release.entered("canary", 10.0, HOUR);
    let path = release.config();
    let out = run(&[
        "check",
        "--config",
        path.to_str().unwrap(),
        "--wait",
        "1s",
        "--format",
        "json",
    ]);
    let v = json(&out);
    assert_eq!(code(&out), 4, "{v:#}");
    let app = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "app")
        .unwrap();
    assert_eq!(app["state"], "timeout");
    assert_eq!(app["answered"], false);
    assert_eq!(v["reasons"][0]["text"], "source app: no answer within 1s");
    assert_eq!(v["conditions"][0]["state"], "unknown");
}

#[test]
fn a_config_error_is_exit_2_and_names_the_problem() {
    let release = Release::new("[release]\nname = \"shop\"\n[[stages]]\ntraffic = \"lots\"\n");
    let out = check(&release, &[]);
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("release.toml"), "{err}");
}

#[test]
fn an_unreadable_journal_is_an_internal_error_exit_1() {
    let server = Server::start(Answers::default());
    let release = healthy_release(&server);
    std::fs::write(release.journal(), "this is not a journal\n").unwrap();
    let out = check(&release, &[]);
    assert_eq!(code(&out), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("journal.jsonl: line 1 is not a journal record"),
        "{err}"
    );
}

#[test]
fn the_demo_check_runs_against_the_simulator_in_one_command() {
    let out = run(&["demo", "check", "--format", "json"]);
    let v = json(&out);
    // A fresh demo release has just entered its canary, which serves too little traffic yet
    // for its error rate to mean anything: unknown, so NO-GO (minimum evidence).
    assert_eq!(code(&out), 4, "{v:#}");
    assert_eq!(v["verdict"], "NO-GO UNTIL VERIFIED");
    assert_eq!(v["release"]["name"], "checkout-api");
    let why = v["conditions"][0]["why"].as_str().unwrap_or_default();
    assert!(why.starts_with("not enough traffic: "), "{v:#}");
    assert_eq!(v["conditions"][0]["min_traffic"]["enough"], false);
    // The bake waits for traffic (and the comparison for samples), blaming no source.
    let paused = &v["stage"]["bake_paused"];
    assert_eq!(paused["cause"], "not_enough_traffic", "{v:#}");
    let text = paused["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("not enough traffic for "), "{text}");
    assert!(!text.contains("no fresh data"), "{text}");
    // A few seconds on, the canary is warm and the statistical condition has its 4 samples
    // (2 s apart): healthy, baking.
    let out = run(&["demo", "check", "--observe", "9s", "--format", "json"]);
    let v = json(&out);
    assert_eq!(code(&out), 3, "{v:#}");
    assert_eq!(v["verdict"], "HOLD");
    assert_eq!(v["conditions"][0]["min_traffic"]["enough"], true);
}

#[test]
fn the_journal_s_attempt_id_is_shown_in_json_and_text() {
    let server = Server::start(Answers::default());
    let release = healthy_release(&server);
    let mut entered = headless::record(
        chrono::Utc::now() - chrono::Duration::hours(1),
        gonogo::core::record::Event::StageEntered,
    );
    entered.stage = Some("canary".into());
    entered.traffic = Some(10.0);
    entered.attempt = Some("shop-att-7".into());
    headless::append(&release.journal(), &entered);
    let out = check(&release, &["--format", "json"]);
    let v = json(&out);
    assert_eq!(v["release"]["attempt"], "shop-att-7", "{v:#}");
    let out = check(&release, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(" · attempt shop-att-7"), "{text}");
    // A journal without attempt ids: null, and nothing in the text.
    let older = healthy_release(&server);
    older.entered("canary", 10.0, HOUR);
    let v = json(&check(&older, &["--format", "json"]));
    assert!(v["release"]["attempt"].is_null(), "{v:#}");
}
