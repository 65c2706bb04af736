//! Unobserved gaps verified from history (SEMANTICS.md §1): time when no cockpit was observing
//! counts only where history proves it was healthy. The history is each stop condition (and its
//! baseline, and the live traffic share) re-read over the gap at a fixed step, as Prometheus
//! range queries give it; this module judges it with the same rules live judging uses.
//!
//! - Every evaluation time replays what arrived then through `ConditionSpec::observe` and
//!   judges with `ConditionSpec::status` under the current stage's overrides: persistence
//!   (`for`, `samples`) and staleness (a step without a value is tolerated while the last value
//!   is within the condition's `stale_after`, or one step where the step was widened past it)
//!   work as they do live.
//! - A relative condition is compared with its baseline at the same step: a step with no
//!   baseline value makes the condition unknown there.
//! - The gap counts whole or not at all: any step unknown, any value over its limit (even one
//!   not yet long enough to be a breach: live, that pauses the bake) or the live traffic on
//!   another stage, and nothing of the gap counts.
//! - A breach (after its persistence) found in the gap restarts the bake, as a breach seen
//!   live does; nothing of the gap counts, not even the clean time after the breach ended.

use super::bake::{Bake, MarkDue, Span};
use super::condition::{CondState, ConditionSpec, ConditionTrack};
use super::plan::{Plan, ThresholdOverride};
use super::reading::{Reading, SignalId, format_number};
use super::since;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Prometheus refuses a range query of more than 11,000 points per series.
pub const MAX_POINTS: u64 = 11_000;

/// A gap verified from history, as the bake checkpoint journals it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backfill {
    /// The gap that was verified and counted.
    pub span: Span,
    /// The source whose history verified it (its name in the config).
    pub source: String,
    /// The step of the range queries, milliseconds.
    pub step_ms: u64,
}

impl Backfill {
    /// "14:02–14:05 UTC verified from prometheus history"
    pub fn words(&self) -> String {
        format!(
            "{} verified from {} history",
            self.span.words(),
            self.source
        )
    }
}

/// The step for range queries over `from`..`to`: the source's interval, widened (to whole
/// milliseconds) where the gap would need more than `MAX_POINTS` points. True when widened.
pub fn step_for(interval: Duration, from: DateTime<Utc>, to: DateTime<Utc>) -> (Duration, bool) {
    let interval = interval.max(Duration::from_millis(1));
    let span = since(to, from).as_millis() as u64;
    // Points are from, from + step, … up to to: span / step + 1 of them.
    let least = span.div_ceil(MAX_POINTS - 1);
    if (interval.as_millis() as u64) >= least {
        (interval, false)
    } else {
        (Duration::from_millis(least), true)
    }
}

/// One signal's history: at each step, the value the instant query would have given then, or
/// `None` where no series had a value at that step.
pub type Points = Vec<(DateTime<Utc>, Option<Reading>)>;

/// What the history of a gap is judged against.
#[derive(Debug, Clone, Copy)]
pub struct Gap<'a> {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub conditions: &'a [ConditionSpec],
    /// The current stage's threshold overrides, by condition id.
    pub overrides: &'a BTreeMap<String, ThresholdOverride>,
    /// The step of the history: a value is there at most every step, so one is not stale
    /// before a step has passed, even where the step was widened past `stale_after`.
    pub step: Duration,
    /// The live traffic share's signal, when one is configured: each step must show the
    /// tracked stage (`stage` of `plan`), or drift cannot be ruled out.
    pub traffic: Option<Traffic<'a>>,
}

#[derive(Debug, Clone, Copy)]
pub struct Traffic<'a> {
    pub signal: SignalId,
    pub plan: &'a Plan,
    pub stage: usize,
    /// A step without a share is tolerated while the last one is at most this old.
    pub stale_after: Duration,
}

/// What the history says about the gap.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// Healthy at every step: the gap counts.
    Verified,
    /// The gap does not count, and why ("no data for Canary p95 latency 14:03:00–14:04:00").
    NotCounted(String),
    /// A breach in the gap: the bake restarts. `span.to` is `None` when it lasted to the end.
    Breached { span: Span, why: String },
}

fn clock(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S").to_string()
}

/// The first stretch of unknown data of one condition.
struct Unknown {
    cond: usize,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    open: bool,
}

/// Judge the history of the gap (`history`: each requested signal's points, or why its query
/// failed). Pure: the same history always gives the same finding.
pub fn judge(gap: &Gap, history: &[(SignalId, Result<Points, String>)]) -> Finding {
    if gap.conditions.is_empty() {
        return Finding::NotCounted("no stop condition to verify it with".into());
    }
    // A statistical condition judges the stage's samples, which a stopped cockpit did not keep:
    // history of the gap alone cannot prove it passed, so the gap does not count (fail closed).
    if let Some(c) = gap.conditions.iter().find(|c| c.compare.is_some()) {
        return Finding::NotCounted(format!(
            "{} compares the stage's samples, which history cannot replay",
            c.label
        ));
    }
    let mut at: BTreeMap<DateTime<Utc>, Vec<(SignalId, &Option<Reading>)>> = BTreeMap::new();
    for (sig, points) in history {
        match points {
            Err(why) => return Finding::NotCounted(format!("history not read: {why}")),
            Ok(points) => {
                for (t, r) in points {
                    if (gap.from..=gap.to).contains(t) {
                        at.entry(*t).or_default().push((*sig, r));
                    }
                }
            }
        }
    }
    let times: BTreeSet<DateTime<Utc>> = at.keys().copied().chain([gap.from, gap.to]).collect();
    let conditions: Vec<ConditionSpec> = gap
        .conditions
        .iter()
        .map(|c| ConditionSpec {
            stale_after: c.stale_after.max(gap.step),
            ..c.clone()
        })
        .collect();
    let gap = Gap {
        conditions: &conditions,
        ..*gap
    };
    let gap = &gap;
    let mut tracks = vec![ConditionTrack::default(); gap.conditions.len()];
    let mut breach: Option<(DateTime<Utc>, String)> = None;
    let mut breach_end = None;
    let mut unknown: Option<Unknown> = None;
    let mut problem: Option<String> = None;
    let mut share_at: Option<DateTime<Utc>> = None;
    let none = Vec::new();
    for t in times {
        let arrived = at.get(&t).unwrap_or(&none);
        let reading = |sig: SignalId| arrived.iter().find(|(s, _)| *s == sig).map(|(_, r)| *r);
        // Baselines first, so a canary is judged against the baseline of the same step.
        for (spec, track) in gap.conditions.iter().zip(tracks.iter_mut()) {
            if let Some(rel) = spec.relative
                && let Some(r) = reading(rel.baseline)
            {
                let value = r
                    .as_ref()
                    .map_or(Err(format!("no baseline at {}", clock(t))), |r| r.number());
                spec.observe_baseline(track, t, value);
            }
        }
        for (spec, track) in gap.conditions.iter().zip(tracks.iter_mut()) {
            if let Some(m) = &spec.min_traffic
                && let Some(r) = reading(m.signal)
            {
                let value = r
                    .as_ref()
                    .map_or(Err(format!("no traffic at {}", clock(t))), |r| r.number());
                spec.observe_traffic(track, t, value);
            }
        }
        for (spec, track) in gap.conditions.iter().zip(tracks.iter_mut()) {
            if let Some(Some(r)) = reading(spec.value) {
                let threshold = spec.effective(gap.overrides.get(&spec.id), track);
                spec.observe(track, t, r.number(), threshold);
            }
        }
        if let Some(tr) = gap.traffic
            && problem.is_none()
        {
            match reading(tr.signal).map(|r| r.as_ref().map(Reading::number)) {
                Some(Some(Ok(share))) => {
                    share_at = Some(t);
                    if tr.plan.stage_for_traffic(share) != Some(tr.stage) {
                        problem = Some(format!(
                            "live traffic {}% at {}, not the tracked {}",
                            format_number(share),
                            clock(t),
                            tr.plan.stages[tr.stage].label()
                        ));
                    }
                }
                Some(Some(Err(why))) => {
                    problem = Some(format!("live traffic unknown at {}: {why}", clock(t)));
                }
                _ if share_at.is_none_or(|s| since(t, s) > tr.stale_after.max(gap.step)) => {
                    problem = Some(format!("no data for the live traffic at {}", clock(t)));
                }
                _ => {}
            }
        }
        let mut any_breached = false;
        for (i, (spec, track)) in gap.conditions.iter().zip(&tracks).enumerate() {
            let status = spec.status(track, gap.overrides.get(&spec.id), t);
            match status.state {
                CondState::Breached => {
                    any_breached = true;
                    if breach.is_none() {
                        let why = status.why.unwrap_or_default();
                        breach = Some((t, format!("{} {why} at {}", spec.label, clock(t))));
                    }
                }
                CondState::Unknown => match unknown.as_mut() {
                    Some(u) if u.cond == i && u.open => u.to = t,
                    Some(_) => {}
                    None => {
                        unknown = Some(Unknown {
                            cond: i,
                            from: t,
                            to: t,
                            open: true,
                        })
                    }
                },
                CondState::Ok | CondState::Warn => {
                    if let Some(u) = unknown.as_mut().filter(|u| u.cond == i) {
                        u.open = false;
                    }
                    if let (Some(c), None) = (&status.confirming, &problem) {
                        problem = Some(format!(
                            "{} {} over its limit at {} ({c}), not yet a breach",
                            spec.label,
                            status.value.map_or(String::new(), |v| spec.unit.show(v)),
                            clock(t)
                        ));
                    }
                }
            }
        }
        if breach.is_some() && breach_end.is_none() && !any_breached {
            breach_end = Some(t);
        }
    }
    if let Some((from, why)) = breach {
        return Finding::Breached {
            span: Span {
                from,
                to: breach_end,
            },
            why,
        };
    }
    if let Some(u) = unknown {
        let label = &gap.conditions[u.cond].label;
        let when = if u.from == u.to {
            format!("at {}", clock(u.from))
        } else {
            format!("{}–{}", clock(u.from), clock(u.to))
        };
        return Finding::NotCounted(format!("no data for {label} {when}"));
    }
    match problem {
        Some(p) => Finding::NotCounted(p),
        None => Finding::Verified,
    }
}

impl Bake {
    /// History of the unobserved gap has been asked for from `source`: the screen says so until
    /// the answer.
    pub fn asked(&mut self, source: &str) {
        self.asking = self.unobserved;
        if self.asking.is_some() {
            self.unobserved_why = Some(format!("checking {source} history"));
        }
    }

    /// The history asked for is being waited for.
    pub fn is_asking(&self) -> bool {
        self.asking.is_some()
    }

    /// Take in what history found about the gap `gap`; says when a checkpoint is due. An
    /// answer to a gap this bake is not waiting for (another stage entry, answered already) is
    /// ignored. A breach seen live since the gap ended outweighs what history says of the time
    /// before it: nothing is added.
    pub fn backfill(
        &mut self,
        gap: Span,
        finding: &Finding,
        source: &str,
        step: Duration,
    ) -> Option<MarkDue> {
        if self.asking != Some(gap) || self.unobserved != Some(gap) {
            return None;
        }
        self.asking = None;
        let to = gap.to?;
        let restarted_since = self.breached || self.restarted.is_some_and(|r| r.from >= to);
        match finding {
            Finding::NotCounted(why) => {
                self.unobserved_why = Some(why.clone());
                None
            }
            _ if restarted_since => {
                self.unobserved_why = Some("a breach since restarted the bake".into());
                None
            }
            Finding::Verified => {
                self.verified += since(to, gap.from);
                self.unobserved = None;
                self.unobserved_why = None;
                self.backfilled = Some(Backfill {
                    span: gap,
                    source: source.to_string(),
                    step_ms: step.as_millis() as u64,
                });
                Some(MarkDue::Backfilled)
            }
            Finding::Breached { span, why } => {
                // What this cockpit verified since it resumed came after the gap, so after a
                // breach that ended in it; one that lasted to the gap's end holds the bake at
                // zero until fresh data ends it.
                self.verified = match span.to {
                    Some(_) => self.verified.saturating_sub(self.resumed),
                    None => Duration::ZERO,
                };
                self.breached |= span.to.is_none();
                self.restarted = Some(*span);
                // A breach history shows is one more of the stage's failure budget spent.
                self.breaches += 1;
                self.resumed = Duration::ZERO;
                self.marked = Duration::ZERO;
                self.unobserved_why = Some(format!("breach in {source} history: {why}"));
                Some(MarkDue::BreachInHistory)
            }
        }
    }
}

#[cfg(test)]
#[path = "backfill_tests.rs"]
mod tests;
