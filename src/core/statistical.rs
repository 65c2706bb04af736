//! A statistical condition's state: its value judged as any condition's (fresh data, absolute
//! limits), then the comparison of the stage's canary samples with the baseline's on top.
//!
//! | comparison | state                                                   |
//! |------------|---------------------------------------------------------|
//! | pass       | as the value alone says (OK, or WARN/BREACH by `max`)   |
//! | marginal   | WARN, confirming: holds the verdict and pauses the bake |
//! | fail       | BREACH when `critical`; else WARN, and the stage score  |
//! |            | decides (below 50 the stage fails: `stage_fails`)       |
//! | unknown    | UNKNOWN ("12 of 30 samples"): never healthy             |
//!
//! Data that is missing or stale, or a breach by an absolute limit, wins over the comparison.

use super::compare::{Compare, Comparison, FAIL_BELOW, Outcome, Worse, score};
use super::condition::{CondState, ConditionSpec, ConditionStatus, ConditionTrack};
use super::plan::ThresholdOverride;
use super::samples::Point;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

impl ConditionSpec {
    /// `judge`, and for a statistical condition the comparison over `points`, the samples of
    /// the live stage entry (each with the baseline as it stood).
    pub fn judge_stage(
        &self,
        track: &ConditionTrack,
        over: Option<&ThresholdOverride>,
        points: &VecDeque<Point>,
        now: DateTime<Utc>,
    ) -> (ConditionStatus, DateTime<Utc>) {
        let (mut status, until) = self.judge(track, over, now);
        let Some(cmp) = self.compare else {
            return (status, until);
        };
        let skip = cmp.window.map_or(0, |w| points.len().saturating_sub(w));
        let canary: Vec<f64> = points.iter().skip(skip).map(|p| p.value).collect();
        let baseline: Vec<f64> = points
            .iter()
            .skip(skip)
            .filter_map(|p| p.baseline)
            .collect();
        let c = cmp.judge(&canary, &baseline);
        if matches!(status.state, CondState::Ok | CondState::Warn) && status.confirming.is_none() {
            match c.outcome {
                Outcome::Pass => {}
                Outcome::Unknown => {
                    status.state = CondState::Unknown;
                    status.why = Some(c.words.clone());
                }
                Outcome::Fail if cmp.critical => {
                    status.state = CondState::Breached;
                    status.why = Some(format!("FAIL (critical) {}", c.words));
                }
                Outcome::Marginal | Outcome::Fail => {
                    let text = describe(&c);
                    status.state = CondState::Warn;
                    status.why = Some(text.clone());
                    status.confirming = Some(text);
                }
            }
        }
        status.compare = Some(c);
        (status, until)
    }
}

/// Unknown only because the comparison has too few samples yet: the data itself is fresh,
/// so the words to say are "wait", not "check the source".
pub fn awaiting_samples(s: &ConditionStatus) -> bool {
    s.state == CondState::Unknown
        && s.compare
            .as_ref()
            .is_some_and(|c| c.outcome == Outcome::Unknown && s.why.as_deref() == Some(&c.words))
}

/// The stage score over the statistical conditions as they stand (None without any judged).
pub fn stage_score<'a>(conditions: impl IntoIterator<Item = &'a ConditionStatus>) -> Option<f64> {
    score(
        conditions
            .into_iter()
            .filter_map(|s| s.compare.as_ref().map(|c| c.outcome)),
    )
}

/// Why the stage fails on its score: fails outweigh passes ("stage score 33 below 50").
/// A critical fail is a breach of its own and needs no score.
pub fn stage_fails<'a>(
    conditions: impl IntoIterator<Item = &'a ConditionStatus> + Clone,
) -> Option<String> {
    let s = stage_score(conditions.clone())?;
    let any_fail = conditions
        .into_iter()
        .any(|c| c.compare.as_ref().map(|c| c.outcome) == Some(Outcome::Fail));
    (any_fail && s < FAIL_BELOW).then(|| format!("stage score {s:.0} below {FAIL_BELOW:.0}"))
}

/// The verdict's reasons when the stage fails on its score: why, then each failing condition
/// ("p95 vs baseline: FAIL p=0.003 effect 1.80×").
pub fn stage_fail_reasons(conditions: &[(&str, &ConditionStatus)]) -> Option<Vec<String>> {
    let why = stage_fails(conditions.iter().map(|(_, s)| *s))?;
    let failing = conditions
        .iter()
        .filter(|(_, s)| s.compare.as_ref().map(|c| c.outcome) == Some(Outcome::Fail));
    let words =
        failing.map(|(label, s)| format!("{label}: {}", s.why.as_deref().unwrap_or("fails")));
    Some(std::iter::once(why).chain(words).collect())
}

/// "score 83" for a panel title.
pub fn score_words(s: f64) -> String {
    format!("score {s:.0}")
}

/// The comparison's outcome word and figures: "FAIL p=0.003 effect 1.80×".
pub fn describe(c: &Comparison) -> String {
    format!("{} {}", c.outcome.label(), c.words)
}

/// The comparison whole, for a detail view and `check`: "FAIL: p=0.003 effect 1.80×, worse
/// than 1.5× (one-sided Mann-Whitney U at alpha 0.05 over 42 canary and 42 baseline samples of
/// this stage; critical)".
pub fn explain(cmp: &Compare, c: &Comparison) -> String {
    let bound = match cmp.worse {
        Worse::Higher => format!("higher is worse, tolerated up to {}×", show(cmp.max_effect)),
        Worse::Lower => format!(
            "lower is worse, tolerated down to 1/{}×",
            show(cmp.max_effect)
        ),
    };
    let of = match cmp.window {
        Some(w) => format!("the last {w} samples of this stage"),
        None => "this stage".to_string(),
    };
    let over = format!(
        "one-sided Mann-Whitney U at alpha {} over {} canary and {} baseline samples of {of}, \
         at least {} each; {bound}{}",
        show(cmp.alpha),
        c.canary_n,
        c.baseline_n,
        cmp.min_samples,
        if cmp.critical { "; critical" } else { "" },
    );
    format!("{}: {} ({over})", c.outcome.label(), c.words)
}

/// The statistical limit in a narrow column: "MW ≤ 1.5×base".
pub fn limit_words(cmp: &Compare) -> String {
    match cmp.worse {
        Worse::Higher => format!("MW ≤ {}×base", show(cmp.max_effect)),
        Worse::Lower => format!("MW ≥ base/{}", show(cmp.max_effect)),
    }
}

fn show(v: f64) -> String {
    super::reading::format_number(v)
}

#[cfg(test)]
#[path = "statistical_tests.rs"]
mod tests;
