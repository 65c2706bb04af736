//! Unleash: one flag in one environment, by name, over
//! `GET /api/admin/projects/{project}/features/{flag}/environments/{environment}`: whether it
//! is enabled there, and the share of traffic it serves (usable as the observed stage).
//! The answer names the flag (`name`) and the environment (`environment`); both must be the
//! ones asked. It lists no segments, so a segmented rollout reads as its bare percentage.

use super::fields::Fields;
use super::flags::{ENVIRONMENT, FLAG, PROJECT, flag_keys};
use super::keys::Key;
use super::{Api, Poll, Provider};
use crate::config::Given;
use crate::core::reading::{Reading, format_number};
use crate::setup::{ReleaseInfo, SourceKind};
use crate::sources::error::SourceError;
use serde_json::Value;

/// Unleash: a feature flag in one environment.
pub static PROVIDER: Provider =
    Provider::fields("unleash", KEYS, request, FIELDS, Poll::Answer(read));

const KEYS: &[&Key] = &[&PROJECT, &FLAG, &ENVIRONMENT];

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const Unleash: SourceKind = SourceKind::of(&PROVIDER);
}

/// `/api/admin/projects/{project}/features/{flag}/environments/{environment}`.
fn request(given: &mut Given, release: &ReleaseInfo) -> Option<Api> {
    let (project, flag, env) = flag_keys(given, release)?;
    let path = [
        "api",
        "admin",
        "projects",
        &project,
        "features",
        &flag,
        "environments",
        &env,
    ];
    Some(Api::at(path))
}

pub const FIELDS: &[super::fields::FieldDoc] = &[
    (
        "enabled",
        "true or false: the flag is on in the environment",
    ),
    (
        "rollout",
        "percent of traffic served: 0 when disabled, the gradual rollout's percentage, or 100 \
         with the standard strategy",
    ),
    ("strategies", "the active strategies' names, or \"none\""),
];

pub fn read(doc: &Value, url: &str) -> Result<Fields, SourceError> {
    // Unleash answers `{"name": <flag>, "environment": <environment>, "enabled", "strategies"}`.
    let (flag, env) = asked(url);
    if doc["environment"].as_str() != Some(env.as_str()) {
        return Err(SourceError::Unexpected(format!(
            "not the environment {env:?}: got {}",
            shown(&doc["environment"])
        )));
    }
    if doc["name"].as_str() != Some(flag.as_str()) {
        return Err(SourceError::Unexpected(format!(
            "not the flag {flag:?}: got {}",
            shown(&doc["name"])
        )));
    }
    let Some(enabled) = doc["enabled"].as_bool() else {
        return Err(SourceError::Unexpected(
            "no enabled flag in the answer".into(),
        ));
    };
    let active: Vec<&Value> = doc["strategies"]
        .as_array()
        .map(|s| s.iter().filter(|s| s["disabled"] != true).collect())
        .unwrap_or_default();
    let mut f = Fields::default();
    f.set("enabled", Reading::Bool(enabled));
    let names: Vec<&str> = active
        .iter()
        .map(|s| s["name"].as_str().unwrap_or("?"))
        .collect();
    f.set(
        "strategies",
        Reading::Text(if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }),
    );
    let rollout = if enabled {
        share(&active, &mut f.notes)
    } else {
        Reading::Number(0.0)
    };
    f.set("rollout", rollout);
    Ok(f)
}

/// The flag and the environment a URL `…/features/{flag}/environments/{environment}` asks for.
fn asked(url: &str) -> (String, String) {
    let env = super::fields::last_segment(url).unwrap_or_default();
    let flag = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            let segs: Vec<String> = u.path_segments()?.map(String::from).collect();
            let at = segs.iter().rposition(|s| s == "environments")?;
            segs.get(at.checked_sub(1)?).cloned()
        })
        .map(|f| {
            percent_encoding::percent_decode_str(&f)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    (flag, env)
}

fn shown(v: &Value) -> String {
    v.as_str().map_or("none".to_string(), |n| format!("{n:?}"))
}

/// The percentage an enabled flag serves: one unconditional standard strategy is 100, one
/// gradual rollout is its percentage; anything else cannot be told and is missing.
fn share(active: &[&Value], notes: &mut Vec<String>) -> Reading {
    let conditional = |s: &Value| {
        let some = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
        some(&s["constraints"]) || some(&s["segments"])
    };
    if active
        .iter()
        .any(|s| s["name"] == "default" && !conditional(s))
    {
        return Reading::Number(100.0);
    }
    let rollouts: Vec<&&Value> = active.iter().filter(|s| percentage(s).is_some()).collect();
    let others: Vec<&str> = active
        .iter()
        .filter(|s| percentage(s).is_none())
        .map(|s| s["name"].as_str().unwrap_or("?"))
        .collect();
    match (rollouts.as_slice(), others.as_slice()) {
        ([], []) => Reading::Missing("enabled with no active strategy: share unknown".into()),
        ([one], []) => {
            if conditional(one) {
                notes.push(
                    "the rollout strategy has constraints or segments: its percentage is of \
                     the matching traffic only"
                        .into(),
                );
            }
            percentage(one).unwrap_or_else(|| Reading::Missing("no rollout percentage".into()))
        }
        ([], others) => Reading::Missing(format!(
            "no gradual rollout, only {}: share unknown",
            others.join(", ")
        )),
        (several, others) => Reading::Missing(format!(
            "{} strategies together ({}): share unknown",
            several.len() + others.len(),
            several
                .iter()
                .map(|s| s["name"].as_str().unwrap_or("?"))
                .chain(others.iter().copied())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A gradual rollout's percentage (`rollout` of flexibleRollout, `percentage` of the older
/// gradualRollout* strategies), written as a string or a number.
fn percentage(s: &Value) -> Option<Reading> {
    let p = &s["parameters"];
    let raw = match s["name"].as_str()? {
        "flexibleRollout" => &p["rollout"],
        n if n.starts_with("gradualRollout") => &p["percentage"],
        _ => return None,
    };
    Some(match raw {
        Value::Number(n) => Reading::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(t) => match t.trim().parse::<f64>() {
            Ok(v) if (0.0..=100.0).contains(&v) => Reading::Number(v),
            _ => Reading::Missing(format!("rollout percentage {t:?} is not 0 to 100")),
        },
        other => Reading::Missing(format!(
            "rollout percentage is {}",
            if other.is_null() {
                "missing".to_string()
            } else {
                other.to_string()
            }
        )),
    })
    .map(|r| match r {
        Reading::Number(v) if !(0.0..=100.0).contains(&v) => Reading::Missing(format!(
            "rollout percentage {} is not 0 to 100",
            format_number(v)
        )),
        r => r,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URL: &str = "https://unleash.example/api/admin/projects/default/features/checkout-v2/environments/production";

    fn env(enabled: bool, strategies: Value) -> Value {
        // The shape unleash-server answers (see fixtures/unleash-recorded.md).
        json!({
            "name": "checkout-v2", "environment": "production", "enabled": enabled,
            "strategies": strategies
        })
    }

    fn flexible(rollout: Value, constraints: Value) -> Value {
        json!({
            "id": "6b5157cb", "name": "flexibleRollout", "title": "", "disabled": false,
            "featureName": "checkout-v2", "sortOrder": 0, "segments": [],
            "constraints": constraints,
            "parameters": {"groupId": "checkout-v2", "rollout": rollout, "stickiness": "default"}
        })
    }

    fn field(doc: &Value, name: &str) -> Reading {
        read(doc, URL).unwrap().get(name).cloned().unwrap()
    }

    #[test]
    fn a_gradual_rollout_is_its_percentage() {
        let doc = env(true, json!([flexible(json!("25"), json!([]))]));
        assert_eq!(field(&doc, "enabled"), Reading::Bool(true));
        assert_eq!(field(&doc, "rollout"), Reading::Number(25.0));
        assert_eq!(
            field(&doc, "strategies"),
            Reading::Text("flexibleRollout".into())
        );
    }

    #[test]
    fn disabled_serves_nobody_and_standard_serves_everyone() {
        let doc = env(false, json!([flexible(json!("25"), json!([]))]));
        assert_eq!(field(&doc, "rollout"), Reading::Number(0.0));
        let doc = env(
            true,
            json!([{"name": "default", "parameters": {}, "constraints": []}]),
        );
        assert_eq!(field(&doc, "rollout"), Reading::Number(100.0));
    }

    #[test]
    fn shares_that_cannot_be_told_are_missing() {
        let doc = env(true, json!([]));
        assert_eq!(
            field(&doc, "rollout"),
            Reading::Missing("enabled with no active strategy: share unknown".into())
        );
        let doc = env(
            true,
            json!([{"name": "userWithId", "parameters": {"userIds": "1,2"}}]),
        );
        assert_eq!(
            field(&doc, "rollout"),
            Reading::Missing("no gradual rollout, only userWithId: share unknown".into())
        );
        let doc = env(
            true,
            json!([
                flexible(json!("10"), json!([])),
                flexible(json!("50"), json!([]))
            ]),
        );
        assert_eq!(
            field(&doc, "rollout"),
            Reading::Missing(
                "2 strategies together (flexibleRollout, flexibleRollout): share unknown".into()
            )
        );
        let doc = env(true, json!([flexible(json!("150"), json!([]))]));
        assert_eq!(
            field(&doc, "rollout"),
            Reading::Missing("rollout percentage \"150\" is not 0 to 100".into())
        );
    }

    #[test]
    fn a_disabled_strategy_does_not_count() {
        let mut off = flexible(json!("90"), json!([]));
        off["disabled"] = json!(true);
        let doc = env(true, json!([off, flexible(json!(5), json!([]))]));
        assert_eq!(field(&doc, "rollout"), Reading::Number(5.0));
    }

    #[test]
    fn constraints_leave_a_note() {
        let doc = env(
            true,
            json!([flexible(
                json!("50"),
                json!([{"contextName": "region", "operator": "IN", "values": ["eu"]}])
            )]),
        );
        let f = read(&doc, URL).unwrap();
        assert_eq!(f.get("rollout"), Some(&Reading::Number(50.0)));
        assert_eq!(f.notes.len(), 1);
    }

    #[test]
    fn the_answer_must_be_for_the_environment_and_flag_asked() {
        for (key, wrong, said) in [
            (
                "environment",
                "development",
                "not the environment \"production\"",
            ),
            ("name", "production", "not the flag \"checkout-v2\""),
        ] {
            let mut doc = env(true, json!([]));
            doc[key] = json!(wrong);
            assert_eq!(
                read(&doc, URL).unwrap_err().to_string(),
                format!("unexpected response: {said}: got \"{wrong}\"")
            );
        }
    }

    #[test]
    fn the_recorded_answers_read() {
        let recorded = |text: &str| -> Value { serde_json::from_str(text).unwrap() };
        let five = recorded(include_str!("fixtures/unleash-rollout-5.json"));
        assert_eq!(field(&five, "enabled"), Reading::Bool(true));
        assert_eq!(field(&five, "rollout"), Reading::Number(5.0));
        let off = recorded(include_str!("fixtures/unleash-disabled.json"));
        assert_eq!(field(&off, "enabled"), Reading::Bool(false));
        assert_eq!(field(&off, "rollout"), Reading::Number(0.0));
    }

    /// unleash-server's service reads the project's default strategy for the environment
    /// beside the strategies; its controller drops it before answering (7.5.1 and 8.2.0 alike).
    /// Should a version pass it on, it is what a new strategy would be, not one the flag has.
    #[test]
    fn the_default_strategy_beside_the_strategies_does_not_count() {
        let mut doc = env(true, json!([flexible(json!("5"), json!([]))]));
        doc["defaultStrategy"] = json!({
            "name": "flexibleRollout", "constraints": [],
            "parameters": {"rollout": "100", "stickiness": "default", "groupId": ""}
        });
        assert_eq!(field(&doc, "rollout"), Reading::Number(5.0));
    }

    #[test]
    fn an_encoded_flag_name_is_compared_decoded() {
        let mut doc = env(true, json!([]));
        doc["name"] = json!("checkout v2");
        let url = URL.replace("checkout-v2", "checkout%20v2");
        assert!(read(&doc, &url).is_ok());
    }
}
