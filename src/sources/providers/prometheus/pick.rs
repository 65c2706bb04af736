//! One value from an instant query's result: a series picked by its labels, several combined,
//! and several with neither said to be unknown, naming them so the config can be fixed.

use super::{QueryResult, Series};
use crate::core::reading::{Reading, clip};
use crate::setup::Aggregate;

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
    use super::super::parse_response;
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
        for how in <Aggregate as strum::IntoEnumIterator>::iter() {
            assert!(
                matches!(pick(&r, &[], Some(how)), Reading::Number(n) if n.is_nan()),
                "{how:?}"
            );
        }
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
}
