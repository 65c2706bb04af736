//! The application: one `State`, changed only by `update`, drawn by `ui::view`.

mod approve;
mod armed;
#[cfg(test)]
mod armed_tests;
mod arming;
pub mod attention;
mod backfill;
mod bake_journal;
#[cfg(test)]
mod bake_props;
mod baking;
mod boot;
mod breach;
#[cfg(test)]
mod breach_tests;
#[cfg(test)]
pub(crate) mod canary_tests;
mod checklist;
mod clocks;
mod digest;
#[cfg(test)]
mod digest_tests;
mod dispatch;
mod eval;
mod evidence;
mod focus;
#[cfg(test)]
mod focus_tests;
mod follow;
mod hold;
#[cfg(test)]
mod hold_tests;
pub mod keymap;
#[cfg(test)]
mod keymap_tests;
mod keypress;
mod logview;
#[cfg(test)]
mod logview_tests;
mod menu;
pub mod msg;
mod news;
#[cfg(test)]
mod news_tests;
mod notice;
mod outcome;
mod overrides;
mod position;
mod release;
mod resume;
mod screen;
mod session;
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
pub mod wheel;

pub use approve::{ActionKind, ApproveModal, InFlight, Toast};
pub use arming::{ROLLBACK_ONLY, armed_from_journal, arming};
pub use backfill::{HistoryAnswer, HistoryAsk, has_history};
pub use bake_journal::{bake_from_journal, drift_from_journal, resume_from_journal};
pub use boot::{Boot, context, stage_journal};
pub use breach::{Breaches, NOTHING_BREACHED, REASONS_ARE_TYPED, filled};
pub use checklist::checklist_from_journal;
pub use digest::{Catchup, Digest, DigestItem, Since, item as digest_item};
pub use dispatch::Dispatch;
pub use eval::{Evaluation, SourceStatus, SourceView};
pub use evidence::{POLLS, Poll, PollOutcome, StateSince};
pub use focus::{Detail, Focus, Panel};
pub use hold::{DEFAULT_HOLD, HOLD_REASON_MIN, Hold, HoldModal, HoldStep, hold_from_journal};
pub use logview::{LogFilter, LogView};
pub use msg::{Effect, Key, Msg};
pub use notice::{Notice, message as notice_message};
pub use overrides::{Override, overrides_from_journal};
pub use position::position_from_journal;
pub use release::{Release, SourceHealth};
pub use resume::{latest_attempt, open_attempt, unresolved_from_journal};
pub use screen::{CHATTER_CAPACITY, LOG_CAPACITY, LogEntry, Overlay, Screen};
pub use session::Session;
pub use unresolved::{Unresolved, WhyUnknown};
pub use update::{start, update};
pub use verify::VerifyModal;

pub use crate::core::event::{Kind, LogLevel};

use crate::core::plan::Position;
use crate::core::record::{Context, Event, Record};
use crate::setup::Setup;
use chrono::{DateTime, FixedOffset, Utc};

/// Everything the cockpit holds, in three parts a reader can name:
/// - `release`: the release as observed and journaled, the same for every cockpit on it;
/// - `session`: this run of the cockpit (who, read-only or not, what it has under way);
/// - `screen`: what is shown and whether it must be drawn again.
///
/// `setup`, the configured release, stays at the top: it is fixed at start and every part
/// reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub setup: Setup,
    pub release: Release,
    pub session: Session,
    pub screen: Screen,
}

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
            release: Release::new(&setup, position),
            session: Session::new(context, read_only, &setup.automation),
            screen: Screen::new(local_offset),
            setup,
        };
        eval::refresh(&mut state, now);
        state
    }

    /// The record announcing this cockpit's start; the runtime journals it first.
    pub fn started_record(&self, now: DateTime<Utc>) -> Record {
        let mut r = self.record(Event::CockpitStarted, now);
        r.detail = Some(if self.session.read_only {
            crate::core::driver::OBSERVER.into()
        } else {
            "operator cockpit".into()
        });
        r
    }

    /// The record of this cockpit stopping, naming an action still in flight: the next start
    /// reads that action back as outcome unknown.
    pub fn stopped_record(&self, now: DateTime<Utc>) -> Record {
        let mut r = self.record(Event::CockpitStopped, now);
        if let Some(f) = &self.session.in_flight {
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
        let mut r = Record::new(now, event, self.session.context.clone());
        r.attempt = self.release.attempt.clone();
        if let Some(i) = self.release.eval.current {
            let stage = &self.setup.plan.stages[i];
            r.stage = Some(stage.name.clone());
            r.traffic = Some(stage.traffic);
        }
        r.verdict = Some(self.release.eval.verdict.kind.label().to_string());
        r.verdict_reasons = self
            .release
            .eval
            .verdict
            .reasons
            .iter()
            .map(|r| r.text.clone())
            .collect();
        r
    }

    /// Log a note: an entry of no particular kind.
    pub(crate) fn log(&mut self, at: DateTime<Utc>, level: LogLevel, text: impl Into<String>) {
        self.log_as(at, level, Kind::Note, text);
    }

    /// Log an entry of the kind given.
    pub(crate) fn log_as(
        &mut self,
        at: DateTime<Utc>,
        level: LogLevel,
        kind: Kind,
        text: impl Into<String>,
    ) {
        self.screen.push_log(LogEntry {
            at,
            level,
            kind,
            text: text.into(),
            from_journal: None,
        });
    }

    /// Take the dirty flag: true when the screen needs drawing.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::replace(&mut self.screen.dirty, false)
    }
}
