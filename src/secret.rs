//! Secrets read from environment variables or files. They print as `[redacted]` in every
//! `Debug` and `Display`, so they cannot reach a log line, the screen or the journal by accident.
//!
//! The value is held by `secrecy`, which wipes it from memory when it is dropped. The wrapper
//! keeps what `secrecy` does not do: print `[redacted]` (its `Debug` shows
//! `SecretBox<str>([REDACTED])` and it has no `Display`) and compare, which tests of a `Setup`
//! holding header values need. A secret from a file remembers the file, for the sources whose
//! files rotate (a Kubernetes service-account token), which read it again on each poll.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
pub struct Secret(SecretString, Option<Arc<Origin>>);

/// The file a secret was read from, and the text put before it (`Bearer `), so that it can
/// be read again where a file rotates under a running process (a Kubernetes projected
/// service-account token).
#[derive(Debug)]
struct Origin {
    file: PathBuf,
    prefix: String,
}

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()), None)
    }

    /// A secret read from `file` (its text without the final line break).
    pub fn from_file(value: impl Into<String>, file: PathBuf) -> Self {
        let origin = Origin {
            file,
            prefix: String::new(),
        };
        Secret(SecretString::from(value.into()), Some(Arc::new(origin)))
    }

    /// The value itself, for the one place that needs it: building the HTTP request.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// `prefix` and this secret's value, remembering the file it came from, if any.
    pub fn prefixed(&self, prefix: &str) -> Secret {
        let value = format!("{prefix}{}", self.expose());
        let origin = self.1.as_ref().map(|o| {
            Arc::new(Origin {
                file: o.file.clone(),
                prefix: format!("{prefix}{}", o.prefix),
            })
        });
        Secret(SecretString::from(value), origin)
    }

    /// The secret as its file holds it now (read again), or as it was when it has no file.
    /// The error names the file, never its content.
    pub fn reread(&self) -> Result<Secret, String> {
        let Some(origin) = &self.1 else {
            return Ok(self.clone());
        };
        let shown = origin.file.display();
        let text = std::fs::read_to_string(&origin.file)
            .map_err(|e| format!("cannot read secret file {shown}: {e}"))?;
        let value = text.strip_suffix('\n').unwrap_or(&text);
        let value = value.strip_suffix('\r').unwrap_or(value);
        if value.is_empty() {
            return Err(format!("secret file {shown} is empty"));
        }
        let value = format!("{}{value}", origin.prefix);
        Ok(Secret(SecretString::from(value), self.1.clone()))
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(
            format!("{s} {s:?} {:?}", Some(&s)),
            "[redacted] [redacted] Some([redacted])"
        );
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn a_secret_from_a_file_is_read_again_with_its_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "first\n").unwrap();
        let bearer = Secret::from_file("first", file.clone()).prefixed("Bearer ");
        assert_eq!(bearer.expose(), "Bearer first");
        std::fs::write(&file, "second\n").unwrap();
        assert_eq!(bearer.reread().unwrap().expose(), "Bearer second");
        std::fs::write(&file, "").unwrap();
        let why = bearer.reread().unwrap_err();
        assert!(why.ends_with("token is empty"), "{why}");
        std::fs::remove_file(&file).unwrap();
        let why = bearer.reread().unwrap_err();
        assert!(why.starts_with("cannot read secret file"), "{why}");
        assert!(!why.contains("second"));
        let plain = Secret::new("fixed").prefixed("Bearer ");
        assert_eq!(plain.reread().unwrap().expose(), "Bearer fixed");
    }
}
