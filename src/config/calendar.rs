//! `[calendar]` (release windows and blackouts) and `[[checklist]]` (readiness items), each
//! becoming gates.

use super::checks::{Ctx, quoted};
use super::decode::decode;
use super::gates::tier;
use super::path::KeyPath;
use crate::core::gate::{GateCheck, GateSpec};
use crate::core::window::{Blackout, Calendar, Period, Weekly, parse_weekday};
use chrono::{DateTime, NaiveTime, Utc};
use serde::Deserialize;
use toml::Value;

pub const RELEASE_WINDOW: &str = "Release window";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    tier: Option<String>,
    windows: Option<Vec<Value>>,
    blackouts: Option<Vec<Value>>,
}

/// A weekly period (`days`, `start`, `end`, `tz`) or a fixed one (`from`, `to`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    days: Option<Vec<String>>,
    start: Option<String>,
    end: Option<String>,
    tz: Option<String>,
    from: Option<String>,
    to: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    item: Option<String>,
    tier: Option<String>,
}

/// The release-window gate, when `[calendar]` is present.
pub fn calendar(ctx: &mut Ctx, value: Option<&Value>) -> Option<Option<GateSpec>> {
    let Some(value) = value else {
        return Some(None);
    };
    let at = KeyPath::root().key("calendar");
    let raw: RawCalendar = decode(value, &at, &mut ctx.report)?;
    let tier = tier(ctx, &at.key("tier"), raw.tier.as_deref());
    let mut ok = true;
    let mut windows = Vec::new();
    for (i, w) in raw.windows.unwrap_or_default().iter().enumerate() {
        match period(ctx, &at.key("windows").index(i), w, false) {
            Some((p, _)) => windows.push(p),
            None => ok = false,
        }
    }
    let mut blackouts = Vec::new();
    for (i, b) in raw.blackouts.unwrap_or_default().iter().enumerate() {
        match period(ctx, &at.key("blackouts").index(i), b, true) {
            Some((period, reason)) => blackouts.push(Blackout {
                period,
                reason: reason.unwrap_or_else(|| "blackout".into()),
            }),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    Some(Some(GateSpec {
        id: "release-window".into(),
        name: RELEASE_WINDOW.into(),
        tier: tier?,
        check: GateCheck::Calendar(Calendar { windows, blackouts }),
        verify: Some("wait for the window, or promote as an override with a reason".into()),
    }))
}

fn period(
    ctx: &mut Ctx,
    at: &KeyPath,
    value: &Value,
    blackout: bool,
) -> Option<(Period, Option<String>)> {
    let raw: RawPeriod = decode(value, at, &mut ctx.report)?;
    if !blackout && raw.reason.is_some() {
        ctx.report
            .problem(&at.key("reason"), "a window has no reason; blackouts do");
    }
    let fixed = raw.from.is_some() || raw.to.is_some();
    if fixed {
        let from = instant(ctx, &at.key("from"), raw.from);
        let to = instant(ctx, &at.key("to"), raw.to);
        let (from, to) = (from?, to?);
        if to <= from {
            ctx.report.invalid(
                &at.key("to"),
                quoted(&to.to_rfc3339()),
                "a time after `from`",
            );
            return None;
        }
        return Some((Period::Range { from, to }, raw.reason));
    }
    let days = match raw.days {
        None => {
            ctx.report.missing(
                &at.key("days"),
                "days like [\"mon\", \"tue\"] (or `from`/`to` times for a fixed period)",
            );
            None
        }
        Some(list) => {
            let mut days = Vec::new();
            for (i, d) in list.iter().enumerate() {
                match parse_weekday(d) {
                    Some(day) => days.push(day),
                    None => ctx.report.invalid(
                        &at.key("days").index(i),
                        quoted(d),
                        "a day of the week: mon, tue, wed, thu, fri, sat, sun",
                    ),
                }
            }
            (days.len() == list.len() && !days.is_empty()).then_some(days)
        }
    };
    let start = time(ctx, &at.key("start"), raw.start);
    let end = time(ctx, &at.key("end"), raw.end);
    let tz = match raw.tz {
        None => Some(chrono_tz::UTC),
        Some(name) => match name.parse::<chrono_tz::Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                ctx.report.invalid(
                    &at.key("tz"),
                    quoted(&name),
                    "an IANA time zone such as \"Europe/Berlin\" or \"UTC\"",
                );
                None
            }
        },
    };
    Some((
        Period::Weekly(Weekly {
            days: days?,
            start: start?,
            end: end?,
            tz: tz?,
        }),
        raw.reason,
    ))
}

fn time(ctx: &mut Ctx, at: &KeyPath, value: Option<String>) -> Option<NaiveTime> {
    let Some(s) = value else {
        ctx.report.missing(at, "a time of day like \"09:00\"");
        return None;
    };
    match NaiveTime::parse_from_str(&s, "%H:%M") {
        Ok(t) => Some(t),
        Err(_) => {
            ctx.report.invalid(
                at,
                quoted(&s),
                "a time of day like \"09:00\" (24-hour HH:MM)",
            );
            None
        }
    }
}

fn instant(ctx: &mut Ctx, at: &KeyPath, value: Option<String>) -> Option<DateTime<Utc>> {
    let Some(s) = value else {
        ctx.report
            .missing(at, "a time like \"2026-12-21T00:00:00Z\" (RFC 3339)");
        return None;
    };
    match DateTime::parse_from_rfc3339(&s) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            ctx.report.invalid(
                at,
                quoted(&s),
                "a time like \"2026-12-21T00:00:00Z\" or \"2026-12-21T09:00:00+01:00\" (RFC 3339)",
            );
            None
        }
    }
}

/// `[[checklist]]`: the items' texts and a gate for each.
/// `tick` is the key that opens the checklist, for each gate's hint.
pub fn checklist(
    ctx: &mut Ctx,
    items: &[&Value],
    tick: &str,
) -> Option<(Vec<String>, Vec<GateSpec>)> {
    let mut texts = Vec::new();
    let mut gates = Vec::new();
    let mut ok = true;
    for (i, value) in items.iter().enumerate() {
        let at = KeyPath::root().key("checklist").index(i);
        let Some(raw) = decode::<RawItem>(value, &at, &mut ctx.report) else {
            ok = false;
            continue;
        };
        let item = ctx.required(
            &at.key("item"),
            raw.item,
            "the item's text, e.g. \"Release notes written\"",
        );
        let tier = tier(ctx, &at.key("tier"), raw.tier.as_deref());
        let (Some(item), Some(tier)) = (item, tier) else {
            ok = false;
            continue;
        };
        if texts.contains(&item) {
            ctx.report
                .invalid(&at.key("item"), quoted(&item), "an item not listed before");
            ok = false;
            continue;
        }
        gates.push(GateSpec {
            id: format!("checklist-{i}"),
            name: item.clone(),
            tier,
            check: GateCheck::Checklist(texts.len()),
            verify: Some(format!("tick it in the checklist (press {tick})")),
        });
        texts.push(item);
    }
    ok.then_some((texts, gates))
}
