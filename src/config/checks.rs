//! What the building steps share: the context they report into, and checks of single values.

use super::error::Report;
use super::layer::Env;
use super::path::{KeyPath, Seg};
use crate::core::reading::format_number;
use crate::url_credentials::Credential;
use std::time::Duration;

pub struct Ctx<'a> {
    pub report: Report,
    pub env: &'a Env,
}

/// A value written as the file would spell it, for `got …`.
pub fn quoted(s: &str) -> String {
    super::decode::render(&toml::Value::String(s.to_string()))
}

pub fn num(n: f64) -> String {
    format_number(n)
}

pub fn dur(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

impl Ctx<'_> {
    /// A required, non-empty string.
    pub fn required(
        &mut self,
        path: &KeyPath,
        value: Option<String>,
        expected: &str,
    ) -> Option<String> {
        match value {
            None => {
                self.report.missing(path, expected);
                None
            }
            Some(s) if s.trim().is_empty() => {
                self.report
                    .invalid(path, quoted(&s), format!("{expected} (not empty)"));
                None
            }
            Some(s) => Some(s),
        }
    }

    /// A number that is neither NaN nor infinite (TOML allows both).
    pub fn finite(&mut self, path: &KeyPath, value: Option<f64>) -> Option<f64> {
        match value {
            Some(n) if !n.is_finite() => {
                self.report.invalid(path, num(n), "a finite number");
                None
            }
            other => other,
        }
    }

    /// An absolute http(s) URL. `{{var}}` placeholders (in action URLs) count as text.
    pub fn url(&mut self, path: &KeyPath, value: Option<String>) -> Option<String> {
        let url = self.required(path, value, "an http:// or https:// URL")?;
        let probe = strip_placeholders(&url);
        match reqwest::Url::parse(&probe) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                match crate::url_credentials::find(&u) {
                    None => Some(url),
                    Some(found) => {
                        self.credential_in_url(path, &url, found);
                        None
                    }
                }
            }
            _ => {
                self.report
                    .invalid(path, quoted(&url), "an http:// or https:// URL");
                None
            }
        }
    }

    /// A URL that carries a credential: refused, shown with the credential taken out, and
    /// where the credential belongs instead.
    fn credential_in_url(&mut self, path: &KeyPath, url: &str, found: Credential) {
        let problem = match found {
            Credential::UserInfo => {
                "the URL carries a credential (user:password@ before the host)".to_string()
            }
            Credential::Query(name) => {
                format!("the URL carries a credential (the query parameter {name:?})")
            }
        };
        let is_source = path.0.first() == Some(&Seg::Key("sources".into()));
        let instead = if is_source {
            "auth = { bearer = { env = \"…\" } } or headers = { Authorization = { env = \"…\" } }"
        } else {
            "headers = { Authorization = { env = \"…\" } } (or another header)"
        };
        // Whole (within reason), so the place the credential was taken from shows.
        let shown = crate::core::reading::clip(&crate::url_credentials::redacted(url), 200);
        self.report.error(
            path,
            problem,
            Some(format!("\"{}\"", shown.escape_debug())),
            Some(format!("a URL without credentials; send them as {instead}")),
        );
    }

    /// An HTTP method, upper-cased: `GET`, `POST`, `PUT`, …
    pub fn method(&mut self, path: &KeyPath, value: Option<String>, default: &str) -> String {
        let Some(m) = value else {
            return default.to_string();
        };
        let upper = m.to_ascii_uppercase();
        if upper.is_empty() || !upper.chars().all(|c| c.is_ascii_uppercase()) {
            self.report
                .invalid(path, quoted(&m), "an HTTP method such as GET or POST");
        }
        upper
    }

    /// A JSON Pointer (RFC 6901): `""` for the whole document, else `/a/0/b`.
    pub fn pointer(&mut self, path: &KeyPath, pointer: &str) -> bool {
        let escapes_ok = pointer
            .match_indices('~')
            .all(|(i, _)| matches!(pointer.as_bytes().get(i + 1), Some(b'0' | b'1')));
        let ok = (pointer.is_empty() || pointer.starts_with('/')) && escapes_ok;
        if !ok {
            self.report.invalid(
                path,
                quoted(pointer),
                "a JSON Pointer: \"\" or one starting with \"/\" (e.g. \"/data/0/value\"; ~0 for ~, ~1 for /)",
            );
        }
        ok
    }

    /// One of a few words.
    pub fn choice<'c>(
        &mut self,
        path: &KeyPath,
        value: Option<&str>,
        choices: &[&'c str],
        default: &'c str,
    ) -> Option<&'c str> {
        let Some(v) = value else {
            return Some(default);
        };
        match choices.iter().find(|c| **c == v) {
            Some(c) => Some(c),
            None => {
                self.report
                    .invalid(path, quoted(v), format!("one of: {}", choices.join(", ")));
                None
            }
        }
    }
}

/// `{{var}}` replaced by `x`, so a template can be checked as a URL.
fn strip_placeholders(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                out.push('x');
                rest = &rest[start + end + 2..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(env: &Env) -> Ctx<'_> {
        Ctx {
            report: Report::default(),
            env,
        }
    }

    #[test]
    fn urls_pointers_and_methods() {
        let env = Env::default();
        let mut c = ctx(&env);
        let p = KeyPath::root().key("u");
        assert!(
            c.url(&p, Some("https://ci.example/api?x=1".into()))
                .is_some()
        );
        assert!(
            c.url(&p, Some("http://{{host}}/hooks/{{action}}".into()))
                .is_some()
        );
        assert!(c.pointer(&p, ""));
        assert!(c.pointer(&p, "/a/0/b~1c"));
        assert_eq!(c.method(&p, Some("post".into()), "GET"), "POST");
        assert!(c.report.is_empty());
        assert!(c.url(&p, Some("ftp://x".into())).is_none());
        assert!(c.url(&p, Some("localhost:9090".into())).is_none());
        assert!(!c.pointer(&p, "a/b"));
        assert!(!c.pointer(&p, "/a~2"));
        c.method(&p, Some("GE T".into()), "GET");
        assert_eq!(c.report.finish("x").unwrap_err().errors.len(), 5);
    }

    #[test]
    fn placeholders_are_text() {
        assert_eq!(strip_placeholders("a{{b}}c{{d}}"), "axcx");
        assert_eq!(strip_placeholders("a{{b"), "a{{b");
    }
}
