//! JSON body templates. The template is read as JSON with holes: a placeholder inside a string
//! literal gets the value's escaped text; a placeholder standing as a whole value (bare, or the
//! only content of a string literal that is not an object key) gets the value's own JSON, so a
//! number stays a number and `null` stays `null`. The result is parsed before it is sent.

use super::template::{TemplateError, lookup, placeholder_at, text};
use super::vars::Vars;
use serde_json::Value;

pub(super) fn render(template: &str, vars: &Vars) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + 64);
    // Where the string literal being read opened, in the template; None outside strings.
    let mut open: Option<usize> = None;
    let mut i = 0;
    while i < template.len() {
        let rest = &template[i..];
        if rest.starts_with("{{") {
            let (name, end) = placeholder_at(template, i, "body")?;
            let value = lookup(vars, name, "body")?;
            match open {
                None => out.push_str(&value.to_string()),
                Some(q) if q + 1 == i && whole_value_string(template, end) => {
                    out.pop(); // the opening quote: the value brings its own, if any
                    out.push_str(&value.to_string());
                    open = None;
                    i = end + 1;
                    continue;
                }
                Some(_) => out.push_str(&escaped(value)),
            }
            i = end;
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8();
        match (open, c) {
            (Some(_), '\\') => {
                // Copy the escaped character as is, so `\"` does not close the string.
                if let Some(e) = template[i..].chars().next() {
                    out.push(e);
                    i += e.len_utf8();
                }
            }
            (Some(_), '"') => open = None,
            (None, '"') => open = Some(i - 1),
            _ => {}
        }
    }
    check(&out)?;
    Ok(out)
}

/// After a placeholder ending at `end`: the string literal closes right there and is a value,
/// not an object key (a key must stay a string).
fn whole_value_string(template: &str, end: usize) -> bool {
    let Some(after) = template[end..].strip_prefix('"') else {
        return false;
    };
    !after.trim_start().starts_with(':')
}

/// The value's text escaped for the inside of a JSON string literal, without the quotes.
fn escaped(value: &Value) -> String {
    let quoted = Value::String(text(value)).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

fn check(body: &str) -> Result<(), TemplateError> {
    let Err(e) = serde_json::from_str::<Value>(body) else {
        return Ok(());
    };
    let line = body.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
    let chars: Vec<char> = line.chars().collect();
    let at = e.column().saturating_sub(1).min(chars.len());
    let near: String = chars[at.saturating_sub(20)..(at + 20).min(chars.len())]
        .iter()
        .map(|&c| if c.is_control() { ' ' } else { c })
        .collect();
    Err(TemplateError::InvalidJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
        near,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NASTY: &str =
        "quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} emoji 🚀 \u{2028} }} {{x}}";

    fn vars() -> Vars {
        Vars::new()
            .with("reason", NASTY)
            .with("to_traffic", 25)
            .with("ratio", 0.5)
            .with("commit", Value::Null)
            .with("flag", true)
            .with("release", "api")
    }

    fn parse(template: &str) -> Value {
        serde_json::from_str(&render(template, &vars()).unwrap()).unwrap()
    }

    #[test]
    fn strings_survive_any_content() {
        let v = parse(r#"{"reason": "{{reason}}", "msg": "why: {{reason}} ({{release}})"}"#);
        assert_eq!(v["reason"], NASTY);
        assert_eq!(v["msg"], format!("why: {NASTY} (api)"));
    }

    #[test]
    fn whole_values_keep_their_type() {
        let v = parse(
            r#"{"a": {{to_traffic}}, "b": "{{to_traffic}}", "c": {{commit}}, "d": "{{commit}}",
                "e": {{flag}}, "f": [{{ratio}}, "{{release}}"], "g": "at {{to_traffic}}%"}"#,
        );
        assert_eq!(v["a"], 25);
        assert_eq!(v["b"], 25);
        assert_eq!(v["c"], Value::Null);
        assert_eq!(v["d"], Value::Null);
        assert_eq!(v["e"], true);
        assert_eq!(v["f"], serde_json::json!([0.5, "api"]));
        assert_eq!(v["g"], "at 25%");
    }

    #[test]
    fn literal_null_and_merge_patches_pass_through() {
        let out = render(
            r#"{"status":{"abort":null},"spec":{"paused":false}}"#,
            &vars(),
        )
        .unwrap();
        assert_eq!(out, r#"{"status":{"abort":null},"spec":{"paused":false}}"#);
    }

    #[test]
    fn a_placeholder_as_a_key_stays_a_string() {
        let v = parse(r#"{"{{to_traffic}}" : "{{release}}", "k{{flag}}": 1}"#);
        assert_eq!(v["25"], "api");
        assert_eq!(v["ktrue"], 1);
    }

    #[test]
    fn escaped_quotes_in_the_template_do_not_end_a_string() {
        let v = parse(r#"{"m": "say \"{{release}}\" and \\", "n": {{to_traffic}}}"#);
        assert_eq!(v["m"], "say \"api\" and \\");
        assert_eq!(v["n"], 25);
    }

    #[test]
    fn invalid_json_says_where() {
        let err = render("{\"a\": 1,\n \"b\": {{to_traffic}} \"c\": 2}", &vars()).unwrap_err();
        match err {
            TemplateError::InvalidJson {
                line, column, near, ..
            } => {
                assert_eq!((line, column), (2, 10));
                assert!(near.contains("25 \"c\""), "{near}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_placeholder_in_a_json_body() {
        let err = render(r#"{"a": "{{nope}}"}"#, &vars()).unwrap_err();
        assert!(
            matches!(err, TemplateError::Unknown { ref name, place: "body", .. } if name == "nope")
        );
    }

    #[test]
    fn any_value_in_any_position_renders_valid_json() {
        let values = [
            Value::from(NASTY),
            Value::Null,
            Value::from(-1.25e-7),
            Value::from(false),
            serde_json::json!({"k": ["\"", null]}),
            Value::from(""),
        ];
        let template = r#"{"a": {{v}}, "b": "{{v}}", "c": "x{{v}}y", "{{v}}": [{{v}}, "{{v}}"]}"#;
        for value in values {
            let vars = Vars::new().with("v", value.clone());
            let v: Value = serde_json::from_str(&render(template, &vars).unwrap()).unwrap();
            assert_eq!(v["a"], value);
            assert_eq!(v["b"], value);
        }
    }
}
