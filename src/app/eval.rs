//! Everything on screen that depends on time, derived from the state at `now`.

use super::{SourceHealth, State};
use crate::core::bake::BakeView;
use crate::core::condition::{CondState, ConditionStatus};
use crate::core::gate::{GateContext, GateResult};
use crate::core::plan::{StageState, stage_states};
use crate::core::reading::{Reading, SignalId, SourceId, format_number};
use crate::core::verdict::{StageView, Verdict, VerdictInputs, VerdictKind, decide};
use crate::core::{past, short_duration, since};
use crate::setup::SourceSpec;
use chrono::{DateTime, Timelike, Utc};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceStatus {
    /// Not polled yet.
    #[default]
    Waiting,
    Ok,
    /// The last poll failed.
    Failing,
    /// The last poll was answered, but a value in it cannot be used (empty, NaN, not a number,
    /// an error Prometheus reported).
    Unusable,
    /// No success for longer than the staleness limit.
    Stale,
}

impl SourceStatus {
    pub fn label(self) -> &'static str {
        match self {
            SourceStatus::Waiting => "WAIT",
            SourceStatus::Ok => "OK",
            SourceStatus::Failing => "DOWN",
            SourceStatus::Unusable => "BAD",
            SourceStatus::Stale => "STALE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceView {
    pub status: SourceStatus,
    /// Age of the last success: "<4s" while the source answers on schedule, "9s" once a
    /// poll is late or failed, or "never".
    pub age: String,
}

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

/// A source's row at `now`, and until when it stays exactly that without a new poll: the
/// instant it turns late or stale, or `now` itself while it counts seconds.
fn source_view(
    h: &SourceHealth,
    spec: &SourceSpec,
    now: DateTime<Utc>,
) -> (SourceView, DateTime<Utc>) {
    let age = h.last_ok.map(|t| since(now, t));
    let status = match (h.last_poll, &h.last_error, age) {
        (None, _, _) => SourceStatus::Waiting,
        (_, Some(_), _) if h.unusable => SourceStatus::Unusable,
        (_, Some(_), _) => SourceStatus::Failing,
        (_, None, Some(a)) if a > spec.stale_after => SourceStatus::Stale,
        (_, None, Some(_)) => SourceStatus::Ok,
        (Some(_), None, None) => SourceStatus::Failing,
    };
    let on_time = on_time(spec);
    let (age, until) = match (age, h.last_ok) {
        (Some(a), Some(ok)) if status == SourceStatus::Ok && a < on_time => (
            // Answering on schedule: a bound that holds until a poll is late, so the screen
            // does not change every second while nothing happens.
            format!("<{}", short_duration(on_time)),
            chrono::TimeDelta::from_std(on_time)
                .ok()
                .and_then(|d| ok.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
                .min(past(ok, spec.stale_after)),
        ),
        (Some(a), _) => (short_duration(a), now),
        (None, _) => ("never".into(), DateTime::<Utc>::MAX_UTC),
    };
    (SourceView { status, age }, until)
}

/// How old a source's last answer can be while it answers on schedule: a poll starts one
/// interval (give or take 10%) after the last one started and may take its timeout. Whole
/// seconds, whole minutes past one.
pub fn on_time(spec: &SourceSpec) -> Duration {
    let most = spec.interval.mul_f64(1.1) + spec.timeout;
    let secs = most.as_secs() + u64::from(most.subsec_nanos() > 0);
    Duration::from_secs(if secs > 60 {
        secs.div_ceil(60) * 60
    } else {
        secs
    })
}

/// The live traffic share as the cockpit can judge it now.
pub(super) enum Observed {
    /// No source reports it.
    NotConfigured,
    /// The latest reading predates this cockpit's own promote or rollback.
    Pending,
    Share(f64),
    Unknown(String),
}

pub(super) fn observed(state: &State, now: DateTime<Utc>) -> Observed {
    let Some(sig) = state.setup.observed_traffic else {
        return Observed::NotConfigured;
    };
    match &state.release.signals[sig] {
        None => Observed::Unknown("no data yet".into()),
        Some((at, _)) if state.release.moved_at.is_some_and(|m| *at < m) => Observed::Pending,
        Some((at, _)) if since(now, *at) > state.stale_after_of_signal(sig) => Observed::Unknown(
            format!("stale: last value {} ago", short_duration(since(now, *at))),
        ),
        Some((_, r)) => match r.number() {
            Ok(share) => Observed::Share(share),
            Err(why) => Observed::Unknown(why),
        },
    }
}

/// Where the release stands, combining the tracked position and the observed traffic.
fn stage_view(state: &State, now: DateTime<Utc>) -> StageView {
    let plan = &state.setup.plan;
    let observed = observed(state, now);
    let Some(p) = state.release.position else {
        return match observed {
            Observed::NotConfigured | Observed::Pending => StageView::NotStarted,
            Observed::Unknown(why) => StageView::Unknown {
                why: format!("live traffic share: {why}"),
            },
            Observed::Share(share) if share <= 0.0 => StageView::NotStarted,
            Observed::Share(share) => StageView::Unknown {
                why: format!("live traffic {}% matches no stage", format_number(share)),
            },
        };
    };
    let stage = &plan.stages[p.stage];
    let label = stage.label();
    match observed {
        Observed::Unknown(why) => {
            return StageView::Unknown {
                why: format!("live traffic share: {why}"),
            };
        }
        Observed::Share(share) => {
            let agrees = if p.rolled_back {
                share <= 0.0
            } else {
                plan.stage_for_traffic(share) == Some(p.stage)
            };
            if !agrees {
                return StageView::Drift {
                    detail: format!(
                        "tracked {}{label}, live traffic {}%",
                        if p.rolled_back { "rollback from " } else { "" },
                        format_number(share)
                    ),
                };
            }
        }
        Observed::NotConfigured | Observed::Pending => {}
    }
    if p.rolled_back {
        return StageView::RolledBack { from: label };
    }
    StageView::Live {
        name: label,
        bake: Box::new(live_bake(state).unwrap_or_else(|| {
            crate::core::bake::Bake::new(p.stage, p.entered_at, stage.bake).view()
        })),
        is_last: plan.is_last(p.stage),
    }
}

/// The verified bake of the live stage entry, when one is being accumulated.
fn live_bake(state: &State) -> Option<BakeView> {
    let p = state.release.position.filter(|p| !p.rolled_back)?;
    let b = state.release.bake.as_ref()?;
    (b.stage == p.stage && b.entered_at == p.entered_at).then(|| b.view())
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

/// The parts of an evaluation recomputed on every message.
struct Rest {
    gates: Vec<GateResult>,
    stages: Vec<StageState>,
    current: Option<usize>,
    bake: Option<BakeView>,
    verdict: Verdict,
    observed: Option<String>,
    clock: String,
    bake_left: Option<Duration>,
    progress: Option<String>,
}

fn rest(state: &State, current: Option<usize>, view: StageView, now: DateTime<Utc>) -> Rest {
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
    let verdict = super::unresolved::with_unresolved(state, verdict);
    let verdict = super::hold::with_hold(state, verdict, now);
    let breached = (setup.conditions.iter().zip(conditions))
        .any(|(c, s)| s.state == CondState::Breached && !c.observe);
    let bake = live_bake(state);
    let baked = bake.as_ref().is_some_and(BakeView::is_baked);
    let local = now.with_timezone(&state.screen.local_offset);
    let bake_left = bake.as_ref().map(BakeView::left);
    Rest {
        progress: super::clocks::progress(state, bake_left, now),
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

impl State {
    /// The staleness limit of the source a signal comes from.
    pub(crate) fn stale_after_of_signal(&self, sig: SignalId) -> Duration {
        let source = self.setup.signals[sig].source;
        self.setup.sources[source].stale_after
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{poll, state, t};
    use super::super::update;
    use super::*;
    use crate::app::Msg;

    /// The ages shown for each source at second `at`.
    fn ages(s: &mut State, at: i64) -> Vec<String> {
        update(s, Msg::Tick, t(at));
        s.release
            .eval
            .sources
            .iter()
            .map(|v| v.age.clone())
            .collect()
    }

    #[test]
    fn an_age_stays_put_while_the_source_is_on_schedule_and_counts_once_late() {
        // Polled every 5s with a 2s timeout: on schedule for up to 7.5s, shown as "<8s".
        let mut s = state(false);
        assert_eq!(ages(&mut s, 0), ["never", "never"]);
        for msg in poll(1, 0, 0.01, 1.0) {
            update(&mut s, msg, t(0));
        }
        for at in 0..=7 {
            assert_eq!(ages(&mut s, at), ["<8s", "<8s"], "at {at}s");
        }
        assert_eq!(ages(&mut s, 8), ["8s", "8s"]);
        assert_eq!(ages(&mut s, 11), ["11s", "11s"]);
        assert_eq!(s.release.eval.sources[0].status, SourceStatus::Ok);
        assert_eq!(ages(&mut s, 16), ["16s", "16s"]);
        assert_eq!(s.release.eval.sources[0].status, SourceStatus::Stale);
    }

    #[test]
    fn the_bound_is_whole_minutes_past_a_minute() {
        let mut spec = crate::app::testkit::setup().sources[0].clone();
        spec.interval = Duration::from_secs(60);
        spec.timeout = Duration::from_secs(10);
        assert_eq!(on_time(&spec), Duration::from_secs(120));
        spec.interval = Duration::from_secs(2);
        spec.timeout = Duration::from_secs(1);
        assert_eq!(on_time(&spec), Duration::from_secs(4));
    }
}
