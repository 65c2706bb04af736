//! The application: one `State`, changed only by `update`, drawn by `ui::view`.

mod approve;
mod backfill;
mod bake_journal;
#[cfg(test)]
mod bake_props;
mod baking;
mod checklist;
mod eval;
mod follow;
mod menu;
pub mod msg;
mod notice;
mod position;
mod resume;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;
mod unresolved;
#[cfg(test)]
mod unresolved_tests;
mod update;
mod usable;
mod verify;

pub use approve::{ActionKind, ActionOutcome, ApproveModal, Dispatch, InFlight, Toast};
pub use backfill::{HistoryAnswer, HistoryAsk};
pub use bake_journal::{bake_from_journal, drift_from_journal, resume_from_journal};
pub use checklist::checklist_from_journal;
pub use eval::{Evaluation, SourceStatus, SourceView};
pub use msg::{Effect, Key, Msg};
pub use notice::{Notice, message as notice_message};
pub use position::position_from_journal;
pub use resume::{open_attempt, unresolved_from_journal};
pub use unresolved::{Unresolved, WhyUnknown};
pub use update::{start, update};
pub use verify::VerifyModal;

use crate::core::condition::ConditionTrack;
use crate::core::plan::Position;
use crate::core::reading::Reading;
use crate::core::record::{Context, Event, Record};
use crate::setup::Setup;
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::VecDeque;
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Info,
    Good,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub level: LogLevel,
    pub text: String,
    /// Set when the entry tells of a record another cockpit journaled.
    pub from_journal: Option<crate::core::record::Event>,
}

/// Which overlay, if any, has the keyboard. An open overlay takes every key.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    /// The Approve-Risk prompt for an action.
    Approve(Box<ApproveModal>),
    /// Quit was asked for while an action is in flight: y quits, anything else stays.
    ConfirmQuit,
    /// The custom actions, with the highlighted one.
    Actions {
        cursor: usize,
    },
    /// The readiness checklist, with the highlighted item.
    Checklist {
        cursor: usize,
    },
    /// Recording what was verified about an action whose outcome is unknown.
    Verify(Box<VerifyModal>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub setup: Setup,
    pub tracks: Vec<ConditionTrack>,
    /// The latest reading of every signal, with when it arrived.
    pub signals: Vec<Option<(DateTime<Utc>, Reading)>>,
    pub sources: Vec<SourceHealth>,
    /// The tracked position: from the journal, or adopted from the first observation.
    pub position: Option<Position>,
    /// The live traffic share a source reports, and since when it has been that.
    pub observed: Option<(f64, DateTime<Utc>)>,
    /// Everything time-dependent, recomputed on every message.
    pub eval: Evaluation,
    pub log: VecDeque<LogEntry>,
    pub overlay: Overlay,
    pub read_only: bool,
    /// The local time zone's offset, fixed at start, for the header clock.
    pub local_offset: FixedOffset,
    pub context: Context,
    pub quitting: bool,
    /// The action sent and not yet answered; another is refused meanwhile.
    pub in_flight: Option<InFlight>,
    /// Actions sent whose outcome is unknown, oldest first: the verdict stays NO-GO UNTIL
    /// VERIFIED until each is settled by evidence or by an operator (SEMANTICS §5).
    pub unresolved: Vec<Unresolved>,
    /// The open release attempt's id, put on every record (SEMANTICS §6).
    pub attempt: Option<String>,
    /// The readiness checklist: who ticked each item and when.
    pub checklist: Vec<Option<crate::core::gate::Tick>>,
    pub toast: Option<Toast>,
    /// When this cockpit last moved the release (promote or rollback succeeded): observations
    /// older than this cannot reflect the move yet and do not count as drift.
    pub moved_at: Option<DateTime<Utc>>,
    /// Numbers the action ids of this session.
    pub action_counter: u64,
    /// The last journal write failed: shown until one succeeds.
    pub journal_error: Option<String>,
    /// Set by `update` when something visible changed; cleared by the drawer.
    pub dirty: bool,
    /// The verified bake of the live stage entry (SEMANTICS.md §1).
    pub bake: Option<crate::core::bake::Bake>,
    /// The drift journaled as begun and not yet as ended.
    pub drift: Option<crate::core::record::DriftMark>,
    /// Which parts of `eval` still hold, so a message recomputes only what it touched.
    pub(crate) reuse: eval::Reuse,
    /// For each signal, the conditions that read it.
    readers: Vec<Readers>,
}

/// The conditions that read one signal: as their value, or as their baseline.
#[derive(Debug, Clone, Default, PartialEq)]
struct Readers {
    values: Vec<usize>,
    baselines: Vec<usize>,
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
    }
    all
}

pub const LOG_CAPACITY: usize = 200;

impl State {
    pub fn new(
        setup: Setup,
        position: Option<Position>,
        context: Context,
        local_offset: FixedOffset,
        read_only: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let mut state = State {
            tracks: vec![ConditionTrack::default(); setup.conditions.len()],
            signals: vec![None; setup.signals.len()],
            sources: vec![SourceHealth::default(); setup.sources.len()],
            position,
            observed: None,
            eval: Evaluation::default(),
            log: VecDeque::new(),
            overlay: Overlay::None,
            read_only,
            local_offset,
            context,
            quitting: false,
            in_flight: None,
            unresolved: Vec::new(),
            attempt: None,
            checklist: vec![None; setup.checklist.len()],
            toast: None,
            moved_at: None,
            action_counter: 0,
            journal_error: None,
            dirty: true,
            bake: None,
            drift: None,
            reuse: eval::Reuse::default(),
            readers: readers(&setup),
            setup,
        };
        eval::refresh(&mut state, now);
        state
    }

    /// The record announcing this cockpit's start; the runtime journals it first.
    pub fn started_record(&self, now: DateTime<Utc>) -> Record {
        let mut r = self.record(Event::CockpitStarted, now);
        r.detail = Some(if self.read_only {
            "read-only observer".into()
        } else {
            "operator cockpit".into()
        });
        r
    }

    /// The record of this cockpit stopping, naming an action still in flight: the next start
    /// reads that action back as outcome unknown.
    pub fn stopped_record(&self, now: DateTime<Utc>) -> Record {
        let mut r = self.record(Event::CockpitStopped, now);
        if let Some(f) = &self.in_flight {
            r.action = Some(f.kind.name(&self.setup.actions).into());
            r.action_id = Some(f.id.clone());
            r.detail = Some(format!(
                "stopped with {} in flight",
                self.action_words(f.kind)
            ));
        }
        r
    }

    pub(crate) fn record(&self, event: Event, now: DateTime<Utc>) -> Record {
        let mut r = Record::new(now, event, self.context.clone());
        r.attempt = self.attempt.clone();
        if let Some(i) = self.eval.current {
            let stage = &self.setup.plan.stages[i];
            r.stage = Some(stage.name.clone());
            r.traffic = Some(stage.traffic);
        }
        r.verdict = Some(self.eval.verdict.kind.label().to_string());
        r.verdict_reasons = self
            .eval
            .verdict
            .reasons
            .iter()
            .map(|r| r.text.clone())
            .collect();
        r
    }

    pub(crate) fn log(&mut self, at: DateTime<Utc>, level: LogLevel, text: impl Into<String>) {
        self.push_log(LogEntry {
            at,
            level,
            text: text.into(),
            from_journal: None,
        });
    }

    pub(crate) fn push_log(&mut self, entry: LogEntry) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(entry);
        self.dirty = true;
    }

    /// Take the dirty flag: true when the screen needs drawing.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::replace(&mut self.dirty, false)
    }
}
