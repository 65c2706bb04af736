//! What `watch` prints of a thin canary and an observe-only breach: the app's log entries as
//! its lines, in text and JSON.

use super::line::Line;
use crate::app::canary_tests::{run, started};
use crate::headless::Format;

#[test]
fn thin_traffic_and_an_observe_only_breach_are_watch_lines() {
    let (mut s, _) = started();
    run(&mut s, 0, 30, 0.001, 37.0, 0.9);
    let verdict = s.release.eval.verdict.kind.label();
    let lines: Vec<String> = (s.screen.log.iter())
        .map(|e| Line::from_log(e, verdict).render(Format::Text))
        .collect();
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(
        has("WARN  observe-only breach began: Latency: 0.90 above max"),
        "{lines:#?}"
    );
    assert!(
        has("WARN  Error rate: not enough traffic: 37 of 500 requests"),
        "{lines:#?}"
    );
    let observe = (s.screen.log.iter())
        .find(|e| e.text.starts_with("observe-only"))
        .map(|e| Line::from_log(e, verdict).render(Format::Json))
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&observe).unwrap();
    assert_eq!(
        (json["kind"].as_str(), json["level"].as_str()),
        (Some("breach_began"), Some("warn"))
    );
    // The canary warms up: said once, and the verdict moves on.
    s.screen.log.clear();
    run(&mut s, 31, 40, 0.001, 900.0, 0.9);
    let texts: Vec<&str> = s.screen.log.iter().map(|e| e.text.as_str()).collect();
    let traffic: Vec<&&str> = texts.iter().filter(|t| t.contains("traffic")).collect();
    assert_eq!(
        traffic,
        [&"Error rate: enough traffic: 900 of 500 requests"],
        "{texts:#?}"
    );
}
