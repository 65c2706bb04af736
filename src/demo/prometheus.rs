//! A Prometheus query API that knows the demo's queries and nothing else.

use super::world::{Series, Shared, lock};
use crate::core::reading::format_number;
use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
pub(super) struct Params {
    query: Option<String>,
}

pub(super) async fn query_get(State(world): State<Shared>, Query(p): Query<Params>) -> Response {
    answer(&world, p.query.as_deref())
}

pub(super) async fn query_post(State(world): State<Shared>, Form(p): Form<Params>) -> Response {
    answer(&world, p.query.as_deref())
}

fn answer(world: &Shared, query: Option<&str>) -> Response {
    if lock(world).prometheus_down() {
        let body =
            json!({"status": "error", "errorType": "unavailable", "error": "simulated outage"});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    let Some(query) = query else {
        return error("invalid parameter \"query\": no query given");
    };
    let Some(series) = recognise(query) else {
        return error("unknown series in the simulator");
    };
    let value = lock(world).value(series);
    let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
    Json(json!({
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [{"metric": {}, "value": [now, format_number(value)]}],
        },
    }))
    .into_response()
}

/// Prometheus answers a query it cannot run with 400 and its error envelope.
fn error(message: &str) -> Response {
    let body = json!({"status": "error", "errorType": "bad_data", "error": message});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// Which series a query asks for, by its telling parts, whatever its spacing.
pub(super) fn recognise(query: &str) -> Option<Series> {
    let q: String = query.chars().filter(|c| !c.is_whitespace()).collect();
    let canary = q.contains(r#"track="canary""#);
    let baseline = q.contains(r#"track="baseline""#);
    let errors = q.contains(r#"code=~"5..""#);
    if q.contains("probe_success") && canary {
        Some(Series::FailedHealthChecks)
    } else if q.starts_with("histogram_quantile(0.95,") && canary {
        Some(Series::CanaryP95)
    } else if q.starts_with("histogram_quantile(0.95,") && baseline {
        Some(Series::BaselineP95)
    } else if errors && canary {
        Some(Series::CanaryErrorRatio)
    } else if q.starts_with("sum(increase(http_requests_total{") && canary {
        Some(Series::CanaryRequests)
    } else if errors && baseline {
        Some(Series::BaselineErrorRatio)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_demo_queries_and_no_others() {
        let config: toml::Value = toml::from_str(super::super::DEMO_CONFIG).unwrap();
        let conditions = config["conditions"].as_array().unwrap();
        let q = |i: usize| conditions[i]["query"].as_str().unwrap();
        assert_eq!(recognise(q(0)), Some(Series::CanaryErrorRatio));
        let baseline = conditions[1]["baseline"]["query"].as_str().unwrap();
        assert_eq!(recognise(baseline), Some(Series::BaselineErrorRatio));
        assert_eq!(recognise(q(2)), Some(Series::CanaryP95));
        assert_eq!(recognise(q(3)), Some(Series::FailedHealthChecks));
        let requests = conditions[0]["min_traffic"]["query"].as_str().unwrap();
        assert_eq!(recognise(requests), Some(Series::CanaryRequests));
        assert_eq!(recognise(q(4)), Some(Series::CanaryP95));
        let baseline = conditions[4]["baseline"]["query"].as_str().unwrap();
        assert_eq!(recognise(baseline), Some(Series::BaselineP95));
        assert_eq!(recognise("up"), None);
    }
}
