//! Everything on screen that depends on time, derived from the state at `now`.
//!
//! Here the evaluation and its refresh, which recomputes only what input or time changed;
//! each source's row is judged in `sources`, where the release stands in `stage`, and the
//! gates, verdict and clocks recomputed on every message in `rest`.

mod rest;
mod sources;
mod stage;

pub use sources::{SourceStatus, SourceView};
pub(super) use stage::{Observed, observed};

use super::State;
use crate::core::bake::BakeView;
use crate::core::condition::{CondState, ConditionStatus};
use crate::core::gate::GateResult;
use crate::core::plan::StageState;
use crate::core::verdict::{StageView, Verdict, VerdictKind};
use chrono::{DateTime, Utc};
use rest::rest;
use sources::source_view;
use stage::{live_bake, stage_view};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub conditions: Vec<ConditionStatus>,
    pub gates: Vec<GateResult>,
    pub stages: Vec<StageState>,
    /// Index of the live stage, if any.
    pub current: Option<usize>,
    /// The live stage's verified bake, while it has a position.
    pub bake: Option<BakeView>,
    pub verdict: Verdict,
    pub sources: Vec<SourceView>,
    /// The observed traffic share as text, when a source reports one.
    pub observed: Option<String>,
    /// "14:03 local · 13:03 UTC"
    pub clock: String,
    /// Verified time still to earn, whole seconds; None without a live stage.
    pub bake_left: Option<Duration>,
    /// When the verdict took its present kind, and whether that was this cockpit's first
    /// evaluation (then it may have held longer: the clock starts at the cockpit's start).
    pub verdict_since: Option<(DateTime<Utc>, bool)>,
    /// How long the verdict has held: "for 1m12s", or "for 1m12s+" since the cockpit's start.
    pub held: String,
    /// "12m elapsed · ≥ 1h5m to 100%" while a stage is live (clocks.rs).
    pub progress: Option<String>,
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation {
            conditions: Vec::new(),
            gates: Vec::new(),
            stages: Vec::new(),
            current: None,
            bake: None,
            verdict: Verdict {
                kind: VerdictKind::NoGoUntilVerified,
                reasons: Vec::new(),
                warnings: Vec::new(),
            },
            sources: Vec::new(),
            observed: None,
            clock: String::new(),
            bake_left: None,
            verdict_since: None,
            held: String::new(),
            progress: None,
        }
    }
}

/// Until when each condition's and each source's view holds without new input, so that a
/// message recomputes only what it touched and what time has changed: with 1,000 conditions
/// an observation then costs its own source's handful, not all of them. Everything else in
/// the evaluation (gates, stages, verdict) is cheap and recomputed every time.
#[derive(Debug, Clone, Default)]
pub struct Reuse {
    /// Recompute condition `i` once `now >= conditions[i]`.
    conditions: Vec<DateTime<Utc>>,
    sources: Vec<DateTime<Utc>>,
    /// The live stage the conditions were judged under (its threshold overrides).
    stage: Option<Option<usize>>,
    /// The time of the last refresh: a clock stepped back judges everything again.
    at: Option<DateTime<Utc>>,
}

/// A cache, not part of the state's value: two states showing the same are equal whatever
/// each has yet to recompute.
impl PartialEq for Reuse {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Reuse {
    /// New input for condition `i`: judge it again.
    pub(crate) fn condition(&mut self, i: usize) {
        if let Some(u) = self.conditions.get_mut(i) {
            *u = DateTime::<Utc>::MIN_UTC;
        }
    }

    /// A new poll of source `i`: show it again.
    pub(crate) fn source(&mut self, i: usize) {
        if let Some(u) = self.sources.get_mut(i) {
            *u = DateTime::<Utc>::MIN_UTC;
        }
    }

    /// Forget everything: the next refresh recomputes it all.
    #[cfg(test)]
    pub(crate) fn all(&mut self) {
        *self = Reuse::default();
    }
}

/// What a refresh changed, for the log and the journal.
pub(super) struct Changes {
    /// Conditions whose status changed, with the state each had before.
    pub conditions: Vec<(usize, CondState)>,
    /// Conditions whose status changed, with whether each was short of traffic before.
    pub thin_was: Vec<(usize, bool)>,
    /// The verdict before, when it changed kind.
    pub verdict_was: Option<VerdictKind>,
    /// Anything at all changed that the screen shows.
    pub any: bool,
    /// Bake checkpoints and drift transitions to journal.
    pub bake: Vec<super::baking::News>,
}

/// Bring `state.release.eval` up to `now`: exactly what a full evaluation at `now` would give,
/// recomputing only the conditions and sources whose input or time changed.
pub(super) fn refresh(state: &mut State, now: DateTime<Utc>) -> Changes {
    let setup = &state.setup;
    let eval = &mut state.release.eval;
    let reuse = &mut state.release.reuse;
    let current = state
        .release
        .position
        .filter(|p| !p.rolled_back)
        .map(|p| p.stage);

    // Conditions (all of them again under a new stage's thresholds), then sources.
    let back = reuse.at.is_some_and(|at| now < at);
    reuse.at = Some(now);
    let new_stage = reuse.stage != Some(current);
    reuse.stage = Some(current);
    let overrides = current.map(|i| &setup.plan.stages[i].overrides);
    let judged = renew(
        &mut eval.conditions,
        &mut reuse.conditions,
        back || new_stage,
        now,
        setup.conditions.len(),
        |i| {
            let spec = &setup.conditions[i];
            let points = state.release.samples[i].of(state.release.position);
            spec.judge_stage(
                &state.release.tracks[i],
                overrides.and_then(|o| o.get(&spec.id)),
                points,
                now,
            )
        },
    );
    let shown = renew(
        &mut eval.sources,
        &mut reuse.sources,
        back,
        now,
        setup.sources.len(),
        |i| source_view(&state.release.sources[i], &setup.sources[i], now),
    );
    // Nothing to compare with (a first evaluation) is a change, but no condition's transition.
    let thin_was: Vec<(usize, bool)> = (judged.iter().flatten())
        .map(|(i, was)| (*i, was.short_of_traffic()))
        .collect();
    let judged = judged.map(|c| {
        c.into_iter()
            .map(|(i, was)| (i, was.state))
            .collect::<Vec<_>>()
    });
    let (since, conditions) = (&mut state.release.since, &state.release.eval.conditions);
    super::evidence::mark_since(since, conditions, judged.as_deref(), now);
    let mut changes = Changes {
        any: !judged.as_ref().is_some_and(Vec::is_empty) || shown.is_none_or(|s| !s.is_empty()),
        conditions: judged.unwrap_or_default(),
        thin_was,
        verdict_was: None,
        bake: Vec::new(),
    };

    // The bake takes in what held now; the rest follows from the conditions as they stand.
    let mut view = stage_view(state, now);
    changes.bake = super::baking::advance(state, &view, now);
    changes.any |= !changes.bake.is_empty();
    if let (StageView::Live { bake, .. }, Some(b)) = (&mut view, live_bake(state)) {
        **bake = b;
    }
    super::clocks::mark_start(state);
    let rest = rest(state, current, view, now);
    let eval = &mut state.release.eval;
    let kind = eval.verdict.kind;
    macro_rules! put {
        ($($field:ident),*) => {$(
            if eval.$field != rest.$field {
                eval.$field = rest.$field;
                changes.any = true;
            }
        )*};
    }
    put!(
        gates, stages, current, bake, verdict, observed, clock, bake_left, progress
    );
    if eval.verdict.kind != kind {
        changes.verdict_was = Some(kind);
    }
    let since = super::clocks::held_since(eval.verdict_since, kind != eval.verdict.kind, now);
    eval.verdict_since = Some(since);
    let urgent = matches!(
        eval.verdict.kind,
        VerdictKind::RollbackAdvised | VerdictKind::NoGoUntilVerified
    );
    let held = super::clocks::held_text(since, now, urgent);
    if eval.held != held {
        eval.held = held;
        changes.any = true;
    }
    changes
}

/// Compute again the `n` views whose time has come (`now >= until[i]`, or all of them when
/// `all`), each with the instant it stops holding. The views that changed come back with their
/// old value; `None` when there were none to compare with (the first time, or a new size).
fn renew<T: PartialEq>(
    views: &mut Vec<T>,
    until: &mut Vec<DateTime<Utc>>,
    all: bool,
    now: DateTime<Utc>,
    n: usize,
    mut view_of: impl FnMut(usize) -> (T, DateTime<Utc>),
) -> Option<Vec<(usize, T)>> {
    if all || until.len() != n {
        *until = vec![DateTime::<Utc>::MIN_UTC; n];
    }
    if views.len() != n {
        let (fresh, holds): (Vec<T>, Vec<DateTime<Utc>>) = (0..n).map(&mut view_of).unzip();
        *views = fresh;
        *until = holds;
        return None;
    }
    let mut changed = Vec::new();
    for i in 0..n {
        if now < until[i] {
            continue;
        }
        let (view, holds) = view_of(i);
        until[i] = holds;
        if views[i] != view {
            changed.push((i, std::mem::replace(&mut views[i], view)));
        }
    }
    Some(changed)
}
