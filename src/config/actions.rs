//! `[actions.<name>]`: the webhooks behind promote, rollback and custom actions.

use super::checks::{Ctx, dur, quoted};
use super::decode::decode;
use super::path::KeyPath;
use super::schema;
use super::sources::{ROLLBACK_CHECK, timing};
use crate::core::action::Action;
use crate::setup::{ActionSpec, BodyKind, SourceKind, SourceSpec};
use crate::tls::TlsSpec;
use std::sync::Arc;
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The rollback action's check request, as the config gives it.
pub enum RollbackCheck {
    NoAction,
    NoCheck,
    /// Polled as the implicit `rollback check` source (no signals).
    Source(Option<Box<SourceSpec>>),
}

pub fn build_all(
    ctx: &mut Ctx,
    items: &[(String, &toml::Value)],
) -> (Vec<Option<ActionSpec>>, RollbackCheck) {
    let mut rollback = RollbackCheck::NoAction;
    let mut out = Vec::new();
    for (name, value) in items {
        let at = KeyPath::root().key("actions").key(name);
        let action = Action::from(name.as_str());
        let Some(raw) = decode::<schema::Action>(value, &at, &mut ctx.report) else {
            out.push(None);
            if action == Action::Rollback {
                rollback = RollbackCheck::NoCheck;
            }
            continue;
        };
        let tls = ctx.tls(&at.key("tls"), raw.tls.as_ref(), raw.url.as_deref());
        match (&raw.check, &action) {
            (Some(check), Action::Rollback) => {
                // The check mostly goes where the action goes: it has the action's TLS
                // settings unless it has its own.
                let tls = match &check.tls {
                    Some(own) => {
                        let at = at.key("check").key("tls");
                        ctx.tls(&at, Some(own), check.url.as_deref())
                    }
                    None => tls.clone(),
                };
                rollback = RollbackCheck::Source(
                    check_source(ctx, &at.key("check"), check, tls).map(Box::new),
                )
            }
            (None, Action::Rollback) => rollback = RollbackCheck::NoCheck,
            (Some(_), _) => ctx.report.problem(
                &at.key("check"),
                "only the rollback action has a check request",
            ),
            (None, _) => {}
        }
        out.push(build(ctx, &at, action, raw, tls));
    }
    (out, rollback)
}

fn build(
    ctx: &mut Ctx,
    at: &KeyPath,
    name: Action,
    raw: schema::Action,
    tls: Option<Arc<TlsSpec>>,
) -> Option<ActionSpec> {
    let method = ctx.method(&at.key("method"), raw.method, "POST");
    let url = ctx.url(&at.key("url"), raw.url);
    let headers = ctx.headers(&at.key("headers"), raw.headers.as_ref());
    if raw.tls.is_some() && tls.is_none() {
        return None;
    }
    let body_kind = match (&raw.body, raw.content_type.as_deref()) {
        (None, None) => Some(BodyKind::None),
        (None, Some(_)) => {
            ctx.report.problem(
                &at.key("content_type"),
                "there is no body to encode (set body, or drop content_type)",
            );
            None
        }
        (Some(_), ct) => ctx
            .choice(&at.key("content_type"), ct, &["json", "form"], "json")
            .map(|c| {
                if c == "form" {
                    BodyKind::Form
                } else {
                    BodyKind::Json
                }
            }),
    };
    let timeout = match raw.timeout {
        Some(t) if t.0.is_zero() => {
            ctx.report.invalid(
                &at.key("timeout"),
                quoted(&dur(t.0)),
                "more than 0 (e.g. \"10s\")",
            );
            None
        }
        Some(t) => Some(t.0),
        None => Some(DEFAULT_TIMEOUT),
    };
    let spec = ActionSpec {
        name,
        method,
        url: url?,
        headers,
        body: raw.body,
        body_kind: body_kind?,
        idempotent: raw.idempotent.unwrap_or(false),
        timeout: timeout?,
        tls,
    };
    // A template that cannot render is found now, not when an operator confirms an action.
    if let Err(e) = crate::actions::check(&spec) {
        ctx.report
            .problem(at, format!("the request cannot be built: {e}"));
        return None;
    }
    Some(spec)
}

fn check_source(
    ctx: &mut Ctx,
    at: &KeyPath,
    raw: &schema::Check,
    tls: Option<Arc<TlsSpec>>,
) -> Option<SourceSpec> {
    let url = ctx.url(&at.key("url"), raw.url.clone());
    let url = url.filter(|u| {
        let plain = !u.contains("{{");
        if !plain {
            ctx.report.invalid(
                &at.key("url"),
                quoted(u),
                "a plain URL: the check request is not templated",
            );
        }
        plain
    });
    let method = ctx.method(&at.key("method"), raw.method.clone(), "GET");
    let (interval, timeout, stale_after) = timing(
        ctx,
        at,
        raw.interval.map(|d| d.0),
        raw.timeout.map(|d| d.0),
        None,
    );
    let headers = ctx.headers(&at.key("headers"), raw.headers.as_ref());
    Some(SourceSpec {
        name: ROLLBACK_CHECK.to_string(),
        kind: SourceKind::Http,
        url: url?,
        method,
        headers,
        body: None,
        interval,
        timeout,
        stale_after,
        signals: Vec::new(),
        tls,
    })
}
