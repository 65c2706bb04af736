//! Armed automation: when auto-rollback or auto-promote may act by itself, with a countdown a
//! person at the screen can veto. A pure state machine: the caller computes the situation
//! (which critical conditions are breached past their persistence, whether the stage has its
//! verified bake and every must-gate holds) and what stands in the way, passes `now`, and reads
//! back one [`Decision`]. Nothing here reads a clock, the journal or the screen.
//!
//! - A countdown starts when a situation appears and restarts only when it changes (another
//!   set of breached critical conditions, another stage, the other policy).
//! - It fires once per situation; after that the same situation is spent until it changes.
//! - A veto suppresses the situation it was typed against until that situation changes.
//! - A blocker cancels the countdown; when the last one clears, a whole countdown starts again,
//!   so a person always gets the full time to veto.
//! - "Act now" is not here: it opens the Approve-Risk prompt, as a manual action does.

use super::action::Action;
use super::since;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::time::Duration;

/// The countdown before an armed action fires, unless configured otherwise.
pub const DEFAULT_COUNTDOWN: Duration = Duration::from_secs(30);

/// Which automation acted: journaled with the action so a record says why it was automatic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// A critical condition stays breached past its persistence.
    AutoRollback,
    /// The stage has its verified bake and every must-gate holds.
    AutoPromote,
}

impl Policy {
    pub fn action(self) -> Action {
        match self {
            Policy::AutoRollback => Action::Rollback,
            Policy::AutoPromote => Action::Promote,
        }
    }
}

/// Which automations are on: both off unless the release config or a session key arms them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Armed {
    pub rollback: bool,
    pub promote: bool,
}

/// A release's automation: what is armed and how long the countdown runs. Parsed from the
/// `[automation]` table; `--armed` and the session key change `armed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Automation {
    pub armed: Armed,
    pub countdown: Duration,
}

impl Default for Automation {
    fn default() -> Self {
        Automation {
            armed: Armed::default(),
            countdown: DEFAULT_COUNTDOWN,
        }
    }
}

/// What may keep an armed action from firing. Ids are condition or gate ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum Blocker {
    ConditionUnknown(String),
    Drift,
    Hold,
    OutcomeUnknown,
    ReadOnly,
    OutsideWindow,
    GateFailing(String),
    GateUnknown(String),
}

impl Blocker {
    /// Whether this blocker stops `policy`. Gates and release windows are evidence for a
    /// promote (SEMANTICS §3) and never delay a rollback; everything else stops both: the
    /// machine acts only on known data, in agreement with the observed stage, with no action
    /// in flight, no hold, and actions enabled.
    pub fn stops(&self, policy: Policy) -> bool {
        match self {
            Blocker::OutsideWindow | Blocker::GateFailing(_) | Blocker::GateUnknown(_) => {
                policy == Policy::AutoPromote
            }
            Blocker::ConditionUnknown(_)
            | Blocker::Drift
            | Blocker::Hold
            | Blocker::OutcomeUnknown
            | Blocker::ReadOnly => true,
        }
    }
}

/// What the caller knows at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    pub armed: Armed,
    /// The current stage (index into the plan).
    pub stage: usize,
    /// Critical conditions breached past their persistence, by id. A critical condition that is
    /// unknown is not breached: leave it out (and pass it as [`Blocker::ConditionUnknown`]).
    pub breached_critical: BTreeSet<String>,
    /// The stage has its verified bake and every must-gate holds.
    pub promote_ready: bool,
    pub blockers: Vec<Blocker>,
}

/// The evidence behind an action, as data; words come from the describing layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reason {
    /// A critical condition stays breached past its persistence.
    Breached { condition: String },
    /// The stage has its verified bake and every must-gate holds.
    BakedAndGated { stage: usize },
}

/// What an armed action would act on. The countdown restarts only when this changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Situation {
    Rollback {
        stage: usize,
        breached: BTreeSet<String>,
    },
    Promote {
        stage: usize,
    },
}

impl Situation {
    /// The situation `input` presents, if an armed policy applies. A breach outranks a
    /// promote, armed or not: a stage with a critical breach is never promoted by itself.
    pub fn of(input: &Input) -> Option<Situation> {
        let stage = input.stage;
        if !input.breached_critical.is_empty() {
            return input.armed.rollback.then(|| Situation::Rollback {
                stage,
                breached: input.breached_critical.clone(),
            });
        }
        (input.armed.promote && input.promote_ready).then_some(Situation::Promote { stage })
    }

    pub fn policy(&self) -> Policy {
        match self {
            Situation::Rollback { .. } => Policy::AutoRollback,
            Situation::Promote { .. } => Policy::AutoPromote,
        }
    }

    pub fn reasons(&self) -> Vec<Reason> {
        match self {
            Situation::Rollback { breached, .. } => breached
                .iter()
                .map(|c| Reason::Breached {
                    condition: c.clone(),
                })
                .collect(),
            Situation::Promote { stage } => vec![Reason::BakedAndGated { stage: *stage }],
        }
    }
}

/// An armed action firing: what to journal as automatic, with the policy and its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firing {
    pub action: Action,
    pub policy: Policy,
    pub stage: usize,
    pub reasons: Vec<Reason>,
    pub at: DateTime<Utc>,
}

/// A veto typed during a countdown: the caller journals it and turns it into a hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Veto {
    pub policy: Policy,
    pub stage: usize,
    pub reasons: Vec<Reason>,
    pub reason: String,
    pub operator: String,
    pub at: DateTime<Utc>,
}

/// Why a veto was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VetoError {
    /// No armed action is pending.
    NothingPending,
    /// The action has already fired for this situation.
    AlreadyFired,
    /// The reason is blank.
    NoReason,
}

/// One evaluation's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing armed applies, or the situation's action has already fired.
    Idle,
    /// An armed action applies but these blockers stop it; no countdown runs.
    Blocked {
        policy: Policy,
        blockers: Vec<Blocker>,
    },
    /// The action fires at `deadline` unless vetoed or the situation changes.
    CountingDown {
        action: Action,
        policy: Policy,
        reasons: Vec<Reason>,
        deadline: DateTime<Utc>,
        left: Duration,
    },
    /// Dispatch this now, through the same path as a manual action. Given once per situation.
    Fire(Firing),
    /// The situation was vetoed; it stays suppressed until it changes.
    Vetoed(Veto),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// Blocked, or just seen: the next unblocked evaluation starts a whole countdown.
    Waiting,
    Counting {
        started: DateTime<Utc>,
    },
    Fired,
    Vetoed(Veto),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Track {
    situation: Situation,
    phase: Phase,
}

/// The armed automation's memory between evaluations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autopilot {
    countdown: Duration,
    track: Option<Track>,
}

impl Default for Autopilot {
    fn default() -> Self {
        Autopilot::new(DEFAULT_COUNTDOWN)
    }
}

impl Autopilot {
    pub fn new(countdown: Duration) -> Self {
        Autopilot {
            countdown,
            track: None,
        }
    }

    pub fn countdown(&self) -> Duration {
        self.countdown
    }

    /// Evaluate `input` at `now`. Call it on every change and on the second while a countdown
    /// runs; the answer depends only on the inputs and `now`, never on how often it is called.
    pub fn evaluate(&mut self, input: &Input, now: DateTime<Utc>) -> Decision {
        let Some(situation) = Situation::of(input) else {
            self.track = None;
            return Decision::Idle;
        };
        let track = match &mut self.track {
            Some(t) if t.situation == situation => t,
            slot => slot.insert(Track {
                situation,
                phase: Phase::Waiting,
            }),
        };
        let policy = track.situation.policy();
        match &track.phase {
            Phase::Fired => return Decision::Idle,
            Phase::Vetoed(v) => return Decision::Vetoed(v.clone()),
            Phase::Waiting | Phase::Counting { .. } => {}
        }
        let blockers: Vec<Blocker> = input
            .blockers
            .iter()
            .filter(|b| b.stops(policy))
            .cloned()
            .collect();
        if !blockers.is_empty() {
            track.phase = Phase::Waiting;
            return Decision::Blocked { policy, blockers };
        }
        let started = match track.phase {
            Phase::Counting { started } => started,
            _ => now,
        };
        let elapsed = since(now, started);
        if elapsed >= self.countdown {
            track.phase = Phase::Fired;
            return Decision::Fire(Firing {
                action: policy.action(),
                policy,
                stage: input.stage,
                reasons: track.situation.reasons(),
                at: now,
            });
        }
        track.phase = Phase::Counting { started };
        Decision::CountingDown {
            action: policy.action(),
            policy,
            reasons: track.situation.reasons(),
            deadline: deadline(started, self.countdown),
            left: self.countdown - elapsed,
        }
    }

    /// Veto the pending action: its situation stays suppressed until it changes. Allowed while
    /// counting down or blocked; the caller journals the returned veto as a hold.
    pub fn veto(
        &mut self,
        reason: &str,
        operator: &str,
        now: DateTime<Utc>,
    ) -> Result<Veto, VetoError> {
        let track = self.track.as_mut().ok_or(VetoError::NothingPending)?;
        match track.phase {
            Phase::Fired => return Err(VetoError::AlreadyFired),
            Phase::Vetoed(ref v) => return Ok(v.clone()),
            Phase::Waiting | Phase::Counting { .. } => {}
        }
        if reason.trim().is_empty() {
            return Err(VetoError::NoReason);
        }
        let stage = match track.situation {
            Situation::Rollback { stage, .. } | Situation::Promote { stage } => stage,
        };
        let veto = Veto {
            policy: track.situation.policy(),
            stage,
            reasons: track.situation.reasons(),
            reason: reason.trim().to_string(),
            operator: operator.to_string(),
            at: now,
        };
        track.phase = Phase::Vetoed(veto.clone());
        Ok(veto)
    }
}

fn deadline(started: DateTime<Utc>, countdown: Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(countdown)
        .ok()
        .and_then(|d| started.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
#[path = "autopilot_tests.rs"]
mod tests;
