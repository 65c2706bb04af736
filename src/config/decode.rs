//! One table of the document into its schema type, reporting every bad key in it.
//!
//! serde stops at the first error, so decoding runs in a loop: each error is reported with its
//! key path (from `serde_path_to_error`), the offending key is dropped, and the table is read
//! again. All schema fields are optional, so the loop ends with a value whose bad parts are
//! absent; `Report` remembers them so they are not reported again as missing.

use super::error::Report;
use super::path::{KeyPath, Seg};
use serde::de::DeserializeOwned;
use toml::Value;

/// At most this many errors are collected from one table.
const MAX_ERRORS: usize = 32;

pub fn decode<T: DeserializeOwned>(value: &Value, at: &KeyPath, report: &mut Report) -> Option<T> {
    let mut v = value.clone();
    for _ in 0..MAX_ERRORS {
        let err = match serde_path_to_error::deserialize::<_, T>(v.clone()) {
            Ok(t) => return Some(t),
            Err(e) => e,
        };
        let mut rel = KeyPath::from_serde(err.path());
        let message = err.inner().message().to_string();
        // A value from the environment that read as a number or boolean where text is wanted:
        // take it as the text it was.
        if let Some(env) = report.env_value(&at.join(&rel))
            && get(&v, &rel) != Some(&Value::String(env.raw.clone()))
        {
            let raw = Value::String(env.raw.clone());
            if let Some(slot) = get_mut(&mut v, &rel) {
                *slot = raw;
                continue;
            }
        }
        let unknown = unknown_key(&message);
        if let Some(key) = &unknown.key
            && rel.0.last() != Some(&Seg::Key(key.clone()))
        {
            rel = rel.key(key);
        }
        let full = at.join(&rel);
        match unknown.key {
            Some(key) if skips_verification(&key) && closest(&key, &unknown.allowed).is_none() => {
                report.error(&full, NEVER_SKIP, None, None)
            }
            Some(key) => {
                let hint = did_you_mean(&key, &unknown.allowed);
                let expected = match unknown.allowed.len() {
                    0 => None,
                    _ => Some(format!("one of: {}", unknown.allowed.join(", "))),
                };
                report.error(&full, format!("unknown key{hint}"), None, expected);
            }
            None => match message.rfind(", expected ") {
                Some(i) if message.starts_with("invalid ") => {
                    let expected = plain_expectation(&message[i + ", expected ".len()..]);
                    let got = get(&v, &rel).map(render);
                    report.error(&full, "", got, Some(expected));
                }
                _ => report.problem(&full, message),
            },
        }
        if !remove(&mut v, &rel) {
            return None;
        }
    }
    None
}

/// Why a key that would turn certificate checks off is refused wherever it is written.
pub const NEVER_SKIP: &str = "certificate verification cannot be turned off — for a private CA set \
tls.ca = \"ca.pem\", for a certificate issued to another name set tls.server_name";

/// `insecure`, `skip_verify`, `tls_verify`, `danger_accept_invalid_certs` and the like.
fn skips_verification(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "insecure",
        "verif",
        "invalid_cert",
        "invalid_host",
        "danger",
    ]
    .iter()
    .any(|w| k.contains(w))
}

struct Unknown {
    key: Option<String>,
    allowed: Vec<String>,
}

/// `unknown field `x`, expected one of `a`, `b`` (or `expected `a``, or `there are no fields`).
fn unknown_key(message: &str) -> Unknown {
    let none = Unknown {
        key: None,
        allowed: Vec::new(),
    };
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return none;
    };
    let Some((key, tail)) = rest.split_once('`') else {
        return none;
    };
    let allowed = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Unknown {
        key: Some(key.to_string()),
        allowed,
    }
}

/// serde's names for what it wanted, in an operator's words.
fn plain_expectation(serde: &str) -> String {
    match serde {
        "f64" | "f32" => "a number (e.g. 0.02)".into(),
        "i64" | "u64" | "i32" | "u32" => "a whole number".into(),
        "a boolean" => "true or false".into(),
        "a map" => "a table".into(),
        "a sequence" => "an array".into(),
        s if s.starts_with("struct ") => "a table".into(),
        s => s.into(),
    }
}

/// A known key within two edits of `key`, for "did you mean".
fn closest<'a, S: AsRef<str>>(key: &str, allowed: &'a [S]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::levenshtein(key, a.as_ref()), a.as_ref()))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// ` (did you mean `label`?)` after "unknown key", or nothing when no known key is close.
pub fn did_you_mean<S: AsRef<str>>(key: &str, allowed: &[S]) -> String {
    closest(key, allowed)
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

/// A value as it would be written in the file, cut to a readable length.
pub fn render(v: &Value) -> String {
    const MAX: usize = 60;
    match v {
        Value::String(s) => {
            let inner: String = s.chars().take(MAX).flat_map(char::escape_debug).collect();
            let more = if s.chars().count() > MAX { "…" } else { "" };
            format!("\"{inner}{more}\"")
        }
        other => {
            let text = other.to_string();
            if text.chars().count() > MAX {
                format!("{}…", text.chars().take(MAX).collect::<String>())
            } else {
                text
            }
        }
    }
}

pub fn get<'a>(v: &'a Value, path: &KeyPath) -> Option<&'a Value> {
    path.0.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.as_table()?.get(k),
        Seg::Index(i) => v.as_array()?.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut Value, path: &KeyPath) -> Option<&'a mut Value> {
    path.0.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.as_table_mut()?.get_mut(k),
        Seg::Index(i) => v.as_array_mut()?.get_mut(*i),
    })
}

fn remove(v: &mut Value, path: &KeyPath) -> bool {
    let Some((last, init)) = path.0.split_last() else {
        return false;
    };
    match (get_mut(v, &KeyPath(init.to_vec())), last) {
        (Some(Value::Table(t)), Seg::Key(k)) => t.remove(k).is_some(),
        (Some(Value::Array(a)), Seg::Index(i)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::schema;

    fn decode_text<T: DeserializeOwned>(text: &str) -> (Option<T>, Vec<String>) {
        let v = Value::Table(toml::from_str(text).unwrap());
        let mut report = Report::default();
        let t = decode::<T>(&v, &KeyPath::root().key("conditions").index(0), &mut report);
        let errors = match report.finish("x.toml") {
            Ok(()) => vec![],
            Err(e) => e.errors.iter().map(|e| e.to_string()).collect(),
        };
        (t, errors)
    }

    #[test]
    fn reports_every_bad_key_in_one_table() {
        let (c, errors) = decode_text::<schema::Condition>(
            "id = \"err\"\nmax = \"2%\"\ntreshold = 3\nfor = \"10 minutes please\"\nlable = \"x\"\nbaseline = { factr = 2 }\n",
        );
        assert_eq!(
            errors,
            [
                "conditions[0].baseline.factr: unknown key (did you mean `factor`?) — expected one of: query, pointer, jq, field, select, aggregate, factor, offset",
                "conditions[0].for: got \"10 minutes please\" — expected a duration like \"30s\", \"10m\" or \"1h30m\"",
                "conditions[0].lable: unknown key (did you mean `label`?) — expected one of: id, label, source, query, pointer, jq, field, select, aggregate, map, max, min, warn, for, samples, unit, scale, decimals, baseline, min_traffic, observe, compare, critical",
                "conditions[0].max: got \"2%\" — expected a number (e.g. 0.02)",
                "conditions[0].treshold: unknown key — expected one of: id, label, source, query, pointer, jq, field, select, aggregate, map, max, min, warn, for, samples, unit, scale, decimals, baseline, min_traffic, observe, compare, critical",
            ]
        );
        let c = c.unwrap();
        assert_eq!(c.id.as_deref(), Some("err"));
        assert_eq!(c.max, None);
    }

    #[test]
    fn a_table_that_is_not_a_table_is_reported_once() {
        let v = Value::String("x".into());
        let mut report = Report::default();
        let got = decode::<schema::Release>(&v, &KeyPath::root().key("release"), &mut report);
        assert!(got.is_none());
        let e = report.finish("x.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.toml: release: got \"x\" — expected a table"
        );
    }

    /// The distance "did you mean" counts: edits of characters, as `closest` relies on.
    #[test]
    fn edit_distance_counts_edits() {
        use strsim::levenshtein as edit_distance;
        assert_eq!(edit_distance("treshold", "threshold"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
