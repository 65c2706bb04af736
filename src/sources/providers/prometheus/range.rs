//! Range queries over `/api/v1/query_range`: a signal's history at a fixed step, read through
//! the shared client (headers, timeout, per-host turns and body cap as for instant queries).
//! Each step's series are narrowed by `select` or combined by `aggregate` exactly as an instant
//! query's vector is (`pick`), so a step gives the value a poll at that instant would have.

use super::{QueryResult, Series, labels_of, parse_response, pick, query_of, sample};
use crate::core::backfill::Points;
use crate::setup::{Extract, SourceSpec};
use crate::sources::client::SourceClient;
use crate::sources::error::SourceError;
use crate::sources::error::parse_json;
use chrono::{DateTime, TimeDelta, Utc};
use std::time::Duration;

/// One series of a range vector: its labels and its samples (milliseconds since the epoch).
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSeries {
    pub labels: Vec<(String, String)>,
    pub values: Vec<(i64, crate::core::reading::Reading)>,
}

/// Seconds with millisecond precision, as the API takes times and steps.
fn seconds(ms: i64) -> String {
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}

/// Run `q` as a range query from `from` to `to` every `step`.
pub async fn query_range(
    client: &SourceClient,
    spec: &SourceSpec,
    q: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    step: Duration,
) -> Result<Vec<RangeSeries>, SourceError> {
    let (start, end) = (
        seconds(from.timestamp_millis()),
        seconds(to.timestamp_millis()),
    );
    let step = seconds(step.as_millis().max(1) as i64);
    let params = [
        ("query", q),
        ("start", start.as_str()),
        ("end", end.as_str()),
        ("step", step.as_str()),
    ];
    let fetched = super::api(client, spec, "query_range", &params).await?;
    parse_matrix(fetched.status, &fetched.body)
}

/// Read a range query's answer: the error envelope as for instant queries, then the matrix.
pub fn parse_matrix(
    status: reqwest::StatusCode,
    body: &[u8],
) -> Result<Vec<RangeSeries>, SourceError> {
    if parse_response(status, body)? != QueryResult::Matrix {
        return Err(SourceError::Unexpected(
            "a range query did not give a matrix".into(),
        ));
    }
    let doc = parse_json(body)?;
    let Some(list) = doc["data"]["result"].as_array() else {
        return Err(SourceError::Unexpected(
            "matrix result is not a list".into(),
        ));
    };
    list.iter()
        .map(|s| {
            let values = s["values"]
                .as_array()
                .ok_or_else(|| SourceError::Unexpected("series without values".into()))?
                .iter()
                .map(|v| match (v.get(0).and_then(|t| t.as_f64()), v.get(1)) {
                    (Some(t), Some(serde_json::Value::String(text))) => {
                        Ok(((t * 1000.0).round() as i64, sample(text)))
                    }
                    _ => Err(SourceError::Unexpected("sample without a value".into())),
                })
                .collect::<Result<_, _>>()?;
            Ok(RangeSeries {
                labels: labels_of(&s["metric"]),
                values,
            })
        })
        .collect()
}

/// The value at each step from `from` to `to`: the series that have a sample at that step,
/// picked as an instant query's vector is; `None` where no series has one.
pub fn points(
    series: &[RangeSeries],
    how: &Extract,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    step: Duration,
) -> Points {
    let Some((_, select, aggregate)) = query_of(how) else {
        return Vec::new();
    };
    let start = from.timestamp_millis();
    let step_ms = step.as_millis().max(1) as i64;
    let steps = (to.timestamp_millis() - start).max(0) / step_ms;
    (0..=steps)
        .map(|k| {
            let ms = start + k * step_ms;
            let at: Vec<Series> = series
                .iter()
                .filter_map(|s| {
                    let (_, r) = s.values.iter().find(|(t, _)| *t == ms)?;
                    Some(Series {
                        labels: s.labels.clone(),
                        value: r.clone(),
                    })
                })
                .collect();
            let when = from + TimeDelta::milliseconds(k * step_ms);
            let value = (!at.is_empty()).then(|| pick(&QueryResult::Vector(at), select, aggregate));
            (when, value)
        })
        .collect()
}

/// A signal's points over `from`..`to`, or why they cannot be had.
pub async fn history(
    client: &SourceClient,
    spec: &SourceSpec,
    how: &Extract,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    step: Duration,
) -> Result<Points, String> {
    let Some((q, _, _)) = query_of(how) else {
        return Err(format!("{} reads no Prometheus query", spec.name));
    };
    let series = query_range(client, spec, q, from, to, step)
        .await
        .map_err(|e| format!("{}: {e}", spec.name))?;
    Ok(points(&series, how, from, to, step))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::reading::Reading;
    use crate::setup::Aggregate;
    use chrono::TimeZone;
    use reqwest::StatusCode;

    const BODY: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"pod":"a"},"values":[[1700000000,"1"],[1700000001,"2"],[1700000003,"NaN"]]},
        {"metric":{"pod":"b"},"values":[[1700000000,"10"],[1700000002,"20"]]}]}}"#;

    #[test]
    fn each_step_is_picked_as_an_instant_vector_is() {
        let series = parse_matrix(StatusCode::OK, BODY.as_bytes()).unwrap();
        let from = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let to = from + TimeDelta::seconds(4);
        let sum = Extract::PromSeries {
            query: "q".into(),
            select: vec![],
            aggregate: Some(Aggregate::Sum),
        };
        let got: Vec<Option<Reading>> = points(&series, &sum, from, to, Duration::from_secs(1))
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        assert_eq!(got[0], Some(Reading::Number(11.0)));
        assert_eq!(got[1], Some(Reading::Number(2.0)), "b has no sample at 1s");
        assert_eq!(got[2], Some(Reading::Number(20.0)));
        assert!(matches!(got[3], Some(Reading::Number(n)) if n.is_nan()));
        assert_eq!(got[4], None, "no series at 4s: no value, not zero");
        let plain = Extract::PromQuery("q".into());
        let (_, two) = &points(&series, &plain, from, to, Duration::from_secs(1))[0];
        assert!(
            matches!(two, Some(Reading::Missing(w)) if w.contains("add select or aggregate")),
            "{two:?}"
        );
    }

    #[test]
    fn errors_and_other_result_types_are_not_history() {
        let e = parse_matrix(
            StatusCode::BAD_REQUEST,
            br#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("11,000 points"), "{e}");
        let vector = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(parse_matrix(StatusCode::OK, vector.as_bytes()).is_err());
    }
}
