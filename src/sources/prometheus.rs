//! Prometheus: one instant query per signal over `/api/v1/query`, all of a poll's queries at once.

use super::Polled;
use super::client::{Body, Request, SourceClient};
use super::error::{SourceError, quote};
use super::http::parse_json;
use crate::core::reading::{Reading, SignalId};
use crate::setup::{Extract, SourceSpec};
use futures_util::future::join_all;
use serde_json::Value;

/// What one query gave: a reading, and a note for the log when the answer was ambiguous.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub reading: Reading,
    pub note: Option<String>,
}

pub async fn poll(client: &SourceClient, spec: &SourceSpec) -> Polled {
    // Signals sharing a query (a condition and its relative twin) share one request.
    let mut queries: Vec<&str> = Vec::new();
    for (_, how) in &spec.signals {
        if let Extract::PromQuery(q) = how
            && !queries.contains(&q.as_str())
        {
            queries.push(q);
        }
    }
    let answers = join_all(queries.iter().map(|q| query(client, spec, q))).await;
    let got = |q: &str| -> &Result<Answer, SourceError> {
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

    let mut notes = Vec::new();
    let readings: Vec<(SignalId, Reading)> = spec
        .signals
        .iter()
        .map(|(sig, how)| {
            let reading = match how {
                Extract::PromQuery(q) => match got(q) {
                    Ok(a) => {
                        if let Some(n) = &a.note
                            && !notes.contains(n)
                        {
                            notes.push(n.clone());
                        }
                        a.reading.clone()
                    }
                    Err(e) => Reading::Missing(e.to_string()),
                },
                Extract::Pointer(_) => {
                    Reading::Missing("a JSON pointer needs an http source".into())
                }
            };
            (*sig, reading)
        })
        .collect();
    let mut polled = Polled::readings(readings);
    polled.notes = notes;
    polled
}

async fn query(client: &SourceClient, spec: &SourceSpec, q: &str) -> Result<Answer, SourceError> {
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
    let answer = parse_response(fetched.status, &fetched.body);
    answer.map(|mut a| {
        if let Some(n) = a.note.as_mut() {
            *n = format!("{n} for query {}", quote(q, 120));
        }
        a
    })
}

/// Read a query API answer. Prometheus sends its error envelope with 4xx/5xx statuses, so the
/// envelope is looked for before the status; an empty result is missing data, never zero.
pub fn parse_response(status: reqwest::StatusCode, body: &[u8]) -> Result<Answer, SourceError> {
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
    let reading = |v: &Value| -> Result<Reading, SourceError> {
        match v.get(1) {
            Some(Value::String(s)) => Ok(sample(s)),
            _ => Err(SourceError::Unexpected("sample without a value".into())),
        }
    };
    match data["resultType"].as_str() {
        Some("vector") => {
            let Some(series) = result.as_array() else {
                return Err(SourceError::Unexpected(
                    "vector result is not a list".into(),
                ));
            };
            let Some(first) = series.first() else {
                return Ok(Answer {
                    reading: Reading::Missing("no data: empty result".into()),
                    note: None,
                });
            };
            let note = (series.len() > 1).then(|| {
                format!(
                    "{} series matched, the first ({}) is used",
                    series.len(),
                    labels(&first["metric"])
                )
            });
            Ok(Answer {
                reading: reading(&first["value"])?,
                note,
            })
        }
        Some("scalar") => Ok(Answer {
            reading: reading(result)?,
            note: None,
        }),
        Some("string") => Ok(Answer {
            reading: match result.get(1) {
                Some(Value::String(s)) => Reading::Text(s.clone()),
                _ => Reading::Missing("string result without a value".into()),
            },
            note: None,
        }),
        Some("matrix") => Ok(Answer {
            reading: Reading::Missing("range vector: the query needs an instant value".into()),
            note: None,
        }),
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

/// `{job="api",track="canary"}`, for the note about several series.
fn labels(metric: &Value) -> String {
    let Some(map) = metric.as_object() else {
        return "{}".into();
    };
    let pairs: Vec<String> = map
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_str().map_or(v.to_string(), |s| format!("{s:?}"))
            )
        })
        .collect();
    format!("{{{}}}", pairs.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn parse(body: &str) -> Result<Answer, SourceError> {
        parse_response(StatusCode::OK, body.as_bytes())
    }

    #[test]
    fn vector_with_one_series_is_its_value() {
        let a = parse(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"track":"canary"},"value":[1700000000.123,"0.0042"]}]}}"#,
        )
        .unwrap();
        assert_eq!(a.reading, Reading::Number(0.0042));
        assert_eq!(a.note, None);
    }

    #[test]
    fn several_series_use_the_first_and_say_so() {
        let a = parse(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"pod":"a"},"value":[1,"1"]},{"metric":{"pod":"b"},"value":[1,"2"]}]}}"#,
        )
        .unwrap();
        assert_eq!(a.reading, Reading::Number(1.0));
        assert_eq!(
            a.note.as_deref(),
            Some(r#"2 series matched, the first ({pod="a"}) is used"#)
        );
    }

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
        assert_eq!(
            e.to_string(),
            "prometheus error: bad_data: 1:5: parse error"
        );
        let e = parse_response(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>").unwrap_err();
        assert_eq!(e.to_string(), "HTTP 502 Bad Gateway");
    }
}
