//! GitHub Actions and Unleash, answering in their documented shapes.

use super::world::{Shared, lock};
use crate::core::reading::format_number;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

const RUN_ID: u64 = 9_210_034_118;

#[derive(Debug, Deserialize)]
pub(super) struct RunsParams {
    head_sha: Option<String>,
}

/// `GET /repos/{owner}/{repo}/actions/runs?head_sha=…`: the one CI run of the release commit.
pub(super) async fn workflow_runs(
    State(world): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    Query(p): Query<RunsParams>,
) -> Response {
    let world = lock(&world);
    let s = &world.scenario;
    if p.head_sha.as_ref().is_some_and(|sha| *sha != s.commit) {
        return Json(json!({"total_count": 0, "workflow_runs": []})).into_response();
    }
    // The run started a few minutes before the simulator, as CI runs before a release.
    let age = chrono::Duration::from_std(world.started().elapsed() + Duration::from_secs(420))
        .unwrap_or_default();
    let started = (chrono::Utc::now() - age)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    Json(json!({
        "total_count": 1,
        "workflow_runs": [{
            "id": RUN_ID,
            "name": "ci",
            "head_branch": "main",
            "head_sha": s.commit,
            "display_title": s.run_title,
            "event": "push",
            "status": "completed",
            "conclusion": "success",
            "run_number": 1287,
            "run_attempt": 1,
            "html_url": format!("https://github.com/{owner}/{repo}/actions/runs/{RUN_ID}"),
            "run_started_at": started,
        }],
    }))
    .into_response()
}

/// `GET /api/admin/projects/default/features/{name}`: the release flag, its rollout at the
/// live traffic share.
pub(super) async fn feature(State(world): State<Shared>, Path(name): Path<String>) -> Response {
    let world = lock(&world);
    let s = &world.scenario;
    if name != s.flag {
        let body = json!({
            "name": "NotFoundError",
            "message": format!("Could not find feature flag with name {name}"),
        });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    }
    Json(json!({
        "name": s.flag,
        "type": "release",
        "project": "default",
        "enabled": true,
        "stale": false,
        "environments": [{
            "name": "production",
            "enabled": true,
            "strategies": [{
                "name": "flexibleRollout",
                "parameters": {
                    "rollout": format_number(world.traffic()),
                    "stickiness": "default",
                    "groupId": s.flag,
                },
            }],
        }],
    }))
    .into_response()
}
