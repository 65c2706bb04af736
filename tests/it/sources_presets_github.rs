//! The ready-made GitHub configs (config/providers/github-actions.toml and github-checks.toml)
//! against a local server answering with bodies copied from GitHub's published REST API
//! description (the GitHub providers' fixtures/README.md name each example and what changed):
//! what the cockpit shows as the answers change, what was asked (path, query, headers), and
//! that GitHub's refusals show its message while the reading stays unknown.

use crate::support::cockpit;
use crate::support::providers;

use axum::http::StatusCode;
use cockpit::{Cockpit, gate_is, verdict_is};
use gonogo::core::gate::GateState;
use gonogo::core::reading::{Outcome, Reading};
use gonogo::core::verdict::VerdictKind;
use gonogo::setup::{Extract, SourceSpec};
use gonogo::sources::{SourceClient, poll};
use providers::{Recorder, load_provider, rollback_check};

/// The release commit of the shipped configs.
const SHA: &str = "9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7";
/// The commit of the run in GitHub's published example.
const GITHUB_SHA: &str = "acb5820ced9479c074f688cc328bf03f341a511d";

fn header(seen: &providers::Seen, name: &str) -> String {
    seen.headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The latest poll error of the source named `name`, as the sources panel shows it.
fn last_error<'a>(s: &'a gonogo::app::State, name: &str) -> Option<&'a str> {
    let i = s.setup.sources.iter().position(|x| x.name == name)?;
    s.release.sources[i].last_error.as_deref()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_actions_gate_follows_the_runs_of_the_release_commit() {
    let server = Recorder::default();
    let url = server.serve().await;
    let runs = "/repos/acme/checkout-api/actions/runs";
    let deploy = "/repos/acme/checkout-api/actions/workflows/deploy-checks.yml/runs";
    server.answer(runs, "github-runs-in-progress.json");
    server.answer(deploy, "github-runs-success.json");
    let setup = load_provider(
        "github-actions",
        &[
            ("GONOGO_RELEASE__COMMIT", GITHUB_SHA.into()),
            ("GONOGO_SOURCES__CI__URL", url.clone()),
            ("GONOGO_SOURCES__DEPLOY_CHECKS__URL", url.clone()),
            ("GONOGO_SOURCES__CI__INTERVAL", "200ms".into()),
            rollback_check(&url),
        ],
    );
    let ci_source = setup
        .sources
        .iter()
        .find(|s| s.name == "ci")
        .unwrap()
        .clone();
    let mut c = Cockpit::start(setup);

    c.until(
        "CI still running blocks the promote",
        gate_is(
            "CI green",
            GateState::Fails,
            "in_progress (expected success)",
        ),
    )
    .await;
    assert_eq!(
        c.verdict(),
        VerdictKind::NoGoUntilVerified,
        "{}",
        c.describe()
    );

    // GitHub's published example as it is: one run, queued.
    server.answer(runs, "github-runs-published.json");
    c.until(
        "a queued run blocks",
        gate_is("CI green", GateState::Fails, "queued (expected success)"),
    )
    .await;

    server.answer(runs, "github-runs-success.json");
    c.until("green CI lets the canary bake", |s| {
        gate_is("CI green", GateState::Holds, "success")(s) && verdict_is(VerdictKind::Hold)(s)
    })
    .await;

    server.answer(runs, "github-runs-failure.json");
    c.until(
        "a failed run blocks again",
        gate_is("CI green", GateState::Fails, "failure (expected success)"),
    )
    .await;
    assert_eq!(c.verdict(), VerdictKind::NoGoUntilVerified);

    // GitHub refuses: its message is the source's error, and the gate is unknown, not green.
    server.answer_with(runs, StatusCode::BAD_REQUEST, "github-error-published.json");
    let said = "HTTP 400 Bad Request: The alert_number is not valid";
    c.until("GitHub's error message is shown", |s| {
        last_error(s, "ci") == Some(said) && gate_is("CI green", GateState::Unknown, said)(s)
    })
    .await;

    let asked = server.seen(runs);
    let first = asked.first().expect("the runs were asked for");
    assert_eq!(first.query, format!("head_sha={GITHUB_SHA}&per_page=100"));
    assert_eq!(header(first, "authorization"), "Bearer test-github_token");
    assert_eq!(header(first, "accept"), "application/vnd.github+json");
    assert_eq!(header(first, "x-github-api-version"), "2022-11-28");
    assert!(
        !server.seen(deploy).is_empty(),
        "the one workflow's runs too"
    );

    // The failing run's link, for the operator to open.
    server.answer(runs, "github-runs-failure.json");
    let mut links = ci_source;
    links.signals = vec![
        (0, Extract::Field("url".into())),
        (1, Extract::Field("workflow".into())),
    ];
    let polled = poll(&SourceClient::new().unwrap(), &links).await;
    assert_eq!(
        polled.outcome,
        Outcome::Readings(vec![
            (
                0,
                Reading::Text("https://github.com/octo-org/octo-repo/actions/runs/30433642".into())
            ),
            (1, Reading::Text("Build".into())),
        ])
    );

    // The same published run under another release commit says nothing about this one.
    let other = load_provider(
        "github-actions",
        &[
            ("GONOGO_SOURCES__CI__URL", url.clone()),
            rollback_check(&url),
        ],
    );
    let mut ci = other.sources.into_iter().find(|s| s.name == "ci").unwrap();
    ci.signals = vec![(0, Extract::Field("status".into()))];
    let polled = poll(&SourceClient::new().unwrap(), &ci).await;
    assert_eq!(
        polled.outcome,
        Outcome::Failed(format!(
            "unexpected response: every run listed has another head_sha than {}…",
            &SHA[..11]
        ))
    );
}

const RUNS: &str =
    "/repos/acme/checkout-api/commits/9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7/check-runs";
const STATUS: &str =
    "/repos/acme/checkout-api/commits/9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7/status";

/// Each field of `spec`, read in one poll.
async fn fields(spec: &SourceSpec, names: &[&str]) -> Vec<Reading> {
    let mut spec = spec.clone();
    spec.signals = names
        .iter()
        .enumerate()
        .map(|(i, n)| (i, Extract::Field(n.to_string())))
        .collect();
    match poll(&SourceClient::new().unwrap(), &spec).await.outcome {
        Outcome::Readings(r) => r.into_iter().map(|(_, r)| r).collect(),
        Outcome::Failed(e) => panic!("the poll failed: {e}"),
    }
}

fn text(s: &str) -> Reading {
    Reading::Text(s.into())
}

/// The ready-made github-checks config against the recorder at `url`, polled every 200 ms,
/// with `extra` environment overrides.
fn checks_setup(url: &str, extra: &[(&str, String)]) -> gonogo::setup::Setup {
    let mut env = vec![
        ("GONOGO_SOURCES__CHECKS__URL", url.to_string()),
        ("GONOGO_SOURCES__ALL_CHECKS__URL", url.to_string()),
        ("GONOGO_SOURCES__CHECKS__INTERVAL", "200ms".into()),
        ("GONOGO_SOURCES__ALL_CHECKS__INTERVAL", "200ms".into()),
        rollback_check(url),
    ];
    env.extend(extra.iter().cloned());
    load_provider("github-checks", &env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_checks_pass_fail_and_wait_with_the_failing_check_named_and_linked() {
    let server = Recorder::default();
    let url = server.serve().await;
    server.answer(RUNS, "github-check-runs-published.json");
    server.answer(STATUS, "github-status-published.json");
    let setup = checks_setup(&url, &[]);
    let spec = |name: &str| {
        setup
            .sources
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .clone()
    };
    let (required, all) = (spec("checks"), spec("all_checks"));
    let read = ["status", "failing", "pending", "url", "checks"];
    let mut c = Cockpit::start(setup);

    // The published examples: a neutral check run and two successful statuses all pass; the
    // required "build" is not among them, so the required reading waits for it.
    c.until("every check passed, but a required one is missing", |s| {
        gate_is("No failing check", GateState::Holds, "none")(s)
            && gate_is(
                "Required checks green",
                GateState::Fails,
                "pending (expected success)",
            )(s)
            && gate_is(
                "Required checks reported and done",
                GateState::Fails,
                "build (expected none)",
            )(s)
    })
    .await;
    assert_eq!(c.verdict(), VerdictKind::NoGoUntilVerified);
    let got = fields(&all, &read[..3]).await;
    assert_eq!(got, [text("success"), text("none"), text("none")]);
    let got = fields(&required, &["status", "pending", "checks"]).await;
    assert_eq!(
        got,
        [text("pending"), text("build"), Reading::Number(2.0)],
        "continuous-integration/jenkins counts, build is awaited"
    );

    // A failing check run: named in the gate, linked for the operator.
    server.answer(RUNS, "github-check-runs-failure.json");
    c.until(
        "a failing check run blocks and is named",
        gate_is(
            "No failing check",
            GateState::Fails,
            "mighty_readme (expected none)",
        ),
    )
    .await;
    let got = fields(&all, &read).await;
    assert_eq!(
        got,
        [
            text("failure"),
            text("mighty_readme"),
            text("none"),
            text("https://github.com/github/hello-world/runs/4"),
            Reading::Number(3.0),
        ]
    );

    // A failing commit status: its context named, its target_url the evidence.
    server.answer(RUNS, "github-check-runs-published.json");
    server.answer(STATUS, "github-status-failure.json");
    c.until(
        "a failing status blocks and is named",
        gate_is(
            "No failing check",
            GateState::Fails,
            "security/brakeman (expected none)",
        ),
    )
    .await;
    let got = fields(&all, &["failing", "url"]).await;
    assert_eq!(
        got,
        [
            text("security/brakeman"),
            text("https://ci.example.com/2000/output")
        ]
    );

    // A check run still going: pending, never success.
    server.answer(STATUS, "github-status-published.json");
    server.answer(RUNS, "github-check-runs-in-progress.json");
    let got = fields(&all, &["status", "failing", "pending", "url"]).await;
    assert_eq!(
        got,
        [
            text("pending"),
            text("none"),
            text("mighty_readme"),
            text("https://github.com/github/hello-world/runs/4")
        ]
    );

    let first = &server.seen(RUNS)[0];
    assert_eq!(first.query, "per_page=100");
    assert_eq!(header(first, "authorization"), "Bearer test-github_token");
    assert_eq!(header(first, "accept"), "application/vnd.github+json");
    assert_eq!(header(first, "x-github-api-version"), "2022-11-28");
    let status = &server.seen(STATUS)[0];
    assert_eq!(status.query, "per_page=100");
    assert_eq!(header(status, "authorization"), "Bearer test-github_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_checks_none_is_unknown_and_a_refusal_shows_githubs_message() {
    let server = Recorder::default();
    let url = server.serve().await;
    server.answer(RUNS, "github-check-runs-none.json");
    server.answer(STATUS, "github-status-none.json");
    let setup = checks_setup(
        &url,
        &[
            // Both required checks are in the published examples: the required reading can pass.
            (
                "GONOGO_SOURCES__CHECKS__REQUIRED__0",
                "mighty_readme".into(),
            ),
        ],
    );
    let mut c = Cockpit::start(setup);
    // No check at all (the combined state then says "pending"): unknown, never green.
    c.until("no checks yet is unknown", |s| {
        gate_is(
            "No failing check",
            GateState::Unknown,
            "no check runs or statuses for this commit yet",
        )(s) && gate_is(
            "Required checks green",
            GateState::Fails,
            "pending (expected success)",
        )(s)
    })
    .await;

    server.answer(RUNS, "github-check-runs-published.json");
    server.answer(STATUS, "github-status-published.json");
    c.until("both required checks there and passing", |s| {
        gate_is("Required checks green", GateState::Holds, "success")(s)
            && verdict_is(VerdictKind::Hold)(s)
    })
    .await;

    // Either answer refused fails the poll with GitHub's message; the reading is unknown.
    server.answer_with(
        STATUS,
        StatusCode::BAD_REQUEST,
        "github-error-published.json",
    );
    let said = "HTTP 400 Bad Request: The alert_number is not valid";
    c.until("GitHub's message is the error, the gate unknown", |s| {
        last_error(s, "checks") == Some(said)
            && gate_is("Required checks green", GateState::Unknown, said)(s)
    })
    .await;
    assert_eq!(c.verdict(), VerdictKind::NoGoUntilVerified);
    server.answer(STATUS, "github-status-published.json");
    server.answer_with(RUNS, StatusCode::BAD_REQUEST, "github-error-published.json");
    c.until("a refused check runs request too", |s| {
        last_error(s, "all_checks") == Some(said)
            && gate_is("No failing check", GateState::Unknown, said)(s)
    })
    .await;
    // Not JSON at all (a proxy's page) is an error too, not a pass.
    server.answer(RUNS, "unleash-recorded.md");
    c.until("a body that is not JSON", |s| {
        last_error(s, "checks").is_some_and(|e| e.starts_with("not JSON"))
    })
    .await;
    assert!(
        !server
            .seen(RUNS)
            .iter()
            .any(|s| s.query.contains("required"))
    );
}
