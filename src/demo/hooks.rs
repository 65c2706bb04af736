//! The deploy system's webhooks: promote, rollback, and the rollback path's health check.

use super::world::{Hook, Shared, World, lock};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};

fn hook(path: &str, headers: &HeaderMap, body: String) -> Hook {
    Hook {
        path: path.to_string(),
        body,
        idempotency_key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into(),
                )
            })
            .collect(),
    }
}

/// A webhook call, after the scenario's delay: recorded, answered once per Idempotency-Key
/// (a retry gets the first answer, and the world changes only once). Like a real deploy
/// system, it acts even when the caller stopped waiting (a timeout): the work runs on its own
/// task, so a late action is late, not lost.
async fn once(
    world: Shared,
    path: &'static str,
    headers: HeaderMap,
    body: String,
    act: impl FnOnce(&mut World) -> Value + Send + 'static,
) -> Json<Value> {
    let work = tokio::spawn(async move {
        let delay = lock(&world).scenario.webhook_delay;
        tokio::time::sleep(delay).await;
        let mut world = lock(&world);
        let call = hook(path, &headers, body);
        let key = call.idempotency_key.clone();
        if let Some(earlier) = world.record(call) {
            return earlier;
        }
        let answer = act(&mut world);
        world.remember(key, &answer);
        answer
    });
    Json(
        work.await
            .unwrap_or_else(|e| json!({"ok": false, "error": e.to_string()})),
    )
}

/// `POST /hooks/promote`: traffic moves to the next step of the plan.
pub(super) async fn promote(
    State(world): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> Json<Value> {
    once(
        world,
        "/hooks/promote",
        headers,
        body,
        |w| json!({"ok": true, "traffic": w.promote()}),
    )
    .await
}

/// `POST /hooks/rollback`: traffic to zero, and the canary's trouble goes with it.
pub(super) async fn rollback(
    State(world): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> Json<Value> {
    once(world, "/hooks/rollback", headers, body, |w| {
        w.rollback();
        json!({"ok": true, "traffic": 0})
    })
    .await
}

/// `GET /hooks/calls`: how many promotes and rollbacks the deploy system carried out (a
/// retried call counts once), for whoever checks what the demo's cockpit did.
pub(super) async fn calls(State(world): State<Shared>) -> Json<Value> {
    let s = lock(&world).snapshot();
    Json(json!({"promotes": s.promotes, "rollbacks": s.rollbacks}))
}

/// `GET /hooks/rollback/check`: the way back is there.
pub(super) async fn rollback_check() -> Json<Value> {
    Json(json!({"ok": true}))
}
