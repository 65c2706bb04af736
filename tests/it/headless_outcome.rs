//! `gonogo check` reads the journal as the cockpit does: an action left in flight is outcome
//! unknown (NO-GO UNTIL VERIFIED naming it), and a record's stage is its name and share
//! together.

use crate::support::headless;

use chrono::Utc;
use gonogo::core::record::Event;
use headless::{Answers, Release, Server, append, config, json_of, record};
use serde_json::Value;
use std::time::Duration;

const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);

fn check_json(release: &Release) -> (i32, Value) {
    let out = release.check("20s", &["--format", "json"]);
    (out.status.code().expect("exited"), json_of(&out))
}

#[test]
fn a_rollback_left_in_flight_keeps_check_at_no_go_naming_it() {
    let server = Server::start(Answers::default());
    let release = Release::new(&config(&server.url, "500ms", "1s"));
    let entered = release.entered("canary", 10.0, HOUR);
    release.verified(entered, MINUTE * 10, Duration::from_secs(5));
    let (_, v) = check_json(&release);
    assert_eq!(
        v["verdict"], "GO",
        "healthy and baked before the request: {v:#}"
    );

    let mut requested = record(Utc::now() - Duration::from_secs(60), Event::ActionRequested);
    requested.stage = Some("canary".into());
    requested.traffic = Some(10.0);
    requested.action = Some("rollback".into());
    requested.action_id = Some("gonogo-rollback-1".into());
    requested.reason = Some("errors over budget on canary".into());
    append(&release.journal(), &requested);
    let (code, v) = check_json(&release);
    assert_eq!(v["verdict"], "NO-GO UNTIL VERIFIED", "{v:#}");
    assert_ne!(code, 0);
    let first = v["reasons"][0]["text"].as_str().unwrap();
    assert!(
        first.starts_with("rollback from 10% sent ")
            && first.contains("in flight when the cockpit stopped")
            && first.ends_with("(id gonogo-rollback-1)"),
        "{first}"
    );
    assert!(
        v["reasons"][0]["verify"]
            .as_str()
            .unwrap()
            .contains("before confirming again"),
        "{v:#}"
    );
}

#[test]
fn check_finds_the_stage_by_name_and_share_as_the_cockpit_does() {
    let server = Server::start(Answers::default());
    let release = Release::new(&config(&server.url, "500ms", "1s"));
    // Written under an older config that named both stages "canary": the second, at 100%.
    release.entered("canary", 10.0, 2 * HOUR);
    let entered = release.entered("canary", 100.0, HOUR);
    release.verified(entered, MINUTE * 10, Duration::from_secs(5));
    let (_, v) = check_json(&release);
    assert_eq!(v["stage"]["name"], "full", "{v:#}");
    assert_eq!(v["verdict"], "COMPLETE", "{v:#}");
}
