//! Any JSON endpoint: one request per poll, each signal's value taken at its JSON Pointer.

use super::Polled;
use super::client::{Body, Request, SourceClient};
use super::error::{SourceError, body_start};
use crate::core::reading::Reading;
use crate::setup::{Extract, SourceSpec};
use serde_json::Value;

pub async fn poll(client: &SourceClient, spec: &SourceSpec) -> Polled {
    let doc = match fetch_json(client, spec).await {
        Ok(doc) => doc,
        Err(e) => return Polled::failed(e),
    };
    let readings = spec
        .signals
        .iter()
        .map(|(sig, how)| {
            let reading = match how {
                Extract::Pointer(p) => extract(&doc, p),
                Extract::PromQuery(_) => {
                    Reading::Missing("a query needs a prometheus source".into())
                }
            };
            (*sig, reading)
        })
        .collect();
    Polled::readings(readings)
}

/// A source with nothing to read (a rollback check endpoint): any 2xx answer is success.
pub async fn check(client: &SourceClient, spec: &SourceSpec) -> Polled {
    match client.fetch(request(spec)).await {
        Ok(f) if f.status.is_success() => Polled::readings(Vec::new()),
        Ok(f) => Polled::failed(SourceError::status(f.status)),
        Err(e) => Polled::failed(e),
    }
}

fn request(spec: &SourceSpec) -> Request<'_> {
    Request {
        method: &spec.method,
        url: &spec.url,
        query: &[],
        headers: &spec.headers,
        body: spec.body.as_deref().map(Body::Raw),
        timeout: spec.timeout,
    }
}

async fn fetch_json(client: &SourceClient, spec: &SourceSpec) -> Result<Value, SourceError> {
    let fetched = client.fetch(request(spec)).await?;
    if !fetched.status.is_success() {
        return Err(SourceError::status(fetched.status));
    }
    parse_json(&fetched.body)
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

/// The value at `pointer` (RFC 6901) as a reading; anything but a scalar is missing, with why.
pub fn extract(doc: &Value, pointer: &str) -> Reading {
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
            extract(&doc, "/workflow_runs/0/conclusion"),
            Reading::Text("success".into())
        );
        assert_eq!(
            extract(&doc, "/workflow_runs/0/run_number"),
            Reading::Number(42.0)
        );
        assert_eq!(
            extract(&doc, "/workflow_runs/0/draft"),
            Reading::Bool(false)
        );
        assert_eq!(
            extract(&doc, "/gone"),
            Reading::Missing("null at /gone".into())
        );
        assert_eq!(
            extract(&doc, "/workflow_runs/1/conclusion"),
            Reading::Missing("no value at /workflow_runs/1/conclusion".into())
        );
        assert_eq!(
            extract(&doc, "/workflow_runs"),
            Reading::Missing("not a value at /workflow_runs (array)".into())
        );
        assert_eq!(
            extract(&doc, ""),
            Reading::Missing("not a value at the top level (object)".into())
        );
    }

    #[test]
    fn empty_pointer_on_a_scalar_document_is_the_scalar() {
        assert_eq!(extract(&json!(0.25), ""), Reading::Number(0.25));
        assert_eq!(extract(&json!("ok"), ""), Reading::Text("ok".into()));
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
