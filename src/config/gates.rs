//! `[[gates]]`, and the two gates every release has: monitors live, rollback path verified.

use super::checks::{Ctx, quoted};
use super::decode::decode;
use super::path::KeyPath;
use super::schema;
use super::signals::Signals;
use super::sources::SourceTable;
use crate::core::gate::{GateCheck, GateSpec, Tier};
use crate::core::reading::SourceId;
use std::time::Duration;
use strum::VariantNames;

pub const MONITORS_LIVE: &str = "Monitors live";
pub const ROLLBACK_VERIFIED: &str = "Rollback path verified";

/// What the config says about the way back.
#[derive(Debug, Clone, Copy)]
pub enum Rollback {
    Missing,
    NoCheck,
    /// The implicit source polling the rollback check request.
    Checked {
        source: SourceId,
        within: Duration,
    },
}

pub fn builtin(rollback: Rollback) -> Vec<GateSpec> {
    let (check, verify) = match rollback {
        Rollback::Missing => (
            GateCheck::Unconfigured("no rollback action configured".into()),
            "add [actions.rollback] with a check = { url = \"…\" } request",
        ),
        Rollback::NoCheck => (
            GateCheck::Unconfigured("rollback action has no check request".into()),
            "add check = { url = \"…\" } to [actions.rollback]",
        ),
        Rollback::Checked { source, within } => (
            GateCheck::Reachable { source, within },
            "make the rollback check request answer 2xx",
        ),
    };
    vec![
        GateSpec {
            id: "rollback-path-verified".into(),
            name: ROLLBACK_VERIFIED.into(),
            tier: Tier::Must,
            check,
            verify: Some(verify.into()),
        },
        GateSpec {
            id: "monitors-live".into(),
            name: MONITORS_LIVE.into(),
            tier: Tier::Must,
            check: GateCheck::MonitorsLive,
            verify: Some("check the failing sources; every stop condition needs fresh data".into()),
        },
    ]
}

pub fn build_all(
    ctx: &mut Ctx,
    items: &[&toml::Value],
    sources: &SourceTable,
    signals: &mut Signals,
) -> Vec<Option<GateSpec>> {
    let mut names: Vec<(String, usize)> = Vec::new();
    let mut out = Vec::new();
    for (i, value) in items.iter().enumerate() {
        let at = KeyPath::root().key("gates").index(i);
        if let Some(name) = value.get("name").and_then(|v| v.as_str()) {
            let taken = names.iter().find(|(n, _)| n.eq_ignore_ascii_case(name));
            if let Some((_, j)) = taken {
                ctx.report.invalid(
                    &at.key("name"),
                    quoted(name),
                    format!("a name not used before (gates[{j}] has it)"),
                );
            } else if [MONITORS_LIVE, ROLLBACK_VERIFIED]
                .iter()
                .any(|b| b.eq_ignore_ascii_case(name))
            {
                ctx.report.invalid(
                    &at.key("name"),
                    quoted(name),
                    "a name of your own: this gate is built in",
                );
            }
            names.push((name.to_string(), i));
        }
        out.push(build(ctx, &at, value, sources, signals));
    }
    out
}

/// A gate's `tier`: one of `Tier::VARIANTS`, `must` when absent.
pub(super) fn tier(ctx: &mut Ctx, at: &KeyPath, value: Option<&str>) -> Option<Tier> {
    let name = ctx.choice(at, value, Tier::VARIANTS, Tier::Must.into())?;
    name.parse().ok()
}

fn build(
    ctx: &mut Ctx,
    at: &KeyPath,
    value: &toml::Value,
    sources: &SourceTable,
    signals: &mut Signals,
) -> Option<GateSpec> {
    let raw: schema::Gate = decode(value, at, &mut ctx.report)?;
    let name = ctx.required(&at.key("name"), raw.name, "a name such as \"CI green\"");
    let tier = tier(ctx, &at.key("tier"), raw.tier.as_deref());
    let kind = ctx.choice(
        &at.key("kind"),
        raw.kind.as_deref(),
        &["value", "reachable"],
        "value",
    );
    let source = ctx.source_ref(at, raw.source.as_deref(), sources);
    let check = match kind? {
        "reachable" => {
            let given = [
                ("query", raw.query.is_some()),
                ("pointer", raw.pointer.is_some()),
                ("jq", raw.jq.is_some()),
                ("field", raw.field.is_some()),
                ("select", raw.select.is_some()),
                ("aggregate", raw.aggregate.is_some()),
                ("map", raw.map.is_some()),
                ("expect", raw.expect.is_some()),
                ("stale_after", raw.stale_after.is_some()),
            ];
            for (key, _) in given.iter().filter(|(_, g)| *g) {
                ctx.report.problem(
                    &at.key(key),
                    "only for value gates (this gate has kind = \"reachable\")",
                );
            }
            let (_, info) = source?;
            Some(GateCheck::Reachable {
                source: info.id,
                within: raw.within.map_or(info.stale_after, |d| d.0),
            })
        }
        _ => {
            if raw.within.is_some() {
                ctx.report.problem(
                    &at.key("within"),
                    "only for reachable gates (set kind = \"reachable\")",
                );
            }
            let signal = ctx.signal(at, source, schema::pick_of!(raw, raw.map), signals);
            let expect = match raw.expect {
                None => {
                    ctx.report.missing(
                        &at.key("expect"),
                        "the values that let the gate hold, e.g. [\"success\"]",
                    );
                    None
                }
                // Empty because its only values were wrong (and reported) is not empty.
                Some(e) if e.is_empty() && written_empty(value, "expect") => {
                    ctx.report.invalid(
                        &at.key("expect"),
                        "[]".into(),
                        "at least one value, e.g. [\"success\"] or [true]",
                    );
                    None
                }
                Some(e) if e.is_empty() => None,
                Some(e) => Some(e.into_iter().map(|e| e.0).collect()),
            };
            let (_, info) = source?;
            Some(GateCheck::Value {
                signal: signal?,
                expect: expect?,
                stale_after: raw.stale_after.map_or(info.stale_after, |d| d.0),
            })
        }
    };
    let name = name?;
    Some(GateSpec {
        id: slug(&name),
        name,
        tier: tier?,
        check: check?,
        verify: raw.verify,
    })
}

fn written_empty(table: &toml::Value, key: &str) -> bool {
    table
        .get(key)
        .and_then(|v| v.as_array())
        .is_some_and(|a| a.is_empty())
}

/// "CI green" → "ci-green".
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slug("CI green"), "ci-green");
        assert_eq!(
            super::slug("  Change ticket: linked! "),
            "change-ticket-linked"
        );
    }
}
