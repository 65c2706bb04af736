//! Armed automation in the cockpit: auto-rollback and auto-promote (src/core/autopilot.rs)
//! fed from the evaluation after every message, firing through the same dispatch as a
//! confirmed prompt, with a countdown anyone at a screen may veto (the veto becomes a hold).
//!
//! It runs inside `update`, so whatever drives `update` (the cockpit, a headless runner)
//! gets it. An observer computes the same countdown to show it and take a veto, but never
//! fires: the operator's cockpit does.

use super::approve::ActionKind;
use super::dispatch::Sent;
use super::{Effect, Kind, LogLevel, Overlay, State};
use crate::core::action::Action;
use crate::core::autopilot::{Armed, Blocker, Decision, Firing, Input, Policy, Reason};
use crate::core::condition::CondState;
use crate::core::describe::policy_name;
use crate::core::gate::{GateCheck, GateState, Tier};
use crate::core::record::{ArmedMark, AutoMark};
use crate::core::verdict::VerdictKind;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A decision as the screen shows it: seconds left rounded up, so it changes once a second.
fn shown(decision: Decision) -> Option<Decision> {
    match decision {
        Decision::Idle | Decision::Fire(_) => None,
        Decision::CountingDown {
            action,
            policy,
            reasons,
            deadline,
            left,
        } => {
            let whole = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            Some(Decision::CountingDown {
                action,
                policy,
                reasons,
                deadline,
                left: Duration::from_secs(whole),
            })
        }
        d => Some(d),
    }
}

impl State {
    /// The armed policy pending (counting down, blocked or vetoed), if any.
    pub fn auto_pending(&self) -> Option<Policy> {
        match self.session.auto.as_ref()? {
            Decision::CountingDown { policy, .. } | Decision::Blocked { policy, .. } => {
                Some(*policy)
            }
            Decision::Vetoed(v) => Some(v.policy),
            Decision::Idle | Decision::Fire(_) => None,
        }
    }

    pub(super) fn armed_mark(&self, armed: Armed) -> ArmedMark {
        ArmedMark {
            rollback: armed.rollback,
            promote: armed.promote,
            countdown_s: self.session.autopilot.countdown().as_secs(),
        }
    }

    /// What the autopilot is told at `now`: the breached critical conditions, whether the
    /// stage may move on, and everything that stands in the way.
    pub fn autopilot_input(&self, now: DateTime<Utc>) -> Input {
        let eval = &self.release.eval;
        let armed = self.session.armed;
        let Some(stage) = eval.current.filter(|_| armed.rollback || armed.promote) else {
            // Nothing armed, or no live stage (not started, or rolled back): nothing to act on.
            return Input::default();
        };
        let mut blockers = Vec::new();
        let mut breached_critical = std::collections::BTreeSet::new();
        let conditions = self.setup.conditions.iter().zip(&eval.conditions);
        for ((spec, status), track) in conditions.zip(&self.release.tracks) {
            if spec.observe {
                continue;
            }
            // A breach the screen keeps showing once its data went missing ("breached, then
            // HTTP 503") is not live evidence: the machine acts only on what it sees now.
            let live = track.latest.as_ref().is_some_and(|l| {
                l.value.is_ok() && crate::core::since(now, l.at) <= spec.stale_after
            }) && !status.short_of_traffic();
            match status.state {
                // Unknown is never breached, and stops every automatic action.
                CondState::Unknown => blockers.push(Blocker::ConditionUnknown(spec.id.clone())),
                CondState::Breached if !live => {
                    blockers.push(Blocker::ConditionUnknown(spec.id.clone()))
                }
                CondState::Breached if spec.critical => {
                    breached_critical.insert(spec.id.clone());
                }
                _ => {}
            }
        }
        if self.release.drift.is_some() {
            blockers.push(Blocker::Drift);
        }
        if self.held(now).is_some() {
            blockers.push(Blocker::Hold);
        }
        // An action in flight, or one whose outcome is unknown: nothing more until it settles.
        if self.session.in_flight.is_some() || !self.release.unresolved.is_empty() {
            blockers.push(Blocker::OutcomeUnknown);
        }
        let mut gates_hold = true;
        for (spec, result) in self.setup.gates.iter().zip(&eval.gates) {
            if spec.tier != Tier::Must {
                continue;
            }
            match (result.state, &spec.check) {
                (GateState::Holds, _) => continue,
                (GateState::Fails, GateCheck::Calendar(_)) => blockers.push(Blocker::OutsideWindow),
                (GateState::Fails, _) => blockers.push(Blocker::GateFailing(spec.id.clone())),
                (GateState::Unknown, _) => blockers.push(Blocker::GateUnknown(spec.id.clone())),
            }
            gates_hold = false;
        }
        let baked = eval.bake.as_ref().is_some_and(|b| b.is_baked());
        let next = stage + 1 < self.setup.plan.stages.len();
        Input {
            armed: self.session.armed,
            stage,
            breached_critical,
            promote_ready: baked && gates_hold && next && eval.verdict.kind == VerdictKind::Go,
            blockers,
        }
    }

    /// The prompt a person has open on the pending action (a veto being typed, or act now's
    /// Approve-Risk prompt): the machine waits for them rather than act under their hands.
    fn someone_deciding(&self) -> bool {
        let Some(policy) = self.auto_pending() else {
            return false;
        };
        match &self.screen.overlay {
            Overlay::Hold(m) => m.veto,
            Overlay::Approve(m) => m.kind.action(&self.setup.actions) == Some(&policy.action()),
            _ => false,
        }
    }

    /// After every message: evaluate the armed policies; fire what is due (never from an
    /// observer); show what counts down or blocks.
    pub(super) fn run_autopilot(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if self.session.quitting || self.someone_deciding() {
            return;
        }
        let input = self.autopilot_input(now);
        let decision = self.session.autopilot.evaluate(&input, now);
        if let Decision::Fire(firing) = &decision
            && !self.session.read_only
        {
            self.fire(firing.clone(), now, fx);
        }
        let next = shown(decision);
        if next == self.session.auto {
            return;
        }
        self.screen.dirty = true;
        let was_counting = matches!(self.session.auto, Some(Decision::CountingDown { .. }));
        match &next {
            Some(Decision::CountingDown {
                policy,
                reasons,
                left,
                ..
            }) if !was_counting => {
                let text = format!(
                    "{} in {}s unless vetoed: {}",
                    policy_name(*policy),
                    left.as_secs(),
                    self.evidence(reasons).join("; ")
                );
                self.log_as(now, LogLevel::Warn, Kind::Armed, text);
            }
            Some(Decision::Blocked { policy, blockers }) if was_counting => {
                let text = format!(
                    "{} waits: {}",
                    policy_name(*policy),
                    self.blocker_words(blockers).join(", ")
                );
                self.log_as(now, LogLevel::Info, Kind::Armed, text);
            }
            _ => {}
        }
        self.session.auto = next;
    }

    /// The countdown ran out: send the action as a confirmed prompt would, marked automatic.
    fn fire(&mut self, firing: Firing, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let live = self.release.eval.current;
        let kind = match firing.action {
            Action::Rollback => ActionKind::Rollback { from: live },
            _ => ActionKind::Promote {
                from: live,
                to: firing.stage + 1,
            },
        };
        let Some(target) = super::approve::action_target(&self.setup.actions, &firing.action)
        else {
            let text = format!(
                "{} cannot act: no {} action is configured",
                policy_name(firing.policy),
                firing.action
            );
            self.log_as(now, LogLevel::Error, Kind::Armed, text);
            return;
        };
        let evidence = self.evidence(&firing.reasons);
        let reason = format!("{}: {}", policy_name(firing.policy), evidence.join("; "));
        let auto = AutoMark {
            policy: firing.policy,
            evidence,
            countdown_s: self.session.autopilot.countdown().as_secs(),
        };
        let how = Sent {
            kind,
            target: &target,
            verdict: self.release.eval.verdict.kind,
            is_override: false,
            auto: Some(auto),
        };
        self.send(how, &reason, now, fx);
    }

    /// The evidence in words, as the screen shows it: "Canary error rate: 4.10% > 2.00%".
    pub fn evidence(&self, reasons: &[Reason]) -> Vec<String> {
        reasons
            .iter()
            .map(|r| match r {
                Reason::Breached { condition } => {
                    let found = (self.setup.conditions.iter())
                        .zip(&self.release.eval.conditions)
                        .find(|(c, _)| &c.id == condition);
                    match found {
                        Some((c, s)) => match &s.why {
                            Some(why) => format!("{}: {why}", c.label),
                            None => format!("{} breached", c.label),
                        },
                        None => format!("{condition} breached"),
                    }
                }
                Reason::BakedAndGated { stage } => {
                    let name = (self.setup.plan.stages.get(*stage))
                        .map_or_else(|| format!("stage {stage}"), |s| s.label());
                    format!("{name} baked and every must-gate holds")
                }
            })
            .collect()
    }

    /// What stands in an armed action's way, in words: "Canary error rate unknown", "drift".
    pub fn blocker_words(&self, blockers: &[Blocker]) -> Vec<String> {
        let label = |id: &str| {
            (self.setup.conditions.iter().find(|c| c.id == id))
                .map_or_else(|| id.to_string(), |c| c.label.clone())
        };
        let gate = |id: &str| {
            (self.setup.gates.iter().find(|g| g.id == id))
                .map_or_else(|| id.to_string(), |g| g.name.clone())
        };
        blockers
            .iter()
            .map(|b| match b {
                Blocker::ConditionUnknown(id) => format!("{} unknown", label(id)),
                Blocker::Drift => "drift".into(),
                Blocker::Hold => "a hold".into(),
                Blocker::OutcomeUnknown => "an action unsettled".into(),
                Blocker::ReadOnly => "read-only".into(),
                Blocker::OutsideWindow => "outside the release window".into(),
                Blocker::GateFailing(id) => format!("{} failing", gate(id)),
                Blocker::GateUnknown(id) => format!("{} unknown", gate(id)),
            })
            .collect()
    }
}
