//! The built-in demo: an in-process server on 127.0.0.1 that speaks the wire formats the
//! cockpit reads (Prometheus, GitHub Actions, Unleash) and the webhooks it calls, playing a
//! canary release that goes wrong after a while.

mod hooks;
mod prometheus;
mod providers;
mod scenario;
mod world;

pub use scenario::{Health, Scenario};
pub use world::{Hook, SimState};

use axum::Router;
use axum::routing::get;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use world::{Shared, World, lock};

/// The demo release's configuration, with `{{demo_url}}` where the simulator's address goes.
pub const DEMO_CONFIG: &str = include_str!("../../config/demo.toml");

/// The demo configuration pointed at a simulator listening at `url`.
pub fn demo_config(url: &str) -> String {
    DEMO_CONFIG.replace("{{demo_url}}", url.trim_end_matches('/'))
}

/// A running simulator; it stops when dropped.
#[derive(Debug)]
pub struct Simulator {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub url: String,
    world: Shared,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Start the simulator on a free port of 127.0.0.1, served from the current tokio runtime.
pub async fn start(scenario: Scenario) -> std::io::Result<Simulator> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let world: Shared = Arc::new(Mutex::new(World::new(scenario)));
    let (stop, stopped) = oneshot::channel::<()>();
    let app = router(world.clone());
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("demo simulator stopped: {e}");
        }
    });
    Ok(Simulator {
        url,
        world,
        stop: Some(stop),
        task: Some(task),
    })
}

fn router(world: Shared) -> Router {
    Router::new()
        .route(
            "/api/v1/query",
            get(prometheus::query_get).post(prometheus::query_post),
        )
        .route(
            "/repos/{owner}/{repo}/actions/runs",
            get(providers::workflow_runs),
        )
        .route(
            "/api/admin/projects/default/features/{name}",
            get(providers::feature),
        )
        .route(
            "/api/admin/projects/default/features/{name}/environments/{env}/strategies/{id}",
            axum::routing::put(providers::update_strategy),
        )
        .route("/hooks/promote", axum::routing::post(hooks::promote))
        .route("/hooks/rollback", axum::routing::post(hooks::rollback))
        .route("/hooks/rollback/check", get(hooks::rollback_check))
        .route("/hooks/calls", get(hooks::calls))
        .with_state(world)
}

impl Simulator {
    /// What the simulator has done and been asked so far.
    pub fn state(&self) -> SimState {
        lock(&self.world).snapshot()
    }

    /// Stop serving and wait for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // Open keep-alive connections may hold a graceful stop; do not wait on them long.
            let handle = task.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(2), task)
                .await
                .is_err()
            {
                handle.abort();
            }
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_config_points_at_the_simulator_and_keeps_other_placeholders() {
        let text = demo_config("http://127.0.0.1:4321/");
        assert!(!text.contains("{{demo_url}}"));
        assert!(text.contains(r#"url = "http://127.0.0.1:4321/hooks/promote""#));
        assert!(
            text.contains("{{release}}"),
            "action templates stay for the action runner"
        );
    }
}
