//! A condition's `compare` table and what `critical` means to it: a statistical comparison of
//! the canary's samples with the baseline's over the stage (src/core/compare.rs).

use super::checks::{Ctx, num, quoted};
use super::path::KeyPath;
use super::schema;
use crate::core::compare::{Compare, Worse};
use crate::core::samples::StageSamples;

/// The comparison a condition at `at` asks for, if any; `has_baseline` whether it has a
/// `baseline` to compare with. `None` also when something is wrong (reported).
pub fn build(
    ctx: &mut Ctx,
    at: &KeyPath,
    raw: Option<schema::Compare>,
    critical: Option<bool>,
    baseline: Option<&schema::Baseline>,
) -> Result<Option<Compare>, ()> {
    // `critical` on any condition marks it for armed auto-rollback (config/automation.rs);
    // on a statistical one it also makes a significant fail a breach.
    let Some(raw) = raw else {
        return Ok(None);
    };
    let cat = at.key("compare");
    let Some(b) = baseline else {
        ctx.report.missing(
            &at.key("baseline"),
            "a baseline to compare with, e.g. baseline = { query = '…{track=\"baseline\"}…' }",
        );
        return Err(());
    };
    let mut ok = true;
    for (key, set) in [("factor", b.factor), ("offset", b.offset)] {
        if let Some(v) = set {
            ok = false;
            ctx.report.invalid(
                &at.key("baseline").key(key),
                num(v),
                "no factor or offset on a statistical condition: compare.max_effect bounds it",
            );
        }
    }
    ok &= ctx
        .choice(
            &cat.key("test"),
            raw.test.as_deref(),
            &["mann-whitney"],
            "mann-whitney",
        )
        .is_some();
    let d = Compare::default();
    let max_effect = ctx.finite(&cat.key("max_effect"), raw.max_effect);
    if let Some(e) = max_effect.filter(|e| *e < 1.0) {
        ok = false;
        ctx.report.invalid(
            &cat.key("max_effect"),
            num(e),
            "a ratio of 1 or more (1.5: the canary's mean may be up to 1.5× the baseline's)",
        );
    }
    let alpha = ctx.finite(&cat.key("alpha"), raw.alpha);
    if let Some(a) = alpha.filter(|a| !(*a > 0.0 && *a < 1.0)) {
        ok = false;
        ctx.report.invalid(
            &cat.key("alpha"),
            num(a),
            "a significance level between 0 and 1 (e.g. 0.05)",
        );
    }
    let most = StageSamples::CAPACITY as i64;
    let min_samples = match raw.min_samples {
        None => Some(d.min_samples),
        Some(n) if (3..=most).contains(&n) => Some(n as usize),
        Some(n) => {
            ctx.report.invalid(
                &cat.key("min_samples"),
                n.to_string(),
                format!("a whole number from 3 to {most} (the samples a stage keeps)"),
            );
            None
        }
    };
    let window = match (raw.window, min_samples) {
        (None, _) => Some(None),
        (Some(w), Some(least)) if (least as i64..=most).contains(&w) => Some(Some(w as usize)),
        (Some(w), _) => {
            ctx.report.invalid(
                &cat.key("window"),
                w.to_string(),
                format!(
                    "a whole number of samples from min_samples ({}) to {most}",
                    min_samples.map_or("3".into(), |m| m.to_string())
                ),
            );
            None
        }
    };
    let worse = match raw.worse.as_deref() {
        None => Some(d.worse),
        Some(w) => match w.parse::<Worse>() {
            Ok(w) => Some(w),
            Err(_) => {
                ctx.report.invalid(
                    &cat.key("worse"),
                    quoted(w),
                    "\"higher\" (an error rate, a latency) or \"lower\" (a success rate)",
                );
                None
            }
        },
    };
    // A non-finite max_effect or alpha was reported by `finite` (and the key with it).
    ok &= !ctx.report.was_reported(&cat.key("max_effect"))
        && !ctx.report.was_reported(&cat.key("alpha"));
    match (ok, min_samples, window, worse) {
        (true, Some(min_samples), Some(window), Some(worse)) => Ok(Some(Compare {
            max_effect: max_effect.unwrap_or(d.max_effect),
            alpha: alpha.unwrap_or(d.alpha),
            min_samples,
            window,
            worse,
            critical: critical.unwrap_or(false),
        })),
        _ => Err(()),
    }
}
