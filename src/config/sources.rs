//! `[sources.<name>]`: where values come from, how often, and with which credentials.

use super::checks::{Ctx, dur, quoted};
use super::decode::decode;
use super::path::KeyPath;
use super::schema;
use crate::core::reading::SourceId;
use crate::setup::{Extract, SourceKind, SourceSpec};
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
            };
            (name, info)
        })
        .collect()
}

/// One declared source; fills in `table` what conditions and gates need to know about it.
pub fn build(
    ctx: &mut Ctx,
    name: &str,
    value: &toml::Value,
    table: &mut SourceTable,
) -> Option<SourceSpec> {
    let at = KeyPath::root().key("sources").key(name);
    let raw: schema::Source = decode(value, &at, &mut ctx.report)?;
    let kind = match raw.kind.as_deref() {
        None => {
            ctx.report
                .missing(&at.key("kind"), "\"prometheus\" or \"http\"");
            None
        }
        Some(k) => ctx
            .choice(&at.key("kind"), Some(k), &["prometheus", "http"], "")
            .map(|k| {
                if k == "prometheus" {
                    SourceKind::Prometheus
                } else {
                    SourceKind::Http
                }
            }),
    };
    let url = ctx.url(&at.key("url"), raw.url);
    let (interval, timeout, stale_after) = timing(
        ctx,
        &at,
        raw.interval.map(|d| d.0),
        raw.timeout.map(|d| d.0),
        raw.stale_after.map(|d| d.0),
    );
    if let Some(info) = table.get_mut(name) {
        info.kind = kind;
        info.stale_after = stale_after;
    }
    if kind == Some(SourceKind::Prometheus) {
        for (key, given) in [
            ("method", raw.method.is_some()),
            ("body", raw.body.is_some()),
        ] {
            if given {
                ctx.report.problem(
                    &at.key(key),
                    "only for http sources (a prometheus source runs GET queries)",
                );
            }
        }
    }
    let method = ctx.method(&at.key("method"), raw.method, "GET");
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
    Some(SourceSpec {
        name: name.to_string(),
        kind: kind?,
        url: url?,
        method,
        headers,
        body: raw.body,
        interval,
        timeout,
        stale_after,
        signals: Vec::new(),
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

    /// How a value is taken from its source: `query` for prometheus, `pointer` for http.
    pub fn extract(
        &mut self,
        at: &KeyPath,
        source: (&str, &SourceInfo),
        query: Option<String>,
        pointer: Option<String>,
    ) -> Option<Extract> {
        let (name, info) = source;
        let (wanted, other, given, stray) = match info.kind? {
            SourceKind::Prometheus => ("query", "pointer", query, pointer.is_some()),
            SourceKind::Http => ("pointer", "query", pointer, query.is_some()),
        };
        let kind = match info.kind? {
            SourceKind::Prometheus => "a prometheus",
            SourceKind::Http => "an http",
        };
        if stray {
            let problem = format!(
                "`{other}` does not apply: source `{name}` is {kind} source — use `{wanted}`"
            );
            self.report.problem(&at.key(other), problem);
        }
        match (info.kind?, given) {
            // The stray key's message already says which key to use.
            (_, None) if stray => None,
            (SourceKind::Prometheus, None) => {
                let expected = format!("a PromQL query (source `{name}` is a prometheus source)");
                self.report.missing(&at.key("query"), expected);
                None
            }
            (SourceKind::Prometheus, Some(q)) if q.trim().is_empty() => {
                self.report
                    .invalid(&at.key("query"), quoted(&q), "a PromQL query (not empty)");
                None
            }
            (SourceKind::Prometheus, Some(q)) => Some(Extract::PromQuery(q)),
            (SourceKind::Http, None) => {
                let expected = format!(
                    "a JSON Pointer such as \"/data/0/value\" (source `{name}` is an http source)"
                );
                self.report.missing(&at.key("pointer"), expected);
                None
            }
            (SourceKind::Http, Some(p)) => self
                .pointer(&at.key("pointer"), &p)
                .then_some(Extract::Pointer(p)),
        }
    }
}
