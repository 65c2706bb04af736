//! What the cockpit shows and how: the log pane, the overlay that has the keyboard, the toast,
//! the clock's zone and whether a redraw is due. None of it changes the release or what this
//! run may do; a detail view's focus and scroll belong here.

use super::approve::{ApproveModal, Toast};
use super::logview::LogView;
use super::verify::VerifyModal;
use crate::core::event::{Kind, LogLevel};
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::VecDeque;

pub const LOG_CAPACITY: usize = 200;
/// UI chatter (a cancelled prompt, a refused key) is kept apart, in its own small ring, so it
/// never pushes an entry about the release out of the log.
pub const CHATTER_CAPACITY: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub level: LogLevel,
    /// What the entry is about, for outputs that a machine reads (`watch --format json`).
    pub kind: Kind,
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
    /// Handing the shared journal's wheel over was asked for: y hands it over, anything else
    /// keeps it.
    ConfirmHandover,
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
    /// The event log's filter, as it is being typed.
    Filter {
        draft: String,
    },
    /// Placing a hold (reason, then how long), or releasing the one placed.
    Hold(Box<super::HoldModal>),
    /// The focused row's detail: a condition's chart and trend, a gate's or source's evidence.
    Detail(Box<super::Detail>),
    /// What happened since this operator joined or last looked.
    Digest(Box<super::Digest>),
}

/// What is on screen beyond the release itself, and whether it must be drawn again.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    /// The log pane, newest last, at most `LOG_CAPACITY` plus `CHATTER_CAPACITY`. Here, though `watch` prints it too,
    /// because it is the words shown for events, not the events: those are journaled.
    pub log: VecDeque<LogEntry>,
    pub log_view: LogView,
    pub overlay: Overlay,
    /// The focused panel and row, if any: marked on the dashboard, opened by Enter.
    pub focus: Option<super::Focus>,
    pub toast: Option<Toast>,
    /// The local time zone's offset, fixed at start, for the header clock.
    pub local_offset: FixedOffset,
    /// Set by `update` when something visible changed; cleared by the drawer.
    pub dirty: bool,
    /// The digest's lines, and since when the next digest tells.
    pub catchup: super::digest::Catchup,
}

impl Screen {
    /// An empty screen, due to be drawn.
    pub(super) fn new(local_offset: FixedOffset) -> Self {
        Screen {
            log: VecDeque::new(),
            log_view: LogView::default(),
            overlay: Overlay::None,
            focus: None,
            toast: None,
            local_offset,
            dirty: true,
            catchup: Default::default(),
        }
    }

    /// Add an entry to the log, dropping the oldest of its sort past its capacity: chatter
    /// only ever evicts chatter. A log scrolled back holds its place.
    pub(crate) fn push_log(&mut self, entry: LogEntry) {
        let chatter = entry.kind.is_chatter();
        let cap = if chatter {
            CHATTER_CAPACITY
        } else {
            LOG_CAPACITY
        };
        let same = |e: &LogEntry| e.kind.is_chatter() == chatter;
        let view = &mut self.log_view;
        if self.log.iter().filter(|e| same(e)).count() >= cap
            && let Some(i) = self.log.iter().position(same)
            && let Some(gone) = self.log.remove(i)
            && view.scroll > 0
            && view.filter.shows(&gone)
        {
            // One fewer below the view, if it was below it.
            let after = self.log.iter().skip(i).filter(|e| view.filter.shows(e));
            if after.count() < view.scroll {
                view.scroll -= 1;
            }
        }
        if view.scroll > 0 && view.filter.shows(&entry) {
            view.scroll += 1;
        }
        self.log.push_back(entry);
        self.dirty = true;
    }
}
