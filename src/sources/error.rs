//! Why a poll failed, in the few words the sources panel has room for. Never a header value,
//! never a URL (either may carry a secret).

use serde_json::Value;
use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// The whole request, body included, took longer than the source's timeout.
    Timeout(Duration),
    /// No connection: refused, reset, unreachable, DNS, TLS. The words say which.
    Connect(String),
    /// A non-2xx answer that says nothing more useful.
    Status { code: u16, reason: Option<String> },
    /// The body is not JSON at all (an HTML error page, a proxy's login form).
    NotJson(String),
    /// The body looks like JSON but does not parse.
    BadJson(String),
    /// The body is larger than the client's cap.
    TooLarge(usize),
    /// Prometheus answered `status: "error"`, with this HTTP status (400 for a query it cannot
    /// parse, 422 for one it cannot run, 503 for a timeout).
    Prometheus {
        status: u16,
        kind: String,
        message: String,
    },
    /// Valid JSON of an unexpected shape.
    Unexpected(String),
    /// A 2xx answer that reports an error inside (`error_pointer`, `error_jq`).
    Reported(String),
    /// A jq program that did not finish within the source's timeout.
    Program(String),
    /// Anything else while sending the request or reading the answer.
    Request(String),
}

/// At most this many characters of text quoted from a response.
const QUOTE: usize = 40;

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Timeout(d) => write!(f, "timeout after {}", duration_words(*d)),
            SourceError::Connect(why) => f.write_str(why),
            SourceError::Status { code, reason: None } => write!(f, "HTTP {code}"),
            SourceError::Status {
                code,
                reason: Some(r),
            } => write!(f, "HTTP {code} {r}"),
            SourceError::NotJson(start) => write!(f, "not JSON: {start}"),
            SourceError::BadJson(why) => write!(f, "bad JSON: {why}"),
            SourceError::TooLarge(limit) => write!(f, "response over {}", size_words(*limit)),
            SourceError::Prometheus {
                status: 200..=299,
                kind,
                message,
            } => write!(f, "prometheus error: {kind}: {}", quote(message, 80)),
            // VictoriaMetrics' errorType is the status itself ("422"): say it once.
            SourceError::Prometheus {
                status,
                kind,
                message,
            } if *kind == status.to_string() => {
                write!(f, "HTTP {status}: {}", quote(message, 80))
            }
            SourceError::Prometheus {
                status,
                kind,
                message,
            } => write!(f, "HTTP {status}: {kind}: {}", quote(message, 80)),
            SourceError::Unexpected(what) => write!(f, "unexpected response: {what}"),
            SourceError::Reported(what) => write!(f, "error in response: {}", quote(what, 60)),
            SourceError::Program(what) => f.write_str(what),
            SourceError::Request(why) => write!(f, "request failed: {why}"),
        }
    }
}

impl std::error::Error for SourceError {}

impl SourceError {
    pub fn status(code: reqwest::StatusCode) -> Self {
        SourceError::Status {
            code: code.as_u16(),
            reason: code.canonical_reason().map(str::to_string),
        }
    }

    /// Classify a client error without quoting it whole. reqwest's own text names the URL,
    /// which is taken off first: whatever is quoted below never shows a user or a query.
    pub fn from_reqwest(err: reqwest::Error, timeout: Duration) -> Self {
        let err = &err.without_url();
        if err.is_timeout() {
            return SourceError::Timeout(timeout);
        }
        let root = root_cause(err);
        if let Some(why) = crate::tls::refusal(&root) {
            return SourceError::Connect(why);
        }
        if let Some(io) = find_io(err) {
            use std::io::ErrorKind::*;
            let words = match io.kind() {
                ConnectionRefused => Some("connection refused"),
                ConnectionReset => Some("connection reset"),
                ConnectionAborted => Some("connection aborted"),
                UnexpectedEof => Some("connection closed early"),
                TimedOut => return SourceError::Timeout(timeout),
                _ => None,
            };
            if let Some(w) = words {
                return SourceError::Connect(w.to_string());
            }
        }
        let chain = chain_text(err);
        if chain.contains("dns error") {
            return SourceError::Connect("DNS lookup failed".into());
        }
        if err.is_connect() {
            return SourceError::Connect(format!("connect failed: {}", quote(&root, QUOTE)));
        }
        if err.is_redirect() {
            return SourceError::Request("too many redirects".into());
        }
        if err.is_builder() {
            return SourceError::Request(format!("bad request: {}", quote(&root, QUOTE)));
        }
        if err.is_body() || err.is_decode() {
            return SourceError::Request(format!("reading the body: {}", quote(&root, QUOTE)));
        }
        SourceError::Request(quote(&root, QUOTE))
    }
}

/// The innermost error's text: the cause without reqwest's "error sending request for url (…)".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = String::new();
    let mut cur = err.source();
    while let Some(e) = cur {
        out.push_str(&e.to_string());
        out.push('\n');
        cur = e.source();
    }
    out
}

fn find_io<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    let mut cur = err.source();
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        cur = e.source();
    }
    None
}

/// `2s`, `1500ms`, `2m`: how long a timeout was, as configured.
pub fn duration_words(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(60_000) && ms > 0 {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// `4 MiB`, `64 KiB`, `100 bytes`.
pub fn size_words(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// A piece of response text fit to show: one line, control characters gone, clipped.
pub fn quote(text: &str, max: usize) -> String {
    let flat: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let squeezed = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::core::reading::clip(&squeezed, max)
}

/// The start of a body that is not JSON, for "not JSON: <!DOCTYPE html>…".
pub fn body_start(body: &[u8]) -> String {
    let head = &body[..body.len().min(256)];
    let text = String::from_utf8_lossy(head);
    if text.trim().is_empty() {
        return "empty body".into();
    }
    quote(&text, 32)
}

/// The body as JSON, or why not: an HTML page is "not JSON", a broken document "bad JSON".
pub fn parse_json(body: &[u8]) -> Result<Value, SourceError> {
    serde_json::from_slice(body).map_err(|e| {
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        match first {
            Some(b'{') | Some(b'[') => SourceError::BadJson(e.to_string()),
            _ => SourceError::NotJson(body_start(body)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_short_words() {
        assert_eq!(
            SourceError::Timeout(Duration::from_secs(2)).to_string(),
            "timeout after 2s"
        );
        assert_eq!(
            SourceError::Timeout(Duration::from_millis(300)).to_string(),
            "timeout after 300ms"
        );
        assert_eq!(
            SourceError::status(reqwest::StatusCode::NOT_FOUND).to_string(),
            "HTTP 404 Not Found"
        );
        assert_eq!(
            SourceError::TooLarge(4 * 1024 * 1024).to_string(),
            "response over 4 MiB"
        );
        assert_eq!(
            SourceError::Prometheus {
                status: 400,
                kind: "bad_data".into(),
                message: "parse error at char 5".into()
            }
            .to_string(),
            "HTTP 400: bad_data: parse error at char 5"
        );
        assert_eq!(
            SourceError::Prometheus {
                status: 200,
                kind: "execution".into(),
                message: "query timed out".into()
            }
            .to_string(),
            "prometheus error: execution: query timed out"
        );
        assert_eq!(
            SourceError::Prometheus {
                status: 422,
                kind: "422".into(),
                message: "unknown func \"f\"".into()
            }
            .to_string(),
            "HTTP 422: unknown func \"f\""
        );
    }

    #[test]
    fn quoted_bodies_are_one_short_line() {
        assert_eq!(
            body_start(b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title>"),
            "<!DOCTYPE html> <html> <head><t…"
        );
        assert_eq!(body_start(b"  \n"), "empty body");
    }

    #[test]
    fn html_is_not_json_and_broken_json_is_bad() {
        assert_eq!(
            parse_json(b"<html>Sign in</html>"),
            Err(SourceError::NotJson("<html>Sign in</html>".into()))
        );
        let broken = parse_json(br#"{"status": "succ"#).unwrap_err();
        assert!(matches!(broken, SourceError::BadJson(_)), "{broken:?}");
        assert!(broken.to_string().starts_with("bad JSON: EOF"), "{broken}");
    }
}
