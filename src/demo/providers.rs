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
/// The id of the release flag's one strategy, as Unleash names strategies in its admin API.
const STRATEGY_ID: &str = "release-rollout";

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
                "id": STRATEGY_ID,
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

#[derive(Debug, Deserialize)]
pub(super) struct StrategyUpdate {
    parameters: RolloutParameters,
}

#[derive(Debug, Deserialize)]
struct RolloutParameters {
    /// Unleash sends the percentage as a string ("25"); a number is taken as well.
    rollout: serde_json::Value,
}

/// `PUT /api/admin/projects/default/features/{name}/environments/production/strategies/{id}`:
/// an operator moves the rollout by hand, outside the cockpit, as in Unleash's admin API. The
/// live traffic share follows: the cockpit sees drift from the stage it tracks.
pub(super) async fn update_strategy(
    State(world): State<Shared>,
    Path((name, env, id)): Path<(String, String, String)>,
    Json(update): Json<StrategyUpdate>,
) -> Response {
    let mut world = lock(&world);
    if name != world.scenario.flag || env != "production" || id != STRATEGY_ID {
        let body = json!({
            "name": "NotFoundError",
            "message": format!("no strategy {id} of {name} in {env}"),
        });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    }
    let rollout = match &update.parameters.rollout {
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        v => v.as_f64(),
    };
    let Some(rollout) = rollout.filter(|r| (0.0..=100.0).contains(r)) else {
        let body = json!({
            "name": "BadDataError",
            "message": format!("rollout must be 0 to 100, got {}", update.parameters.rollout),
        });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    };
    world.set_traffic(rollout);
    Json(json!({
        "id": STRATEGY_ID,
        "name": "flexibleRollout",
        "parameters": {"rollout": format_number(rollout), "stickiness": "default", "groupId": name},
    }))
    .into_response()
}
