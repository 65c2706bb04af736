//! This cockpit's run: who runs it, what it may do, and what it has under way. It starts fresh
//! with every run and is not shared with other cockpits on the same release.

use super::approve::InFlight;
use crate::core::autopilot::{Armed, Autopilot, Decision};
use crate::core::record::Context;

/// This run of the cockpit, apart from the release it watches and from how it is drawn.
/// Configurable keys and automation put their per-run settings here.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Who runs this cockpit and where, put on every record it journals.
    pub context: Context,
    /// An observer: it watches and journals its start and stop, and sends no action.
    pub read_only: bool,
    pub quitting: bool,
    /// The action sent and not yet answered; another is refused meanwhile. Here, not in the
    /// release, because only this run waits for its answer; once the journal holds it unanswered
    /// it becomes the release's `unresolved`.
    pub in_flight: Option<InFlight>,
    /// Numbers the action ids of this session.
    pub action_counter: u64,
    /// The last journal write failed: shown until one succeeds. Here, not on the screen,
    /// because it is a fact about this run's writes, whoever shows it.
    pub journal_error: Option<String>,
    /// For an observer: the operator cockpit driving the journal it follows, as the journal
    /// says (None: it names nobody). An operator's cockpit drives its own.
    pub driver: Option<crate::core::driver::Driver>,
    /// The other cockpits watching the same journal, `user@host`, from their presence files
    /// beside it (never from the journal, which observers do not write).
    pub watchers: Vec<String>,
    /// What automation is armed: this cockpit's (from the config, `--armed` or the arm key),
    /// or for an observer what the journal's last `armed_changed` says.
    pub armed: Armed,
    /// The armed automation's memory between evaluations (src/app/armed.rs).
    pub autopilot: Autopilot,
    /// The autopilot's latest answer worth showing (a countdown, what blocks it, a veto),
    /// `left` in whole seconds; None while idle.
    pub auto: Option<Decision>,
    /// On the shared journal: who has the wheel, as the database last said (None: a file
    /// journal, or not heard yet).
    pub wheel: Option<super::wheel::Wheel>,
    /// Started to drive while the shared journal was out of reach: it takes the wheel once the
    /// database is back and nobody holds it.
    pub wants_wheel: bool,
}

impl Session {
    pub(super) fn new(
        context: Context,
        read_only: bool,
        automation: &crate::core::autopilot::Automation,
    ) -> Self {
        Session {
            context,
            read_only,
            quitting: false,
            in_flight: None,
            action_counter: 0,
            journal_error: None,
            driver: None,
            watchers: Vec::new(),
            armed: if read_only {
                Armed::default()
            } else {
                automation.armed
            },
            autopilot: Autopilot::new(automation.countdown),
            auto: None,
            wheel: None,
            wants_wheel: false,
        }
    }
}
