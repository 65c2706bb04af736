//! `check` on a canary with too little traffic, an observe-only condition and a failure
//! budget: each is in the text and in the JSON.

use super::evidence::from_state;
use crate::app::canary_tests::{run, started};
use crate::app::testkit::t;
use std::time::Duration;

#[test]
fn thin_traffic_observe_only_and_the_budget_are_in_text_and_json() {
    let (mut s, _) = started();
    run(&mut s, 0, 30, 0.001, 37.0, 0.9);
    let e = from_state(&s, t(30), Duration::ZERO, Duration::from_secs(5));
    let text = super::text::render(&e);
    assert!(
        text.contains("Error rate unknown: not enough traffic: 37 of 500 requests"),
        "{text}"
    );
    assert!(text.contains("Latency (observe)"), "{text}");
    assert!(text.contains("0 of 2 breaches used"), "{text}");
    assert!(
        text.contains("paused: not enough traffic for Error rate"),
        "{text}"
    );
    let json = serde_json::to_value(&e).unwrap();
    let c = &json["conditions"];
    assert_eq!(c[0]["state"], "unknown");
    assert_eq!(
        c[0]["min_traffic"],
        serde_json::json!({"traffic": 37.0, "min": 500.0, "unit": "requests", "enough": false})
    );
    assert_eq!(c[0]["observe"], false);
    assert_eq!(
        (&c[1]["observe"], &c[1]["state"]),
        (&true.into(), &"breached".into())
    );
    assert_eq!(c[1]["min_traffic"], serde_json::Value::Null);
    assert_eq!(
        json["verdict_code"], "no_go",
        "the observe-only breach advises nothing"
    );
    assert_eq!(json["stage"]["failure_limit"], 2);
    assert_eq!(json["stage"]["breaches"], 0);
    assert_eq!(json["stage"]["bake_paused"]["cause"], "not_enough_traffic");
}
