//! `min_traffic = { query = '…', min = 500, unit = "requests" }` of a condition: the canary's
//! traffic, read from the condition's own source, below which the condition is unknown.

use super::checks::{Ctx, num, quoted};
use super::path::KeyPath;
use super::schema;
use super::signals::Signals;
use super::sources::SourceInfo;
use crate::core::min_traffic::MinTraffic;

/// What `min_traffic` asks for, or `Err(())` once a problem in it is reported; `Ok(None)` when
/// the condition has none.
pub fn build(
    ctx: &mut Ctx,
    at: &KeyPath,
    raw: Option<schema::MinTraffic>,
    source: Option<(&str, &SourceInfo)>,
    signals: &mut Signals,
) -> Result<Option<MinTraffic>, ()> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let at = at.key("min_traffic");
    let min = ctx.finite(&at.key("min"), raw.min);
    let unit = raw.unit.clone().unwrap_or_else(|| "requests".into());
    let min = match min {
        None if !ctx.report.was_reported(&at.key("min")) => {
            ctx.report.missing(
                &at.key("min"),
                "the least canary traffic that counts as evidence, more than 0 (e.g. 500)",
            );
            None
        }
        Some(m) if m <= 0.0 => {
            ctx.report.invalid(
                &at.key("min"),
                num(m),
                "a number more than 0 (e.g. 500): zero traffic is no evidence",
            );
            None
        }
        other => other,
    };
    if unit.trim().is_empty() {
        ctx.report.invalid(
            &at.key("unit"),
            quoted(&unit),
            "what is counted, such as \"requests\" or \"req/s\"",
        );
    }
    let signal = ctx.signal(&at, source, schema::pick_of!(raw, None), signals);
    match (signal, min) {
        (Some(signal), Some(min)) if !unit.trim().is_empty() => {
            Ok(Some(MinTraffic { signal, min, unit }))
        }
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    /// Each problem of `min_traffic`, `observe` and `failure_limit` with its file, key, value
    /// and what was expected (tests/fixtures/config/min_traffic_and_budget.toml).
    #[test]
    fn every_problem_is_named_with_its_key_and_value() {
        let text = include_str!("../../tests/fixtures/config/min_traffic_and_budget.toml");
        let errors = crate::config::load_str(text, "min_traffic_and_budget.toml")
            .unwrap_err()
            .to_string();
        let expected = include_str!("../../tests/fixtures/config/min_traffic_and_budget.expected");
        assert_eq!(errors.trim_end(), expected.trim_end());
    }
}
