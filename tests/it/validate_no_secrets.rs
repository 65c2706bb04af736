//! `gonogo validate --no-secrets` in a pull request, where the secrets are not: a secret that
//! cannot be read is a note naming the key and the variable or file, every other problem is
//! still an error, and the exit code is 0 when only notes remain. Without the flag, and for
//! whatever runs the release, a missing secret is still an error. `audit` and `report` never
//! need a source's secrets. The real binary, its environment set per child process.

use crate::support::headless::{self, BIN};

use chrono::Utc;
use gonogo::core::record::Event;
use gonogo::journal::Journal;
use std::path::Path;
use std::process::{Command, Output};

/// Every secret the config below names; each test unsets them all in the child, then sets
/// the ones it wants.
const VARS: [&str; 3] = [
    "PR_CHECK_PROM_TOKEN",
    "PR_CHECK_DEPLOY_TOKEN",
    "PR_CHECK_SLACK_WEBHOOK_URL",
];

fn config() -> String {
    format!(
        r#"{head}
[sources.metrics]
kind = "prometheus"
url = "https://prometheus.internal"
auth = {{ bearer = {{ env = "PR_CHECK_PROM_TOKEN" }} }}

[sources.ci]
kind = "http"
url = "https://ci.internal/api/runs"
headers = {{ X-Api-Key = {{ file = "secrets/ci-key" }} }}

[[conditions]]
id = "errors"
source = "metrics"
query = "sum(rate(errors[1m]))"
max = 0.02

[[gates]]
name = "CI green"
source = "ci"
pointer = "/runs/0/conclusion"
expect = ["success"]

[actions.rollback]
url = "https://deploy.internal/hooks/rollback"
headers = {{ Authorization = {{ env = "PR_CHECK_DEPLOY_TOKEN" }} }}

[notify.chat]
url = {{ env = "PR_CHECK_SLACK_WEBHOOK_URL" }}
"#,
        head = headless::release_head()
    )
}

/// The same, with a value of the wrong type on the condition's `max`.
fn config_with_an_error() -> String {
    config().replace("max = 0.02", "max = \"2%\"")
}

/// The binary with `args`, none of the secret variables set but those in `set`.
fn run(args: &[&str], set: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("NO_COLOR");
    for var in VARS {
        cmd.env_remove(var);
    }
    cmd.envs(set.iter().copied());
    let out: Output = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `path:line` of the first line of `text` holding `needle`.
fn at(path: &Path, text: &str, needle: &str) -> String {
    let line = text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    format!("{}:{line}", path.display())
}

fn validate(
    release: &headless::Release,
    extra: &[&str],
    set: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let config = release.config();
    let mut args = vec!["validate", "--config", config.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args, set)
}

#[test]
fn without_its_secrets_a_valid_config_is_valid_with_a_note_per_secret() {
    let text = config();
    let release = headless::Release::new(&text);
    let path = release.config();
    let (code, out, err) = validate(&release, &["--no-secrets"], &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    let key_file = release.dir.path().join("secrets/ci-key");
    let notes = [
        format!(
            "{}: note: sources.metrics.auth.bearer: environment variable PR_CHECK_PROM_TOKEN is not set",
            at(&path, &text, "PR_CHECK_PROM_TOKEN")
        ),
        format!(
            "{}: note: sources.ci.headers.X-Api-Key: cannot read secret file {}: ",
            at(&path, &text, "secrets/ci-key"),
            key_file.display()
        ),
        format!(
            "{}: note: actions.rollback.headers.Authorization: environment variable PR_CHECK_DEPLOY_TOKEN is not set",
            at(&path, &text, "PR_CHECK_DEPLOY_TOKEN")
        ),
        format!(
            "{}: note: notify.chat.url: environment variable PR_CHECK_SLACK_WEBHOOK_URL is not set",
            at(&path, &text, "PR_CHECK_SLACK_WEBHOOK_URL")
        ),
    ];
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), notes.len(), "{err}");
    for (line, note) in lines.iter().zip(&notes) {
        assert!(line.starts_with(note.as_str()), "{line}\nwanted {note}");
    }
    assert_eq!(
        out,
        format!(
            "{}: ok apart from 4 secrets not read (the cockpit, check and watch need them)\n",
            path.display()
        )
    );
}

#[test]
fn every_other_problem_is_still_an_error_beside_the_notes() {
    let text = config_with_an_error();
    let release = headless::Release::new(&text);
    let (code, out, err) = validate(&release, &["--no-secrets"], &[]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert_eq!(out, "");
    let error = format!(
        "{}: conditions[0].max: got \"2%\" — expected a number",
        at(&release.config(), &text, "max = ")
    );
    assert!(err.lines().next().unwrap().starts_with(&error), "{err}");
    assert!(
        err.contains(
            "note: sources.metrics.auth.bearer: environment variable PR_CHECK_PROM_TOKEN is not set"
        ),
        "{err}"
    );
    assert_eq!(err.matches(": note: ").count(), 4, "{err}");
}

#[test]
fn secrets_that_are_there_are_checked_and_never_printed() {
    let release = headless::Release::new(&config());
    std::fs::create_dir(release.dir.path().join("secrets")).unwrap();
    std::fs::write(
        release.dir.path().join("secrets/ci-key"),
        "sentinel-in-file\n",
    )
    .unwrap();
    let set = [
        ("PR_CHECK_PROM_TOKEN", "sentinel-Zq9\nbroken"),
        ("PR_CHECK_DEPLOY_TOKEN", "sentinel-ok"),
        ("PR_CHECK_SLACK_WEBHOOK_URL", "sentinel-not-a-url"),
    ];
    let (code, out, err) = validate(&release, &["--no-secrets"], &set);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("sources.metrics.auth: not a valid HTTP header value"),
        "{err}"
    );
    assert!(
        err.contains("notify.chat.url: the secret it names is not an http:// or https:// URL"),
        "{err}"
    );
    assert!(!err.contains("note:"), "{err}");
    assert!(!format!("{out}{err}").contains("sentinel"), "{out}{err}");
}

#[test]
fn without_the_flag_and_to_run_the_release_a_missing_secret_is_an_error() {
    let release = headless::Release::new(&config());
    let config = release.config();
    let config = config.to_str().unwrap();
    let missing =
        "sources.metrics.auth.bearer: environment variable PR_CHECK_PROM_TOKEN is not set";
    for args in [
        vec!["validate", "--config", config],
        vec!["check", "--config", config, "--wait", "1s"],
        vec!["watch", "--plain", "--config", config],
        vec!["--config", config],
    ] {
        let (code, out, err) = run(&args, &[]);
        assert_eq!(code, Some(2), "{args:?}: {out}{err}");
        assert!(err.contains(missing), "{args:?}: {err}");
        assert!(!err.contains("note:"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 4, "{args:?}: {err}");
    }
}

#[test]
fn audit_and_report_need_no_secret() {
    let release = headless::Release::new(&config());
    let journal = release.journal();
    let (mut j, _) = Journal::open(&journal).unwrap();
    for event in [Event::CockpitStarted, Event::StageEntered] {
        j.append(&headless::record(Utc::now(), event)).unwrap();
    }
    drop(j);
    let config = release.config();
    let config = config.to_str().unwrap();

    let (code, out, err) = run(&["audit", "verify", "--config", config], &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(
        out,
        format!("{}: ok — 2 records, chain intact\n", journal.display())
    );
    assert_eq!(err, "");

    let (code, out, err) = run(&["audit", "show", "--config", config], &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(err, "");

    let (code, out, err) = run(&["audit", "repair", "--config", config], &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("nothing to repair"), "{out}");

    let journal = journal.to_str().unwrap();
    let (code, out, err) = run(&["report", "--journal", journal], &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains(headless::RELEASE), "{out}");

    // Everything else in the config is still checked: a broken file is refused.
    let broken = headless::Release::new(&config_with_an_error());
    let path = broken.config();
    let (code, _, err) = run(
        &["audit", "verify", "--config", path.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("conditions[0].max"), "{err}");
    assert!(!err.contains("note:"), "{err}");
}
