//! Notifications: the same request building and sending as actions, for announcements.

use super::{Outcome, RetryPolicy, Vars, build_request, send};
use crate::setup::{ActionSpec, NotifySpec};
use std::time::Duration;

/// A notification as an action request (never idempotent, never journaled).
pub fn notify_action(spec: &NotifySpec) -> ActionSpec {
    ActionSpec {
        name: format!("notify {}", spec.name).into(),
        method: spec.method.clone(),
        url: spec.url.expose().to_string(),
        headers: spec.headers.clone(),
        body: Some(spec.body.clone()),
        body_kind: spec.body_kind,
        idempotent: false,
        timeout: spec.timeout,
        tls: spec.tls.clone(),
    }
}

/// The values a notification template sees: `message`, `event` and `stage` on top of the
/// release's (`release`, `version`, `environment`, `operator`, `verdict`, …).
pub fn notice_vars(message: &str, event: &str, stage: Option<&str>, base: &Vars) -> Vars {
    let mut vars = base.clone();
    vars.set("message", message);
    vars.set("event", event);
    vars.set("stage", stage);
    vars
}

/// Send one notification; the error, if any, in words without the URL.
pub async fn announce(
    client: &reqwest::Client,
    spec: &NotifySpec,
    vars: &Vars,
) -> Result<(), String> {
    let request = build_request(&notify_action(spec), vars).map_err(|e| e.to_string())?;
    let policy = RetryPolicy {
        deadline: Duration::from_secs(5),
        ..RetryPolicy::default()
    };
    let id = format!("gonogo-notify-{}", chrono::Utc::now().timestamp_millis());
    match send(client, &request, &id, false, spec.timeout, &policy).await {
        (Outcome::Succeeded { .. }, _) => Ok(()),
        (Outcome::Failed { reason, .. }, _)
        | (Outcome::Unknown { reason, .. }, _)
        | (Outcome::NotSent { reason }, _) => Err(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Event;
    use crate::secret::Secret;
    use crate::setup::BodyKind;
    use std::sync::{Arc, Mutex};

    #[tokio::test]
    async fn a_slack_style_webhook_receives_valid_json_with_the_message() {
        let got: Arc<Mutex<Vec<String>>> = Arc::default();
        let got2 = got.clone();
        let app = axum::Router::new().route(
            "/services/T0/B0/secret",
            axum::routing::post(move |body: String| {
                let got = got2.clone();
                async move {
                    got.lock().unwrap().push(body);
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/services/T0/B0/secret",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let spec = NotifySpec {
            name: "slack".into(),
            url: Secret::new(url),
            method: "POST".into(),
            headers: vec![],
            body:
                r#"{"text": ":rotating_light: {{message}}", "username": "gonogo {{environment}}"}"#
                    .into(),
            body_kind: BodyKind::Json,
            events: vec![Event::BreachBegan],
            timeout: Duration::from_secs(5),
            tls: None,
        };
        let base = Vars::new().with("environment", "prod");
        let message = "checkout 2.0 (prod): breach began: \"p95\" 650 ms above max\nsee dashboard";
        let vars = notice_vars(message, "breach_began", Some("5%"), &base);
        announce(&crate::actions::client().unwrap(), &spec, &vars)
            .await
            .unwrap();
        let got = got.lock().unwrap();
        let body: serde_json::Value = serde_json::from_str(&got[0]).unwrap();
        assert_eq!(body["text"], format!(":rotating_light: {message}"));
        assert_eq!(body["username"], "gonogo prod");
    }

    #[tokio::test]
    async fn a_failed_notification_says_why_without_the_secret_url() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/services/T0/B0/very-secret",
            listener.local_addr().unwrap()
        );
        drop(listener);
        let spec = NotifySpec {
            name: "slack".into(),
            url: Secret::new(url),
            method: "POST".into(),
            headers: vec![],
            body: r#"{"text": "{{message}}"}"#.into(),
            body_kind: BodyKind::Json,
            events: vec![],
            timeout: Duration::from_secs(1),
            tls: None,
        };
        let vars = notice_vars("m", "breach_began", None, &Vars::new());
        let err = announce(&crate::actions::client().unwrap(), &spec, &vars)
            .await
            .unwrap_err();
        assert!(!err.contains("very-secret"), "{err}");
    }
}
