//! GitLab CI: `GET /api/v4/projects/{id}/pipelines?sha={commit}` (or `ref=`), asked newest
//! first (`order_by=id&sort=desc`, GitLab's default too); the pipeline with the highest id is
//! the state, whatever order the answer has: queued, in_progress, success or failure.
//! Pipelines of another commit or ref (a server that ignored the filter) do not count.

use super::fields::Fields;
use super::fields::ci::{FAILURE, IN_PROGRESS, QUEUED, SUCCESS};
use super::git::{COMMIT, REF, commit_or_ref};
use super::keys::Key;
use super::{Api, Poll, Provider};
use crate::config::Given;
use crate::core::reading::Reading;
use crate::setup::{ReleaseInfo, SourceKind};
use crate::sources::error::SourceError;
use serde_json::Value;

/// GitLab CI: the pipelines for the release's commit or ref.
pub static PROVIDER: Provider = Provider {
    // Unless `url` names a self-managed server.
    default_url: Some("https://gitlab.com"),
    ..Provider::fields("gitlab", KEYS, request, FIELDS, Poll::Answer(read))
};

const KEYS: &[&Key] = &[&PROJECT, &COMMIT, &REF];

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const Gitlab: SourceKind = SourceKind::of(&PROVIDER);
}

pub static PROJECT: Key = Key::text("project", "the project's id or path");

/// `/api/v4/projects/{project}/pipelines?sha={commit}&order_by=id&sort=desc` (or `ref=`).
fn request(given: &mut Given, release: &ReleaseInfo) -> Option<Api> {
    let project = given
        .required(
            &PROJECT,
            "the project's id or path, e.g. 278964 or \"acme/checkout\"",
        )
        .and_then(|p| given.fill(&PROJECT, &p, release));
    let which = commit_or_ref(given, release, "sha", "ref");
    let (project, (key, value)) = (project?, which?);
    let mut api = Api::at(["api", "v4", "projects", &project, "pipelines"]);
    api.query(key, value)
        .query("order_by", "id")
        .query("sort", "desc");
    Some(api)
}

pub const FIELDS: &[super::fields::FieldDoc] = &[
    (
        "status",
        "queued, in_progress, success or failure, of the newest pipeline",
    ),
    ("url", "the link to that pipeline"),
    (
        "state",
        "GitLab's own word for it: created, pending, running, success, failed, canceled, \
         skipped, manual, …",
    ),
    ("pipelines", "how many pipelines the answer lists"),
];

/// A pipeline status in the cockpit's words. Skipped and canceled are not green; a manual
/// pipeline waits for a person, so it is still queued.
fn state(status: &str) -> &'static str {
    match status {
        "success" => SUCCESS,
        "running" => IN_PROGRESS,
        "failed" | "canceled" | "canceling" | "skipped" => FAILURE,
        // created, waiting_for_resource, preparing, pending, scheduled, manual, or unknown.
        _ => QUEUED,
    }
}

pub fn read(doc: &Value, url: &str) -> Result<Fields, SourceError> {
    let Some(listed) = doc.as_array() else {
        return Err(SourceError::Unexpected(
            "expected a list of pipelines".into(),
        ));
    };
    let asked = ["sha", "ref"]
        .into_iter()
        .find_map(|key| Some((key, super::fields::query_param(url, key)?)));
    let pipelines: Vec<&Value> = match &asked {
        Some((key, want)) => listed.iter().filter(|p| p[key] == want.as_str()).collect(),
        None => listed.iter().collect(),
    };
    let mut f = Fields::default();
    if let Some((key, want)) = asked.filter(|_| pipelines.len() < listed.len()) {
        if pipelines.is_empty() {
            return Err(SourceError::Unexpected(format!(
                "every pipeline listed has another {key} than {}",
                crate::sources::error::quote(&want, 12)
            )));
        }
        f.notes.push(format!(
            "{} pipelines of another {key} ignored",
            listed.len() - pipelines.len()
        ));
    }
    f.set("pipelines", Reading::Number(pipelines.len() as f64));
    // Newest first by id, whatever order the server used.
    let newest = pipelines
        .iter()
        .max_by_key(|p| p["id"].as_u64().unwrap_or_default());
    let Some(p) = newest else {
        for name in ["status", "url", "state"] {
            f.set(
                name,
                Reading::Missing("no pipeline for this commit yet".into()),
            );
        }
        return Ok(f);
    };
    match p["status"].as_str() {
        Some(s) => {
            f.set("status", Reading::Text(state(s).into()));
            f.set("state", Reading::Text(s.into()));
        }
        None => {
            f.set(
                "status",
                Reading::Missing("the pipeline has no status".into()),
            );
            f.set(
                "state",
                Reading::Missing("the pipeline has no status".into()),
            );
        }
    }
    f.set(
        "url",
        match p["web_url"].as_str() {
            Some(u) => Reading::Text(u.into()),
            None => Reading::Missing("the pipeline has no web_url".into()),
        },
    );
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pipeline(id: u64, status: &str) -> Value {
        json!({
            "id": id, "iid": id - 100, "project_id": 278964, "sha": "9f2c1ab", "ref": "main",
            "status": status, "source": "push",
            "created_at": "2024-05-01T10:00:00.000Z", "updated_at": "2024-05-01T10:05:00.000Z",
            "web_url": format!("https://gitlab.example.com/acme/checkout/-/pipelines/{id}")
        })
    }

    const URL: &str = "https://gitlab.example.com/api/v4/projects/278964/pipelines?sha=9f2c1ab";

    fn field(doc: &Value, name: &str) -> Reading {
        read(doc, URL).unwrap().get(name).cloned().unwrap()
    }

    #[test]
    fn the_newest_pipeline_decides() {
        let doc = json!([pipeline(502, "success"), pipeline(501, "failed")]);
        assert_eq!(field(&doc, "status"), Reading::Text("success".into()));
        assert_eq!(
            field(&doc, "url"),
            Reading::Text("https://gitlab.example.com/acme/checkout/-/pipelines/502".into())
        );
        let doc = json!([pipeline(501, "success"), pipeline(502, "running")]);
        assert_eq!(field(&doc, "status"), Reading::Text("in_progress".into()));
        assert_eq!(field(&doc, "state"), Reading::Text("running".into()));
    }

    #[test]
    fn statuses_in_four_words() {
        for (gitlab, ours) in [
            ("created", "queued"),
            ("pending", "queued"),
            ("manual", "queued"),
            ("running", "in_progress"),
            ("success", "success"),
            ("failed", "failure"),
            ("canceled", "failure"),
            ("skipped", "failure"),
        ] {
            let doc = json!([pipeline(600, gitlab)]);
            assert_eq!(
                field(&doc, "status"),
                Reading::Text(ours.into()),
                "{gitlab}"
            );
        }
    }

    #[test]
    fn no_pipeline_is_missing() {
        assert_eq!(
            field(&json!([]), "status"),
            Reading::Missing("no pipeline for this commit yet".into())
        );
        let e = read(&json!({"message": "404 Project Not Found"}), URL).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: expected a list of pipelines"
        );
    }

    #[test]
    fn pipelines_of_another_commit_do_not_count() {
        let mut other = pipeline(700, "success");
        other["sha"] = json!("0000000");
        let e = read(&json!([other.clone()]), URL).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: every pipeline listed has another sha than 9f2c1ab"
        );
        let doc = json!([other, pipeline(600, "failed")]);
        assert_eq!(field(&doc, "status"), Reading::Text("failure".into()));
    }
}
