//! Prometheus: one instant query per distinct query over `/api/v1/query`, all of a poll's
//! queries at once. A vector with several series is narrowed by labels (`select`) or
//! aggregated (`aggregate`); several series with neither is unknown, never "the first one".

use super::Polled;
use super::client::{Body, Request, SourceClient};
use super::error::{SourceError, quote};
use super::http::parse_json;
use crate::core::reading::{Reading, SignalId, clip};
use crate::setup::{Aggregate, Extract, SourceSpec};
use futures_util::future::join_all;
use serde_json::Value;

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

    let transport: Vec<&SourceError> = answers
        .iter()
        .filter_map(|a| a.as_ref().err())
        .filter(|e| e.is_transport())
        .collect();
    if !answers.is_empty() && transport.len() == answers.len() {
        // Nothing came back at all: the source is down, not the queries wrong.
        return Polled::failed(transport[0].clone());
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
    let url = format!("{}/api/v1/query", spec.url.trim_end_matches('/'));
    let params = [("query", q)];
    let post = spec.method.eq_ignore_ascii_case("POST");
    let fetched = client
        .fetch(Request {
            method: if post { "POST" } else { "GET" },
            url: &url,
            query: if post { &[] } else { &params },
            headers: &spec.headers,
            body: post.then_some(Body::Form(&params)),
            timeout: spec.timeout,
        })
        .await?;
    parse_response(fetched.status, &fetched.body)
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
            kind: doc["errorType"].as_str().unwrap_or("error").to_string(),
            message: doc["error"].as_str().unwrap_or("no message").to_string(),
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

/// One value from a query's result. No data is missing, never zero; several series without a
/// way to choose are missing too, with the series named so the config can be fixed.
pub fn pick(
    result: &QueryResult,
    select: &[(String, String)],
    aggregate: Option<Aggregate>,
) -> Reading {
    let series = match result {
        QueryResult::Vector(series) => series,
        QueryResult::Scalar(r) if select.is_empty() => return r.clone(),
        QueryResult::Scalar(_) => {
            return Reading::Missing("select needs a vector; the query gave a scalar".into());
        }
        QueryResult::Text(t) => return Reading::Text(t.clone()),
        QueryResult::Matrix => {
            return Reading::Missing("range vector: the query needs an instant value".into());
        }
    };
    if series.is_empty() {
        return Reading::Missing("no data: empty result".into());
    }
    let chosen: Vec<&Series> = series
        .iter()
        .filter(|s| {
            select
                .iter()
                .all(|(k, v)| s.labels.iter().any(|(lk, lv)| lk == k && lv == v))
        })
        .collect();
    let wanted = || {
        let pairs: Vec<String> = select.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        format!("{{{}}}", pairs.join(","))
    };
    match (chosen.as_slice(), aggregate) {
        ([], _) => Reading::Missing(clip(
            &format!(
                "no series matches {}; there are {}",
                wanted(),
                names(series.iter())
            ),
            200,
        )),
        ([one], None) => one.value.clone(),
        (several, None) => Reading::Missing(clip(
            &format!(
                "{} series match: {}; add select or aggregate",
                several.len(),
                names(several.iter().copied())
            ),
            200,
        )),
        (several, Some(how)) => combine(several, how),
    }
}

/// Sum, max, min or average of the series' values; any value that is not a number makes the
/// whole unknown (a NaN sums to NaN, which the core calls unknown).
fn combine(series: &[&Series], how: Aggregate) -> Reading {
    let mut values = Vec::with_capacity(series.len());
    for s in series {
        match &s.value {
            Reading::Number(n) => values.push(*n),
            Reading::Missing(why) => {
                return Reading::Missing(format!("{} {}: {why}", how.label(), labels(&s.labels)));
            }
            other => {
                return Reading::Missing(format!(
                    "{} {}: not a number: {other:?}",
                    how.label(),
                    labels(&s.labels)
                ));
            }
        }
    }
    let n = values.len() as f64;
    let v = match how {
        Aggregate::Sum => values.iter().sum(),
        Aggregate::Avg => values.iter().sum::<f64>() / n,
        Aggregate::Max => values.iter().copied().fold(f64::NEG_INFINITY, nan_max),
        Aggregate::Min => values.iter().copied().fold(f64::INFINITY, nan_min),
    };
    Reading::Number(v)
}

/// `f64::max` drops a NaN; here a NaN wins, so a broken series is never hidden.
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
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

/// `{job="api",track="canary"}`, without `__name__` (the query names the metric).
fn labels(pairs: &[(String, String)]) -> String {
    let shown: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k != "__name__")
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect();
    format!("{{{}}}", shown.join(","))
}

/// The first few series' labels, for a message about which ones there are.
fn names<'a>(series: impl Iterator<Item = &'a Series>) -> String {
    let all: Vec<String> = series.map(|s| labels(&s.labels)).collect();
    let mut shown = all.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if all.len() > 3 {
        shown.push_str(&format!(", … ({} in all)", all.len()));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn parse(body: &str) -> QueryResult {
        parse_response(StatusCode::OK, body.as_bytes()).unwrap()
    }

    fn pods() -> QueryResult {
        parse(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"pod":"canary-1","track":"canary"},"value":[1,"0.01"]},
                {"metric":{"pod":"canary-2","track":"canary"},"value":[1,"0.03"]},
                {"metric":{"pod":"stable-1","track":"stable"},"value":[1,"0.002"]}]}}"#,
        )
    }

    fn sel(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn vector_with_one_series_is_its_value() {
        let r = parse(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"track":"canary"},"value":[1700000000.123,"0.0042"]}]}}"#,
        );
        assert_eq!(pick(&r, &[], None), Reading::Number(0.0042));
    }

    #[test]
    fn several_series_without_a_choice_are_unknown_and_named() {
        assert_eq!(
            pick(&pods(), &[], None),
            Reading::Missing(
                r#"3 series match: {pod="canary-1",track="canary"}, {pod="canary-2",track="canary"}, {pod="stable-1",track="stable"}; add select or aggregate"#
                    .into()
            )
        );
        assert_eq!(
            pick(&pods(), &sel(&[("track", "canary")]), None),
            Reading::Missing(
                r#"2 series match: {pod="canary-1",track="canary"}, {pod="canary-2",track="canary"}; add select or aggregate"#
                    .into()
            )
        );
    }

    #[test]
    fn select_picks_a_series_by_its_labels() {
        assert_eq!(
            pick(&pods(), &sel(&[("pod", "canary-2")]), None),
            Reading::Number(0.03)
        );
        let none = pick(&pods(), &sel(&[("pod", "canary-9")]), None);
        assert_eq!(
            none,
            Reading::Missing(
                r#"no series matches {pod="canary-9"}; there are {pod="canary-1",track="canary"}, {pod="canary-2",track="canary"}, {pod="stable-1",track="stable"}"#
                    .into()
            )
        );
    }

    #[test]
    fn aggregates_over_the_selected_series_or_all() {
        let canary = sel(&[("track", "canary")]);
        let agg = |s: &[(String, String)], a| pick(&pods(), s, Some(a));
        assert_eq!(agg(&canary, Aggregate::Sum), Reading::Number(0.04));
        assert_eq!(agg(&canary, Aggregate::Max), Reading::Number(0.03));
        assert_eq!(agg(&canary, Aggregate::Min), Reading::Number(0.01));
        assert_eq!(agg(&canary, Aggregate::Avg), Reading::Number(0.02));
        assert_eq!(agg(&[], Aggregate::Max), Reading::Number(0.03));
        let empty = parse(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#);
        assert_eq!(
            pick(&empty, &[], Some(Aggregate::Sum)),
            Reading::Missing("no data: empty result".into()),
            "the sum of nothing is unknown, never 0"
        );
    }

    #[test]
    fn a_nan_series_spoils_the_aggregate() {
        let r = parse(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"pod":"a"},"value":[1,"1"]},{"metric":{"pod":"b"},"value":[1,"NaN"]}]}}"#,
        );
        for how in Aggregate::ALL {
            assert!(
                matches!(pick(&r, &[], Some(how)), Reading::Number(n) if n.is_nan()),
                "{how:?}"
            );
        }
    }

    #[test]
    fn special_values_parse() {
        assert!(matches!(sample("NaN"), Reading::Number(n) if n.is_nan()));
        assert_eq!(sample("+Inf"), Reading::Number(f64::INFINITY));
        assert_eq!(sample("-Inf"), Reading::Number(f64::NEG_INFINITY));
        assert_eq!(sample("1e-3"), Reading::Number(0.001));
    }

    #[test]
    fn scalars_strings_and_ranges() {
        let s = parse(r#"{"status":"success","data":{"resultType":"scalar","result":[1,"7"]}}"#);
        assert_eq!(pick(&s, &[], None), Reading::Number(7.0));
        let m = parse(r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#);
        assert_eq!(
            pick(&m, &[], None),
            Reading::Missing("range vector: the query needs an instant value".into())
        );
    }

    #[test]
    fn an_error_envelope_beats_the_status() {
        let e = parse_response(
            StatusCode::BAD_REQUEST,
            br#"{"status":"error","errorType":"bad_data","error":"1:5: parse error"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "prometheus error: bad_data: 1:5: parse error"
        );
        let e = parse_response(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>").unwrap_err();
        assert_eq!(e.to_string(), "HTTP 502 Bad Gateway");
    }
}
