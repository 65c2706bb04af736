//! How every cockpit starts: the state the journal leaves the release in. The operator's
//! cockpit, an observer, the headless commands and the tests all start here, so a restart is
//! read back the same way wherever it happens.

use super::{Effect, State, checklist_from_journal, position_from_journal, resume_from_journal};
use crate::core::bake::BakeMark;
use crate::core::record::{Context, Event, Record};
use crate::setup::Setup;
use chrono::{DateTime, FixedOffset, Utc};
use std::time::Duration;

/// Who runs this cockpit, on which host, for which release: what every record carries.
pub fn context(setup: &Setup) -> Context {
    Context {
        operator: setup.operator.clone(),
        host: crate::host::name(),
        release: setup.release.name.clone(),
        version: setup.release.version.clone(),
        environment: setup.release.environment.clone(),
    }
}

/// What a cockpit starts from: the setup, who runs it, and the journal as read at start.
pub struct Boot<'a> {
    pub setup: Setup,
    pub context: Context,
    /// Every record read back, of any release: only this release's are taken up.
    pub journal: &'a [Record],
    /// The local time zone's offset, for the header clock.
    pub local_offset: FixedOffset,
    /// An observer: sees everything, sends and writes nothing.
    pub read_only: bool,
}

impl Boot<'_> {
    /// The state at `now`, before it starts: the position, the checklist's ticks, the open
    /// attempt, actions whose outcome is unknown, the drift and the bake, all from the journal.
    pub fn state(self, now: DateTime<Utc>) -> State {
        let Boot {
            setup,
            context,
            journal,
            local_offset,
            read_only,
        } = self;
        let position = position_from_journal(journal, &context, &setup.plan);
        let ticks = checklist_from_journal(journal, &context, &setup.checklist);
        let hold = super::hold_from_journal(journal, &context, now);
        let mut state = State::new(setup, position, context, local_offset, read_only, now);
        state.release.checklist = ticks;
        state.release.hold = hold;
        state.release.armed = super::arming::armed_from_journal(journal, &state.session.context);
        state.release.journaled = super::news::journaled_from(journal, &state.session.context);
        if read_only {
            state.session.driver = crate::core::driver::driver(journal);
        }
        resume_from_journal(&mut state, journal, now);
        state.remember_journal(journal);
        state
    }

    /// The state started at `now`, and what starting it asks for (the start journaled, the
    /// history of a gap nobody observed, …).
    pub fn start(self, now: DateTime<Utc>) -> (State, Vec<Effect>) {
        let mut state = self.state(now);
        // What the journal had to tell before this start, not what the start itself journals.
        let c = &state.screen.catchup;
        let told = c.since(c.looked);
        let effects = super::start(&mut state, now);
        state.digest_on_start(told);
        (state, effects)
    }
}

/// The journal of a cockpit that entered `stage` at `entered` and last checkpointed its bake at
/// `at`, with `verified` of it verified: what tests and benches start a cockpit from to have it
/// at a stage, the way a restart has it there. Not an API.
#[doc(hidden)]
pub fn stage_journal(
    setup: &Setup,
    context: &Context,
    stage: usize,
    entered: DateTime<Utc>,
    at: DateTime<Utc>,
    verified: Duration,
) -> Vec<Record> {
    let spec = &setup.plan.stages[stage];
    let mut entry = Record::new(entered, Event::StageEntered, context.clone());
    entry.stage = Some(spec.name.clone());
    entry.traffic = Some(spec.traffic);
    let mut mark = Record::new(at, Event::BakeCheckpoint, context.clone());
    mark.bake = Some(BakeMark {
        entered_at: entered,
        verified_secs: verified.as_secs(),
        bake_secs: spec.bake.as_secs(),
        paused: None,
        breached: false,
        restarted: None,
        breaches: 0,
        backfilled: None,
    });
    vec![entry, mark]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::testkit::{context, setup, t};

    #[test]
    fn a_start_takes_up_the_stage_and_the_checklist_the_journal_records() {
        let mut setup = setup();
        setup.checklist = vec!["Release notes written".into(), "On-call informed".into()];
        let half = Duration::from_secs(30);
        let mut journal = stage_journal(&setup, &context(), 1, t(0), t(30), half);
        let mut tick = Record::new(t(10), Event::ChecklistTicked, context());
        tick.detail = Some("On-call informed".into());
        journal.push(tick);
        let boot = Boot {
            setup,
            context: context(),
            journal: &journal,
            local_offset: FixedOffset::east_opt(0).unwrap(),
            read_only: false,
        };
        let s = boot.state(t(31));
        let position = s
            .release
            .position
            .map(|p| (p.stage, p.entered_at, p.rolled_back));
        assert_eq!(position, Some((1, t(0), false)));
        let ticked: Vec<_> = s
            .release
            .checklist
            .iter()
            .map(|c| c.as_ref().map(|t| t.at))
            .collect();
        assert_eq!(ticked, [None, Some(t(10))]);
        assert_eq!(s.release.eval.bake.map(|b| b.verified), Some(half));
    }
}
