//! Reading one value out of a JSON document: by JSON Pointer or by jq program, with the same
//! rules for what counts as a value (a scalar; null, lists and objects are missing, with why).

use super::query::{self, Output};
use crate::core::reading::{Reading, clip};
use crate::setup::Extract;
use serde_json::Value;

/// The value `how` picks from `doc`; `None` for extracts that are not picks from a document.
pub fn pick(doc: &Value, how: &Extract) -> Option<Reading> {
    match how {
        Extract::Pointer(p) => Some(pointer(doc, p)),
        Extract::Jq(program) => Some(jq(doc, program)),
        _ => None,
    }
}

/// The value at `pointer` (RFC 6901) as a reading; anything but a scalar is missing, with why.
pub fn pointer(doc: &Value, pointer: &str) -> Reading {
    let at = if pointer.is_empty() {
        "the top level".to_string()
    } else {
        pointer.to_string()
    };
    match doc.pointer(pointer) {
        None => Reading::Missing(format!("no value at {at}")),
        Some(Value::Null) => Reading::Missing(format!("null at {at}")),
        Some(Value::Bool(b)) => Reading::Bool(*b),
        Some(Value::String(s)) => Reading::Text(s.clone()),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) => Reading::Number(f),
            None => Reading::Missing(format!("number out of range at {at}")),
        },
        Some(Value::Object(_)) => Reading::Missing(format!("not a value at {at} (object)")),
        Some(Value::Array(_)) => Reading::Missing(format!("not a value at {at} (array)")),
    }
}

/// The one value a jq program gives. No value, several, null, a list or an object are
/// missing, each saying how to fix the program.
pub fn jq(doc: &Value, program: &str) -> Reading {
    let outputs = match query::run(program, doc) {
        Ok(o) => o,
        Err(e) => return Reading::Missing(e),
    };
    match outputs.as_slice() {
        [] => Reading::Missing("jq gave no value".into()),
        [one] => match one {
            Output::Null => Reading::Missing("jq gave null".into()),
            Output::Bool(b) => Reading::Bool(*b),
            Output::Number(n) => Reading::Number(*n),
            Output::Text(t) => Reading::Text(t.clone()),
            Output::List(n) => Reading::Missing(format!(
                "jq gave a list of {n}; end the program with length, first, last or add"
            )),
            Output::Object => Reading::Missing("jq gave an object, not a value".into()),
        },
        several => Reading::Missing(format!(
            "jq gave {}{} values; wrap the program in first(…) or end it with a count or sum",
            several.len(),
            if several.len() >= 8 { " or more" } else { "" }
        )),
    }
}

/// What an error check finds: the error's text, or `None` when the document reports none
/// (the place is absent, null, false, empty, or the program gives nothing).
pub fn reported_error(doc: &Value, at: &Extract) -> Option<String> {
    let text = |v: &Value| -> Option<String> {
        match v {
            Value::Null | Value::Bool(false) => None,
            Value::String(s) if s.trim().is_empty() => None,
            Value::Array(a) if a.is_empty() => None,
            Value::Object(o) if o.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    };
    match at {
        Extract::Pointer(p) => doc.pointer(p).and_then(text),
        Extract::Jq(program) => match query::run(program, doc) {
            // A broken check must not pass: its own error is the reported one.
            Err(e) => Some(e),
            Ok(outputs) => outputs.into_iter().find_map(|o| match o {
                Output::Null | Output::Bool(false) => None,
                Output::Text(t) if t.trim().is_empty() => None,
                Output::List(0) => None,
                Output::Bool(true) => Some("true".into()),
                Output::Number(n) => Some(crate::core::reading::format_number(n)),
                Output::Text(t) => Some(t),
                Output::List(n) => Some(format!("a list of {n}")),
                Output::Object => Some("an object".into()),
            }),
        },
        _ => None,
    }
    .map(|t| clip(&t, 200))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointer_picks_scalars_and_says_why_not() {
        let doc = json!({
            "workflow_runs": [{"conclusion": "success", "run_number": 42, "draft": false}],
            "gone": null,
        });
        assert_eq!(
            pointer(&doc, "/workflow_runs/0/conclusion"),
            Reading::Text("success".into())
        );
        assert_eq!(
            pointer(&doc, "/workflow_runs/0/run_number"),
            Reading::Number(42.0)
        );
        assert_eq!(
            pointer(&doc, "/workflow_runs/0/draft"),
            Reading::Bool(false)
        );
        assert_eq!(
            pointer(&doc, "/gone"),
            Reading::Missing("null at /gone".into())
        );
        assert_eq!(
            pointer(&doc, "/workflow_runs/1/conclusion"),
            Reading::Missing("no value at /workflow_runs/1/conclusion".into())
        );
        assert_eq!(
            pointer(&doc, "/workflow_runs"),
            Reading::Missing("not a value at /workflow_runs (array)".into())
        );
        assert_eq!(
            pointer(&doc, ""),
            Reading::Missing("not a value at the top level (object)".into())
        );
    }

    #[test]
    fn empty_pointer_on_a_scalar_document_is_the_scalar() {
        assert_eq!(pointer(&json!(0.25), ""), Reading::Number(0.25));
        assert_eq!(pointer(&json!("ok"), ""), Reading::Text("ok".into()));
    }

    #[test]
    fn jq_gives_one_value_or_says_how_to_get_one() {
        let doc = json!({"jobs": [{"s": "ok", "t": "1.5"}, {"s": "failed", "t": "2"}]});
        assert_eq!(jq(&doc, ".jobs[-1].s"), Reading::Text("failed".into()));
        assert_eq!(
            jq(&doc, "[.jobs[].t | tonumber] | add"),
            Reading::Number(3.5)
        );
        assert_eq!(jq(&doc, ".jobs | length > 1"), Reading::Bool(true));
        assert_eq!(jq(&doc, ".nope"), Reading::Missing("jq gave null".into()));
        assert_eq!(
            jq(&doc, ".jobs"),
            Reading::Missing(
                "jq gave a list of 2; end the program with length, first, last or add".into()
            )
        );
        assert_eq!(
            jq(&doc, ".jobs[].s"),
            Reading::Missing(
                "jq gave 2 values; wrap the program in first(…) or end it with a count or sum"
                    .into()
            )
        );
        assert_eq!(
            jq(&doc, r#".jobs[] | select(.s == "x")"#),
            Reading::Missing("jq gave no value".into())
        );
        assert!(
            matches!(jq(&doc, ".jobs | tonumber"), Reading::Missing(e) if e.starts_with("jq error"))
        );
    }

    #[test]
    fn errors_inside_a_2xx_are_found_by_pointer_or_jq() {
        let p = |s: &str| Extract::Pointer(s.into());
        let q = |s: &str| Extract::Jq(s.into());
        let ok = json!({"error": null, "errors": [], "message": ""});
        assert_eq!(reported_error(&ok, &p("/error")), None);
        assert_eq!(reported_error(&ok, &p("/errors")), None);
        assert_eq!(reported_error(&ok, &p("/absent")), None);
        assert_eq!(reported_error(&ok, &q(".errors[0].message")), None);
        let bad =
            json!({"error": "rate limited", "errors": [{"message": "no such build"}], "ok": false});
        assert_eq!(
            reported_error(&bad, &p("/error")),
            Some("rate limited".into())
        );
        assert_eq!(
            reported_error(&bad, &p("/errors")),
            Some(r#"[{"message":"no such build"}]"#.into())
        );
        assert_eq!(
            reported_error(&bad, &q(".errors[0].message")),
            Some("no such build".into())
        );
        assert_eq!(
            reported_error(&bad, &q(r#"if .ok then empty else "not ok" end"#)),
            Some("not ok".into())
        );
    }
}
