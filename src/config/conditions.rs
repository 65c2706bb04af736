//! `[[conditions]]`: stop conditions, and the threshold rules stage overrides share.

use super::checks::{Ctx, num, quoted};
use super::decode::decode;
use super::path::KeyPath;
use super::schema;
use super::signals::Signals;
use super::sources::SourceTable;
use crate::core::condition::{ConditionSpec, Persistence, Relative, Threshold, Unit};
use std::collections::BTreeMap;

/// What stage overrides need to know about each condition, by id.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    pub threshold: Threshold,
    pub relative: bool,
}

pub fn build_all(
    ctx: &mut Ctx,
    items: &[&toml::Value],
    sources: &SourceTable,
    signals: &mut Signals,
) -> (Vec<Option<ConditionSpec>>, BTreeMap<String, Known>) {
    let mut specs = Vec::new();
    let mut known = BTreeMap::new();
    let mut first_use: BTreeMap<String, usize> = BTreeMap::new();
    for (i, value) in items.iter().enumerate() {
        let at = KeyPath::root().key("conditions").index(i);
        let spec = build(ctx, &at, value, sources, signals);
        // Ids are checked here, on the raw table, so a broken condition still owns its id.
        if let Some(id) = value.get("id").and_then(|v| v.as_str()) {
            if let Some(j) = first_use.get(id) {
                ctx.report.invalid(
                    &at.key("id"),
                    quoted(id),
                    format!("an id not used before (conditions[{j}] has it)"),
                );
            } else {
                first_use.insert(id.to_string(), i);
                if let Some(s) = &spec {
                    known.insert(
                        id.to_string(),
                        Known {
                            threshold: s.threshold,
                            relative: s.relative.is_some(),
                        },
                    );
                }
            }
        }
        specs.push(spec);
    }
    (specs, known)
}

fn build(
    ctx: &mut Ctx,
    at: &KeyPath,
    value: &toml::Value,
    sources: &SourceTable,
    signals: &mut Signals,
) -> Option<ConditionSpec> {
    let raw: schema::Condition = decode(value, at, &mut ctx.report)?;
    let id = ctx.required(&at.key("id"), raw.id, "an id such as \"error_rate\"");
    let id = id.filter(|id| {
        let ok = id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !ok {
            ctx.report.invalid(
                &at.key("id"),
                quoted(id),
                "lower-case letters, digits, _ and - (e.g. \"error_rate\")",
            );
        }
        ok
    });
    let source = ctx.source_ref(at, raw.source.as_deref(), sources);
    let value_signal = ctx.signal(at, source, schema::pick_of!(raw, raw.map), signals);
    let threshold = Threshold {
        max: ctx.finite(&at.key("max"), raw.max),
        min: ctx.finite(&at.key("min"), raw.min),
        warn: ctx.finite(&at.key("warn"), raw.warn),
    };
    let compare = super::compare::build(ctx, at, raw.compare, raw.critical, raw.baseline.as_ref());
    let relative = match raw.baseline {
        None => None,
        Some(b) => {
            let bat = at.key("baseline");
            let signal = ctx.signal(&bat, source, schema::pick_of!(b, None), signals);
            let factor = ctx.finite(&bat.key("factor"), b.factor).unwrap_or(1.0);
            if factor <= 0.0 {
                ctx.report.invalid(
                    &bat.key("factor"),
                    num(factor),
                    "a number more than 0 (e.g. 1.5)",
                );
            }
            let offset = ctx.finite(&bat.key("offset"), b.offset).unwrap_or(0.0);
            signal.map(|baseline| Relative {
                baseline,
                factor,
                offset,
            })
        }
    };
    let has_baseline = value.get("baseline").is_some();
    let limit_reported = ["max", "min", "baseline"]
        .iter()
        .any(|k| ctx.report.was_reported(&at.key(k)));
    if threshold.max.is_none() && threshold.min.is_none() && !has_baseline && !limit_reported {
        ctx.report.error(
            at,
            "no threshold",
            None,
            Some("max, min or baseline".into()),
        );
    }
    for (field, got, expected) in threshold_rules(&threshold, has_baseline) {
        ctx.report.invalid(&at.key(field), got, expected);
    }
    let persistence = match (raw.for_, raw.samples) {
        (Some(_), Some(_)) => {
            ctx.report.problem(
                &at.key("samples"),
                "set either `for` or `samples`, not both",
            );
            None
        }
        (Some(d), None) => Some(Persistence::For(d.0)),
        (None, Some(n)) => match u32::try_from(n) {
            Ok(n) if n >= 1 => Some(Persistence::Samples(n)),
            _ => {
                ctx.report.invalid(
                    &at.key("samples"),
                    n.to_string(),
                    "a whole number, 1 or more",
                );
                None
            }
        },
        (None, None) => Some(Persistence::Immediate),
    };
    let scale = ctx.finite(&at.key("scale"), raw.scale).unwrap_or(1.0);
    if scale == 0.0 {
        ctx.report.invalid(
            &at.key("scale"),
            num(scale),
            "a number other than 0 (e.g. 100 to show a ratio in percent)",
        );
    }
    let decimals = match raw.decimals {
        None => Some(2),
        Some(d @ 0..=9) => Some(d as usize),
        Some(d) => {
            ctx.report.invalid(
                &at.key("decimals"),
                d.to_string(),
                "a whole number from 0 to 9",
            );
            None
        }
    };
    let min_traffic = super::min_traffic::build(ctx, at, raw.min_traffic, source, signals);
    let (_, info) = source?;
    let id = id?;
    Some(ConditionSpec {
        label: raw.label.unwrap_or_else(|| id.clone()),
        id,
        value: value_signal?,
        threshold,
        relative: if has_baseline { Some(relative?) } else { None },
        persistence: persistence?,
        unit: Unit {
            suffix: raw.unit.unwrap_or_default(),
            scale,
            decimals: decimals?,
        },
        stale_after: info.stale_after,
        min_traffic: min_traffic.ok()?,
        observe: raw.observe.unwrap_or(false),
        compare: compare.ok()?,
        critical: raw.critical.unwrap_or(false),
    })
}

/// Limits that contradict each other: `(field, value, expected)` for each.
/// With a baseline the effective `max` is only known at run time, so `warn` is then only
/// checked against `min`.
pub fn threshold_rules(t: &Threshold, relative: bool) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    if let (Some(min), Some(max)) = (t.min, t.max)
        && min >= max
    {
        out.push(("min", num(min), format!("less than max ({})", num(max))));
    }
    if let Some(w) = t.warn {
        if let Some(max) = t.max
            && w >= max
        {
            out.push((
                "warn",
                num(w),
                format!(
                    "less than max ({}): warn is the early signal before a breach",
                    num(max)
                ),
            ));
        }
        let max_side = t.max.is_some() || relative;
        if let Some(min) = t.min
            && w <= min
            && t.max.is_none_or(|m| w < m)
        {
            let why = if max_side {
                "warn sits between min and max"
            } else {
                "warn is the early signal before a breach"
            };
            out.push((
                "warn",
                num(w),
                format!("more than min ({}): {why}", num(min)),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(max: Option<f64>, min: Option<f64>, warn: Option<f64>) -> Threshold {
        Threshold { max, min, warn }
    }

    #[test]
    fn warn_must_sit_on_the_safe_side() {
        assert!(threshold_rules(&t(Some(0.02), None, Some(0.01)), false).is_empty());
        assert!(threshold_rules(&t(None, Some(0.99), Some(0.995)), false).is_empty());
        assert!(threshold_rules(&t(Some(10.0), Some(1.0), Some(5.0)), false).is_empty());
        assert!(threshold_rules(&t(None, None, Some(0.5)), true).is_empty());
        assert_eq!(
            threshold_rules(&t(None, Some(1.0), Some(0.5)), true)[0].2,
            "more than min (1): warn sits between min and max"
        );
        let over = threshold_rules(&t(Some(0.02), None, Some(0.03)), false);
        assert_eq!(over[0].0, "warn");
        assert_eq!(
            over[0].2,
            "less than max (0.02): warn is the early signal before a breach"
        );
        let under = threshold_rules(&t(None, Some(0.99), Some(0.9)), false);
        assert_eq!(
            under[0].2,
            "more than min (0.99): warn is the early signal before a breach"
        );
        let between = threshold_rules(&t(Some(10.0), Some(1.0), Some(0.5)), false);
        assert_eq!(
            between[0].2,
            "more than min (1): warn sits between min and max"
        );
        let crossed = threshold_rules(&t(Some(1.0), Some(2.0), None), false);
        assert_eq!(
            crossed[0],
            ("min", "2".to_string(), "less than max (1)".to_string())
        );
    }
}
