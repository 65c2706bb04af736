//! The release as this cockpit knows it: what the sources observed, what the journal says was
//! done, and what that means now. Another cockpit on the same release and journal would hold
//! the same values; nothing here is about this run or its screen.

use super::eval::{self, Evaluation};
use super::unresolved::Unresolved;
use crate::core::bake::Bake;
use crate::core::condition::ConditionTrack;
use crate::core::gate::Tick;
use crate::core::plan::Position;
use crate::core::reading::Reading;
use crate::core::record::DriftMark;
use crate::core::samples::StageSamples;
use crate::setup::Setup;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// What the cockpit knows about one source's polls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceHealth {
    pub last_ok: Option<DateTime<Utc>>,
    pub last_poll: Option<DateTime<Utc>>,
    pub latency: Option<Duration>,
    pub consecutive_failures: u32,
    /// The error of the latest poll, cleared by a successful one.
    pub last_error: Option<String>,
    /// The latest poll was answered, but some value in it was unusable (`last_error` says
    /// which and why): the source is failing though it answers.
    pub unusable: bool,
    pub last_seq: u64,
    /// The latest polls, newest last, at most `evidence::POLLS`: the source's detail lists them.
    pub polls: std::collections::VecDeque<super::evidence::Poll>,
}

/// The live state of the configured release (`State::setup`): observations, the journaled
/// course of the release, and the evaluation of both. A shared journal or automation reads and
/// moves these; a detail view only looks at them.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub tracks: Vec<ConditionTrack>,
    /// Each condition's timed samples of the live stage entry, for its detail view.
    pub samples: Vec<StageSamples>,
    /// Since when each condition has been in its state.
    pub since: Vec<super::evidence::StateSince>,
    /// The latest reading of every signal, with when it arrived.
    pub signals: Vec<Option<(DateTime<Utc>, Reading)>>,
    pub sources: Vec<SourceHealth>,
    /// The tracked position: from the journal, or adopted from the first observation.
    pub position: Option<Position>,
    /// The live traffic share a source reports, and since when it has been that.
    pub observed: Option<(f64, DateTime<Utc>)>,
    /// Everything time-dependent, recomputed on every message.
    pub eval: Evaluation,
    /// Actions sent whose outcome is unknown, oldest first: the verdict stays NO-GO UNTIL
    /// VERIFIED until each is settled by evidence or by an operator (SEMANTICS §5).
    pub unresolved: Vec<Unresolved>,
    /// The open release attempt's id, put on every record (SEMANTICS §6).
    pub attempt: Option<String>,
    /// The readiness checklist: who ticked each item and when.
    pub checklist: Vec<Option<Tick>>,
    /// When the release was last moved (promote or rollback succeeded, here or in a followed
    /// cockpit's journal): observations older than this cannot reflect the move yet and do not
    /// count as drift. Here, not in the session, because records from other cockpits set it.
    pub moved_at: Option<DateTime<Utc>>,
    /// The verified bake of the live stage entry (SEMANTICS.md §1).
    pub bake: Option<Bake>,
    /// The drift journaled as begun and not yet as ended.
    pub drift: Option<DriftMark>,
    /// An operator's hold: promote is refused until it is released or runs out.
    pub hold: Option<super::hold::Hold>,
    /// Promotes of this attempt made over a verdict that was not GO, oldest first.
    pub overrides: Vec<super::overrides::Override>,
    /// When the attempt first entered a stage (from the journal at start): the release's
    /// elapsed time counts from here. Cleared by a rollback, so a new attempt starts afresh.
    pub started: Option<DateTime<Utc>>,
    /// What the journal says of the verdict, the sources and a rollback's restore, so a
    /// change is journaled once.
    pub journaled: super::news::Journaled,
    /// What the journal's last `armed_changed` of this release says is armed.
    pub armed: Option<crate::core::record::ArmedMark>,
    /// Which parts of `eval` still hold, so a message recomputes only what it touched.
    pub(crate) reuse: eval::Reuse,
    /// For each signal, the conditions that read it.
    pub(super) readers: Vec<Readers>,
}

impl Release {
    /// Nothing observed yet: every signal, track and source empty; the position as given.
    pub(super) fn new(setup: &Setup, position: Option<Position>) -> Self {
        Release {
            tracks: vec![ConditionTrack::default(); setup.conditions.len()],
            samples: vec![StageSamples::default(); setup.conditions.len()],
            since: Vec::new(),
            signals: vec![None; setup.signals.len()],
            sources: vec![SourceHealth::default(); setup.sources.len()],
            position,
            observed: None,
            eval: Evaluation::default(),
            unresolved: Vec::new(),
            attempt: None,
            checklist: vec![None; setup.checklist.len()],
            moved_at: None,
            bake: None,
            drift: None,
            hold: None,
            overrides: Vec::new(),
            started: None,
            journaled: Default::default(),
            armed: None,
            reuse: eval::Reuse::default(),
            readers: readers(setup),
        }
    }
}

/// The conditions that read one signal: as their value, their baseline or their traffic.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Readers {
    pub(super) values: Vec<usize>,
    pub(super) baselines: Vec<usize>,
    /// Conditions that read it as the canary's traffic (their minimum evidence).
    pub(super) traffic: Vec<usize>,
}

fn readers(setup: &Setup) -> Vec<Readers> {
    let mut all = vec![Readers::default(); setup.signals.len()];
    for (i, c) in setup.conditions.iter().enumerate() {
        if let Some(r) = all.get_mut(c.value) {
            r.values.push(i);
        }
        if let Some(r) = c.relative.and_then(|rel| all.get_mut(rel.baseline)) {
            r.baselines.push(i);
        }
        if let Some(r) = (c.min_traffic.as_ref()).and_then(|m| all.get_mut(m.signal)) {
            r.traffic.push(i);
        }
    }
    all
}
