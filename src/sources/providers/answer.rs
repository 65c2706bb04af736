//! One GET of a provider's API, and what its error answers say. A provider that refuses a
//! request says why in its body (GitHub `{"message", "documentation_url"}`, GitLab
//! `{"message"}` or `{"error"}`, LaunchDarkly `{"code", "message"}`); that text goes into
//! the source's error, so the operator reads "Bad credentials", not only "HTTP 401".

use crate::secret::Secret;
use crate::sources::client::{Request, SourceClient};
use crate::sources::error::parse_json;
use crate::sources::error::{SourceError, quote};
use serde_json::Value;
use std::time::Duration;

/// At most this many characters of a provider's own message.
const MESSAGE: usize = 80;

/// GET `url` with the source's headers; a 2xx answer as JSON, anything else as an error that
/// carries the provider's message when the body has one.
pub async fn get_json(
    client: &SourceClient,
    url: &str,
    headers: &[(String, Secret)],
    timeout: Duration,
) -> Result<Value, SourceError> {
    let fetched = client
        .fetch(Request {
            method: "GET",
            url,
            query: &[],
            headers,
            body: None,
            timeout,
        })
        .await?;
    if fetched.status.is_success() {
        return parse_json(&fetched.body);
    }
    let mut error = SourceError::status(fetched.status);
    if let (SourceError::Status { reason, .. }, Some(said)) = (&mut error, said(&fetched.body)) {
        let status = reason.take().unwrap_or_default();
        *reason = Some(format!("{status}: {said}").trim_start_matches(": ").into());
    }
    Err(error)
}

/// When every one of a poll's requests failed without an answer to read (connection,
/// timeout, HTTP error, not JSON), the first such error: the source is down or refuses, not
/// its queries wrong. `None` when some answer came back, or nothing was asked.
pub fn none_answered<T>(answers: &[Result<T, SourceError>]) -> Option<SourceError> {
    let down: Option<Vec<&SourceError>> = answers
        .iter()
        .map(|a| a.as_ref().err().filter(|e| e.is_transport()))
        .collect();
    down?.first().map(|e| (*e).clone())
}

/// The message an error body carries, in one short line; `None` when it carries none.
pub fn said(body: &[u8]) -> Option<String> {
    let doc: Value = serde_json::from_slice(body).ok()?;
    let text = match (&doc["message"], &doc["error"]) {
        // LaunchDarkly: `{"code": "unauthorized", "message": "Invalid access token"}`.
        (Value::String(m), _) if doc["code"].is_string() => {
            format!("{m} ({})", doc["code"].as_str().unwrap_or_default())
        }
        // GitHub, GitLab, Unleash: `{"message": "Not Found", …}`.
        (Value::String(m), _) => m.clone(),
        // GitLab's validation errors: `{"message": {"ref": ["is invalid"]}}`.
        (Value::Object(fields), _) => fields
            .iter()
            .map(|(k, v)| format!("{k} {}", flat(v)))
            .collect::<Vec<_>>()
            .join("; "),
        // GitLab (and OAuth): `{"error": "invalid_token", "error_description": "…"}`.
        (_, Value::String(e)) => match doc["error_description"].as_str() {
            Some(d) => format!("{e}: {d}"),
            None => e.clone(),
        },
        _ => return None,
    };
    let text = quote(&text, MESSAGE);
    (!text.is_empty()).then_some(text)
}

fn flat(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(flat).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::said;

    #[test]
    fn each_providers_error_shape_reads_as_its_message() {
        let cases: [(&str, Option<&str>); 7] = [
            (
                r#"{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}"#,
                Some("Bad credentials"),
            ),
            (
                r#"{"message": "404 Project Not Found"}"#,
                Some("404 Project Not Found"),
            ),
            (
                r#"{"message": {"bio": ["is too long (maximum is 255 characters)"]}}"#,
                Some("bio is too long (maximum is 255 characters)"),
            ),
            (
                r#"{"error": "invalid_token", "error_description": "Token was revoked."}"#,
                Some("invalid_token: Token was revoked."),
            ),
            (
                r#"{"code": "unauthorized", "message": "Invalid access token"}"#,
                Some("Invalid access token (unauthorized)"),
            ),
            ("<html>Bad gateway</html>", None),
            (r#"{"status": "error"}"#, None),
        ];
        for (body, want) in cases {
            assert_eq!(said(body.as_bytes()).as_deref(), want, "{body}");
        }
    }
}
