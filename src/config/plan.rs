//! `[[stages]]`: the rollout plan, with per-stage threshold overrides.

use super::checks::{Ctx, num, quoted};
use super::conditions::{Known, threshold_rules};
use super::decode::decode;
use super::path::KeyPath;
use super::schema;
use crate::core::plan::{Plan, Stage, ThresholdOverride};
use std::collections::BTreeMap;

pub fn build(
    ctx: &mut Ctx,
    items: &[&toml::Value],
    conditions: &BTreeMap<String, Known>,
    broken_ids: &[String],
) -> Option<Plan> {
    let root = KeyPath::root().key("stages");
    if items.is_empty() {
        if !ctx.report.was_reported(&root) {
            ctx.report.error(
                &root,
                "no stages",
                None,
                Some("at least one [[stages]] table with traffic and bake".into()),
            );
        }
        return None;
    }
    let mut stages = Vec::new();
    let mut previous: Option<f64> = None;
    let mut names: Vec<Option<String>> = Vec::new();
    for (i, value) in items.iter().enumerate() {
        let at = root.index(i);
        let Some(raw) = decode::<schema::Stage>(value, &at, &mut ctx.report) else {
            stages.push(None);
            names.push(None);
            continue;
        };
        let traffic = match ctx.finite(&at.key("traffic"), raw.traffic) {
            None => {
                ctx.report.missing(
                    &at.key("traffic"),
                    "the share of traffic in percent (e.g. 5)",
                );
                None
            }
            Some(t) if t <= 0.0 || t > 100.0 => {
                ctx.report.invalid(
                    &at.key("traffic"),
                    num(t),
                    "a percentage more than 0 and at most 100",
                );
                None
            }
            Some(t) => {
                if let Some(p) = previous.filter(|p| t <= *p) {
                    let expected = format!(
                        "more than the previous stage's {}: traffic grows stage by stage",
                        num(p)
                    );
                    ctx.report.invalid(&at.key("traffic"), num(t), expected);
                }
                previous = Some(t);
                Some(t)
            }
        };
        if i + 1 == items.len()
            && let Some(t) = traffic.filter(|t| *t != 100.0)
        {
            ctx.report.invalid(
                &at.key("traffic"),
                num(t),
                "100 on the last stage: the plan ends with all traffic",
            );
        }
        let bake = match raw.bake {
            Some(d) => Some(d.0),
            None => {
                ctx.report
                    .missing(&at.key("bake"), "a duration like \"10m\"");
                None
            }
        };
        let overrides = overrides(
            ctx,
            &at.key("thresholds"),
            raw.thresholds.unwrap_or_default(),
            conditions,
            broken_ids,
        );
        let failure_limit = match raw.failure_limit.map(u32::try_from) {
            None => Some(None),
            Some(Ok(n)) => Some((n > 0).then_some(n)),
            Some(Err(_)) => {
                let got = raw.failure_limit.unwrap_or_default().to_string();
                let expected = "a whole number, 0 or more: the breaches allowed before the \
                    stage fails (e.g. 2)";
                ctx.report.invalid(&at.key("failure_limit"), got, expected);
                None
            }
        };
        let name = raw.name.or_else(|| traffic.map(|t| format!("{}%", num(t))));
        if let Some(name) = &name {
            // A journal record names its stage: two stages of one name could not be told apart.
            if let Some(j) = names.iter().position(|n| n.as_ref() == Some(name)) {
                ctx.report.error(
                    &at.key("name"),
                    "stage names must be unique",
                    Some(quoted(name)),
                    Some(format!("a name other than that of stages[{j}]")),
                );
            }
        }
        names.push(name.clone());
        stages.push(traffic.zip(bake).zip(name).zip(failure_limit).map(
            |(((traffic, bake), name), failure_limit)| Stage {
                name,
                traffic,
                bake,
                overrides,
                failure_limit,
            },
        ));
    }
    Some(Plan {
        stages: stages.into_iter().collect::<Option<Vec<_>>>()?,
    })
}

fn overrides(
    ctx: &mut Ctx,
    at: &KeyPath,
    raw: BTreeMap<String, schema::Override>,
    conditions: &BTreeMap<String, Known>,
    broken_ids: &[String],
) -> BTreeMap<String, ThresholdOverride> {
    let mut out = BTreeMap::new();
    for (id, o) in raw {
        let oat = at.key(&id);
        let o = ThresholdOverride {
            max: ctx.finite(&oat.key("max"), o.max),
            min: ctx.finite(&oat.key("min"), o.min),
            warn: ctx.finite(&oat.key("warn"), o.warn),
        };
        let Some(known) = conditions.get(&id) else {
            if !broken_ids.contains(&id) {
                let ids: Vec<&str> = conditions.keys().map(String::as_str).collect();
                let expected = match ids.len() {
                    0 => "the id of a condition, but none is declared".to_string(),
                    _ => format!("the id of a condition: {}", ids.join(", ")),
                };
                ctx.report
                    .error(&oat, format!("no condition `{id}`"), None, Some(expected));
            }
            continue;
        };
        let mut t = known.threshold;
        t.max = o.max.or(t.max);
        t.min = o.min.or(t.min);
        t.warn = o.warn.or(t.warn);
        for (field, got, expected) in threshold_rules(&t, known.relative) {
            ctx.report.invalid(
                &oat.key(field),
                got,
                format!("{expected} (with the condition's own limits)"),
            );
        }
        out.insert(id, o);
    }
    out
}
