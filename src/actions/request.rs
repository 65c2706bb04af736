//! An action's webhook request, built from its spec and the values of the moment.

use super::template::{TemplateError, render_body, render_url};
use super::vars::Vars;
use crate::secret::Secret;
use crate::setup::{ActionSpec, BodyKind};
use crate::tls::TlsSpec;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Url};
use std::sync::Arc;

/// A request ready to send. Header values stay `Secret`s until the moment they are sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(String, Secret)>,
    pub body: Option<String>,
    /// Set unless a configured header already says it.
    pub content_type: Option<&'static str>,
    /// The action's own TLS settings; `None` sends with the shared client.
    pub tls: Option<Arc<TlsSpec>>,
}

pub fn build_request(spec: &ActionSpec, vars: &Vars) -> Result<Request, TemplateError> {
    let method = Method::from_bytes(spec.method.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| TemplateError::BadMethod(spec.method.clone()))?;
    let url = Url::parse(&render_url(&spec.url, vars)?)
        .map_err(|e| TemplateError::BadUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(TemplateError::BadUrl(format!(
            "`{}:` has no http(s) host",
            url.scheme()
        )));
    }
    for (name, value) in &spec.headers {
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| TemplateError::BadHeader {
            name: name.clone(),
            why: "not a valid header name",
        })?;
        HeaderValue::from_str(value.expose()).map_err(|_| TemplateError::BadHeader {
            name: name.clone(),
            why: "its value holds a line break or a character that is not visible ASCII",
        })?;
    }
    let body = match &spec.body {
        Some(template) => Some(render_body(template, spec.body_kind, vars)?),
        None => None,
    };
    let has_content_type = spec
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    let content_type = match spec.body_kind {
        _ if has_content_type || body.is_none() => None,
        BodyKind::Json => Some("application/json"),
        BodyKind::Form => Some("application/x-www-form-urlencoded"),
        BodyKind::None => None,
    };
    Ok(Request {
        method,
        url,
        headers: spec.headers.clone(),
        body,
        content_type,
        tls: spec.tls.clone(),
    })
}

/// Build the request with sample values: run when the config is loaded, so a broken template
/// is reported before the rollout starts rather than when the operator needs the action.
pub fn check(spec: &ActionSpec) -> Result<(), TemplateError> {
    build_request(spec, &Vars::sample()).map(|_| ())
}

/// One line for the journal and the screen: the method and the URL without its query, user
/// or password (any of which may carry a token). Never a header.
pub fn summary(req: &Request) -> String {
    let url = &req.url;
    let host = url.host_str().unwrap_or("?");
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "{} {}://{host}{port}{}",
        req.method,
        url.scheme(),
        url.path()
    )
}

/// The host (and port, when given) the request goes to.
pub fn target(req: &Request) -> String {
    let host = req.url.host_str().unwrap_or("?");
    match req.url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn spec() -> ActionSpec {
        ActionSpec {
            name: "promote".into(),
            method: "post".into(),
            url: "https://user:pw@deploy.example:8443/v1/{{release}}/promote?token=abc".into(),
            headers: vec![("Authorization".into(), Secret::new("Bearer s3cr3t"))],
            body: Some(r#"{"to": {{to_traffic}}}"#.into()),
            body_kind: BodyKind::Json,
            idempotent: false,
            timeout: Duration::from_secs(5),
            tls: None,
        }
    }

    #[test]
    fn builds_method_url_body_and_content_type() {
        let req = build_request(&spec(), &Vars::sample()).unwrap();
        assert_eq!(req.method, Method::POST);
        assert_eq!(req.url.path(), "/v1/checkout-api/promote");
        assert_eq!(req.body.as_deref(), Some(r#"{"to": 25}"#));
        assert_eq!(req.content_type, Some("application/json"));
    }

    #[test]
    fn summary_has_no_secret_query_or_credentials() {
        let req = build_request(&spec(), &Vars::sample()).unwrap();
        let s = summary(&req);
        assert_eq!(
            s,
            "POST https://deploy.example:8443/v1/checkout-api/promote"
        );
        assert_eq!(target(&req), "deploy.example:8443");
        assert!(!format!("{req:?}").contains("s3cr3t"));
    }

    #[test]
    fn a_configured_content_type_wins_and_no_body_means_none() {
        let mut s = spec();
        s.headers.push((
            "content-type".into(),
            Secret::new("application/merge-patch+json"),
        ));
        assert_eq!(
            build_request(&s, &Vars::sample()).unwrap().content_type,
            None
        );
        let mut s = spec();
        s.body = None;
        assert_eq!(
            build_request(&s, &Vars::sample()).unwrap().content_type,
            None
        );
        let mut s = spec();
        s.body = Some("a={{reason}}".into());
        s.body_kind = BodyKind::Form;
        let req = build_request(&s, &Vars::sample()).unwrap();
        assert_eq!(req.content_type, Some("application/x-www-form-urlencoded"));
        assert_eq!(req.body.as_deref(), Some("a=a+sample+reason"));
    }

    #[test]
    fn bad_pieces_are_reported_without_secret_values() {
        let mut s = spec();
        s.headers = vec![("X-Token".into(), Secret::new("line\nbreak-s3cr3t"))];
        let err = build_request(&s, &Vars::sample()).unwrap_err().to_string();
        assert!(err.contains("X-Token") && !err.contains("s3cr3t"), "{err}");

        let mut s = spec();
        s.url = "deploy.example/{{release}}".into();
        assert!(matches!(check(&s), Err(TemplateError::BadUrl(_))));

        let mut s = spec();
        s.method = "PO ST".into();
        assert!(matches!(check(&s), Err(TemplateError::BadMethod(_))));

        let mut s = spec();
        s.body = Some(r#"{"to": {{to_traffic}},}"#.into());
        assert!(matches!(check(&s), Err(TemplateError::InvalidJson { .. })));
    }
}
