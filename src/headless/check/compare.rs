//! A statistical condition's comparison in `check`'s JSON, under the condition's `compare`:
//!
//! ```text
//! "compare": null | { "test": "mann-whitney",
//!                     "outcome": "pass" | "marginal" | "fail" | "unknown",
//!                     "p": number | null,            one-sided: the canary is worse
//!                     "effect": number | null,       canary mean / baseline mean
//!                     "canary_samples": integer, "baseline_samples": integer,
//!                     "min_samples": integer, "alpha": number, "max_effect": number,
//!                     "worse": "higher" | "lower", "critical": boolean,
//!                     "text": string }               "FAIL p=0.003 effect 1.80×"
//! ```
//!
//! and at the top level `"stage_score": number | null` — the share of passing statistical
//! conditions, a marginal counting half (null without any judged).

use crate::core::condition::{ConditionSpec, ConditionStatus};
use crate::core::statistical::describe;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareJson {
    pub test: &'static str,
    pub outcome: &'static str,
    pub p: Option<f64>,
    /// Infinite (a rise from a zero baseline) is written as null: JSON has no infinity.
    pub effect: Option<f64>,
    pub canary_samples: usize,
    pub baseline_samples: usize,
    pub min_samples: usize,
    pub alpha: f64,
    pub max_effect: f64,
    pub worse: &'static str,
    pub critical: bool,
    pub text: String,
}

pub fn json(spec: &ConditionSpec, status: &ConditionStatus) -> Option<CompareJson> {
    let (cmp, c) = (spec.compare.as_ref()?, status.compare.as_ref()?);
    Some(CompareJson {
        test: "mann-whitney",
        outcome: c.outcome.into(),
        p: c.p,
        effect: c.effect.filter(|e| e.is_finite()),
        canary_samples: c.canary_n,
        baseline_samples: c.baseline_n,
        min_samples: cmp.min_samples,
        alpha: cmp.alpha,
        max_effect: cmp.max_effect,
        worse: cmp.worse.into(),
        critical: cmp.critical,
        text: describe(c),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{evidence, text};
    use crate::ui::statistical_tests::worse_than_baseline;
    use std::time::Duration;

    /// `check` on the canary running at twice its baseline's errors: the comparison in the
    /// JSON, the score at the top level, the figures in the text's WHY and the score under it.
    #[test]
    fn check_shows_the_comparison_and_the_stage_score() {
        let state = worse_than_baseline(false);
        let now = crate::ui::fixture::t(0);
        let e = evidence::from_state(&state, now, Duration::ZERO, Duration::from_secs(5));
        let json = serde_json::to_value(&e).unwrap();
        let c = &json["conditions"][1];
        assert_eq!(c["threshold_text"], "MW ≤ 1.5×base");
        assert_eq!(c["compare"]["test"], "mann-whitney");
        assert_eq!(c["compare"]["outcome"], "fail");
        assert_eq!(c["compare"]["critical"], false);
        assert!(c["compare"]["p"].as_f64().unwrap() < 0.001, "{c}");
        assert!(c["compare"]["effect"].as_f64().unwrap() > 1.5, "{c}");
        assert_eq!(c["compare"]["canary_samples"], 91);
        assert_eq!(json["stage_score"], 0.0);
        assert!(json["conditions"][0]["compare"].is_null());
        let text = text::render(&e);
        assert!(text.contains("FAIL p<0.001 effect 1.56×"), "{text}");
        assert!(
            text.contains("Stage score 0 (statistical conditions"),
            "{text}"
        );
        assert!(text.contains("stage score 0 below 50"), "{text}");
    }
}

#[cfg(test)]
mod watch_tests {
    use crate::headless::Format;
    use crate::headless::watch::line::Line;
    use crate::ui::statistical_tests::worse_than_baseline;

    /// `watch` writes the log's lines: a critical statistical fail begins a breach with its
    /// figures, and the verdict's line says it.
    #[test]
    fn watch_lines_carry_the_figures() {
        let state = worse_than_baseline(true);
        let lines: Vec<String> = state
            .screen
            .log
            .iter()
            .map(|e| Line::from_log(e, "ROLLBACK ADVISED").render(Format::Text))
            .collect();
        let all = lines.join("\n");
        assert!(
            all.contains("breach began: Errors vs baseline: FAIL (critical) p<0.001 effect 1.50×"),
            "{all}"
        );
    }
}
