//! `[sources.<name>]`: where values come from, how often, and with which credentials.

use super::checks::{Ctx, dur, quoted};
use super::decode::decode;
use super::path::KeyPath;
use super::{request, schema};
use crate::core::reading::SourceId;
use crate::secret::Secret;
use crate::setup::{Extract, ReleaseInfo, SourceKind, SourceSpec};
use std::collections::BTreeMap;
use std::time::Duration;

pub const ROLLBACK_CHECK: &str = "rollback check";
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// What the rest of the config may know about a source, even one with errors of its own.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    pub id: SourceId,
    /// Unknown when the source's own `kind` is broken (reported there).
    pub kind: Option<SourceKind>,
    pub stale_after: Duration,
    /// Declared in `[sources]` (not the implicit rollback check).
    pub declared: bool,
    /// An http source's check for errors inside a 2xx (`error_pointer` or `error_jq`).
    pub error_check: Option<Extract>,
}

pub type SourceTable = BTreeMap<String, SourceInfo>;

/// Polling times: `interval`, `timeout` (below the interval) and `stale_after` (at least the
/// interval). Timeout defaults to 5s, or half the interval when that is shorter.
pub fn timing(
    ctx: &mut Ctx,
    at: &KeyPath,
    interval: Option<Duration>,
    timeout: Option<Duration>,
    stale_after: Option<Duration>,
) -> (Duration, Duration, Duration) {
    let mut interval = interval.unwrap_or(DEFAULT_INTERVAL);
    if interval < MIN_INTERVAL {
        ctx.report.invalid(
            &at.key("interval"),
            quoted(&dur(interval)),
            "at least 100ms",
        );
        interval = MIN_INTERVAL;
    }
    let timeout = match timeout {
        Some(t) if t >= interval || t.is_zero() => {
            let expected = format!("more than 0 and less than the interval ({})", dur(interval));
            ctx.report
                .invalid(&at.key("timeout"), quoted(&dur(t)), expected);
            t
        }
        Some(t) => t,
        None => DEFAULT_TIMEOUT.min(interval / 2),
    };
    let stale_after = match stale_after {
        Some(s) if s < interval => {
            let expected = format!("at least the interval ({})", dur(interval));
            ctx.report
                .invalid(&at.key("stale_after"), quoted(&dur(s)), expected);
            s
        }
        Some(s) => s,
        None => interval * 3,
    };
    (interval, timeout, stale_after)
}

/// Source ids: every declared source and the implicit rollback check, in name order.
pub fn table(
    ctx: &mut Ctx,
    declared: &[(String, &toml::Value)],
    rollback_check: Option<&SourceSpec>,
) -> SourceTable {
    let mut names: Vec<(String, bool)> = Vec::new();
    for (name, _) in declared {
        if name == ROLLBACK_CHECK {
            let at = KeyPath::root().key("sources").key(name);
            ctx.report.problem(
                &at,
                "this name is reserved for the rollback action's check; choose another",
            );
        } else {
            names.push((name.clone(), true));
        }
    }
    if let Some(check) = rollback_check {
        names.push((check.name.clone(), false));
    }
    names.sort();
    names
        .into_iter()
        .enumerate()
        .map(|(id, (name, declared))| {
            let check = rollback_check.filter(|_| !declared);
            let info = SourceInfo {
                id,
                kind: check.map(|c| c.kind),
                stale_after: check.map_or(DEFAULT_INTERVAL * 3, |c| c.stale_after),
                declared,
                error_check: None,
            };
            (name, info)
        })
        .collect()
}

/// One declared source; fills in `table` what conditions and gates need to know about it.
/// `release` fills placeholders and preset defaults (`None` when it has errors of its own).
pub fn build(
    ctx: &mut Ctx,
    name: &str,
    value: &toml::Value,
    table: &mut SourceTable,
    release: Option<&ReleaseInfo>,
) -> Option<SourceSpec> {
    let at = KeyPath::root().key("sources").key(name);
    let raw: schema::Source = decode(value, &at, &mut ctx.report)?;
    let labels: Vec<&str> = SourceKind::ALL.iter().map(|k| k.label()).collect();
    let kind = match raw.kind.as_deref() {
        None => {
            ctx.report
                .missing(&at.key("kind"), format!("one of: {}", labels.join(", ")));
            None
        }
        Some(k) => ctx
            .choice(&at.key("kind"), Some(k), &labels, "")
            .and_then(|k| SourceKind::ALL.into_iter().find(|s| s.label() == k)),
    };
    let default_url = kind.and_then(|k| k.provider().default_url);
    let url = match (raw.url.clone(), default_url) {
        (None, Some(d)) => Some(d.to_string()),
        (given, _) => ctx.url(&at.key("url"), given),
    };
    let (interval, timeout, stale_after) = timing(
        ctx,
        &at,
        raw.interval.map(|d| d.0),
        raw.timeout.map(|d| d.0),
        raw.stale_after.map(|d| d.0),
    );
    if let Some(k) = kind {
        request::stray_keys(ctx, &at, k, &raw);
    }
    let error_check = request::error_check(ctx, &at, &raw.keys);
    if let Some(info) = table.get_mut(name) {
        info.kind = kind;
        info.stale_after = stale_after;
        info.error_check = error_check.clone();
    }
    let method = ctx.method(&at.key("method"), raw.method.clone(), "GET");
    let mut headers = ctx.headers(&at.key("headers"), raw.headers.as_ref());
    if let Some(auth) = &raw.auth {
        if headers
            .iter()
            .any(|(h, _)| h.eq_ignore_ascii_case("authorization"))
        {
            ctx.report.problem(
                &at.key("auth"),
                "both auth and an Authorization header are set; keep one",
            );
        } else if let Some(header) = ctx.auth(&at.key("auth"), auth) {
            headers.push(header);
        }
    }
    let tls = ctx.tls(&at.key("tls"), raw.tls.as_ref(), url.as_deref());
    if raw.tls.is_some() && tls.is_none() {
        return None;
    }
    let (kind, url, release) = (kind?, url?, release?);
    let body = request::body(ctx, &at, kind, raw.body.as_ref(), release)?;
    let url = request::url(ctx, &at, kind, url, &raw.keys, release)?;
    for (h, v) in kind.provider().default_headers {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(h)) {
            headers.push((h.to_string(), Secret::new(*v)));
        }
    }
    Some(SourceSpec {
        name: name.to_string(),
        kind,
        url,
        method,
        headers,
        body,
        interval,
        timeout,
        stale_after,
        signals: Vec::new(),
        tls,
    })
}

impl Ctx<'_> {
    /// The source a condition or gate names; the known ones are listed when it is not one.
    pub fn source_ref<'t>(
        &mut self,
        at: &KeyPath,
        name: Option<&str>,
        table: &'t SourceTable,
    ) -> Option<(&'t str, &'t SourceInfo)> {
        let known: Vec<&str> = table
            .iter()
            .filter(|(_, i)| i.declared)
            .map(|(n, _)| n.as_str())
            .collect();
        let expected = match known.len() {
            0 => "the name of a source, but none is declared (add a [sources.<name>] table)"
                .to_string(),
            _ => format!("one of the sources: {}", known.join(", ")),
        };
        let Some(name) = name else {
            self.report.missing(&at.key("source"), expected);
            return None;
        };
        match table.get_key_value(name) {
            Some((n, info)) if info.declared => Some((n.as_str(), info)),
            _ => {
                self.report
                    .invalid(&at.key("source"), quoted(name), expected);
                None
            }
        }
    }
}
