//! The ready-made action configs in config/actions/ load, and send what their targets expect.

use gonogo::actions::{RetryPolicy, Vars, build_request, send};
use gonogo::config;
use gonogo::setup::Setup;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn secrets(extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = [
        "DEPLOY_TOKEN",
        "UNLEASH_ADMIN_TOKEN",
        "K8S_BEARER",
        "ARGOCD_AUTH",
        "GITHUB_AUTH",
    ]
    .iter()
    .map(|k| (k.to_string(), "Bearer test-token".to_string()))
    .collect();
    env.insert(
        "SLACK_WEBHOOK_URL".into(),
        "https://hooks.slack.com/services/T0/B0/x".into(),
    );
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

fn load(name: &str, extra: &[(&str, &str)]) -> Setup {
    let path = format!("{}/config/actions/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    config::load_with_env(&text, name, &secrets(extra)).unwrap_or_else(|e| panic!("{e}"))
}

fn vars() -> Vars {
    Vars::new()
        .with("release", "checkout-api")
        .with("version", "2.14.0")
        .with("environment", "production")
        .with("commit", Value::Null)
        .with("from_stage", "5%")
        .with("to_stage", "25%")
        .with("from_traffic", 5)
        .with("to_traffic", 25)
        .with("from_percent", "5")
        .with("to_percent", "25")
        .with("reason", "p95 \"fine\"\nerrors flat")
        .with("operator", "ana")
        .with("verdict", "GO")
        .with("action", "promote")
        .with("action_id", "gonogo-promote-1")
}

fn body(setup: &Setup, action: &str) -> Value {
    let spec = setup.actions.iter().find(|a| a.name == action).unwrap();
    let req = build_request(spec, &vars()).unwrap();
    serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
}

#[test]
fn every_ready_made_action_config_loads() {
    let dir = format!("{}/config/actions", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".toml") {
            load(&name, &[]);
            count += 1;
        }
    }
    assert!(count >= 6, "{count} configs");
}

#[test]
fn unleash_gets_its_rollout_as_a_string_and_the_flag_is_read_back() {
    let setup = load("unleash.toml", &[]);
    assert_eq!(
        body(&setup, "promote"),
        json!([{"op": "replace", "path": "/parameters/rollout", "value": "25"}]),
        "a JSON Patch of the rollout alone; Unleash strategy parameters are strings"
    );
    assert!(setup.observed_traffic.is_some());
}

#[test]
fn github_workflow_inputs_are_strings_and_the_reason_stays_valid_json() {
    let b = body(&load("github-dispatch.toml", &[]), "promote");
    assert_eq!(b["inputs"]["traffic"], json!("25"));
    assert_eq!(b["inputs"]["reason"], json!("p95 \"fine\"\nerrors flat"));
    assert_eq!(b["ref"], json!("main"));
}

#[test]
fn generic_webhook_keeps_types_and_nulls() {
    let b = body(&load("generic-webhook.toml", &[]), "promote");
    assert_eq!(b["to"]["traffic"], json!(25));
    assert_eq!(b["commit"], Value::Null);
}

/// The Argo Rollouts promote, pointed at a local server by a GONOGO_* override, arrives as the
/// kubectl plugin's status merge patch.
#[tokio::test]
async fn argo_rollouts_promote_is_a_status_merge_patch() {
    let seen: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let seen2 = seen.clone();
    let app = axum::Router::new().fallback(
        move |method: axum::http::Method, headers: axum::http::HeaderMap, body: String| {
            let seen = seen2.clone();
            async move {
                let ct = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                seen.lock().unwrap().push((method.to_string(), ct, body));
                "{}"
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url =
        format!("{base}/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/checkout-api/status");
    let setup = load(
        "argo-rollouts.toml",
        &[("GONOGO_ACTIONS__PROMOTE__URL", &url)],
    );
    let spec = setup.actions.iter().find(|a| a.name == "promote").unwrap();
    let req = build_request(spec, &vars()).unwrap();
    let client = gonogo::actions::client().unwrap();
    let (outcome, _) = send(
        &client,
        &req,
        "id-1",
        false,
        Duration::from_secs(5),
        &RetryPolicy::default(),
    )
    .await;
    assert!(
        matches!(outcome, gonogo::actions::Outcome::Succeeded { .. }),
        "{outcome:?}"
    );
    let seen = seen.lock().unwrap();
    let (method, content_type, body) = &seen[0];
    assert_eq!(method, "PATCH");
    assert_eq!(content_type, "application/merge-patch+json");
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body, json!({"status": {"pauseConditions": null}}));
}
