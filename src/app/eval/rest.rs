//! The parts of an evaluation recomputed on every message: gates, stages, the verdict and
//! the clocks.

use super::live_bake;
use crate::app::State;
use crate::core::bake::BakeView;
use crate::core::condition::{CondState, ConditionStatus};
use crate::core::gate::{GateContext, GateResult};
use crate::core::plan::{StageState, stage_states};
use crate::core::reading::{Reading, SignalId, SourceId, format_number};
use crate::core::verdict::{StageView, Verdict, VerdictInputs, decide};
use chrono::{DateTime, Timelike, Utc};
use std::time::Duration;

/// The state as gates see it, with condition statuses already computed.
struct GateWorld<'a> {
    state: &'a State,
    conditions: &'a [ConditionStatus],
}

impl GateContext for GateWorld<'_> {
    fn signal(&self, id: SignalId) -> Option<(DateTime<Utc>, &Reading)> {
        self.state
            .release
            .signals
            .get(id)?
            .as_ref()
            .map(|(t, r)| (*t, r))
    }
    fn source_name(&self, id: SourceId) -> &str {
        &self.state.setup.sources[id].name
    }
    fn source_health(&self, id: SourceId) -> (Option<DateTime<Utc>>, Option<&str>) {
        let h = &self.state.release.sources[id];
        (h.last_ok, h.last_error.as_deref())
    }
    fn checklist(&self, i: usize) -> Option<&crate::core::gate::Tick> {
        self.state.release.checklist.get(i)?.as_ref()
    }
    fn conditions_without_data(&self) -> Vec<String> {
        self.state
            .setup
            .conditions
            .iter()
            .zip(self.conditions)
            // Thin traffic is live data: the condition is unknown, the monitor is not; nor is fresh
            // data with too few samples for a comparison yet.
            .filter(|(c, s)| {
                s.state == CondState::Unknown
                    && !c.observe
                    && !s.short_of_traffic()
                    && !crate::core::statistical::awaiting_samples(s)
            })
            .map(|(c, _)| c.label.clone())
            .collect()
    }
}

/// The parts of an evaluation recomputed on every message.
pub(super) struct Rest {
    pub(super) gates: Vec<GateResult>,
    pub(super) stages: Vec<StageState>,
    pub(super) current: Option<usize>,
    pub(super) bake: Option<BakeView>,
    pub(super) verdict: Verdict,
    pub(super) observed: Option<String>,
    pub(super) clock: String,
    pub(super) bake_left: Option<Duration>,
    pub(super) progress: Option<String>,
}

pub(super) fn rest(
    state: &State,
    current: Option<usize>,
    view: StageView,
    now: DateTime<Utc>,
) -> Rest {
    let setup = &state.setup;
    let conditions = &state.release.eval.conditions;
    let world = GateWorld { state, conditions };
    let gates: Vec<GateResult> = setup
        .gates
        .iter()
        .map(|g| g.evaluate(&world, now))
        .collect();
    // Observe-only conditions are shown, never gating: the verdict does not see them.
    let labelled: Vec<(&str, &ConditionStatus)> = setup
        .conditions
        .iter()
        .zip(conditions)
        .filter(|(c, _)| !c.observe)
        .map(|(c, s)| (c.label.as_str(), s))
        .collect();
    let verdict = decide(&VerdictInputs {
        conditions: &labelled,
        gates: &gates,
        stage: view,
        now,
        failure_limit: current.and_then(|i| setup.plan.stages[i].failure_limit),
    });
    // An action whose outcome is unknown outranks everything but a breach (SEMANTICS §5).
    let verdict = crate::app::unresolved::with_unresolved(state, verdict);
    let verdict = crate::app::hold::with_hold(state, verdict, now);
    let breached = (setup.conditions.iter().zip(conditions))
        .any(|(c, s)| s.state == CondState::Breached && !c.observe);
    let bake = live_bake(state);
    let baked = bake.as_ref().is_some_and(BakeView::is_baked);
    let local = now.with_timezone(&state.screen.local_offset);
    let bake_left = bake.as_ref().map(BakeView::left);
    Rest {
        progress: crate::app::clocks::progress(state, bake_left, now),
        stages: stage_states(&setup.plan, state.release.position, breached, baked),
        current,
        bake_left,
        bake,
        gates,
        verdict,
        observed: state
            .release
            .observed
            .map(|(share, _)| format!("{}%", format_number(share))),
        // Written out rather than through strftime: this runs on every message.
        clock: format!(
            "{:02}:{:02} local · {:02}:{:02} UTC",
            local.hour(),
            local.minute(),
            now.hour(),
            now.minute()
        ),
    }
}
