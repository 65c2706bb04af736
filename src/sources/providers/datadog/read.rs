//! One answer of `GET /api/v1/query` read into a value, or refused. The value is the last
//! non-null point of the answer's one series (`series[0].pointlist`, `[ms, value]` pairs).
//! Refused, each with what was wrong: an error status (with Datadog's `{"errors": […]}` text),
//! a body that is not JSON, `status` other than `"ok"` (with its `error`), no series, more
//! than one series, no non-null point, and a last point older than the source's stale_after.

use crate::core::reading::Reading;
use crate::sources::error::{SourceError, duration_words, parse_json, quote};
use serde_json::Value;
use std::time::Duration;

/// At most this many characters of Datadog's own message.
const MESSAGE: usize = 80;

/// The reading from one answer, at `now_ms` (milliseconds since the epoch).
pub fn read(
    status: reqwest::StatusCode,
    body: &[u8],
    now_ms: i64,
    stale_after: Duration,
) -> Result<Reading, SourceError> {
    if !status.is_success() {
        let mut error = SourceError::status(status);
        if let (SourceError::Status { reason, .. }, Some(said)) = (&mut error, said(body)) {
            let status = reason.take().unwrap_or_default();
            *reason = Some(format!("{status}: {said}").trim_start_matches(": ").into());
        }
        return Err(error);
    }
    let doc = parse_json(body)?;
    match doc["status"].as_str() {
        Some("ok") => {}
        Some(other) => {
            let why = doc["error"].as_str().unwrap_or(other);
            return Err(SourceError::Reported(format!("Datadog: {why}")));
        }
        None => {
            return Err(SourceError::Unexpected(
                "no \"status\": not a query answer".into(),
            ));
        }
    }
    let Some(series) = doc["series"].as_array() else {
        return Err(SourceError::Unexpected("no \"series\" list".into()));
    };
    let one = match series.as_slice() {
        [] => return Ok(Reading::Missing("no series: no data in the window".into())),
        [one] => one,
        several => {
            let scopes: Vec<String> = several
                .iter()
                .take(3)
                .map(|s| quote(s["scope"].as_str().unwrap_or("?"), 30))
                .collect();
            let more = if several.len() > 3 { ", …" } else { "" };
            return Ok(Reading::Missing(format!(
                "{} series ({}{more}): the query must aggregate to one series",
                several.len(),
                scopes.join("; ")
            )));
        }
    };
    let Some(points) = one["pointlist"].as_array() else {
        return Err(SourceError::Unexpected(
            "a series without a pointlist".into(),
        ));
    };
    let last = points
        .iter()
        .rev()
        .find_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)));
    let Some((at, value)) = last else {
        let why = if points.is_empty() {
            "the series has no points".to_string()
        } else {
            format!("no value: {} points, all null", points.len())
        };
        return Ok(Reading::Missing(why));
    };
    let age = Duration::from_millis((now_ms as f64 - at).max(0.0) as u64);
    if age > stale_after {
        return Ok(Reading::Missing(format!(
            "last point {} old, older than stale_after ({})",
            duration_words(age),
            duration_words(stale_after)
        )));
    }
    Ok(Reading::Number(value))
}

/// Datadog's error text, `{"errors": ["Forbidden"]}`, in one short line.
pub fn said(body: &[u8]) -> Option<String> {
    let doc: Value = serde_json::from_slice(body).ok()?;
    let errors: Vec<&str> = doc["errors"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let text = quote(&errors.join("; "), MESSAGE);
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    const NOW: i64 = 1_681_683_360_000;
    const MINUTE: Duration = Duration::from_secs(60);

    fn ok(body: &str) -> Result<Reading, SourceError> {
        read(StatusCode::OK, body.as_bytes(), NOW, 2 * MINUTE)
    }

    #[test]
    fn the_last_non_null_point_counts() {
        let body = r#"{"status":"ok","series":[{"scope":"*","pointlist":
            [[1681683240000.0, 1.5],[1681683300000.0, 2.5],[1681683330000.0, null]]}]}"#;
        assert_eq!(ok(body).unwrap(), Reading::Number(2.5));
    }

    #[test]
    fn what_is_not_one_fresh_value_is_unknown() {
        let missing = |body: &str| match ok(body) {
            Ok(Reading::Missing(why)) => why,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            missing(r#"{"status":"ok","series":[]}"#),
            "no series: no data in the window"
        );
        assert_eq!(
            missing(
                r#"{"status":"ok","series":[{"scope":"host:a","pointlist":[]},
                {"scope":"host:b","pointlist":[]}]}"#
            ),
            "2 series (host:a; host:b): the query must aggregate to one series"
        );
        assert_eq!(
            missing(r#"{"status":"ok","series":[{"pointlist":[[1681683300000.0,null]]}]}"#),
            "no value: 1 points, all null"
        );
        assert_eq!(
            missing(r#"{"status":"ok","series":[{"pointlist":[[1681683000000.0,3]]}]}"#),
            "last point 6m old, older than stale_after (2m)"
        );
    }

    #[test]
    fn errors_say_what_datadog_said() {
        let e = read(
            StatusCode::FORBIDDEN,
            br#"{"errors": ["Forbidden"]}"#,
            NOW,
            MINUTE,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "HTTP 403 Forbidden: Forbidden");
        let e = ok(r#"{"status":"error","error":"Bad Request","series":[]}"#).unwrap_err();
        assert_eq!(e.to_string(), "error in response: Datadog: Bad Request");
        assert!(matches!(
            ok("<html>login</html>"),
            Err(SourceError::NotJson(_))
        ));
        assert!(matches!(
            ok(r#"{"data":[]}"#),
            Err(SourceError::Unexpected(_))
        ));
    }
}
