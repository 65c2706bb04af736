//! An action whose outcome is unknown is a state, not a message (SEMANTICS §5). Until the
//! observed traffic shows that it took effect, or an operator records what they checked, the
//! verdict is NO-GO UNTIL VERIFIED with the action, when it was sent, and what to check.
//! Absence of a change proves nothing: a deploy pipeline may act minutes later.

use super::{ActionKind, Effect, Kind, LogLevel, State};
use crate::core::reading::format_number;
use crate::core::record::{Event, Resolution, ResolvedBy};
use crate::core::verdict::{Reason, Verdict, VerdictKind};
use chrono::{DateTime, Utc};

/// Why an action's outcome cannot be known.
#[derive(Debug, Clone, PartialEq)]
pub enum WhyUnknown {
    /// What the target answered, or failed to: a timeout, a 5xx, a dropped connection.
    Answer(String),
    /// The cockpit stopped while the action was in flight: at `at` when it stopped cleanly,
    /// else its last record was written at `at` (killed, crashed, or the session closed).
    InFlightAtStop { at: DateTime<Utc>, clean: bool },
}

/// Why an outcome is unknown, in words, with times written by `time`.
fn stop_words(why: &WhyUnknown, time: impl Fn(DateTime<Utc>) -> String) -> String {
    match why {
        WhyUnknown::Answer(reason) => format!("{}{reason}", super::outcome::UNKNOWN),
        WhyUnknown::InFlightAtStop { at, clean: true } => {
            format!("in flight when the cockpit stopped at {}", time(*at))
        }
        WhyUnknown::InFlightAtStop { at, clean: false } => format!(
            "in flight when the cockpit stopped (killed or cut off; its last record {})",
            time(*at)
        ),
    }
}

/// An action sent whose effect nobody has established yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub kind: ActionKind,
    pub id: String,
    /// When it was sent (its request journaled).
    pub sent: DateTime<Utc>,
    pub why: WhyUnknown,
    /// What to check before sending it again.
    pub check: String,
}

impl State {
    /// `at` on the cockpit's local clock, to the second.
    pub(crate) fn local_hms(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.screen.local_offset)
            .format("%H:%M:%S")
            .to_string()
    }

    /// "promote 1% → 5%", "rollback from 5%", "pause".
    pub fn action_words(&self, kind: ActionKind) -> String {
        let share = |i: usize| {
            self.setup
                .plan
                .stages
                .get(i)
                .map_or("?".into(), |s| format!("{}%", format_number(s.traffic)))
        };
        let name = kind.name(&self.setup.actions);
        match kind {
            ActionKind::Promote { from: Some(f), to } => {
                format!("{name} {} → {}", share(f), share(to))
            }
            ActionKind::Promote { from: None, to } => format!("{name} → {}", share(to)),
            ActionKind::Rollback { from: Some(f) } => format!("{name} from {}", share(f)),
            ActionKind::Rollback { from: None } | ActionKind::Custom(_) => name.to_string(),
        }
    }

    /// "outcome unknown: timed out after 5s", "in flight when the cockpit stopped at 14:02:11"
    /// (local time, for the screen).
    pub fn why_words(&self, why: &WhyUnknown) -> String {
        stop_words(why, |at| self.local_hms(at))
    }

    /// "rollback from 5% sent 14:02:05: in flight when the cockpit … (id gonogo-rollback-…)".
    pub fn unresolved_words(&self, u: &Unresolved) -> String {
        format!(
            "{} sent {}: {} (id {})",
            self.action_words(u.kind),
            self.local_hms(u.sent),
            self.why_words(&u.why),
            u.id
        )
    }

    /// The action `flight` was answered without telling whether it took effect.
    pub(super) fn outcome_unknown(&mut self, u: Unresolved) {
        self.release.unresolved.retain(|x| x.id != u.id);
        self.release.unresolved.push(u);
        self.screen.dirty = true;
    }

    /// The live traffic share was observed at `at`: the evidence that settles an action whose
    /// outcome is unknown, when it shows the action's effect. Nothing else does.
    pub(super) fn settle_by_traffic(
        &mut self,
        share: f64,
        at: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let stage = self.setup.plan.stage_for_traffic(share);
        let shows = |u: &Unresolved| {
            at >= u.sent
                && match u.kind {
                    ActionKind::Promote { to, .. } => stage == Some(to),
                    ActionKind::Rollback { .. } => share <= 0.0,
                    ActionKind::Custom(_) => false,
                }
        };
        while let Some(i) = self.release.unresolved.iter().position(shows) {
            let evidence = format!(
                "live traffic {}% observed at {}",
                format_number(share),
                self.local_hms(at)
            );
            let resolution = Resolution {
                by: ResolvedBy::Evidence,
                took_effect: true,
                evidence,
            };
            self.settle(i, resolution, None, at, fx);
        }
    }

    /// Settle the unresolved action at `i`: journal how, and when it took effect, move the
    /// release as if it had succeeded.
    pub(super) fn settle(
        &mut self,
        i: usize,
        resolution: Resolution,
        reason: Option<String>,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let u = self.release.unresolved.remove(i);
        let name = u.kind.name(&self.setup.actions).to_string();
        let text = format!(
            "{} {}",
            self.action_words(u.kind),
            resolution.describe(&self.session.context.operator)
        );
        let mut record = self.record(Event::ActionResolved, now);
        record.action = Some(name.into());
        record.action_id = Some(u.id.clone());
        record.reason = reason;
        record.resolution = Some(resolution.clone());
        fx.push(Effect::Journal(Box::new(record)));
        let level = if resolution.took_effect {
            LogLevel::Good
        } else {
            LogLevel::Warn
        };
        self.log(now, level, text);
        if resolution.took_effect {
            let why = match resolution.by {
                ResolvedBy::Evidence => format!("{} took effect", u.id),
                ResolvedBy::Operator => {
                    format!(
                        "{} took effect, verified by {}",
                        u.id, self.session.context.operator
                    )
                }
            };
            self.apply_move(u.kind, now, &why, fx);
        }
    }

    /// Move the release as an action that took effect moves it: a promote enters its stage, a
    /// rollback rolls the live stage back (and ends the attempt). A move already made is not
    /// made again.
    pub(super) fn apply_move(
        &mut self,
        kind: ActionKind,
        at: DateTime<Utc>,
        why: &str,
        fx: &mut Vec<Effect>,
    ) {
        self.release.moved_at = Some(at);
        let live = self
            .release
            .position
            .filter(|p| !p.rolled_back)
            .map(|p| p.stage);
        match kind {
            ActionKind::Custom(_) => {}
            ActionKind::Promote { to, .. } if live == Some(to) => {}
            ActionKind::Promote { to, .. } => self.enter_stage(to, at, why, fx),
            ActionKind::Rollback { .. } if self.release.position.is_some() && live.is_none() => {}
            ActionKind::Rollback { from } => {
                if let Some(p) = self.release.position.as_mut() {
                    p.rolled_back = true;
                }
                let mut r = self.record(Event::RolledBack, at);
                if let Some(i) = from {
                    r.stage = Some(self.setup.plan.stages[i].name.clone());
                    r.traffic = Some(self.setup.plan.stages[i].traffic);
                }
                r.detail = Some(why.to_string());
                fx.push(Effect::Journal(Box::new(r)));
                // A rollback ends the release attempt; the next first stage begins another.
                self.release.attempt = None;
                let from_text = from.map_or("no live stage".to_string(), |i| {
                    format!("{}%", format_number(self.setup.plan.stages[i].traffic))
                });
                let text = format!("rolled back from {from_text}");
                self.log_as(at, LogLevel::Warn, Kind::RolledBack, text);
            }
        }
    }
}

/// The verdict as it must read while actions' outcomes are unknown: NO-GO UNTIL VERIFIED
/// naming each, first; a breach still advises rollback, its reasons saying that an action's
/// outcome is already unknown and what to check before sending again.
pub(super) fn with_unresolved(state: &State, verdict: Verdict) -> Verdict {
    if state.release.unresolved.is_empty() {
        return verdict;
    }
    let reasons = state.release.unresolved.iter().map(|u| Reason {
        text: state.unresolved_words(u),
        verify: Some(if state.session.read_only {
            format!("{}; the operator's cockpit records what was found", u.check)
        } else {
            let v = state.setup.keys.cockpit(super::keymap::Command::Verify);
            format!("{}; then press {v} to record what you found", u.check)
        }),
    });
    match verdict.kind {
        VerdictKind::RollbackAdvised => {
            let mut v = verdict;
            v.reasons.extend(reasons.map(|r| Reason {
                text: format!("already unknown: {}", r.text),
                ..r
            }));
            v
        }
        VerdictKind::NoGoUntilVerified => {
            let mut all: Vec<Reason> = reasons.collect();
            all.extend(verdict.reasons);
            Verdict {
                reasons: all,
                ..verdict
            }
        }
        VerdictKind::Hold | VerdictKind::Go | VerdictKind::Complete => Verdict {
            kind: VerdictKind::NoGoUntilVerified,
            reasons: reasons.collect(),
            warnings: verdict.warnings,
        },
    }
}

impl State {
    /// At start: an action read back from the journal as in flight when the cockpit stopped
    /// is journaled as outcome unknown, so followers and reports see it too, and shown.
    pub(super) fn recovered(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let stopped: Vec<Unresolved> = self
            .release
            .unresolved
            .iter()
            .filter(|u| matches!(u.why, WhyUnknown::InFlightAtStop { .. }))
            .cloned()
            .collect();
        for u in stopped {
            let text = self.unresolved_words(&u);
            let mut record = self.record(Event::ActionOutcomeUnknown, now);
            record.action = Some(u.kind.name(&self.setup.actions).into());
            record.action_id = Some(u.id.clone());
            // The journal keeps UTC times, like its timestamps.
            record.outcome = Some(stop_words(&u.why, |at| {
                at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            }));
            record.detail = Some(u.check.clone());
            fx.push(Effect::Journal(Box::new(record)));
            self.log(now, LogLevel::Error, text);
        }
    }
}
