//! GitLab CI: `GET /api/v4/projects/{id}/pipelines?sha={commit}` (or `ref=`). GitLab lists
//! the newest pipeline first; that one is the state: queued, in_progress, success or failure.

use super::Fields;
use super::ci::{FAILURE, IN_PROGRESS, QUEUED, SUCCESS};
use crate::core::reading::Reading;
use crate::sources::error::SourceError;
use serde_json::Value;

pub const FIELDS: &[super::FieldDoc] = &[
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

pub fn read(doc: &Value) -> Result<Fields, SourceError> {
    let Some(pipelines) = doc.as_array() else {
        return Err(SourceError::Unexpected(
            "expected a list of pipelines".into(),
        ));
    };
    let mut f = Fields::default();
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

    fn field(doc: &Value, name: &str) -> Reading {
        read(doc).unwrap().get(name).cloned().unwrap()
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
        let e = read(&json!({"message": "404 Project Not Found"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: expected a list of pipelines"
        );
    }
}
