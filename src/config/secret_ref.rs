//! Secret references, resolved at load: `{ env = "NAME" }` or `{ file = "path" }`. Literal
//! secrets in the file are refused, and no error ever carries a secret's value.

use super::checks::Ctx;
use super::error::is_sensitive_header;
use super::path::KeyPath;
use super::schema::{Auth, Headers, SecretRef, TextOrSecret};
use crate::secret::Secret;
use base64::Engine;
use reqwest::header::{HeaderName, HeaderValue};

pub const LITERAL: &str =
    "literal secret in the config file — use { env = \"NAME\" } or { file = \"path\" }";
const REF_EXPECTED: &str = "{ env = \"NAME\" } or { file = \"path\" }";

/// What loading does with a secret it cannot read (a variable unset or empty, a file
/// missing, unreadable or empty).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Secrets {
    /// An error: whatever runs the release needs every secret, and refuses to start without.
    #[default]
    Required,
    /// A note, and the secret is left out: for checking a config where its secrets are not
    /// (a pull request), and for commands that send nothing (`audit`). What is loaded so is
    /// never run.
    Noted,
}

impl Ctx<'_> {
    pub fn secret(&mut self, path: &KeyPath, r: &SecretRef) -> Option<Secret> {
        match (&r.env, &r.file) {
            (Some(_), Some(_)) => {
                self.report.error(
                    path,
                    "set either env or file, not both",
                    None,
                    Some(REF_EXPECTED.into()),
                );
                None
            }
            (None, None) => {
                // Unless the env/file key itself was reported (and dropped) already.
                if !self.report.was_reported(&path.key("env"))
                    && !self.report.was_reported(&path.key("file"))
                {
                    self.report.error(
                        path,
                        "empty secret reference",
                        None,
                        Some(REF_EXPECTED.into()),
                    );
                }
                None
            }
            (Some(var), None) => match self.env.var(var) {
                Some(v) if !v.is_empty() => Some(Secret::new(v)),
                Some(_) => self.unread(path, format!("environment variable {var} is empty")),
                None => self.unread(path, format!("environment variable {var} is not set")),
            },
            (None, Some(file)) => {
                let full = self.env.resolve(file);
                match std::fs::read_to_string(&full) {
                    Ok(text) => {
                        let value = text.strip_suffix('\n').unwrap_or(&text);
                        let value = value.strip_suffix('\r').unwrap_or(value);
                        if value.is_empty() {
                            self.unread(path, format!("secret file {} is empty", full.display()))
                        } else {
                            Some(Secret::from_file(value, full))
                        }
                    }
                    Err(e) => self.unread(
                        path,
                        format!("cannot read secret file {}: {e}", full.display()),
                    ),
                }
            }
        }
    }

    /// A secret that cannot be read: an error, or a note under `Secrets::Noted`. `why` names
    /// the variable or file, never a value.
    fn unread(&mut self, path: &KeyPath, why: String) -> Option<Secret> {
        match self.env.secrets {
            Secrets::Required => self.report.problem(path, why),
            Secrets::Noted => self.report.note(path, why),
        }
        None
    }

    /// A value that must be a secret reference.
    pub(super) fn secret_only(&mut self, path: &KeyPath, v: &TextOrSecret) -> Option<Secret> {
        match v {
            TextOrSecret::Text(_) => {
                self.report.problem(path, LITERAL);
                None
            }
            TextOrSecret::Secret(r) => self.secret(path, r),
        }
    }

    /// Headers with their values resolved; plain text is fine unless the name looks sensitive.
    pub fn headers(&mut self, path: &KeyPath, headers: Option<&Headers>) -> Vec<(String, Secret)> {
        let mut out = Vec::new();
        for (name, value) in headers.into_iter().flatten() {
            let at = path.key(name);
            if HeaderName::from_bytes(name.as_bytes()).is_err() {
                self.report.error(
                    &at,
                    "not a valid HTTP header name",
                    None,
                    Some("letters, digits and - (e.g. X-Api-Key)".into()),
                );
                continue;
            }
            let secret = match value {
                TextOrSecret::Text(_) if is_sensitive_header(name) => {
                    self.report.problem(&at, LITERAL);
                    None
                }
                TextOrSecret::Text(t) => Some(Secret::new(t.as_str())),
                TextOrSecret::Secret(r) => self.secret(&at, r),
            };
            if let Some(s) = secret
                && self.header_value_ok(&at, &s)
            {
                out.push((name.clone(), s));
            }
        }
        out
    }

    fn header_value_ok(&mut self, path: &KeyPath, value: &Secret) -> bool {
        let ok = HeaderValue::from_str(value.expose()).is_ok();
        if !ok {
            self.report.problem(
                path,
                "not a valid HTTP header value (it holds a line break or control character)",
            );
        }
        ok
    }

    /// `auth = { bearer = … }` or `{ basic = { username, password } }` as an Authorization header.
    pub fn auth(&mut self, path: &KeyPath, auth: &Auth) -> Option<(String, Secret)> {
        let value = match (&auth.bearer, &auth.basic) {
            (Some(_), Some(_)) => {
                self.report
                    .problem(path, "set either bearer or basic, not both");
                return None;
            }
            (None, None) => {
                if !self.report.was_reported(&path.key("bearer"))
                    && !self.report.was_reported(&path.key("basic"))
                {
                    self.report.error(path, "empty auth", None, Some("{ bearer = { env = \"NAME\" } } or { basic = { username = \"u\", password = { env = \"NAME\" } } }".into()));
                }
                return None;
            }
            (Some(bearer), None) => {
                let token = self.secret_only(&path.key("bearer"), bearer)?;
                token.prefixed("Bearer ")
            }
            (None, Some(basic)) => {
                let at = path.key("basic");
                let user =
                    self.required(&at.key("username"), basic.username.clone(), "a user name");
                let password = match &basic.password {
                    Some(p) => self.secret_only(&at.key("password"), p),
                    None => {
                        self.report.missing(&at.key("password"), REF_EXPECTED);
                        None
                    }
                };
                let pair = format!("{}:{}", user?, password?.expose());
                Secret::new(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
        };
        self.header_value_ok(path, &value)
            .then(|| ("Authorization".to_string(), value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::error::Report;
    use crate::config::layer::Env;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)], dir: Option<&std::path::Path>) -> Env {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Env::new(vars, false, dir.map(Into::into))
    }

    fn errors(c: Ctx<'_>) -> String {
        c.report
            .finish("x.toml")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn resolves_env_and_file_refs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "s3cret-file\n").unwrap();
        let e = env(
            &[("API_TOKEN", "s3cret-env"), ("EMPTY", "")],
            Some(dir.path()),
        );
        let mut c = Ctx {
            report: Report::default(),
            env: &e,
        };
        let p = KeyPath::root().key("h");
        let from_env = SecretRef {
            env: Some("API_TOKEN".into()),
            file: None,
        };
        let from_file = SecretRef {
            env: None,
            file: Some("token".into()),
        };
        assert_eq!(c.secret(&p, &from_env).unwrap().expose(), "s3cret-env");
        assert_eq!(c.secret(&p, &from_file).unwrap().expose(), "s3cret-file");
        assert!(c.report.is_empty());
        c.secret(
            &p,
            &SecretRef {
                env: Some("NOPE".into()),
                file: None,
            },
        );
        c.secret(
            &p,
            &SecretRef {
                env: Some("EMPTY".into()),
                file: None,
            },
        );
        c.secret(
            &p,
            &SecretRef {
                env: None,
                file: Some("missing".into()),
            },
        );
        let text = errors(c);
        assert!(
            text.contains("h: environment variable NOPE is not set"),
            "{text}"
        );
        assert!(
            text.contains("h: environment variable EMPTY is empty"),
            "{text}"
        );
        assert!(text.contains("h: cannot read secret file"), "{text}");
    }

    #[test]
    fn refuses_literal_secrets_and_never_prints_them() {
        let e = env(&[], None);
        let mut c = Ctx {
            report: Report::default(),
            env: &e,
        };
        let mut headers = Headers::new();
        headers.insert(
            "Authorization".into(),
            TextOrSecret::Text("Bearer hunter2".into()),
        );
        headers.insert("X-Api-Key".into(), TextOrSecret::Text("hunter2".into()));
        headers.insert(
            "Accept".into(),
            TextOrSecret::Text("application/json".into()),
        );
        let got = c.headers(&KeyPath::root().key("headers"), Some(&headers));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "Accept");
        let auth = Auth {
            bearer: Some(TextOrSecret::Text("hunter2".into())),
            basic: None,
        };
        assert!(c.auth(&KeyPath::root().key("auth"), &auth).is_none());
        let text = errors(c);
        assert_eq!(
            text.matches("literal secret in the config file").count(),
            3,
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn basic_auth_becomes_an_authorization_header() {
        let e = env(&[("PW", "pass")], None);
        let mut c = Ctx {
            report: Report::default(),
            env: &e,
        };
        let auth = Auth {
            bearer: None,
            basic: Some(crate::config::schema::Basic {
                username: Some("user".into()),
                password: Some(TextOrSecret::Secret(SecretRef {
                    env: Some("PW".into()),
                    file: None,
                })),
            }),
        };
        let (name, value) = c.auth(&KeyPath::root().key("auth"), &auth).unwrap();
        assert_eq!(
            (name.as_str(), value.expose()),
            ("Authorization", "Basic dXNlcjpwYXNz")
        );
    }
}
