//! Config errors that name the file, the line, the key path, the bad value and what was
//! expected, collected so an operator sees every problem in one run.

use super::path::{KeyPath, Seg};
use super::spans::Spans;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One problem in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The line in the file, when the key is in the file (not for environment overrides).
    pub line: Option<usize>,
    /// The key path, `conditions[1].max`; empty for problems with the file as a whole.
    pub key: String,
    /// The offending value as written (strings quoted); never set for secrets.
    pub value: Option<String>,
    /// What is wrong; may be empty when `got … — expected …` says it all.
    pub problem: String,
    pub expected: Option<String>,
}

/// Every problem found in one config, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors {
    /// The file's name as the operator knows it.
    pub origin: String,
    pub errors: Vec<ConfigError>,
}

impl fmt::Display for ConfigError {
    /// `key: problem, got value — expected what`, without the file and line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.problem)?;
        if let Some(v) = &self.value {
            if !self.problem.is_empty() {
                f.write_str(", ")?;
            }
            write!(f, "got {v}")?;
        }
        if let Some(e) = &self.expected {
            let lead = if self.problem.is_empty() && self.value.is_none() {
                ""
            } else {
                " — "
            };
            write!(f, "{lead}expected {e}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_lines(f, "")
    }
}

/// Secrets that could not be read while loading with `Secrets::Noted`, each as
/// `file:line: note: key: why` (naming the variable or file, never a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notes(pub ConfigErrors);

impl fmt::Display for Notes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_lines(f, "note: ")
    }
}

impl std::error::Error for ConfigErrors {}

impl ConfigErrors {
    /// One line per problem: `file:line: <lead>key: problem …`.
    fn write_lines(&self, f: &mut fmt::Formatter<'_>, lead: &str) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            match e.line {
                Some(line) => write!(f, "{}:{line}: {lead}{e}", self.origin)?,
                None => write!(f, "{}: {lead}{e}", self.origin)?,
            }
        }
        Ok(())
    }

    /// A problem with the file as a whole (unreadable, not TOML).
    pub fn whole_file(origin: &str, line: Option<usize>, problem: String) -> Self {
        ConfigErrors {
            origin: origin.to_string(),
            errors: vec![ConfigError {
                line,
                key: String::new(),
                value: None,
                problem,
                expected: None,
            }],
        }
    }
}

/// A value the environment put in place of (or next to) the file's.
#[derive(Debug, Clone)]
pub struct EnvValue {
    pub var: String,
    pub raw: String,
}

/// Collects errors while the config is checked; knows lines and environment overrides.
#[derive(Debug, Default)]
pub struct Report {
    spans: Spans,
    from_env: HashMap<KeyPath, EnvValue>,
    errors: Vec<ConfigError>,
    /// Paths already reported, so a removed bad value does not also show up as missing.
    reported: HashSet<KeyPath>,
    /// Secrets not read under `Secrets::Noted`: not errors, but said.
    notes: Vec<ConfigError>,
}

impl Report {
    pub fn new(spans: Spans, from_env: HashMap<KeyPath, EnvValue>) -> Self {
        Report {
            spans,
            from_env,
            ..Report::default()
        }
    }

    pub fn env_value(&self, path: &KeyPath) -> Option<&EnvValue> {
        self.from_env.get(path)
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn was_reported(&self, path: &KeyPath) -> bool {
        self.reported.contains(path)
    }

    /// Record one error. Values under `auth` or in sensitive headers are never kept.
    pub fn error(
        &mut self,
        path: &KeyPath,
        problem: impl Into<String>,
        value: Option<String>,
        expected: Option<String>,
    ) {
        let entry = self.entry(path, problem.into(), value, expected);
        self.reported.insert(path.clone());
        self.errors.push(entry);
    }

    /// Record a note: a secret at `path` that was not read, and why (never its value).
    pub fn note(&mut self, path: &KeyPath, why: impl Into<String>) {
        let entry = self.entry(path, why.into(), None, None);
        self.notes.push(entry);
    }

    pub fn was_noted(&self, path: &KeyPath) -> bool {
        let key = path.to_string();
        self.notes.iter().any(|n| n.key == key)
    }

    /// The notes so far, in file order (environment overrides last).
    pub fn take_notes(&mut self) -> Vec<ConfigError> {
        let mut notes = std::mem::take(&mut self.notes);
        notes.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
        notes
    }

    /// A problem at `path`, with its line or the variable that set it.
    fn entry(
        &self,
        path: &KeyPath,
        mut problem: String,
        value: Option<String>,
        expected: Option<String>,
    ) -> ConfigError {
        let env = path
            .ancestors()
            .find_map(|p| self.from_env.get(&p).map(|e| e.var.clone()));
        let line = match &env {
            Some(var) => {
                problem = if problem.is_empty() {
                    format!("set by {var}")
                } else {
                    format!("{problem} (set by {var})")
                };
                None
            }
            None => self.spans.line(path),
        };
        let value = if is_sensitive(path) { None } else { value };
        ConfigError {
            line,
            key: path.to_string(),
            value,
            problem,
            expected,
        }
    }

    /// `got <value> — expected <expected>`.
    pub fn invalid(&mut self, path: &KeyPath, value: String, expected: impl Into<String>) {
        self.error(path, "", Some(value), Some(expected.into()));
    }

    /// A problem with no single bad value: `stages: at least one stage is needed`.
    pub fn problem(&mut self, path: &KeyPath, problem: impl Into<String>) {
        self.error(path, problem, None, None);
    }

    /// A required key is absent (unless its bad value was already reported and dropped).
    pub fn missing(&mut self, path: &KeyPath, expected: impl Into<String>) {
        if !self.reported.contains(path) {
            self.error(path, "missing", None, Some(expected.into()));
        }
    }

    /// All errors in file order (environment overrides last), or nothing.
    pub fn finish(self, origin: &str) -> Result<(), ConfigErrors> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let mut errors = self.errors;
        errors.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
        Err(ConfigErrors {
            origin: origin.to_string(),
            errors,
        })
    }
}

/// Header names whose values are credentials: a literal value for them is refused, and no
/// value under them is ever printed.
pub fn is_sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "cookie"
    ) || ["token", "secret", "password", "api-key", "apikey", "key"]
        .iter()
        .any(|w| n.contains(w))
}

/// Anything under `auth`, or under a header with a sensitive name.
fn is_sensitive(path: &KeyPath) -> bool {
    path.0
        .iter()
        .zip(path.0.iter().skip(1))
        .any(|pair| match pair {
            (Seg::Key(h), Seg::Key(name)) if h == "headers" => is_sensitive_header(name),
            _ => false,
        })
        || path
            .0
            .iter()
            .any(|s| matches!(s, Seg::Key(k) if k == "auth"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(
        line: Option<usize>,
        key: &str,
        value: Option<&str>,
        problem: &str,
        expected: Option<&str>,
    ) -> ConfigError {
        ConfigError {
            line,
            key: key.into(),
            value: value.map(Into::into),
            problem: problem.into(),
            expected: expected.map(Into::into),
        }
    }

    #[test]
    fn prints_every_error_with_file_line_key_value_and_expectation() {
        let all = ConfigErrors {
            origin: "release.toml".into(),
            errors: vec![
                err(
                    Some(14),
                    "conditions[1].max",
                    Some("\"2%\""),
                    "",
                    Some("a number (e.g. 0.02)"),
                ),
                err(
                    Some(3),
                    "stages",
                    None,
                    "at least one stage is needed",
                    None,
                ),
                err(None, "release.version", None, "missing", Some("a string")),
                err(
                    Some(1),
                    "",
                    None,
                    "invalid TOML at column 4: extra `=`",
                    None,
                ),
            ],
        };
        assert_eq!(
            all.to_string(),
            "release.toml:14: conditions[1].max: got \"2%\" — expected a number (e.g. 0.02)\n\
             release.toml:3: stages: at least one stage is needed\n\
             release.toml: release.version: missing — expected a string\n\
             release.toml:1: invalid TOML at column 4: extra `=`"
        );
    }

    #[test]
    fn never_keeps_a_value_under_auth_or_a_sensitive_header() {
        let mut r = Report::default();
        let src = KeyPath::root().key("sources").key("api");
        r.invalid(
            &src.key("auth").key("bearer"),
            "\"hunter2\"".into(),
            "a secret ref",
        );
        r.invalid(
            &src.key("headers").key("X-Api-Token"),
            "\"hunter2\"".into(),
            "a secret ref",
        );
        r.invalid(&src.key("headers").key("Accept"), "5".into(), "a string");
        let e = r.finish("x.toml").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("got 5"), "{e}");
    }

    #[test]
    fn sensitive_header_names() {
        for n in [
            "Authorization",
            "proxy-authorization",
            "Cookie",
            "X-Auth-Token",
            "X-Api-Key",
            "apikey",
            "Client-Secret",
            "X-Password",
        ] {
            assert!(is_sensitive_header(n), "{n}");
        }
        for n in ["Accept", "Content-Type", "User-Agent", "X-Request-Id"] {
            assert!(!is_sensitive_header(n), "{n}");
        }
    }
}
