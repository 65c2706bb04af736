//! GitHub Actions: `GET /repos/{owner}/{repo}/actions/runs?head_sha={commit}` (or one
//! workflow's runs, or `branch=`, and maybe `event=`). Each workflow's newest run counts;
//! together they are one CI state: any failed → failure, else any still going → in_progress
//! (or queued), else success. GitHub documents no order for the list, so "newest" is by
//! `created_at`, not position. Only runs of the commit (or branch, or event) asked count: a
//! server that ignores a filter (an older GitHub Enterprise Server) lists other runs, and
//! those say nothing.

use super::fields::Fields;
use super::fields::ci::{FAILURE, IN_PROGRESS, QUEUED, SUCCESS};
use super::git::{COMMIT, REF, REPO, commit_or_ref, owner_name};
use super::keys::Key;
use super::{Api, Poll, Provider};
use crate::config::Given;
use crate::core::reading::Reading;
use crate::setup::{ReleaseInfo, SourceKind};
use crate::sources::error::SourceError;
use serde_json::Value;

/// GitHub Actions: the workflow runs for the release's commit.
pub static PROVIDER: Provider = Provider {
    default_url: Some(API),
    default_headers: HEADERS,
    ..Provider::fields("github-actions", KEYS, request, FIELDS, Poll::Answer(read))
};

const KEYS: &[&Key] = &[&REPO, &WORKFLOW, &EVENT, &COMMIT, &REF];

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const GithubActions: SourceKind = SourceKind::of(&PROVIDER);
}

/// Where GitHub's API lives unless `url` says otherwise (a GitHub Enterprise Server).
pub const API: &str = "https://api.github.com";

/// GitHub's media type and REST API version, sent unless the source sets its own.
pub const HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/vnd.github+json"),
    ("X-GitHub-Api-Version", "2022-11-28"),
];

pub static WORKFLOW: Key = Key::text("workflow", "only this workflow's runs: its file name or id");

pub static EVENT: Key = Key::text(
    "event",
    "only runs triggered by this event (`push`, `pull_request`, …)",
);

/// `/repos/{owner}/{name}/actions[/workflows/{workflow}]/runs?head_sha=…[&event=…]&per_page=100`
/// (or `branch=` for a `ref`).
fn request(given: &mut Given, release: &ReleaseInfo) -> Option<Api> {
    let repo = owner_name(given);
    let workflow = given.optional(&WORKFLOW, release);
    let event = given.optional(&EVENT, release);
    let which = commit_or_ref(given, release, "head_sha", "branch");
    let ((owner, name), workflow, (key, value), event) = (repo?, workflow?, which?, event?);
    let mut api = Api::at(["repos", &owner, &name, "actions"]);
    if let Some(w) = workflow {
        api.path.extend(["workflows".into(), w]);
    }
    api.path.push("runs".into());
    api.query(key, value);
    if let Some(e) = event {
        api.query("event", e);
    }
    api.query("per_page", "100");
    Some(api)
}

pub const FIELDS: &[super::fields::FieldDoc] = &[
    (
        "status",
        "queued, in_progress, success or failure, over every workflow's newest run",
    ),
    ("url", "the link to the run that decided the status"),
    ("workflow", "the name of that run's workflow"),
    (
        "conclusion",
        "that run's own word: its conclusion when completed (success, failure, cancelled, \
         timed_out, …), else its status (queued, in_progress, waiting, …)",
    ),
    ("runs", "how many workflows have a run for the commit"),
];

/// A run's state in the cockpit's words, and how much it weighs in the combined state.
fn state(run: &Value) -> (&'static str, u8) {
    match (run["status"].as_str(), run["conclusion"].as_str()) {
        (Some("completed"), Some("success" | "neutral" | "skipped")) => (SUCCESS, 0),
        // failure, cancelled, timed_out, action_required, stale, startup_failure, or none.
        (Some("completed"), _) => (FAILURE, 3),
        (Some("in_progress"), _) => (IN_PROGRESS, 2),
        // queued, requested, waiting, pending, or a status this code does not know.
        _ => (QUEUED, 1),
    }
}

/// The filters the URL asks for, as (the run's key, the value it must have): the commit or
/// the branch, and the event.
fn filters(url: &str) -> Vec<(&'static str, String)> {
    let which = match super::fields::query_param(url, "head_sha") {
        Some(sha) => Some(("head_sha", sha)),
        None => super::fields::query_param(url, "branch").map(|b| ("head_branch", b)),
    };
    let event = super::fields::query_param(url, "event").map(|e| ("event", e));
    which.into_iter().chain(event).collect()
}

pub fn read(doc: &Value, url: &str) -> Result<Fields, SourceError> {
    let Some(listed) = doc["workflow_runs"].as_array() else {
        return Err(SourceError::Unexpected(
            "no workflow_runs list in the answer".into(),
        ));
    };
    let mut f = Fields::default();
    let filters = filters(url);
    let fits = |r: &Value, (key, want): &(&str, String)| r[*key] == want.as_str();
    let runs: Vec<&Value> = listed
        .iter()
        .filter(|r| filters.iter().all(|x| fits(r, x)))
        .collect();
    // The first filter some listed run does not fit, to name in the note or the error.
    if let Some((key, want)) = filters.iter().find(|x| listed.iter().any(|r| !fits(r, x))) {
        if runs.is_empty() {
            return Err(SourceError::Unexpected(format!(
                "every run listed has another {key} than {}",
                crate::sources::error::quote(want, 12)
            )));
        }
        f.notes.push(format!(
            "{} runs of another {key} ignored",
            listed.len() - runs.len()
        ));
    }
    if doc["total_count"].as_u64().unwrap_or(0) > listed.len() as u64 {
        f.notes.push(format!(
            "{} runs, the first {} read",
            doc["total_count"],
            listed.len()
        ));
    }
    // The newest run of each workflow (a re-run or a new push replaces the old run).
    let mut newest: Vec<&Value> = Vec::new();
    for run in runs {
        let key = workflow_key(run);
        match newest.iter_mut().find(|r| workflow_key(r) == key) {
            Some(slot) if created(run) > created(slot) => *slot = run,
            Some(_) => {}
            None => newest.push(run),
        }
    }
    f.set("runs", Reading::Number(newest.len() as f64));
    // The run that decides: the worst state; among equals, the newest.
    let decider = newest
        .iter()
        .max_by(|a, b| (state(a).1, created(a)).cmp(&(state(b).1, created(b))));
    let Some(run) = decider else {
        for name in ["status", "url", "workflow", "conclusion"] {
            f.set(
                name,
                Reading::Missing("no workflow runs for this commit yet".into()),
            );
        }
        return Ok(f);
    };
    f.set("status", Reading::Text(state(run).0.to_string()));
    f.set("url", text(&run["html_url"], "html_url"));
    f.set("workflow", text(&run["name"], "name"));
    let own = match run["status"].as_str() {
        Some("completed") => &run["conclusion"],
        _ => &run["status"],
    };
    f.set("conclusion", text(own, "conclusion"));
    Ok(f)
}

fn workflow_key(run: &Value) -> String {
    match &run["workflow_id"] {
        Value::Null => run["name"].as_str().unwrap_or_default().to_string(),
        id => id.to_string(),
    }
}

/// RFC 3339 times in UTC compare as text.
fn created(run: &Value) -> &str {
    run["created_at"].as_str().unwrap_or_default()
}

fn text(v: &Value, what: &str) -> Reading {
    match v.as_str() {
        Some(s) => Reading::Text(s.to_string()),
        None => Reading::Missing(format!("the run has no {what}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URL: &str = "https://api.github.com/repos/acme/checkout/actions/runs?head_sha=9f2c1ab";

    fn run(id: u64, workflow: u64, name: &str, status: &str, conclusion: Value, at: &str) -> Value {
        json!({
            "id": id,
            "name": name,
            "workflow_id": workflow,
            "head_sha": "9f2c1ab",
            "run_number": id,
            "event": "push",
            "status": status,
            "conclusion": conclusion,
            "html_url": format!("https://github.com/acme/checkout/actions/runs/{id}"),
            "created_at": at,
        })
    }

    fn status(doc: Value) -> (String, String) {
        let f = read(&doc, URL).unwrap();
        let t = |n| f.get(n).and_then(|r| r.as_text()).unwrap_or_default();
        (t("status"), t("url"))
    }

    #[test]
    fn all_green_is_success() {
        let doc = json!({"total_count": 2, "workflow_runs": [
            run(12, 1, "CI", "completed", json!("success"), "2024-05-01T10:02:00Z"),
            run(11, 2, "Lint", "completed", json!("skipped"), "2024-05-01T10:01:00Z"),
        ]});
        assert_eq!(
            status(doc),
            (
                "success".into(),
                "https://github.com/acme/checkout/actions/runs/12".into()
            )
        );
    }

    #[test]
    fn one_failed_workflow_fails_and_links_to_that_run() {
        let doc = json!({"total_count": 3, "workflow_runs": [
            run(13, 1, "CI", "in_progress", Value::Null, "2024-05-01T10:03:00Z"),
            run(12, 2, "Deploy checks", "completed", json!("timed_out"), "2024-05-01T10:02:00Z"),
            run(11, 3, "Lint", "completed", json!("success"), "2024-05-01T10:01:00Z"),
        ]});
        let f = read(&doc, URL).unwrap();
        assert_eq!(f.get("status"), Some(&Reading::Text("failure".into())));
        assert_eq!(
            f.get("workflow"),
            Some(&Reading::Text("Deploy checks".into()))
        );
        assert_eq!(
            f.get("conclusion"),
            Some(&Reading::Text("timed_out".into()))
        );
        assert_eq!(f.get("runs"), Some(&Reading::Number(3.0)));
    }

    #[test]
    fn a_rerun_replaces_the_failed_run_of_its_workflow() {
        let doc = json!({"total_count": 2, "workflow_runs": [
            run(21, 1, "CI", "completed", json!("success"), "2024-05-01T11:00:00Z"),
            run(20, 1, "CI", "completed", json!("failure"), "2024-05-01T10:00:00Z"),
        ]});
        assert_eq!(status(doc).0, "success");
    }

    #[test]
    fn running_and_queued() {
        let doc = json!({"total_count": 2, "workflow_runs": [
            run(2, 1, "CI", "queued", Value::Null, "2024-05-01T10:02:00Z"),
            run(1, 2, "Lint", "in_progress", Value::Null, "2024-05-01T10:01:00Z"),
        ]});
        assert_eq!(status(doc).0, "in_progress");
        let doc = json!({"total_count": 1, "workflow_runs": [
            run(2, 1, "CI", "waiting", Value::Null, "2024-05-01T10:02:00Z"),
        ]});
        assert_eq!(status(doc).0, "queued");
    }

    #[test]
    fn no_runs_yet_is_missing_not_green() {
        let f = read(&json!({"total_count": 0, "workflow_runs": []}), URL).unwrap();
        assert_eq!(
            f.get("status"),
            Some(&Reading::Missing(
                "no workflow runs for this commit yet".into()
            ))
        );
        assert_eq!(f.get("runs"), Some(&Reading::Number(0.0)));
    }

    #[test]
    fn an_error_body_is_unexpected() {
        let e = read(&json!({"message": "Not Found"}), URL).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: no workflow_runs list in the answer"
        );
    }

    #[test]
    fn runs_of_other_commits_do_not_count() {
        let mut other = run(
            3,
            1,
            "CI",
            "completed",
            json!("success"),
            "2024-05-01T10:00:00Z",
        );
        other["head_sha"] = json!("0000000");
        let doc = json!({"total_count": 1, "workflow_runs": [other.clone()]});
        let e = read(&doc, URL).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: every run listed has another head_sha than 9f2c1ab"
        );
        let mine = run(
            2,
            1,
            "CI",
            "completed",
            json!("failure"),
            "2024-05-01T09:00:00Z",
        );
        let f = read(
            &json!({"total_count": 2, "workflow_runs": [other, mine]}),
            URL,
        )
        .unwrap();
        assert_eq!(f.get("status"), Some(&Reading::Text("failure".into())));
        assert_eq!(
            f.notes,
            vec!["1 runs of another head_sha ignored".to_string()]
        );
    }

    #[test]
    fn runs_of_another_event_do_not_count_when_one_is_asked() {
        let mut pr = run(
            5,
            1,
            "CI",
            "completed",
            json!("failure"),
            "2024-05-01T11:00:00Z",
        );
        pr["event"] = json!("pull_request");
        let push = run(
            4,
            1,
            "CI",
            "completed",
            json!("success"),
            "2024-05-01T10:00:00Z",
        );
        let doc = json!({"total_count": 2, "workflow_runs": [pr.clone(), push]});
        assert_eq!(
            status(doc.clone()).0,
            "failure",
            "every event counts by default"
        );
        let f = read(&doc, &format!("{URL}&event=push")).unwrap();
        assert_eq!(f.get("status"), Some(&Reading::Text("success".into())));
        let only_pr = json!({"total_count": 1, "workflow_runs": [pr]});
        let e = read(&only_pr, &format!("{URL}&event=push")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: every run listed has another event than push"
        );
    }
}
