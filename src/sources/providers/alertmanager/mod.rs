//! Alertmanager (API v2): `GET /api/v2/alerts` with the source's label matchers as `filter`
//! parameters. Firing alerts are those neither silenced nor inhibited (and those Alertmanager
//! has not processed yet: an alert not known to be silenced counts as firing). Silenced and
//! inhibited alerts are counted apart and named as such.

use super::fields::Fields;
use super::keys::Key;
use super::{Api, Poll, Provider};
use crate::config::Given;
use crate::core::reading::Reading;
use crate::setup::{ReleaseInfo, SourceKind};
use crate::sources::error::SourceError;
use serde_json::Value;

/// Alertmanager's API v2: the alerts matching the source's label matchers.
pub static PROVIDER: Provider = Provider::fields(
    "alertmanager",
    &[&MATCHERS],
    request,
    FIELDS,
    Poll::Answer(read),
);

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const Alertmanager: SourceKind = SourceKind::of(&PROVIDER);
}

pub static MATCHERS: Key = Key::texts(
    "matchers",
    "label matchers the alerts must match, `severity=\"critical\"`",
);

pub const FIELDS: &[super::fields::FieldDoc] = &[
    (
        "firing",
        "number of firing alerts (not silenced, not inhibited)",
    ),
    ("names", "names of the firing alerts, or \"none\""),
    ("silenced", "number of silenced alerts"),
    ("inhibited", "number of inhibited alerts"),
    (
        "suppressed",
        "silenced and inhibited alerts by name (\"silenced: A, B; inhibited: C\"), or \"none\"",
    ),
];

/// The query parameters for `/api/v2/alerts`: every state, so suppressed alerts are seen too.
const STATES: [(&str, &str); 4] = [
    ("active", "true"),
    ("silenced", "true"),
    ("inhibited", "true"),
    ("unprocessed", "true"),
];

/// `/api/v2/alerts?active=true&…&filter=<matcher>…`.
fn request(given: &mut Given, _release: &ReleaseInfo) -> Option<Api> {
    let mut api = Api::at(["api", "v2", "alerts"]);
    for (k, v) in STATES {
        api.query(k, v);
    }
    for (i, m) in given
        .texts(&MATCHERS)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if matcher_ok(m) {
            api.query("filter", m.trim());
        } else {
            let expected = "a label matcher such as severity=\"critical\" (=, !=, =~ or !~)";
            given.invalid_item(&MATCHERS, i, m, expected);
        }
    }
    Some(api)
}

/// `name="value"`, `name!="value"`, `name=~"re"`, `name!~"re"` (the value may be unquoted).
fn matcher_ok(m: &str) -> bool {
    let m = m.trim();
    let name_end = m
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(m.len());
    let (name, rest) = m.split_at(name_end);
    let starts_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest = rest.trim_start();
    let value = ["=~", "!~", "!=", "="]
        .iter()
        .find_map(|op| rest.strip_prefix(op));
    starts_ok && value.is_some_and(|v| !v.trim().is_empty())
}

pub fn read(doc: &Value, _url: &str) -> Result<Fields, SourceError> {
    let Some(alerts) = doc.as_array() else {
        return Err(SourceError::Unexpected(
            "alerts: expected a list of alerts".into(),
        ));
    };
    let mut firing: Vec<String> = Vec::new();
    let mut silenced: Vec<String> = Vec::new();
    let mut inhibited: Vec<String> = Vec::new();
    for alert in alerts {
        let name = alert["labels"]["alertname"]
            .as_str()
            .unwrap_or("(no alertname)")
            .to_string();
        let status = &alert["status"];
        let non_empty = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
        let is_silenced = non_empty(&status["silencedBy"]);
        let is_inhibited = non_empty(&status["inhibitedBy"]);
        match status["state"].as_str() {
            Some("suppressed") | None if is_silenced || is_inhibited => {
                if is_silenced {
                    silenced.push(name.clone());
                }
                if is_inhibited {
                    inhibited.push(name);
                }
            }
            // active, unprocessed, or suppressed without saying by what: it may be firing.
            _ => firing.push(name),
        }
    }
    let mut f = Fields::default();
    f.set("firing", Reading::Number(firing.len() as f64));
    f.set("silenced", Reading::Number(silenced.len() as f64));
    f.set("inhibited", Reading::Number(inhibited.len() as f64));
    f.set("names", Reading::Text(list(&firing)));
    let mut groups: Vec<String> = Vec::new();
    if !silenced.is_empty() {
        groups.push(format!("silenced: {}", list(&silenced)));
    }
    if !inhibited.is_empty() {
        groups.push(format!("inhibited: {}", list(&inhibited)));
    }
    // The state first: a long alert name may be cut short on screen, the word must not be.
    f.set(
        "suppressed",
        Reading::Text(if groups.is_empty() {
            "none".into()
        } else {
            groups.join("; ")
        }),
    );
    Ok(f)
}

/// Names sorted, each once with a count when repeated: "CheckoutDown ×2, HighLatency".
fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    let mut sorted = names.to_vec();
    sorted.sort();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let n = sorted[i..].iter().take_while(|x| **x == sorted[i]).count();
        out.push(if n > 1 {
            format!("{} ×{n}", sorted[i])
        } else {
            sorted[i].clone()
        });
        i += n;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URL: &str = "https://alertmanager.example/api/v2/alerts?active=true";

    #[test]
    fn matchers() {
        for ok in [
            "severity=\"critical\"",
            "service = \"checkout\"",
            "alertname=~\"Checkout.*\"",
            "env!=staging",
            "team!~\"a|b\"",
        ] {
            assert!(matcher_ok(ok), "{ok}");
        }
        for bad in ["severity", "=\"x\"", "9x=\"y\"", "a=", "a ~ b"] {
            assert!(!matcher_ok(bad), "{bad}");
        }
    }

    fn alert(name: &str, state: &str, silenced: &[&str], inhibited: &[&str]) -> Value {
        json!({
            "labels": {"alertname": name, "severity": "critical", "service": "checkout"},
            "annotations": {"summary": "…"},
            "startsAt": "2024-05-01T10:00:00.000Z",
            "endsAt": "2024-05-01T10:05:00.000Z",
            "updatedAt": "2024-05-01T10:01:00.000Z",
            "fingerprint": "3f2a",
            "receivers": [{"name": "pager"}],
            "status": {"state": state, "silencedBy": silenced, "inhibitedBy": inhibited},
            "generatorURL": "http://prometheus/graph"
        })
    }

    fn text(f: &Fields, name: &str) -> String {
        f.get(name).and_then(|r| r.as_text()).unwrap()
    }

    #[test]
    fn nothing_firing() {
        let f = read(&json!([]), URL).unwrap();
        assert_eq!(f.get("firing"), Some(&Reading::Number(0.0)));
        assert_eq!(text(&f, "names"), "none");
        assert_eq!(text(&f, "suppressed"), "none");
    }

    #[test]
    fn firing_silenced_and_inhibited_are_told_apart() {
        let doc = json!([
            alert("CheckoutErrors", "active", &[], &[]),
            alert("CheckoutErrors", "active", &[], &[]),
            alert("HighLatency", "unprocessed", &[], &[]),
            alert("DiskFull", "suppressed", &["silence-1"], &[]),
            alert("PodRestarts", "suppressed", &[], &["b1c2"]),
        ]);
        let f = read(&doc, URL).unwrap();
        assert_eq!(f.get("firing"), Some(&Reading::Number(3.0)));
        assert_eq!(text(&f, "names"), "CheckoutErrors ×2, HighLatency");
        assert_eq!(f.get("silenced"), Some(&Reading::Number(1.0)));
        assert_eq!(f.get("inhibited"), Some(&Reading::Number(1.0)));
        assert_eq!(
            text(&f, "suppressed"),
            "silenced: DiskFull; inhibited: PodRestarts"
        );
    }

    #[test]
    fn suppressed_without_a_reason_counts_as_firing() {
        let f = read(&json!([alert("Odd", "suppressed", &[], &[])]), URL).unwrap();
        assert_eq!(f.get("firing"), Some(&Reading::Number(1.0)));
    }

    #[test]
    fn not_a_list_is_unexpected() {
        let e = read(&json!({"alerts": []}), URL).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected response: alerts: expected a list of alerts"
        );
    }
}
