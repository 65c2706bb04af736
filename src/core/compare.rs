//! Canary against baseline, statistically: the canary's samples of the live stage compared with
//! the baseline's by a Mann-Whitney U test and an effect size, as Kayenta's judge does. One
//! verdict per condition (pass, marginal, fail, or unknown below the minimum evidence), and a
//! stage score over them where critical conditions veto.
//!
//! The test itself is `statrs`'s; what is ours is the guarding around it (which samples count,
//! when there is too little to say anything) and the decision.

use statrs::stats_tests::Alternative;
use statrs::stats_tests::mannwhitneyu::{MannWhitneyUMethod, mannwhitneyu};

/// Which way is worse. For an error rate or a latency only a higher canary is a regression; a
/// success rate or a throughput regresses downwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Worse {
    Higher,
    Lower,
}

/// `compare = { test = "mann-whitney", max_effect = 1.5, alpha = 0.05, min_samples = 30 }`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compare {
    /// A canary mean worse than this ratio of the baseline's (its inverse when lower is
    /// worse) fails, when the difference is also significant.
    pub max_effect: f64,
    /// The significance level: a difference with a p-value under it is not chance.
    pub alpha: f64,
    /// Samples needed on each side before the test says anything.
    pub min_samples: usize,
    /// Compare only the stage's most recent this many samples (None: all the stage keeps).
    /// A window lets a regression that ended by itself end as a breach does (SEMANTICS §1:
    /// the bake restarts once it ends), as Kayenta judges interval by interval.
    pub window: Option<usize>,
    pub worse: Worse,
    /// A fail of this condition fails the stage whatever the score.
    pub critical: bool,
}

impl Default for Compare {
    fn default() -> Self {
        Compare {
            max_effect: 1.5,
            alpha: 0.05,
            min_samples: 30,
            window: None,
            worse: Worse::Higher,
            critical: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    Pass,
    /// Worse by more than `max_effect`, but not yet significant: more evidence decides.
    Marginal,
    /// Significantly worse, by more than `max_effect`.
    Fail,
    /// Too little to judge, or nothing to compare.
    Unknown,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Marginal => "MARGINAL",
            Outcome::Fail => "FAIL",
            Outcome::Unknown => "UNKNOWN",
        }
    }
}

/// The result of one comparison, with the figures shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub outcome: Outcome,
    /// Usable samples of the canary and of the baseline.
    pub canary_n: usize,
    pub baseline_n: usize,
    /// One-sided p-value that the canary is worse (None when unknown).
    pub p: Option<f64>,
    /// Canary mean / baseline mean (None when unknown).
    pub effect: Option<f64>,
    /// Why it is unknown, or the figures in words: "p=0.003 effect 1.80×".
    pub words: String,
}

/// Together, the canary and the baseline exact p-values are computed over every way of
/// choosing one side's ranks: cheap up to 20 samples, beyond that the normal approximation
/// (with continuity correction, as scipy's default) is both accurate and bounded in cost.
const EXACT_UP_TO: usize = 20;

impl Compare {
    /// Judge the canary's `canary` samples against the baseline's `baseline`. Non-finite
    /// values are dropped (a NaN is no evidence either way); below `min_samples` on either
    /// side, or with a side whose samples are all equal, the answer is unknown — never pass.
    pub fn judge(&self, canary: &[f64], baseline: &[f64]) -> Comparison {
        let c: Vec<f64> = canary.iter().copied().filter(|v| v.is_finite()).collect();
        let b: Vec<f64> = baseline.iter().copied().filter(|v| v.is_finite()).collect();
        let unknown = |words: String| Comparison {
            outcome: Outcome::Unknown,
            canary_n: c.len(),
            baseline_n: b.len(),
            p: None,
            effect: None,
            words,
        };
        // At least 2 on each side whatever the config says: one sample has no spread.
        let need = self.min_samples.max(2);
        let fewest = c.len().min(b.len());
        if fewest < need {
            return unknown(format!("{fewest} of {need} samples"));
        }
        // A side that never moved (all zero errors at a 1% canary, a stuck exporter) says
        // nothing about a distribution: a rank test would call it a perfect separation.
        for (side, v) in [("canary", &c), ("baseline", &b)] {
            if v.iter().all(|x| *x == v[0]) {
                return unknown(format!("{side} samples all equal: nothing to compare"));
            }
        }
        let alternative = match self.worse {
            Worse::Higher => Alternative::Greater,
            Worse::Lower => Alternative::Less,
        };
        let exact = c.len() + b.len() <= EXACT_UP_TO && !has_ties(&c, &b);
        let method = if exact {
            MannWhitneyUMethod::Exact
        } else {
            MannWhitneyUMethod::AsymptoticInclContinuityCorrection
        };
        // statrs 0.19.1's exact p-value is the complement of the right one when the first
        // sample is not strictly the larger (it counts the other tail): turned round here,
        // and held to counted values in the tests.
        let flip = exact && c.len() <= b.len();
        let p = match mannwhitneyu(&c, &b, method, alternative) {
            Ok((_, p)) if p.is_finite() && flip => (1.0 - p).clamp(0.0, 1.0),
            Ok((_, p)) if p.is_finite() => p,
            Ok(_) => return unknown("the test gave no p-value".into()),
            Err(e) => return unknown(format!("the test failed: {e}")),
        };
        let effect = effect(&c, &b);
        // How much worse, as a ratio ≥ 1 meaning worse, whichever way worse is.
        let worse_by = match self.worse {
            Worse::Higher => effect,
            Worse::Lower if effect > 0.0 => 1.0 / effect,
            Worse::Lower => f64::INFINITY,
        };
        let too_worse = worse_by > self.max_effect;
        let outcome = match (p < self.alpha, too_worse) {
            (true, true) => Outcome::Fail,
            (false, true) => Outcome::Marginal,
            // Significant but within the tolerated effect, or no evidence of harm at all.
            (_, false) => Outcome::Pass,
        };
        Comparison {
            outcome,
            canary_n: c.len(),
            baseline_n: b.len(),
            p: Some(p),
            effect: Some(effect),
            words: format!("{} effect {}", show_p(p), show_effect(effect)),
        }
    }
}

/// The effect size: the ratio of the canary's mean to the baseline's, as Kayenta's judge
/// measures it. Not the medians: over a stage's samples a regression that began late moves the
/// median only once it covers half the stage, while the mean shows it in proportion at once.
/// A single spike cannot fail a condition through the mean alone: a fail also needs the rank
/// test's p-value under alpha, and ranks do not care how high one value is. A baseline mean
/// of 0 or less gives 1 when the canary's is no higher, else infinity (any rise from nothing
/// is unbounded).
pub fn effect(canary: &[f64], baseline: &[f64]) -> f64 {
    let (c, b) = (mean(canary), mean(baseline));
    if b > 0.0 {
        c / b
    } else if c <= b {
        1.0
    } else {
        f64::INFINITY
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn has_ties(a: &[f64], b: &[f64]) -> bool {
    let mut all: Vec<f64> = a.iter().chain(b).copied().collect();
    all.sort_by(f64::total_cmp);
    all.windows(2).any(|w| w[0] == w[1])
}

/// "p=0.003", "p<0.001".
pub fn show_p(p: f64) -> String {
    if p < 0.001 {
        "p<0.001".into()
    } else {
        format!("p={p:.3}")
    }
}

/// "1.80×", ">99×" (also for a rise from a zero baseline).
pub fn show_effect(e: f64) -> String {
    if e > 99.0 {
        ">99×".into()
    } else {
        format!("{e:.2}×")
    }
}

/// The stage score over the statistical conditions judged: the share of passes, a marginal
/// counting half, as Kayenta's; unknown ones are left out (they hold the verdict anyway).
/// None when none was judged.
pub fn score(outcomes: impl IntoIterator<Item = Outcome>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0u32);
    for o in outcomes {
        match o {
            Outcome::Pass => sum += 1.0,
            Outcome::Marginal => sum += 0.5,
            Outcome::Fail => {}
            Outcome::Unknown => continue,
        }
        n += 1;
    }
    (n > 0).then(|| 100.0 * sum / f64::from(n))
}

/// Below this score the stage fails: the fails outweigh the passes. One marginal condition
/// alone scores 50 and holds; one non-critical fail alone scores 0 and fails.
pub const FAIL_BELOW: f64 = 50.0;

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
