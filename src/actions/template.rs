//! `{{name}}` templates for URLs and bodies. Every value is encoded for where it stands, so
//! no value (a reason full of quotes, an ampersand, a slash) can change the shape of the
//! request around it.

use super::json;
use super::vars::Vars;
use crate::setup::BodyKind;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown placeholder {{{{{name}}}}} in the {place}; known: {}", known.join(", "))]
    Unknown {
        place: &'static str,
        name: String,
        known: Vec<String>,
    },
    #[error(
        "the {place} has `{{{{` at line {line}, column {column} that does not start a placeholder \
         like {{{{reason}}}}"
    )]
    Malformed {
        place: &'static str,
        line: usize,
        column: usize,
    },
    #[error(
        "the JSON body is not valid JSON once its values are filled in: {message}, near `{near}`"
    )]
    InvalidJson {
        line: usize,
        column: usize,
        message: String,
        near: String,
    },
    #[error("the URL is not a valid http(s) URL once its values are filled in: {0}")]
    BadUrl(String),
    #[error("`{0}` is not an HTTP method")]
    BadMethod(String),
    /// Never carries the header's value: it may be a secret.
    #[error("header `{name}` cannot be sent: {why}")]
    BadHeader { name: String, why: &'static str },
}

/// Everything but the RFC 3986 unreserved characters: a value is one path segment or one
/// query value, never a `/`, `?`, `&` or `#` that would change the URL's structure.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Fill a URL template; values are percent-encoded as path or query components.
pub fn render_url(template: &str, vars: &Vars) -> Result<String, TemplateError> {
    render_plain(template, vars, "URL", |v| {
        utf8_percent_encode(&text(v), COMPONENT).to_string()
    })
}

/// Fill a body template, encoding values for the body's kind. A JSON body is checked to parse.
/// A body whose kind is `None` is sent as written, values inserted as plain text.
pub fn render_body(template: &str, kind: BodyKind, vars: &Vars) -> Result<String, TemplateError> {
    match kind {
        BodyKind::Json => json::render(template, vars),
        BodyKind::Form => render_plain(template, vars, "body", |v| {
            form_urlencoded::byte_serialize(text(v).as_bytes()).collect()
        }),
        BodyKind::None => render_plain(template, vars, "body", text),
    }
}

/// A value as text: strings without quotes, `null` as nothing, anything else as its JSON.
pub(super) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn render_plain(
    template: &str,
    vars: &Vars,
    place: &'static str,
    encode: impl Fn(&Value) -> String,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = 0;
    while let Some(found) = template[rest..].find("{{") {
        let start = rest + found;
        out.push_str(&template[rest..start]);
        let (name, end) = placeholder_at(template, start, place)?;
        out.push_str(&encode(lookup(vars, name, place)?));
        rest = end;
    }
    out.push_str(&template[rest..]);
    Ok(out)
}

/// The placeholder starting at byte `start` (which holds `{{`): its name and the byte after
/// its closing `}}`. Names are letters, digits, `_`, `-` and `.`, with optional spaces around.
pub(super) fn placeholder_at<'t>(
    template: &'t str,
    start: usize,
    place: &'static str,
) -> Result<(&'t str, usize), TemplateError> {
    let inner_start = start + 2;
    let malformed = || {
        let before = &template[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        TemplateError::Malformed {
            place,
            line,
            column,
        }
    };
    let close = template[inner_start..].find("}}").ok_or_else(malformed)?;
    let name = template[inner_start..inner_start + close].trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !valid {
        return Err(malformed());
    }
    Ok((name, inner_start + close + 2))
}

pub(super) fn lookup<'v>(
    vars: &'v Vars,
    name: &str,
    place: &'static str,
) -> Result<&'v Value, TemplateError> {
    vars.get(name).ok_or_else(|| TemplateError::Unknown {
        place,
        name: name.to_string(),
        known: vars.names().map(str::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars::new()
            .with("release", "checkout api")
            .with("reason", "p95 > 400ms & errors = 2% / rising #1?")
            .with("to_traffic", 25)
            .with("commit", Value::Null)
            .with("emoji", "rocket 🚀")
    }

    #[test]
    fn url_values_cannot_change_the_url_structure() {
        let url = render_url(
            "https://ci.example/{{release}}/deploy?why={{reason}}&pct={{to_traffic}}&c={{commit}}",
            &vars(),
        )
        .unwrap();
        assert_eq!(
            url,
            "https://ci.example/checkout%20api/deploy?why=p95%20%3E%20400ms%20%26%20errors%20%3D%202%25%20%2F%20rising%20%231%3F&pct=25&c="
        );
        let parsed = reqwest::Url::parse(&url).unwrap();
        let pairs: Vec<_> = parsed.query_pairs().into_owned().collect();
        assert_eq!(pairs[0].1, "p95 > 400ms & errors = 2% / rising #1?");
        assert_eq!(pairs.len(), 3);
        assert_eq!(parsed.path_segments().unwrap().count(), 2);
    }

    #[test]
    fn form_values_are_form_encoded() {
        let body = render_body(
            "reason={{reason}}&who={{ emoji }}&n={{to_traffic}}",
            BodyKind::Form,
            &vars(),
        )
        .unwrap();
        let pairs: Vec<_> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs,
            [
                (
                    "reason".into(),
                    "p95 > 400ms & errors = 2% / rising #1?".into()
                ),
                ("who".into(), "rocket 🚀".into()),
                ("n".into(), "25".into())
            ]
        );
    }

    #[test]
    fn unknown_placeholder_names_itself_and_the_known_ones() {
        let err = render_url("https://x/{{releas}}", &vars()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown placeholder {{releas}} in the URL; known: commit, emoji, reason, release, to_traffic"
        );
    }

    #[test]
    fn a_stray_double_brace_is_reported_with_its_place() {
        let err = render_body("a=1\nb={{ not a name }}", BodyKind::Form, &vars()).unwrap_err();
        assert_eq!(
            err,
            TemplateError::Malformed {
                place: "body",
                line: 2,
                column: 3
            }
        );
        assert!(render_url("https://x/{{release", &vars()).is_err());
    }

    #[test]
    fn text_bodies_insert_values_as_written() {
        let body = render_body("deploy {{release}} {{commit}}.", BodyKind::None, &vars()).unwrap();
        assert_eq!(body, "deploy checkout api .");
    }
}
