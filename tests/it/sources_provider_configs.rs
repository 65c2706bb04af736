//! Every ready-made provider config in config/providers/ loads, with the variables its secret
//! references need, and reads its provider with the kind its file is named after.

use crate::support::kube::ServiceAccount;
use crate::support::providers;

use gonogo::config;
use gonogo::setup::{Extract, SourceKind};
use providers::secrets;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/providers")
}

/// The kind of source each file is about (Jenkins and Buildkite go through http).
fn kind_of(stem: &str) -> SourceKind {
    match stem {
        "jenkins" | "buildkite" => SourceKind::Http,
        other => SourceKind::ALL
            .into_iter()
            .find(|k| k.label() == other)
            .unwrap_or_else(|| panic!("config/providers/{other}.toml names no source kind")),
    }
}

#[test]
fn every_provider_config_loads_and_reads_its_provider() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let stems: Vec<String> = files
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for kind in SourceKind::ALL {
        let label = kind.label();
        assert!(
            kind == SourceKind::Http || stems.iter().any(|s| s == label),
            "config/providers/{label}.toml is missing"
        );
    }
    for needed in ["jenkins", "buildkite"] {
        assert!(
            stems.iter().any(|s| s == needed),
            "{needed}.toml is missing"
        );
    }
    let mut failures = Vec::new();
    // The in-cluster configs read a pod's service-account files: stood in for here.
    let account = ServiceAccount::new();
    for (file, stem) in files.iter().zip(&stems) {
        let text = account.stand_in(&std::fs::read_to_string(file).unwrap());
        match config::load_with_env(&text, &format!("{stem}.toml"), &secrets()) {
            Err(e) => failures.push(format!("{stem}.toml:\n{e}")),
            Ok(setup) => {
                let kind = kind_of(stem);
                let reads: Vec<_> = setup
                    .sources
                    .iter()
                    .filter(|s| s.kind == kind && !s.signals.is_empty())
                    .collect();
                assert!(
                    !reads.is_empty(),
                    "{stem}.toml has no {} source that something reads",
                    kind.label()
                );
                assert!(
                    setup.gates.len() + setup.conditions.len() > 2,
                    "{stem}.toml has a gate or condition of its own"
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn preset_urls_carry_the_release_and_the_keys() {
    let load = |stem: &str| {
        let text = std::fs::read_to_string(dir().join(format!("{stem}.toml"))).unwrap();
        config::load_with_env(&text, stem, &secrets()).unwrap()
    };
    let url = |stem: &str, source: &str| {
        let setup = load(stem);
        setup
            .sources
            .iter()
            .find(|s| s.name == source)
            .unwrap_or_else(|| panic!("{stem}: no source {source}"))
            .url
            .clone()
    };
    assert_eq!(
        url("github-actions", "ci"),
        "https://api.github.com/repos/acme/checkout-api/actions/runs?head_sha=9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7&per_page=100"
    );
    assert_eq!(
        url("github-actions", "deploy_checks"),
        "https://api.github.com/repos/acme/checkout-api/actions/workflows/deploy-checks.yml/runs?head_sha=9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7&event=push&per_page=100"
    );
    // Required checks ride in the fragment, which is never sent.
    assert_eq!(
        url("github-checks", "checks"),
        "https://api.github.com/repos/acme/checkout-api/commits/9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7/check-runs?per_page=100#required=build&required=continuous-integration%2Fjenkins"
    );
    assert_eq!(
        url("github-checks", "all_checks"),
        "https://api.github.com/repos/acme/checkout-api/commits/9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7/check-runs?per_page=100"
    );
    assert_eq!(
        url("gitlab", "ci"),
        "https://gitlab.example.com/api/v4/projects/acme%2Fcheckout-api/pipelines?sha=9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7&order_by=id&sort=desc"
    );
    assert_eq!(
        url("unleash", "flags"),
        "https://unleash.internal.example/api/admin/projects/default/features/checkout-v2/environments/production"
    );
    assert_eq!(
        url("launchdarkly", "flags"),
        "https://app.launchdarkly.com/api/v2/flags/default/checkout-v2?env=production"
    );
    assert_eq!(
        url("alertmanager", "alerts"),
        "https://alertmanager.internal.example/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true&filter=severity%3D%22critical%22&filter=service%3D%22checkout-api%22"
    );
    assert_eq!(
        url("jenkins", "jenkins"),
        "https://jenkins.internal.example/job/checkout-api/job/v2.14.0/lastBuild/api/json?tree=building,result,url"
    );
    let buildkite = load("buildkite");
    let source = &buildkite.sources[buildkite
        .sources
        .iter()
        .position(|s| s.name == "buildkite")
        .unwrap()];
    assert!(
        source
            .signals
            .iter()
            .any(|(_, e)| matches!(e, Extract::ErrorAt(_))),
        "the error check is polled with the values"
    );
}

#[test]
fn http_placeholders_are_encoded_for_where_they_stand() {
    let text = r#"
[release]
name = "checkout api"
version = "2.14.0 \"rc\""
environment = "prod/eu"
commit = "9f2c1ab"

[[stages]]
traffic = 100
bake = "1m"

[sources.graphql]
kind = "http"
url = "https://ci.example/api/{{release}}/builds?env={{environment}}&sha={{commit}}"
method = "POST"
body = '{"query": "{ build(name: \"x\") { state } }", "variables": {"version": "{{version}}"}}'

[[gates]]
name = "Build"
source = "graphql"
pointer = "/data/build/state"
expect = ["passed"]
"#;
    let setup = config::load_with_env(text, "graphql.toml", &secrets()).unwrap();
    let source = &setup.sources[0];
    assert_eq!(
        source.url,
        "https://ci.example/api/checkout%20api/builds?env=prod%2Feu&sha=9f2c1ab"
    );
    let body: serde_json::Value =
        serde_json::from_str(source.body.as_deref().unwrap()).expect("the body stays JSON");
    assert_eq!(body["variables"]["version"], "2.14.0 \"rc\"");
    assert_eq!(body["query"], "{ build(name: \"x\") { state } }");
}

#[test]
fn preset_keys_are_checked_for_their_kind() {
    let text = r#"
[release]
name = "checkout-api"
version = "2.14.0"
environment = "production"
commit = "9f2c1ab"

[[stages]]
traffic = 100
bake = "1m"

[sources.checks]
kind = "github-checks"
repo = "acme/checkout-api"
required = ["build", " "]
workflow = "ci.yml"

[sources.ci]
kind = "github-actions"
repo = "acme/checkout-api"
required = ["build"]

[sources.flags]
kind = "launchdarkly"
flag = "checkout-v2"
auth = { bearer = "api-123" }

[[gates]]
name = "Checks"
source = "checks"
field = "status"
expect = ["success"]
"#;
    let e = config::load_with_env(text, "checks.toml", &secrets())
        .unwrap_err()
        .to_string();
    for want in [
        "sources.checks.required[1]",
        "sources.checks.workflow",
        "only for github-actions sources",
        "sources.ci.required",
        "only for github-checks sources",
        "sources.flags.auth.bearer: LaunchDarkly takes the access token itself",
    ] {
        assert!(e.contains(want), "{want:?} not in:\n{e}");
    }
}
