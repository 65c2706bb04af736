//! Each ready-made provider config, as shipped in config/providers/ (GitHub's in
//! sources_presets_github.rs), against a local server
//! answering with bodies copied from the provider's published examples (GitHub, GitLab,
//! LaunchDarkly: each provider's fixtures/README.md names each one's source): what the cockpit
//! shows as the answers change, what was asked of the server (path, query, credentials), and
//! that a refusal shows the provider's own message and leaves the reading unknown.

use crate::support::cockpit;
use crate::support::providers;

use axum::http::StatusCode;
use cockpit::{Cockpit, gate_is, verdict_is};
use gonogo::core::condition::CondState;
use gonogo::core::gate::GateState;
use gonogo::core::reading::{Outcome, Reading};
use gonogo::core::verdict::VerdictKind;
use gonogo::setup::Extract;
use gonogo::sources::{SourceClient, poll};
use providers::{Recorder, load_provider, rollback_check};

const SHA: &str = "9f2c1ab5e1d0c7a3b4f6e8d9c0b1a2f3e4d5c6b7";
/// The commit of pipeline 48 in GitLab's published example.
const GITLAB_SHA: &str = "eb94b618fb5865b26e80fdd8ae531b7a63ad851a";
/// The commit of pipeline 47 in the same example.
const GITLAB_OTHER_SHA: &str = "a91957a858320c0e17f3a0eca7cfacbff50ea29a";

/// The latest poll error of the source named `name`, as the sources panel shows it.
fn last_error<'a>(s: &'a gonogo::app::State, name: &str) -> Option<&'a str> {
    let i = s.setup.sources.iter().position(|x| x.name == name)?;
    s.release.sources[i].last_error.as_deref()
}

fn header(seen: &providers::Seen, name: &str) -> String {
    seen.headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gitlab_gate_follows_the_newest_pipeline_of_the_release_commit() {
    let server = Recorder::default();
    let url = server.serve().await;
    let pipelines = "/api/v4/projects/acme%2Fcheckout-api/pipelines";
    // GitLab's published example: pipeline 47 is another commit's, 48 is the release's.
    server.answer(pipelines, "gitlab-pipelines-published.json");
    let setup = load_provider(
        "gitlab",
        &[
            ("GONOGO_RELEASE__COMMIT", GITLAB_SHA.into()),
            ("GONOGO_SOURCES__CI__URL", url.clone()),
            ("GONOGO_SOURCES__CI__INTERVAL", "200ms".into()),
            rollback_check(&url),
        ],
    );
    let mut c = Cockpit::start(setup);
    c.until(
        "a pending pipeline blocks",
        gate_is(
            "Pipeline passed",
            GateState::Fails,
            "queued (expected success)",
        ),
    )
    .await;
    server.answer(pipelines, "gitlab-pipelines-running.json");
    c.until(
        "a running pipeline blocks",
        gate_is(
            "Pipeline passed",
            GateState::Fails,
            "in_progress (expected success)",
        ),
    )
    .await;
    server.answer(pipelines, "gitlab-pipelines-success.json");
    c.until("a passed pipeline holds", |s| {
        gate_is("Pipeline passed", GateState::Holds, "success")(s)
            && verdict_is(VerdictKind::Hold)(s)
    })
    .await;
    server.answer(pipelines, "gitlab-pipelines-failed.json");
    c.until(
        "a failed pipeline blocks",
        gate_is(
            "Pipeline passed",
            GateState::Fails,
            "failure (expected success)",
        ),
    )
    .await;
    server.answer_with(
        pipelines,
        StatusCode::BAD_REQUEST,
        "gitlab-error-published.json",
    );
    let said = "HTTP 400 Bad Request: 400 (Bad request) \"title\" not given";
    c.until("GitLab's error message is shown", |s| {
        last_error(s, "ci") == Some(said) && gate_is("Pipeline passed", GateState::Unknown, said)(s)
    })
    .await;
    let first = &server.seen(pipelines)[0];
    assert_eq!(
        first.query,
        format!("sha={GITLAB_SHA}&order_by=id&sort=desc")
    );
    assert_eq!(header(first, "private-token"), "test-gitlab_token");

    // For the commit of pipeline 47, the newer pipeline 48 (of another commit) says nothing.
    server.answer(pipelines, "gitlab-pipelines-success.json");
    let other = load_provider(
        "gitlab",
        &[
            ("GONOGO_RELEASE__COMMIT", GITLAB_OTHER_SHA.into()),
            ("GONOGO_SOURCES__CI__URL", url.clone()),
            rollback_check(&url),
        ],
    );
    let mut ci = other.sources.into_iter().find(|s| s.name == "ci").unwrap();
    ci.signals = vec![(0, Extract::Field("state".into()))];
    let polled = poll(&SourceClient::new().unwrap(), &ci).await;
    assert_eq!(
        polled.outcome,
        Outcome::Readings(vec![(0, Reading::Text("pending".into()))])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unleash_flag_state_gates_and_its_rollout_is_the_live_stage() {
    let server = Recorder::default();
    let url = server.serve().await;
    let env = "/api/admin/projects/default/features/checkout-v2/environments/production";
    server.answer(env, "unleash-rollout-5.json");
    let setup = load_provider(
        "unleash",
        &[
            ("GONOGO_SOURCES__FLAGS__URL", url.clone()),
            ("GONOGO_SOURCES__FLAGS__INTERVAL", "200ms".into()),
            rollback_check(&url),
        ],
    );
    let mut c = Cockpit::start(setup);
    c.until("5% is the canary, baking", |s| {
        verdict_is(VerdictKind::Hold)(s)
            && s.release.eval.current == Some(0)
            && s.release.eval.observed.as_deref() == Some("5%")
            && gate_is("Release flag on", GateState::Holds, "true")(s)
    })
    .await;

    // Someone moves the flag to 25% outside the cockpit: the live stage no longer matches.
    server.answer(env, "unleash-rollout-25.json");
    c.until("drift is NO-GO", |s| {
        verdict_is(VerdictKind::NoGoUntilVerified)(s)
            && s.release
                .eval
                .verdict
                .reasons
                .iter()
                .any(|r| r.text.contains("live traffic 25%"))
    })
    .await;

    server.answer(env, "unleash-disabled.json");
    c.until(
        "a disabled flag fails its gate",
        gate_is("Release flag on", GateState::Fails, "false (expected true)"),
    )
    .await;
    assert_eq!(
        header(&server.seen(env)[0], "authorization"),
        "test-unleash_token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launchdarkly_flag_state_gates_and_its_rollout_is_the_live_stage() {
    let server = Recorder::default();
    let url = server.serve().await;
    // The flag of LaunchDarkly's published "complete feature flag representation".
    let flag = "/api/v2/flags/default/alternate.page";
    server.answer(flag, "launchdarkly-rollout-5.json");
    let setup = load_provider(
        "launchdarkly",
        &[
            ("GONOGO_SOURCES__FLAGS__URL", url.clone()),
            ("GONOGO_SOURCES__FLAGS__FLAG", "alternate.page".into()),
            ("GONOGO_SOURCES__FLAGS__INTERVAL", "200ms".into()),
            rollback_check(&url),
        ],
    );
    let mut c = Cockpit::start(setup);
    c.until("5% is the canary, baking", |s| {
        verdict_is(VerdictKind::Hold)(s)
            && s.release.eval.observed.as_deref() == Some("5%")
            && gate_is("Release flag on", GateState::Holds, "true")(s)
    })
    .await;
    server.answer(flag, "launchdarkly-rollout-25.json");
    c.until("drift is NO-GO", |s| {
        s.release
            .eval
            .verdict
            .reasons
            .iter()
            .any(|r| r.text.contains("live traffic 25%"))
    })
    .await;
    // The published example as it is: a 60/40 rollout, which no stage of the plan is.
    server.answer(flag, "launchdarkly-flag-docs.json");
    c.until("60% is drift too", |s| {
        s.release
            .eval
            .verdict
            .reasons
            .iter()
            .any(|r| r.text.contains("live traffic 60%"))
    })
    .await;
    server.answer(flag, "launchdarkly-off.json");
    c.until(
        "targeting off fails its gate",
        gate_is("Release flag on", GateState::Fails, "false (expected true)"),
    )
    .await;
    // The schema's published example is another flag: refused, never read as this one.
    server.answer(flag, "launchdarkly-flag-published.json");
    let said = "unexpected response: not the flag \"alternate.page\": got \"flag-key-123abc\"";
    c.until("another flag's answer is an error", |s| {
        last_error(s, "flags") == Some(said)
    })
    .await;
    server.answer_with(
        flag,
        StatusCode::UNAUTHORIZED,
        "launchdarkly-error-published.json",
    );
    let said = "HTTP 401 Unauthorized: Invalid access token (unauthorized)";
    c.until("LaunchDarkly's error message is shown", |s| {
        last_error(s, "flags") == Some(said)
            && gate_is("Release flag on", GateState::Unknown, said)(s)
    })
    .await;
    let first = &server.seen(flag)[0];
    assert_eq!(first.query, "env=production");
    assert_eq!(header(first, "authorization"), "test-launchdarkly_token");
    assert_eq!(header(first, "ld-api-version"), "20240415");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_firing_alerts_stop_the_release_and_silenced_ones_do_not() {
    let server = Recorder::default();
    let url = server.serve().await;
    let alerts = "/api/v2/alerts";
    server.answer(alerts, "alertmanager-none.json");
    let setup = load_provider(
        "alertmanager",
        &[
            ("GONOGO_SOURCES__ALERTS__URL", url.clone()),
            ("GONOGO_SOURCES__ALERTS__INTERVAL", "200ms".into()),
            rollback_check(&url),
        ],
    );
    let mut c = Cockpit::start(setup);
    c.until("only a silenced alert: healthy", |s| {
        verdict_is(VerdictKind::Hold)(s)
            && gate_is("No critical alert firing", GateState::Holds, "0")(s)
            && gate_is(
                "Silenced or inhibited",
                GateState::Fails,
                "silenced: CheckoutDiskFull",
            )(s)
    })
    .await;

    server.answer(alerts, "alertmanager-firing.json");
    c.until("a firing critical alert advises rollback", |s| {
        verdict_is(VerdictKind::RollbackAdvised)(s)
            && s.release.eval.conditions[0].state == CondState::Breached
            && gate_is(
                "No critical alert firing",
                GateState::Fails,
                "1 (expected 0)",
            )(s)
            && gate_is(
                "Firing alerts",
                GateState::Fails,
                "CheckoutErrorBudgetBurn (expected none)",
            )(s)
    })
    .await;
    let first = &server.seen(alerts)[0];
    assert_eq!(
        first.query,
        "active=true&silenced=true&inhibited=true&unprocessed=true\
         &filter=severity%3D%22critical%22&filter=service%3D%22checkout-api%22"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jenkins_through_http_jq_and_a_map() {
    let server = Recorder::default();
    let url = server.serve().await;
    let build = "/job/checkout-api/job/v2.14.0/lastBuild/api/json";
    server.answer(build, "jenkins-building.json");
    let setup = load_provider(
        "jenkins",
        &[
            (
                "GONOGO_SOURCES__JENKINS__URL",
                format!("{url}/job/checkout-api/job/v{{{{version}}}}/lastBuild/api/json"),
            ),
            ("GONOGO_SOURCES__JENKINS__INTERVAL", "200ms".into()),
            rollback_check(&url),
        ],
    );
    let mut c = Cockpit::start(setup);
    let gate = "Jenkins build passed";
    c.until(
        "a running build blocks",
        gate_is(gate, GateState::Fails, "in_progress (expected success)"),
    )
    .await;
    server.answer(build, "jenkins-success.json");
    c.until("SUCCESS maps to success", |s| {
        gate_is(gate, GateState::Holds, "success")(s) && verdict_is(VerdictKind::Hold)(s)
    })
    .await;
    server.answer(build, "jenkins-unstable.json");
    c.until(
        "UNSTABLE maps to failure",
        gate_is(gate, GateState::Fails, "failure (expected success)"),
    )
    .await;
    assert_eq!(
        header(&server.seen(build)[0], "authorization"),
        format!("Basic {}", base64_of("gonogo:test-jenkins_token"))
    );
}

fn base64_of(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buildkite_through_http_with_an_error_inside_a_200() {
    let server = Recorder::default();
    let url = server.serve().await;
    let builds = "/v2/organizations/acme/pipelines/checkout-api/builds";
    server.answer(builds, "buildkite-empty.json");
    let setup = load_provider(
        "buildkite",
        &[
            (
                "GONOGO_SOURCES__BUILDKITE__URL",
                format!(
                    "{url}/v2/organizations/acme/pipelines/checkout-api/builds?commit={{{{commit}}}}"
                ),
            ),
            ("GONOGO_SOURCES__BUILDKITE__INTERVAL", "200ms".into()),
            rollback_check(&url),
        ],
    );
    let mut c = Cockpit::start(setup);
    let gate = "Buildkite build passed";
    let said = "buildkite: error in response: no build for this commit yet";
    c.until("no build yet is the source's error", |s| {
        gate_is(gate, GateState::Unknown, said)(s)
            && s.release.sources[0].last_error.as_deref()
                == Some("error in response: no build for this commit yet")
    })
    .await;
    assert_eq!(c.verdict(), VerdictKind::NoGoUntilVerified);
    server.answer(builds, "buildkite-running.json");
    c.until(
        "running maps to in_progress",
        gate_is(gate, GateState::Fails, "in_progress (expected success)"),
    )
    .await;
    server.answer(builds, "buildkite-passed.json");
    c.until("passed maps to success", |s| {
        gate_is(gate, GateState::Holds, "success")(s) && verdict_is(VerdictKind::Hold)(s)
    })
    .await;
    let first = &server.seen(builds)[0];
    assert_eq!(first.query, format!("commit={SHA}"));
    assert_eq!(
        header(first, "authorization"),
        "Bearer test-buildkite_token"
    );
}
