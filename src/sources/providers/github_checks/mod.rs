//! GitHub checks: what branch protection looks at for a commit. Two answers about the same
//! commit, asked together: its check runs (`GET /repos/{owner}/{repo}/commits/{ref}/check-runs`)
//! and its combined status (`GET …/commits/{ref}/status`, the commit statuses CI systems
//! post). Every check run and status counts, or only the `required` ones, and then each of
//! those must be there. Fail closed: no check at all is unknown, a required check not
//! reported yet is pending, and either request failing fails the poll.

use super::answer::get_json;
use super::fields::{self, Fields};
use super::git::{COMMIT, REF, REPO, commit_or_ref, owner_name};
use super::github_actions::{API, HEADERS};
use super::keys::Key;
use super::{Api, Poll, Provider};
use crate::config::Given;
use crate::core::reading::Reading;
use crate::setup::{ReleaseInfo, SourceKind, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::SourceClient;
use crate::sources::error::SourceError;
use futures_util::future::BoxFuture;
use reqwest::Url;
use serde_json::Value;

/// GitHub checks: the check runs and the combined commit status of the release's commit.
pub static PROVIDER: Provider = Provider {
    default_url: Some(API),
    default_headers: HEADERS,
    ..Provider::fields("github-checks", KEYS, request, FIELDS, Poll::Own(poll))
};

const KEYS: &[&Key] = &[&REPO, &COMMIT, &REF, &REQUIRED];

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const GithubChecks: SourceKind = SourceKind::of(&PROVIDER);
}

pub static REQUIRED: Key = Key::texts(
    "required",
    "only these checks count, and each must be there",
);

/// `/repos/{owner}/{name}/commits/{commit or ref}/check-runs?per_page=100`, with the required
/// names in the fragment (never sent: the poll reads them back from the URL).
fn request(given: &mut Given, release: &ReleaseInfo) -> Option<Api> {
    let repo = owner_name(given);
    let which = commit_or_ref(given, release, "commit", "ref");
    let required = required_checks(given);
    let ((owner, name), (_, git_ref), required) = (repo?, which?, required?);
    let mut api = Api::at(["repos", &owner, &name, "commits", &git_ref, "check-runs"]);
    api.query("per_page", "100");
    if !required.is_empty() {
        let mut names = form_urlencoded::Serializer::new(String::new());
        names.extend_pairs(required.iter().map(|r| ("required", r)));
        api.fragment = Some(names.finish());
    }
    Some(api)
}

/// `required = ["build", "ci/jenkins"]`: check names, none empty (an empty list: all count).
fn required_checks(given: &mut Given) -> Option<Vec<String>> {
    let required = given.texts(&REQUIRED).unwrap_or_default();
    let mut ok = true;
    for (i, name) in required.iter().enumerate() {
        if name.trim().is_empty() {
            let expected = "a check run's name or a status context, e.g. \"build\"";
            given.invalid_item(&REQUIRED, i, name, expected);
            ok = false;
        }
    }
    ok.then(|| required.to_vec())
}

pub const FIELDS: &[super::fields::FieldDoc] = &[
    (
        "status",
        "success, pending or failure over the commit's check runs and statuses (or the \
         required ones); unknown when there is none",
    ),
    ("failing", "the failing checks' names, or \"none\""),
    (
        "pending",
        "the checks still running, or required and not reported yet, or \"none\"",
    ),
    (
        "url",
        "the first failing check's link (a check run's html_url, a status's target_url), \
         else the first pending one's",
    ),
    ("checks", "how many checks count"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum State {
    Pass,
    Pending,
    Fail,
}

#[derive(Debug)]
struct Check {
    name: String,
    state: State,
    link: Option<String>,
}

fn poll<'a>(client: &'a SourceClient, spec: &'a SourceSpec) -> BoxFuture<'a, Polled> {
    Box::pin(async move { fields::polled(spec, fetch(client, spec).await) })
}

/// Both answers, asked at once, within the source's timeout.
async fn fetch(client: &SourceClient, spec: &SourceSpec) -> Result<Fields, SourceError> {
    let (runs_url, status_url, required) = urls(&spec.url)?;
    let (runs, status) = tokio::join!(
        get_json(client, &runs_url, &spec.headers, spec.timeout),
        get_json(client, &status_url, &spec.headers, spec.timeout),
    );
    read(&runs?, &status?, &required)
}

/// The check runs URL as config built it, the combined status URL beside it, and the
/// required names config put in the fragment (which is never sent).
fn urls(url: &str) -> Result<(String, String, Vec<String>), SourceError> {
    let bad = || SourceError::Request("not a check runs URL".into());
    let mut runs = Url::parse(url).map_err(|_| bad())?;
    let required = runs
        .fragment()
        .map(|f| {
            form_urlencoded::parse(f.as_bytes())
                .filter(|(k, _)| k == "required")
                .map(|(_, v)| v.into_owned())
                .collect()
        })
        .unwrap_or_default();
    runs.set_fragment(None);
    let mut status = runs.clone();
    status
        .path_segments_mut()
        .map_err(|_| bad())?
        .pop()
        .push("status");
    Ok((runs.to_string(), status.to_string(), required))
}

/// Both answers into the fields; `required` empty: every check counts.
pub fn read(runs: &Value, status: &Value, required: &[String]) -> Result<Fields, SourceError> {
    let (Some(listed_runs), Some(statuses)) =
        (runs["check_runs"].as_array(), status["statuses"].as_array())
    else {
        let what = if runs["check_runs"].is_array() {
            "no statuses list in the combined status"
        } else {
            "no check_runs list in the answer"
        };
        return Err(SourceError::Unexpected(what.into()));
    };
    let mut f = Fields::default();
    if runs["total_count"].as_u64().unwrap_or(0) > listed_runs.len() as u64 {
        f.notes.push(format!(
            "{} check runs, the first {} read",
            runs["total_count"],
            listed_runs.len()
        ));
    }
    if status["total_count"].as_u64().unwrap_or(0) > statuses.len() as u64 {
        f.notes.push(format!(
            "{} statuses, the first {} read",
            status["total_count"],
            statuses.len()
        ));
    }
    let mut checks: Vec<Check> = Vec::new();
    // The newest run of each name (a re-run adds a run with a higher id).
    let mut newest: Vec<&Value> = Vec::new();
    for run in listed_runs {
        match newest.iter_mut().find(|r| r["name"] == run["name"]) {
            Some(slot) if run["id"].as_u64() > slot["id"].as_u64() => *slot = run,
            Some(_) => {}
            None => newest.push(run),
        }
    }
    checks.extend(newest.into_iter().map(check_run));
    // A status and a check run of one name both count: the worse decides.
    checks.extend(statuses.iter().map(commit_status));
    if !required.is_empty() {
        checks.retain(|c| required.contains(&c.name));
        for name in required {
            if !checks.iter().any(|c| &c.name == name) {
                checks.push(Check {
                    name: name.clone(),
                    state: State::Pending,
                    link: None,
                });
                f.notes
                    .push(format!("required check {name:?} not reported yet"));
            }
        }
    }
    f.set("checks", Reading::Number(checks.len() as f64));
    let Some(worst) = checks.iter().map(|c| c.state).max() else {
        for name in ["status", "failing", "pending", "url"] {
            f.set(
                name,
                Reading::Missing("no check runs or statuses for this commit yet".into()),
            );
        }
        return Ok(f);
    };
    let word = match worst {
        State::Pass => "success",
        State::Pending => "pending",
        State::Fail => "failure",
    };
    f.set("status", Reading::Text(word.into()));
    f.set("failing", names(&checks, State::Fail));
    f.set("pending", names(&checks, State::Pending));
    let link = [State::Fail, State::Pending]
        .iter()
        .find_map(|s| checks.iter().find(|c| c.state == *s && c.link.is_some()));
    f.set(
        "url",
        match link.and_then(|c| c.link.clone()) {
            Some(l) => Reading::Text(l),
            None => Reading::Missing("no failing or pending check with a link".into()),
        },
    );
    Ok(f)
}

/// A check run: completed with success, neutral or skipped passes; completed with anything
/// else (failure, cancelled, timed_out, action_required, stale, …) fails; not completed
/// (queued, in_progress, waiting, requested, pending) is pending.
fn check_run(run: &Value) -> Check {
    let state = match (run["status"].as_str(), run["conclusion"].as_str()) {
        (Some("completed"), Some("success" | "neutral" | "skipped")) => State::Pass,
        (Some("completed"), _) => State::Fail,
        _ => State::Pending,
    };
    Check {
        name: run["name"].as_str().unwrap_or("?").to_string(),
        state,
        link: link(&run["html_url"]).or_else(|| link(&run["details_url"])),
    }
}

/// A commit status: success passes, failure and error fail, pending (or a state this code
/// does not know) is pending.
fn commit_status(s: &Value) -> Check {
    let state = match s["state"].as_str() {
        Some("success") => State::Pass,
        Some("failure" | "error") => State::Fail,
        _ => State::Pending,
    };
    Check {
        name: s["context"].as_str().unwrap_or("?").to_string(),
        state,
        link: link(&s["target_url"]),
    }
}

fn link(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

fn names(checks: &[Check], state: State) -> Reading {
    let names: Vec<&str> = checks
        .iter()
        .filter(|c| c.state == state)
        .map(|c| c.name.as_str())
        .collect();
    Reading::Text(if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_url_sits_beside_the_check_runs_and_required_names_stay_home() {
        let (runs, status, required) = urls(
            "https://api.github.com/repos/acme/api/commits/9f2c1ab/check-runs?per_page=100\
             #required=build&required=ci%2Fjenkins",
        )
        .unwrap();
        assert_eq!(
            runs,
            "https://api.github.com/repos/acme/api/commits/9f2c1ab/check-runs?per_page=100"
        );
        assert_eq!(
            status,
            "https://api.github.com/repos/acme/api/commits/9f2c1ab/status?per_page=100"
        );
        assert_eq!(required, ["build", "ci/jenkins"]);
    }

    fn run(id: u64, name: &str, status: &str, conclusion: Value) -> Value {
        serde_json::json!({"id": id, "name": name, "status": status, "conclusion": conclusion,
            "html_url": format!("https://github.com/acme/api/runs/{id}")})
    }

    fn status_of(runs: Vec<Value>, statuses: Value) -> (Reading, Reading) {
        let runs = serde_json::json!({"total_count": runs.len(), "check_runs": runs});
        let status = serde_json::json!({"state": "pending", "statuses": statuses});
        let f = read(&runs, &status, &[]).unwrap();
        (
            f.get("status").unwrap().clone(),
            f.get("url").unwrap().clone(),
        )
    }

    #[test]
    fn a_rerun_replaces_its_failed_run_and_a_same_named_status_still_counts() {
        use serde_json::json;
        let failed = run(1, "build", "completed", json!("failure"));
        let rerun = run(2, "build", "completed", json!("success"));
        let (status, _) = status_of(vec![rerun.clone(), failed], json!([]));
        assert_eq!(status, Reading::Text("success".into()));
        let red = json!([{"context": "build", "state": "error",
            "target_url": "https://ci.example.com/1/output"}]);
        let (status, url) = status_of(vec![rerun], red);
        assert_eq!(status, Reading::Text("failure".into()));
        assert_eq!(url, Reading::Text("https://ci.example.com/1/output".into()));
    }

    #[test]
    fn answers_without_their_lists_are_unexpected() {
        use serde_json::json;
        let runs = json!({"total_count": 0, "check_runs": []});
        let e = read(&runs, &json!({"message": "Not Found"}), &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: no statuses list in the combined status"
        );
        let e = read(&json!({}), &json!({"statuses": []}), &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: no check_runs list in the answer"
        );
    }
}
