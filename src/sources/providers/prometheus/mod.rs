//! Prometheus: one instant query per distinct query over `/api/v1/query`, all of a poll's
//! queries at once. A vector with several series is narrowed by labels (`select`) or
//! aggregated (`aggregate`); several series with neither is unknown, never "the first one".

use super::{Poll, Provider, Values};
use crate::core::reading::{Reading, SignalId};
use crate::setup::{Aggregate, Extract, SourceKind, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::{Body, Fetched, Request, SourceClient};
use crate::sources::error::{SourceError, parse_json, quote};
use futures_util::future::{BoxFuture, join_all};
use serde_json::Value;

mod pick;
pub mod range;
mod victoria;
pub use pick::pick;

/// Prometheus HTTP API (and VictoriaMetrics, Thanos, Mimir: the same query API), instant
/// queries over `/api/v1/query`.
pub static PROVIDER: Provider = Provider {
    name: "prometheus",
    keys: &[],
    default_url: None,
    default_headers: &[],
    refuses_bearer: None,
    required_headers: &[],
    request: super::Request::Base,
    error_check: None,
    values: Values::Query,
    poll: Poll::Own(poll_boxed),
};

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const Prometheus: SourceKind = SourceKind::of(&PROVIDER);
}

fn poll_boxed<'a>(client: &'a SourceClient, spec: &'a SourceSpec) -> BoxFuture<'a, Polled> {
    Box::pin(poll(client, spec))
}

/// One series of an instant vector: its labels (sorted by name) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: Vec<(String, String)>,
    pub value: Reading,
}

/// What an instant query gave.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryResult {
    Vector(Vec<Series>),
    Scalar(Reading),
    Text(String),
    /// A range vector: the query asks for an instant value and got a range.
    Matrix,
}

/// A query's text, the labels a series must have, and how several series combine.
type QueryPick<'a> = (&'a str, &'a [(String, String)], Option<Aggregate>);

/// The query text and how its result becomes one value.
fn query_of(extract: &Extract) -> Option<QueryPick<'_>> {
    match extract {
        Extract::PromQuery(q) => Some((q, &[], None)),
        Extract::PromSeries {
            query,
            select,
            aggregate,
        } => Some((query, select, *aggregate)),
        _ => None,
    }
}

pub async fn poll(client: &SourceClient, spec: &SourceSpec) -> Polled {
    // Signals sharing a query (a condition and its relative twin, two picks of one vector)
    // share one request.
    let mut queries: Vec<&str> = Vec::new();
    for (_, how) in &spec.signals {
        if let Some((q, _, _)) = query_of(how)
            && !queries.contains(&q)
        {
            queries.push(q);
        }
    }
    let answers = join_all(queries.iter().map(|q| query(client, spec, q))).await;
    let got = |q: &str| -> &Result<QueryResult, SourceError> {
        let i = queries
            .iter()
            .position(|x| *x == q)
            .expect("every query was asked");
        &answers[i]
    };

    if let Some(down) = super::answer::none_answered(&answers) {
        // Nothing came back at all: the source is down, not the queries wrong.
        return Polled::failed(down);
    }

    let readings: Vec<(SignalId, Reading)> = spec
        .signals
        .iter()
        .map(|(sig, how)| {
            let reading = match query_of(how) {
                Some((q, select, aggregate)) => match got(q) {
                    Ok(result) => pick(result, select, aggregate),
                    Err(e) => Reading::Missing(e.to_string()),
                },
                None => Reading::Missing("a prometheus source reads queries".into()),
            };
            (*sig, reading)
        })
        .collect();
    Polled::readings(readings)
}

async fn query(
    client: &SourceClient,
    spec: &SourceSpec,
    q: &str,
) -> Result<QueryResult, SourceError> {
    let fetched = api(client, spec, "query", &[("query", q)]).await?;
    parse_response(fetched.status, &fetched.body)
}

/// Call `/api/v1/<path>` of the source with `params`: in the URL, or as a form with
/// `method = "POST"` (for queries too long for a URL), with the source's headers and timeout.
async fn api(
    client: &SourceClient,
    spec: &SourceSpec,
    path: &str,
    params: &[(&str, &str)],
) -> Result<Fetched, SourceError> {
    let url = format!("{}/api/v1/{path}", spec.url.trim_end_matches('/'));
    let post = spec.method.eq_ignore_ascii_case("POST");
    client
        .fetch(Request {
            method: if post { "POST" } else { "GET" },
            url: &url,
            query: if post { &[] } else { params },
            headers: &spec.headers,
            body: post.then_some(Body::Form(params)),
            timeout: spec.timeout,
        })
        .await
}

/// Read a query API answer. Prometheus sends its error envelope with 4xx/5xx statuses, so the
/// envelope is looked for before the status.
pub fn parse_response(
    status: reqwest::StatusCode,
    body: &[u8],
) -> Result<QueryResult, SourceError> {
    let doc = match parse_json(body) {
        Ok(doc) => doc,
        Err(_) if !status.is_success() => return Err(SourceError::status(status)),
        Err(e) => return Err(e),
    };
    if doc["status"] == "error" {
        return Err(SourceError::Prometheus {
            status: status.as_u16(),
            kind: doc["errorType"].as_str().unwrap_or("error").to_string(),
            message: victoria::cause(doc["error"].as_str().unwrap_or("no message")).to_string(),
        });
    }
    if !status.is_success() {
        return Err(SourceError::status(status));
    }
    if doc["status"] != "success" {
        return Err(SourceError::Unexpected("no status \"success\"".into()));
    }
    let data = &doc["data"];
    let result = &data["result"];
    let sample_of = |v: &Value| -> Result<Reading, SourceError> {
        match v.get(1) {
            Some(Value::String(s)) => Ok(sample(s)),
            _ => Err(SourceError::Unexpected("sample without a value".into())),
        }
    };
    match data["resultType"].as_str() {
        Some("vector") => {
            let Some(list) = result.as_array() else {
                return Err(SourceError::Unexpected(
                    "vector result is not a list".into(),
                ));
            };
            let series = list
                .iter()
                .map(|s| {
                    Ok(Series {
                        labels: labels_of(&s["metric"]),
                        value: sample_of(&s["value"])?,
                    })
                })
                .collect::<Result<_, SourceError>>()?;
            Ok(QueryResult::Vector(series))
        }
        Some("scalar") => Ok(QueryResult::Scalar(sample_of(result)?)),
        Some("string") => match result.get(1) {
            Some(Value::String(s)) => Ok(QueryResult::Text(s.clone())),
            _ => Err(SourceError::Unexpected(
                "string result without a value".into(),
            )),
        },
        Some("matrix") => Ok(QueryResult::Matrix),
        _ => Err(SourceError::Unexpected("unknown resultType".into())),
    }
}

/// A sample value as Prometheus writes it: "0.02", "NaN", "+Inf", "-Inf".
/// NaN stays a number: the core treats non-finite numbers as unknown and says "value is NaN".
fn sample(text: &str) -> Reading {
    match text {
        "NaN" => Reading::Number(f64::NAN),
        "+Inf" => Reading::Number(f64::INFINITY),
        "-Inf" => Reading::Number(f64::NEG_INFINITY),
        _ => match text.parse::<f64>() {
            Ok(v) => Reading::Number(v),
            Err(_) => Reading::Missing(format!("not a number: {}", quote(text, 24))),
        },
    }
}

fn labels_of(metric: &Value) -> Vec<(String, String)> {
    let Some(map) = metric.as_object() else {
        return Vec::new();
    };
    let mut pairs: Vec<(String, String)> = map
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_string)))
        .collect();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    #[test]
    fn special_values_parse() {
        assert!(matches!(sample("NaN"), Reading::Number(n) if n.is_nan()));
        assert_eq!(sample("+Inf"), Reading::Number(f64::INFINITY));
        assert_eq!(sample("-Inf"), Reading::Number(f64::NEG_INFINITY));
        assert_eq!(sample("1e-3"), Reading::Number(0.001));
    }

    #[test]
    fn an_error_envelope_beats_the_status() {
        let e = parse_response(
            StatusCode::BAD_REQUEST,
            br#"{"status":"error","errorType":"bad_data","error":"1:5: parse error"}"#,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "HTTP 400: bad_data: 1:5: parse error");
        let e = parse_response(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>").unwrap_err();
        assert_eq!(e.to_string(), "HTTP 502 Bad Gateway");
    }
}
