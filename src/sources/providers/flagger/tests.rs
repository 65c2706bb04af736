use super::read;
use crate::core::reading::Reading;
use serde_json::{Value, json};

const URL: &str =
    "https://kubernetes.default.svc/apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo";

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn progressing() -> Value {
    fixture(include_str!("fixtures/flagger-progressing.json"))
}

fn field(doc: &Value, name: &str) -> Reading {
    read(doc, URL).unwrap().get(name).cloned().unwrap()
}

#[test]
fn a_progressing_canary_reads_its_weight_and_checks() {
    let doc = progressing();
    assert_eq!(field(&doc, "weight"), Reading::Number(15.0));
    assert_eq!(field(&doc, "phase"), Reading::Text("Progressing".into()));
    assert_eq!(field(&doc, "failed_checks"), Reading::Number(2.0));
    assert_eq!(field(&doc, "iterations"), Reading::Number(0.0));
}

#[test]
fn the_published_success_reads_its_phase_from_the_promoted_condition() {
    let doc = fixture(include_str!("fixtures/flagger-succeeded.json"));
    assert_eq!(field(&doc, "phase"), Reading::Text("Succeeded".into()));
    assert_eq!(field(&doc, "weight"), Reading::Number(0.0));
    assert_eq!(field(&doc, "failed_checks"), Reading::Number(0.0));
}

#[test]
fn missing_or_strange_values_are_unknown() {
    let mut doc = progressing();
    doc["status"]["phase"] = json!("Rolling");
    doc["status"]["canaryWeight"] = json!(150);
    doc["status"]["failedChecks"] = json!("two");
    doc["status"].as_object_mut().unwrap().remove("iterations");
    let f = read(&doc, URL).unwrap();
    let said = |name| match f.get(name) {
        Some(Reading::Missing(why)) => why.clone(),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(
        said("phase"),
        "phase \"Rolling\" is not one Flagger reports"
    );
    assert_eq!(said("weight"), "canaryWeight 150 is not 0 to 100");
    assert_eq!(
        said("failed_checks"),
        "status.failedChecks is \"two\", not a count"
    );
    assert_eq!(said("iterations"), "no status.iterations");
}

#[test]
fn a_canary_of_another_name_or_a_rollout_is_refused() {
    let mut doc = progressing();
    doc["metadata"]["name"] = json!("frontend");
    assert_eq!(
        read(&doc, URL).unwrap_err().to_string(),
        "unexpected response: not the Canary \"podinfo\": got \"frontend\""
    );
    let mut doc = progressing();
    doc["kind"] = json!("Rollout");
    assert_eq!(
        read(&doc, URL).unwrap_err().to_string(),
        "unexpected response: not a Canary: kind is \"Rollout\""
    );
}
