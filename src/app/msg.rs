//! Everything that can happen to the cockpit arrives as a `Msg`; everything it wants done
//! leaves as an `Effect`.

use super::Dispatch;
use crate::actions::Outcome;
use crate::core::reading::Observation;
use crate::core::record::Record;
use crate::sources::Update;

/// A key press, already translated from the terminal's event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Backspace,
    Tab,
    /// Shift-Tab.
    BackTab,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Ctrl plus a letter (lowercase).
    Ctrl(char),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Once a second: timers, staleness, the clock.
    Tick,
    Key(Key),
    Paste(String),
    /// The terminal changed size; a full redraw is needed.
    Resize,
    Observation(Observation),
    /// Records another cockpit appended to the journal (an observer follows them).
    Journal(Vec<Record>),
    /// Vetoes (`auto_vetoed`, `hold_placed`) an observer left beside the file journal, for
    /// this cockpit to journal and act on (src/journal/vetoes.rs).
    Vetoes(Vec<Record>),
    /// A journal append finished; the error, if any, is shown and kept.
    Journaled(Result<(), String>),
    /// A notification webhook failed; shown in the log.
    NotifyFailed {
        name: String,
        error: String,
    },
    /// A dispatched action ended (or was never sent).
    ActionDone {
        id: String,
        outcome: Outcome,
    },
    /// The history of an unobserved gap, as asked for by `Effect::History`.
    History(Box<super::HistoryAnswer>),
    /// The other cockpits watching the same journal changed (`user@host`, sorted).
    Watchers(Vec<String>),
    /// The shared journal's wheel changed hands (or the database went out of reach).
    Wheel(super::wheel::Wheel),
    /// The wheel asked for with `Effect::Wheel(Turn::Take)` was taken, or why not.
    WheelTaken(Result<(), String>),
    /// SIGTERM, SIGHUP or SIGINT: stop cleanly.
    Shutdown(&'static str),
}

/// A poller's update, as the app takes it in: the edge between the sources and the app.
impl From<Update> for Msg {
    fn from(update: Update) -> Msg {
        match update {
            Update::Observed(o) => Msg::Observation(o),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Append to the audit journal and flush it to disk.
    Journal(Box<Record>),
    /// Journal the request (flushed), then send the webhook; report back with `ActionDone`.
    /// Only a confirmed Approve-Risk prompt creates this.
    Dispatch(Box<Dispatch>),
    /// Announce to the notification webhooks (fire and forget; a failure is logged).
    Notify(Box<super::notice::Notice>),
    /// Read the history of an unobserved gap (Prometheus range queries); report back with
    /// `Msg::History`. The cockpit runs on meanwhile.
    History(Box<super::HistoryAsk>),
    /// Take, hand over or let go of the shared journal's wheel (after the effects before it).
    Wheel(super::wheel::Turn),
    /// Leave the event loop (after the effects before it have run).
    Quit,
}
