use super::read;
use crate::core::reading::Reading;
use serde_json::{Value, json};

/// The URL each published object answers (its namespace and name).
fn url(namespace: &str, name: &str) -> String {
    format!(
        "https://kubernetes.default.svc/apis/argoproj.io/v1alpha1/namespaces/{namespace}/rollouts/{name}"
    )
}

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn canary() -> Value {
    fixture(include_str!("fixtures/argo-rollout-canary.json"))
}

const DEMO: &str = "canary-demo";

fn field(doc: &Value, name: &str) -> Reading {
    let at = url(
        doc["metadata"]["namespace"].as_str().unwrap(),
        doc["metadata"]["name"].as_str().unwrap(),
    );
    read(doc, &at).unwrap().get(name).cloned().unwrap()
}

#[test]
fn the_published_canary_is_at_its_first_steps_weight() {
    let doc = canary();
    assert_eq!(field(&doc, "weight"), Reading::Number(20.0));
    assert_eq!(field(&doc, "step"), Reading::Number(0.0));
    assert_eq!(field(&doc, "aborted"), Reading::Bool(false));
    assert_eq!(field(&doc, "paused"), Reading::Bool(false));
    assert!(matches!(field(&doc, "phase"), Reading::Missing(_)));
    let doc = fixture(include_str!("fixtures/argo-rollout-progressing.json"));
    assert_eq!(field(&doc, "phase"), Reading::Text("Progressing".into()));
}

#[test]
fn the_traffic_routers_weight_comes_first() {
    let mut doc = fixture(include_str!("fixtures/argo-rollout-weights.json"));
    assert_eq!(field(&doc, "weight"), Reading::Number(20.0));
    doc["status"]["canary"]["weights"]["canary"]["weight"] = json!(35);
    assert_eq!(field(&doc, "weight"), Reading::Number(35.0));
    doc["spec"]["strategy"]["canary"]["trafficRouting"]["maxTrafficWeight"] = json!(1000);
    assert_eq!(field(&doc, "weight"), Reading::Number(3.5));
}

#[test]
fn an_aborted_rollout_serves_the_canary_nothing() {
    let doc = fixture(include_str!("fixtures/argo-rollout-aborted.json"));
    assert_eq!(field(&doc, "aborted"), Reading::Bool(true));
    assert_eq!(field(&doc, "weight"), Reading::Number(0.0));
}

#[test]
fn the_weight_follows_the_steps() {
    // Steps: setWeight 20, pause, setWeight 40, pause, 60, pause, 80, pause.
    for (index, want) in [(1, 20.0), (2, 40.0), (7, 80.0), (8, 100.0)] {
        let mut doc = canary();
        doc["status"]["currentStepIndex"] = json!(index);
        assert_eq!(field(&doc, "weight"), Reading::Number(want), "step {index}");
    }
    let mut doc = canary();
    doc["status"]["currentStepIndex"] = json!(9);
    assert_eq!(
        field(&doc, "weight"),
        Reading::Missing("step index 9 is beyond the 8 steps".into())
    );
    doc["status"]
        .as_object_mut()
        .unwrap()
        .remove("currentStepIndex");
    assert!(matches!(field(&doc, "weight"), Reading::Missing(_)));
    assert!(matches!(field(&doc, "step"), Reading::Missing(_)));
    let mut doc = canary();
    doc["spec"]["strategy"]["canary"]["steps"] = json!([{"pause": {}}, {"setWeight": 10}]);
    assert_eq!(field(&doc, "weight"), Reading::Number(0.0));
}

#[test]
fn a_status_of_an_older_spec_has_no_weight() {
    let mut doc = canary();
    doc["metadata"]["generation"] = json!(430);
    assert_eq!(
        field(&doc, "weight"),
        Reading::Missing(
            "the controller has not seen generation 430 yet (status is of 429)".into()
        )
    );
}

#[test]
fn a_blue_green_rollout_has_no_canary_weight() {
    let mut doc = canary();
    doc["spec"]["strategy"] = json!({"blueGreen": {"activeService": "active"}});
    assert_eq!(
        field(&doc, "weight"),
        Reading::Missing("not a canary rollout: no weight".into())
    );
}

#[test]
fn pauses_of_every_kind_read_as_paused() {
    for (at, value) in [
        ("/spec/paused", json!(true)),
        (
            "/status/pauseConditions",
            json!([{"reason": "CanaryPauseStep", "startTime": "2019-10-28T04:52:55Z"}]),
        ),
        ("/status/controllerPause", json!(true)),
    ] {
        let mut doc = canary();
        let (parent, key) = at.rsplit_once('/').unwrap();
        doc.pointer_mut(parent).unwrap()[key] = value;
        assert_eq!(field(&doc, "paused"), Reading::Bool(true), "{at}");
    }
}

#[test]
fn another_rollout_is_refused() {
    let e = read(&canary(), &url("jesse-test", "checkout")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("unexpected response: not the Rollout \"checkout\": got \"{DEMO}\"")
    );
}
