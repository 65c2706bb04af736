//! Argo Rollouts and Flagger read the way a pod reads them: over HTTPS from an API server on
//! 127.0.0.1 whose certificate comes from a CA made in the test, trusted through `tls.ca`,
//! with the bearer token read from a token file. The bodies are the projects' published
//! objects (the providers' fixtures); every bad answer is a failed source or an unknown
//! value, never a healthy one.

use crate::support::kube::{ApiServer, NOT_FOUND, SERVICE_ACCOUNT, ServiceAccount, TOKEN};
use crate::support::shared::RELEASE;

use gonogo::config;
use gonogo::core::reading::{Outcome, Reading};
use gonogo::setup::{Extract, Setup};
use gonogo::sources::{SourceClient, poll};
use serde_json::{Value, json};
use std::collections::HashMap;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sources/providers/");

fn fixture(provider: &str, file: &str) -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}{provider}/fixtures/{file}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

const ROLLOUTS: &str = "/apis/argoproj.io/v1alpha1/namespaces";
const CANARIES: &str = "/apis/flagger.app/v1beta1/namespaces";

/// A release reading `kind`'s object `namespace`/`name` from `server`, the in-cluster way;
/// its weight is the observed stage and each other field has a gate.
fn setup_of(account: &ServiceAccount, server: &ApiServer, kind: &str, at: (&str, &str)) -> Setup {
    let gates: &[(&str, &str)] = match kind {
        "argo-rollouts" => &[
            ("step", "0"),
            ("phase", "\"Healthy\""),
            ("aborted", "false"),
            ("paused", "false"),
        ],
        _ => &[
            ("phase", "\"Succeeded\""),
            ("failed_checks", "0"),
            ("iterations", "0"),
        ],
    };
    let gates: String = gates
        .iter()
        .map(|(field, want)| {
            format!(
                "[[gates]]\nname = \"{field}\"\nsource = \"k\"\nfield = \"{field}\"\nexpect = [{want}]\n"
            )
        })
        .collect();
    let text = format!(
        r#"{RELEASE}
[sources.k]
kind = "{kind}"
url = "{url}"
namespace = "{namespace}"
name = "{name}"
auth = {{ bearer = {{ file = "{SERVICE_ACCOUNT}token" }} }}
tls = {{ ca = "{SERVICE_ACCOUNT}ca.crt" }}

[observed_traffic]
source = "k"
field = "weight"

{gates}"#,
        url = server.url(),
        namespace = at.0,
        name = at.1,
    );
    config::load_with_env(&account.stand_in(&text), "kube.toml", &HashMap::new())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// One poll: each field's reading, or why the source failed.
async fn fields(setup: &Setup) -> Result<HashMap<String, Reading>, String> {
    let spec = &setup.sources[0];
    let client = SourceClient::new().unwrap();
    match poll(&client, spec).await.outcome {
        Outcome::Failed(why) => Err(why),
        Outcome::Readings(readings) => Ok(readings
            .into_iter()
            .map(|(id, reading)| {
                let field = spec.signals.iter().find(|(s, _)| *s == id).map(|(_, e)| e);
                let Some(Extract::Field(name)) = field else {
                    panic!("{field:?}")
                };
                (name.clone(), reading)
            })
            .collect()),
    }
}

fn number(n: f64) -> Reading {
    Reading::Number(n)
}

/// The published `canary-demo` Rollout served by an API server, and a release reading it.
struct Demo {
    account: ServiceAccount,
    server: ApiServer,
    path: String,
    setup: Setup,
}

const DEMO: (&str, &str) = ("jesse-test", "canary-demo");

async fn demo() -> Demo {
    let account = ServiceAccount::new();
    let server = ApiServer::start(&account).await;
    let path = format!("{ROLLOUTS}/{}/rollouts/{}", DEMO.0, DEMO.1);
    let canary = fixture("argo_rollouts", "argo-rollout-canary.json");
    server.answer(&path, 200, &canary.to_string());
    let setup = setup_of(&account, &server, "argo-rollouts", DEMO);
    Demo {
        account,
        server,
        path,
        setup,
    }
}

#[tokio::test]
async fn a_rollout_is_read_with_the_token_from_its_file_over_the_clusters_ca() {
    let demo = demo().await;
    let (server, path) = (&demo.server, &demo.path);
    let got = fields(&demo.setup).await.unwrap();
    assert_eq!(got["weight"], number(20.0));
    assert_eq!(got["step"], number(0.0));
    assert_eq!(got["aborted"], Reading::Bool(false));
    assert_eq!(got["paused"], Reading::Bool(false));
    assert!(matches!(got["phase"], Reading::Missing(_)), "{got:?}");
    let seen = server.seen.0.lock().unwrap();
    let (asked, headers, _) = seen.last().unwrap();
    assert_eq!(asked, path);
    assert_eq!(headers["authorization"], format!("Bearer {TOKEN}").as_str());
}

#[tokio::test]
async fn the_published_rollouts_read_their_weight_phase_and_abort() {
    let account = ServiceAccount::new();
    let server = ApiServer::start(&account).await;
    for (file, at, weight) in [
        (
            "argo-rollout-weights.json",
            ("jesse-test", "canary-demo-weights"),
            20.0,
        ),
        (
            "argo-rollout-aborted.json",
            ("default", "rollout-background-analysis"),
            0.0,
        ),
        (
            "argo-rollout-progressing.json",
            ("jesse-test", "canary-demo"),
            20.0,
        ),
    ] {
        let path = format!("{ROLLOUTS}/{}/rollouts/{}", at.0, at.1);
        server.answer(&path, 200, &fixture("argo_rollouts", file).to_string());
        let got = fields(&setup_of(&account, &server, "argo-rollouts", at))
            .await
            .unwrap();
        assert_eq!(got["weight"], number(weight), "{file}");
        let aborted = file.contains("aborted");
        assert_eq!(got["aborted"], Reading::Bool(aborted), "{file}");
        if file.contains("progressing") {
            assert_eq!(got["phase"], Reading::Text("Progressing".into()));
        }
    }
}

#[tokio::test]
async fn every_bad_answer_about_a_rollout_is_unknown() {
    let Demo {
        account: _files, // kept until the end: the token file is read on each poll
        server,
        path,
        setup,
    } = demo().await;
    let canary = fixture("argo_rollouts", "argo-rollout-canary.json");
    let mut other = canary.clone();
    other["metadata"]["name"] = json!("canary-demo-weights");
    let flagger = fixture("flagger", "flagger-progressing.json");
    let mut cases = bad_answers(&canary, "Rollout", &flagger);
    cases.push((
        200,
        other.to_string(),
        "not the Rollout \"canary-demo\"".into(),
    ));
    each_fails(&setup, &server, &path, cases).await;
    // A step index past the steps: the source answers, its weight is unknown.
    let mut beyond = canary.clone();
    beyond["status"]["currentStepIndex"] = json!(9);
    server.answer(&path, 200, &beyond.to_string());
    let got = fields(&setup).await.unwrap();
    assert_eq!(
        got["weight"],
        Reading::Missing("step index 9 is beyond the 8 steps".into())
    );
}

#[tokio::test]
async fn a_wrong_token_or_an_untrusted_server_reads_nothing() {
    let Demo {
        account,
        server,
        setup,
        ..
    } = demo().await;
    std::fs::write(account.path().join("token"), "rotated-away\n").unwrap();
    let why = fields(&setup).await.unwrap_err();
    assert!(why.starts_with("HTTP 401"), "{why}");
    // Another cluster's CA does not vouch for this server.
    let other = ServiceAccount::new();
    std::fs::write(other.path().join("token"), format!("{TOKEN}\n")).unwrap();
    let why = fields(&setup_of(&other, &server, "argo-rollouts", DEMO))
        .await
        .unwrap_err();
    assert!(why.starts_with("TLS:"), "{why}");
}

/// Kubernetes rotates a projected token's file under a running pod: each poll sends what the
/// file holds then, and a file gone fails the poll.
#[tokio::test]
async fn a_rotated_token_is_read_again_on_the_next_poll() {
    let Demo {
        account,
        server,
        setup,
        ..
    } = demo().await;
    assert!(fields(&setup).await.is_ok());
    let rotated = "eyJhbGciOiJSUzI1NiJ9.rotated-token";
    std::fs::write(account.path().join("token"), format!("{rotated}\n")).unwrap();
    server.accept(rotated);
    let got = fields(&setup).await.unwrap();
    assert_eq!(got["weight"], number(20.0));
    let sent = server.seen.0.lock().unwrap().last().unwrap().1.clone();
    assert_eq!(sent["authorization"], format!("Bearer {rotated}").as_str());
    std::fs::remove_file(account.path().join("token")).unwrap();
    let why = fields(&setup).await.unwrap_err();
    assert!(why.contains("cannot read secret file"), "{why}");
    assert!(!why.contains(rotated), "{why}");
}

#[tokio::test]
async fn a_canary_is_read_and_its_bad_answers_are_unknown() {
    let account = ServiceAccount::new();
    let server = ApiServer::start(&account).await;
    let at = ("test", "podinfo");
    let path = format!("{CANARIES}/test/canaries/podinfo");
    let setup = setup_of(&account, &server, "flagger", at);
    let progressing = fixture("flagger", "flagger-progressing.json");
    server.answer(&path, 200, &progressing.to_string());
    let got = fields(&setup).await.unwrap();
    assert_eq!(got["weight"], number(15.0));
    assert_eq!(got["phase"], Reading::Text("Progressing".into()));
    assert_eq!(got["failed_checks"], number(2.0));
    assert_eq!(got["iterations"], number(0.0));
    server.answer(
        &path,
        200,
        &fixture("flagger", "flagger-succeeded.json").to_string(),
    );
    let got = fields(&setup).await.unwrap();
    assert_eq!(got["phase"], Reading::Text("Succeeded".into()));
    assert_eq!(got["weight"], number(0.0));

    let mut other = progressing.clone();
    other["metadata"]["namespace"] = json!("prod");
    let rollout = fixture("argo_rollouts", "argo-rollout-canary.json");
    let mut cases = bad_answers(&progressing, "Canary", &rollout);
    cases.push((
        200,
        other.to_string(),
        "not in namespace \"test\": got \"prod\"".into(),
    ));
    each_fails(&setup, &server, &path, cases).await;
}

/// The answers that fail a source reading `object` (of `kind`), each with what its error
/// says: the API server's refusals, a body that is not JSON, the object without its status,
/// and an object of another kind.
fn bad_answers(object: &Value, kind: &str, another: &Value) -> Vec<(u16, String, String)> {
    let mut no_status = object.clone();
    no_status.as_object_mut().unwrap().remove("status");
    let other_kind = another["kind"].as_str().unwrap();
    vec![
        (
            404,
            NOT_FOUND.into(),
            "HTTP 404 Not Found: pods \"grafana\" not found".into(),
        ),
        (401, String::new(), "HTTP 401".into()),
        (403, String::new(), "HTTP 403".into()),
        (200, "<html>Bad gateway</html>".into(), "not JSON".into()),
        (
            200,
            no_status.to_string(),
            format!("the {kind} has no status yet"),
        ),
        (
            200,
            another.to_string(),
            format!("not a {kind}: kind is \"{other_kind}\""),
        ),
    ]
}

/// Each answer, served at `path`, fails the source with its words.
async fn each_fails(
    setup: &Setup,
    server: &ApiServer,
    path: &str,
    cases: Vec<(u16, String, String)>,
) {
    for (status, body, said) in cases {
        server.answer(path, status, &body);
        let why = fields(setup).await.unwrap_err();
        assert!(
            why.contains(&said),
            "{status}: {why:?} does not say {said:?}"
        );
    }
}

/// The ready-made configs ask the API server a pod reaches, for the object they name.
#[test]
fn the_ready_made_configs_ask_the_in_cluster_api_server() {
    let account = ServiceAccount::new();
    for (stem, want) in [
        (
            "argo-rollouts",
            "https://kubernetes.default.svc/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/checkout-api",
        ),
        (
            "flagger",
            "https://kubernetes.default.svc/apis/flagger.app/v1beta1/namespaces/shop/canaries/checkout-api",
        ),
    ] {
        let text = crate::support::providers::provider_config(stem);
        let env = crate::support::providers::secrets();
        let setup = config::load_with_env(&account.stand_in(&text), stem, &env).unwrap();
        let source = &setup.sources[0];
        assert_eq!(source.url, want);
        assert!(source.tls.is_some(), "{stem}: the cluster's CA");
        let auth = source.headers.iter().find(|(h, _)| h == "Authorization");
        assert_eq!(
            auth.map(|(_, v)| v.expose().to_string()),
            Some(format!("Bearer {TOKEN}"))
        );
    }
}
