//! What the cockpit shows and how: the log pane, the overlay that has the keyboard, the toast,
//! the clock's zone and whether a redraw is due. None of it changes the release or what this
//! run may do; a detail view's focus and scroll belong here.

use super::approve::{ApproveModal, Toast};
use super::verify::VerifyModal;
use crate::core::event::{Kind, LogLevel};
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::VecDeque;

pub const LOG_CAPACITY: usize = 200;

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
    /// Placing a hold (reason, then how long), or releasing the one placed.
    Hold(Box<super::HoldModal>),
}

/// What is on screen beyond the release itself, and whether it must be drawn again.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    /// The log pane, newest last, at most `LOG_CAPACITY`. Here, though `watch` prints it too,
    /// because it is the words shown for events, not the events: those are journaled.
    pub log: VecDeque<LogEntry>,
    pub overlay: Overlay,
    pub toast: Option<Toast>,
    /// The local time zone's offset, fixed at start, for the header clock.
    pub local_offset: FixedOffset,
    /// Set by `update` when something visible changed; cleared by the drawer.
    pub dirty: bool,
}

impl Screen {
    /// An empty screen, due to be drawn.
    pub(super) fn new(local_offset: FixedOffset) -> Self {
        Screen {
            log: VecDeque::new(),
            overlay: Overlay::None,
            toast: None,
            local_offset,
            dirty: true,
        }
    }

    /// Add an entry to the log, dropping the oldest past `LOG_CAPACITY`.
    pub(crate) fn push_log(&mut self, entry: LogEntry) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(entry);
        self.dirty = true;
    }
}
