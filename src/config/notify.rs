//! `[notify.<name>]`: webhooks that announce stage changes, breaches and actions (Slack's
//! incoming webhooks, or any endpoint taking a JSON or form body).

use super::checks::{Ctx, dur, quoted};
use super::decode::decode;
use super::path::KeyPath;
use super::schema::{Headers, TextOrSecret};
use crate::actions::Vars;
use crate::core::record::Event;
use crate::secret::Secret;
use crate::setup::{BodyKind, NotifySpec};
use serde::Deserialize;
use std::time::Duration;

/// Announced unless `events` says otherwise.
pub const DEFAULT_EVENTS: &[Event] = &[
    Event::StageEntered,
    Event::BreachBegan,
    Event::BreachEnded,
    Event::RolledBack,
    Event::ActionSucceeded,
    Event::ActionFailed,
    Event::ActionOutcomeUnknown,
    Event::Override,
    Event::DriftBegan,
    Event::DriftEnded,
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotify {
    url: Option<TextOrSecret>,
    method: Option<String>,
    headers: Option<Headers>,
    body: Option<String>,
    content_type: Option<String>,
    events: Option<Vec<String>>,
    timeout: Option<super::schema::Dur>,
    tls: Option<super::schema::Tls>,
}

pub fn build_all(ctx: &mut Ctx, items: &[(String, &toml::Value)]) -> Vec<Option<NotifySpec>> {
    items
        .iter()
        .map(|(name, value)| {
            let at = KeyPath::root().key("notify").key(name);
            let raw = decode::<RawNotify>(value, &at, &mut ctx.report)?;
            build(ctx, &at, name, raw)
        })
        .collect()
}

fn build(ctx: &mut Ctx, at: &KeyPath, name: &str, raw: RawNotify) -> Option<NotifySpec> {
    let url = match raw.url {
        None => {
            ctx.report.missing(
                &at.key("url"),
                "the webhook URL, e.g. { env = \"SLACK_WEBHOOK_URL\" }",
            );
            None
        }
        // Not read (an error, or a note under `Secrets::Noted`): the rest is still checked.
        Some(TextOrSecret::Secret(r)) => ctx.secret(&at.key("url"), &r).and_then(|secret| {
            match reqwest::Url::parse(secret.expose()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => Some(secret),
                // Never echo the value: it is a secret.
                _ => {
                    ctx.report.problem(
                        &at.key("url"),
                        "the secret it names is not an http:// or https:// URL",
                    );
                    None
                }
            }
        }),
        Some(TextOrSecret::Text(text)) if text.contains("hooks.slack.com") => {
            ctx.report.problem(
                &at.key("url"),
                "literal secret in the config file (a Slack webhook URL is its own credential) — use { env = \"NAME\" } or { file = \"path\" }",
            );
            None
        }
        Some(TextOrSecret::Text(text)) => ctx.url(&at.key("url"), Some(text)).map(Secret::new),
    };
    let scheme = url
        .as_ref()
        .map(|u| u.expose().get(..7).unwrap_or_default());
    let tls = ctx.tls(&at.key("tls"), raw.tls.as_ref(), scheme);
    if raw.tls.is_some() && tls.is_none() {
        return None;
    }
    let method = ctx.method(&at.key("method"), raw.method, "POST");
    let headers = ctx.headers(&at.key("headers"), raw.headers.as_ref());
    let body_kind = ctx
        .choice(
            &at.key("content_type"),
            raw.content_type.as_deref(),
            &["json", "form"],
            "json",
        )
        .map(|c| {
            if c == "form" {
                BodyKind::Form
            } else {
                BodyKind::Json
            }
        });
    let body = raw
        .body
        .unwrap_or_else(|| r#"{"text": "{{message}}"}"#.to_string());
    let events = match raw.events {
        None => Some(DEFAULT_EVENTS.to_vec()),
        Some(names) => {
            let mut events = Vec::new();
            for (i, n) in names.iter().enumerate() {
                match serde_json::from_value::<Event>(serde_json::Value::String(n.clone())) {
                    Ok(e) => events.push(e),
                    Err(_) => ctx.report.invalid(
                        &at.key("events").index(i),
                        quoted(n),
                        format!(
                            "one of: {}",
                            <Event as strum::VariantNames>::VARIANTS.join(", ")
                        ),
                    ),
                }
            }
            (events.len() == names.len()).then_some(events)
        }
    };
    let timeout = match raw.timeout {
        Some(t) if t.0.is_zero() => {
            ctx.report.invalid(
                &at.key("timeout"),
                quoted(&dur(t.0)),
                "more than 0 (e.g. \"5s\")",
            );
            None
        }
        Some(t) => Some(t.0),
        None => Some(Duration::from_secs(5)),
    };
    let spec = NotifySpec {
        name: name.to_string(),
        url: url?,
        method,
        headers,
        body,
        body_kind: body_kind?,
        events: events?,
        timeout: timeout?,
        tls,
    };
    let sample = crate::actions::notice_vars(
        "a sample message",
        "stage_entered",
        Some("canary"),
        &Vars::sample(),
    );
    if let Err(e) = crate::actions::build_request(&crate::actions::notify_action(&spec), &sample) {
        ctx.report
            .problem(at, format!("the request cannot be built: {e}"));
        return None;
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    const RELEASE: &str = "[release]\nname = \"checkout-api\"\nversion = \"2.14.0\"\n\
                           environment = \"production\"\n[[stages]]\ntraffic = 100\nbake = \"1m\"\n";

    #[test]
    fn every_journal_event_can_be_announced_and_a_wrong_name_lists_them_all() {
        let text = format!(
            "{RELEASE}[notify.slack]\nurl = \"https://hooks.example/x\"\n\
             events = [\"hold_placed\", \"hold_expired\"]\n"
        );
        let e = crate::config::load_str(&text, "release.toml")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("notify.slack.events[0]"), "{e}");
        assert!(
            e.contains("notify.slack.events[1]: got \"hold_expired\""),
            "{e}"
        );
        for name in [
            "stage_entered",
            "action_resolved",
            "hold_placed",
            "hold_released",
        ] {
            assert!(e.contains(name), "{name} not offered:\n{e}");
        }
    }
}
