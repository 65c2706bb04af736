//! LaunchDarkly: one flag in one environment, over `GET /api/v2/flags/{project}/{flag}?env=…`
//! (the documented feature flag shape, `environments` keyed by environment key): whether it is
//! on, and the percentage of default-rule (fallthrough) traffic served `true`. The answer
//! must be the flag asked (`key`) and hold the environment asked.

use super::fields::Fields;
use super::flags::{ENVIRONMENT, FLAG, PROJECT, flag_keys};
use super::keys::Key;
use super::{Api, Poll, Provider};
use crate::config::Given;
use crate::core::reading::Reading;
use crate::setup::{ReleaseInfo, SourceKind};
use crate::sources::error::SourceError;
use serde_json::Value;

/// LaunchDarkly: a flag in one environment.
pub static PROVIDER: Provider = Provider {
    default_url: Some(API),
    default_headers: HEADERS,
    refuses_bearer: Some(BEARER),
    ..Provider::fields("launchdarkly", KEYS, request, FIELDS, Poll::Answer(read))
};

const KEYS: &[&Key] = &[&PROJECT, &FLAG, &ENVIRONMENT];

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const LaunchDarkly: SourceKind = SourceKind::of(&PROVIDER);
}

/// Where LaunchDarkly's API lives unless `url` says otherwise (a relay).
const API: &str = "https://app.launchdarkly.com";

/// LaunchDarkly's API version, sent unless the source sets its own (without it, the version
/// the access token was created with answers).
const HEADERS: &[(&str, &str)] = &[("LD-API-Version", "20240415")];

const BEARER: &str = "LaunchDarkly takes the access token itself as the Authorization value, \
                      without \"Bearer\": use headers = { Authorization = { env = \"…\" } }";

/// `/api/v2/flags/{project}/{flag}?env={environment}`.
fn request(given: &mut Given, release: &ReleaseInfo) -> Option<Api> {
    let (project, flag, env) = flag_keys(given, release)?;
    let mut api = Api::at(["api", "v2", "flags", &project, &flag]);
    api.query("env", env);
    Some(api)
}

pub const FIELDS: &[super::fields::FieldDoc] = &[
    ("on", "true or false: targeting is on in the environment"),
    (
        "rollout",
        "percent of default-rule traffic served true (boolean flags): 0 or 100 for a fixed \
         variation, the rollout's weight otherwise, and what the off variation serves when off",
    ),
];

/// Rollout weights are thousandths of a percent.
const WEIGHT_PER_PERCENT: f64 = 1000.0;

pub fn read(doc: &Value, url: &str) -> Result<Fields, SourceError> {
    let flag = super::fields::last_segment(url).unwrap_or_default();
    if doc["key"].as_str() != Some(flag.as_str()) {
        let got = match &doc["key"] {
            Value::String(k) => format!("{:?}", crate::sources::error::quote(k, 30)),
            _ => "no key".into(),
        };
        return Err(SourceError::Unexpected(format!(
            "not the flag {flag:?}: got {got}"
        )));
    }
    let asked = super::fields::query_param(url, "env").unwrap_or_default();
    let env = &doc["environments"][asked.as_str()];
    if !env.is_object() {
        return Err(SourceError::Unexpected(format!(
            "environment {asked:?} is not in the answer"
        )));
    }
    let Some(on) = env["on"].as_bool() else {
        return Err(SourceError::Unexpected(
            "no \"on\" for the environment".into(),
        ));
    };
    let mut f = Fields::default();
    f.set("on", Reading::Bool(on));
    let serves_true: Option<Vec<bool>> = doc["variations"].as_array().and_then(|vs| {
        vs.iter()
            .map(|v| v["value"].as_bool())
            .collect::<Option<Vec<bool>>>()
    });
    let Some(serves_true) = serves_true else {
        f.set(
            "rollout",
            Reading::Missing("not a boolean flag: its rollout is not a share".into()),
        );
        return Ok(f);
    };
    let rollout = if on {
        default_rule_share(&env["fallthrough"], &serves_true)
    } else {
        match &env["offVariation"] {
            Value::Null => Reading::Missing(
                "off with no off variation: the application's default decides".into(),
            ),
            i => fixed(i, &serves_true),
        }
    };
    let some = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
    if on && (some(&env["rules"]) || some(&env["targets"]) || some(&env["contextTargets"])) {
        f.notes.push(
            "targets or rules serve some traffic before the default rule; rollout counts the \
             default rule only"
                .into(),
        );
    }
    f.set("rollout", rollout);
    Ok(f)
}

/// 100 when variation `i` serves true, 0 when it serves false.
fn fixed(i: &Value, serves_true: &[bool]) -> Reading {
    match i.as_u64().and_then(|i| serves_true.get(i as usize)) {
        Some(true) => Reading::Number(100.0),
        Some(false) => Reading::Number(0.0),
        None => Reading::Missing("variation index out of range".into()),
    }
}

/// The default rule's share of `true`: a fixed variation, or the weights of a rollout.
fn default_rule_share(fall: &Value, serves_true: &[bool]) -> Reading {
    if fall["variation"].is_number() {
        return fixed(&fall["variation"], serves_true);
    }
    let Some(weights) = fall["rollout"]["variations"].as_array() else {
        return Reading::Missing("the default rule has neither a variation nor a rollout".into());
    };
    let mut total = 0.0;
    for w in weights {
        let served = w["variation"]
            .as_u64()
            .and_then(|i| serves_true.get(i as usize));
        match served {
            Some(true) => total += w["weight"].as_f64().unwrap_or(0.0),
            Some(false) => {}
            None => return Reading::Missing("variation index out of range".into()),
        }
    }
    Reading::Number(total / WEIGHT_PER_PERCENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URL: &str =
        "https://app.launchdarkly.com/api/v2/flags/default/checkout-v2?env=production";

    fn flag(on: bool, fallthrough: Value) -> Value {
        json!({
            "key": "checkout-v2", "name": "Checkout v2", "kind": "boolean",
            "variations": [{"_id": "a", "value": true}, {"_id": "b", "value": false}],
            "environments": {
                "production": {
                    "on": on, "archived": false, "salt": "x", "sel": "y",
                    "lastModified": 1714557600000u64, "version": 7,
                    "targets": [], "contextTargets": [], "rules": [],
                    "fallthrough": fallthrough, "offVariation": 1, "prerequisites": [],
                    "_site": {"href": "/default/production/features/checkout-v2"}
                }
            }
        })
    }

    fn field(doc: &Value, name: &str) -> Reading {
        read(doc, URL).unwrap().get(name).cloned().unwrap()
    }

    #[test]
    fn a_percentage_rollout_is_the_weight_of_true() {
        let doc = flag(
            true,
            json!({"rollout": {"variations": [
                {"variation": 0, "weight": 25000}, {"variation": 1, "weight": 75000}
            ], "bucketBy": "key"}}),
        );
        assert_eq!(field(&doc, "on"), Reading::Bool(true));
        assert_eq!(field(&doc, "rollout"), Reading::Number(25.0));
    }

    #[test]
    fn fixed_variations_and_off() {
        assert_eq!(
            field(&flag(true, json!({"variation": 0})), "rollout"),
            Reading::Number(100.0)
        );
        assert_eq!(
            field(&flag(true, json!({"variation": 1})), "rollout"),
            Reading::Number(0.0)
        );
        let off = flag(false, json!({"variation": 0}));
        assert_eq!(field(&off, "on"), Reading::Bool(false));
        assert_eq!(field(&off, "rollout"), Reading::Number(0.0));
    }

    #[test]
    fn an_environment_not_in_the_answer_is_unexpected() {
        let doc = flag(true, json!({"variation": 0}));
        let e = read(
            &doc,
            "https://x/api/v2/flags/default/checkout-v2?env=staging",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: environment \"staging\" is not in the answer"
        );
    }

    #[test]
    fn a_multivariate_flag_has_no_share() {
        let mut doc = flag(true, json!({"variation": 0}));
        doc["variations"] = json!([{"value": "blue"}, {"value": "green"}]);
        assert_eq!(
            field(&doc, "rollout"),
            Reading::Missing("not a boolean flag: its rollout is not a share".into())
        );
        assert_eq!(field(&doc, "on"), Reading::Bool(true));
    }

    #[test]
    fn another_flag_is_unexpected() {
        let mut doc = flag(true, json!({"variation": 0}));
        doc["key"] = json!("checkout-v1");
        let e = read(&doc, URL).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: not the flag \"checkout-v2\": got \"checkout-v1\""
        );
    }
}
