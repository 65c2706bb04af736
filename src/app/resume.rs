//! What a start reads back from the journal about the current release attempt (SEMANTICS
//! §6): which attempt is open, and which actions' outcomes are unknown — including an action
//! that was in flight when the cockpit stopped, crashed or was killed (SEMANTICS §5).

use super::position::{same_release, stage_of};
use super::unresolved::{Unresolved, WhyUnknown};
use super::{ActionKind, State};
use crate::core::action::Action;
use crate::core::plan::Plan;
use crate::core::record::{Context, Event, Record};
use crate::setup::ActionSpec;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The records of this release's current attempt: from the first record of the last attempt
/// id on. A journal written before attempts had ids has no such id: then all of this
/// release's records are the attempt, as before.
pub(super) fn current_attempt<'a>(records: &'a [Record], ctx: &Context) -> Vec<&'a Record> {
    let ours: Vec<&Record> = records.iter().filter(|r| same_release(r, ctx)).collect();
    let Some(id) = latest_attempt(records, ctx) else {
        return ours;
    };
    let first = ours
        .iter()
        .position(|r| r.attempt.as_deref() == Some(id))
        .unwrap_or(0);
    ours[first..]
        .iter()
        .copied()
        .filter(|r| r.attempt.as_deref().is_none_or(|a| a == id))
        .collect()
}

/// The attempt id of this release's latest record that carries one, whether that attempt is
/// still open or not (`check` reports it either way; `open_attempt` says whether it is open).
pub fn latest_attempt<'a>(records: &'a [Record], ctx: &Context) -> Option<&'a str> {
    records
        .iter()
        .rev()
        .filter(|r| same_release(r, ctx))
        .find_map(|r| r.attempt.as_deref())
}

/// The action a journaled record names, with the stages it moves between: a record's stage
/// is the live stage when it was written, so a promote goes to the one after it.
pub(super) fn kind_of(r: &Record, plan: &Plan, actions: &[ActionSpec]) -> Option<ActionKind> {
    let from = stage_of(r, plan);
    match r.action.as_ref()? {
        Action::Promote => {
            let to = from.map_or(0, |f| f + 1);
            (to < plan.stages.len()).then_some(ActionKind::Promote { from, to })
        }
        Action::Rollback => Some(ActionKind::Rollback { from }),
        // A custom action the config no longer has still blocks, under its journaled name.
        name => Some(ActionKind::Custom(
            actions
                .iter()
                .position(|a| a.name == *name)
                .unwrap_or(usize::MAX),
        )),
    }
}

/// What to check, when the journal does not say.
pub(super) fn default_check(kind: ActionKind, actions: &[ActionSpec]) -> String {
    let name = kind.name(actions);
    match super::approve::action_target(actions, &Action::from(name)) {
        Some(host) => format!("check {host} for the {name} before confirming again"),
        None => format!("check the target of the {name} action for it before confirming again"),
    }
}

/// Why an `action_outcome_unknown` record left the outcome open, and what it says to check.
pub(super) fn unknown_of(
    r: &Record,
    kind: ActionKind,
    actions: &[ActionSpec],
) -> (WhyUnknown, String) {
    let outcome = r.outcome.as_deref().unwrap_or("no answer");
    let why = outcome
        .strip_prefix(super::outcome::UNKNOWN)
        .unwrap_or(outcome);
    let check = r
        .detail
        .clone()
        .unwrap_or_else(|| default_check(kind, actions));
    (WhyUnknown::Answer(why.to_string()), check)
}

/// The actions of the current attempt whose outcome is unknown: answered so (and not settled
/// since), or requested with no answer at all because the cockpit stopped first.
pub fn unresolved_from_journal(
    records: &[Record],
    ctx: &Context,
    plan: &Plan,
    actions: &[ActionSpec],
) -> Vec<Unresolved> {
    let attempt = current_attempt(records, ctx);
    // Requested and not answered: (request, when the cockpit stopped cleanly with it in flight).
    let mut pending: Vec<(&Record, Option<DateTime<Utc>>)> = Vec::new();
    let mut unknown: Vec<Unresolved> = Vec::new();
    for r in &attempt {
        let Some(id) = r.action_id.as_deref() else {
            continue;
        };
        let request = pending
            .iter()
            .position(|(p, _)| p.action_id.as_deref() == Some(id));
        match r.event {
            Event::ActionRequested => pending.push((r, None)),
            Event::CockpitStopped => {
                if let Some(i) = request {
                    pending[i].1 = Some(r.ts);
                }
            }
            Event::ActionSucceeded | Event::ActionFailed | Event::ActionResolved => {
                if let Some(i) = request {
                    pending.remove(i);
                }
                unknown.retain(|u| u.id != id);
            }
            Event::ActionOutcomeUnknown => {
                let sent = request.map(|i| pending.remove(i).0);
                let Some(kind) = kind_of(sent.unwrap_or(r), plan, actions) else {
                    continue;
                };
                let (why, check) = unknown_of(r, kind, actions);
                unknown.retain(|u| u.id != id);
                unknown.push(Unresolved {
                    kind,
                    id: id.to_string(),
                    sent: sent.map_or(r.ts, |s| s.ts),
                    why,
                    check,
                });
            }
            _ => {}
        }
    }
    // The last thing the cockpit wrote: the latest it can have been running, when killed.
    let last = attempt.last().map(|r| r.ts);
    for (r, stopped) in pending {
        let Some(kind) = kind_of(r, plan, actions) else {
            continue;
        };
        unknown.push(Unresolved {
            kind,
            id: r.action_id.clone().unwrap_or_default(),
            sent: r.ts,
            why: WhyUnknown::InFlightAtStop {
                at: stopped.or(last).unwrap_or(r.ts),
                clean: stopped.is_some(),
            },
            check: default_check(kind, actions),
        });
    }
    unknown
}

/// The open attempt's id: the current attempt's, unless a rollback ended it.
pub fn open_attempt(records: &[Record], ctx: &Context) -> Option<String> {
    let attempt = current_attempt(records, ctx);
    let id = attempt.iter().rev().find_map(|r| r.attempt.clone())?;
    let ended = attempt
        .iter()
        .rev()
        .take_while(|r| r.event != Event::StageEntered)
        .any(|r| r.event == Event::RolledBack);
    (!ended).then_some(id)
}

impl State {
    /// Take up the current attempt from the journal read at start: its id while it is open,
    /// and the actions whose outcome is unknown. The position comes from the same attempt
    /// (`position_from_journal`).
    pub fn resume(&mut self, records: &[Record]) {
        self.release.attempt = open_attempt(records, &self.session.context);
        self.release.unresolved = unresolved_from_journal(
            records,
            &self.session.context,
            &self.setup.plan,
            &self.setup.actions,
        );
        self.release.started = super::clocks::started_from_journal(records, &self.session.context);
        self.release.overrides = super::overrides::overrides_from_journal(
            records,
            &self.session.context,
            &self.setup.plan,
        );
        self.screen.dirty = true;
    }

    /// A new attempt's id: the minute it began in UTC and four hex digits, e.g.
    /// `20261202T0226Z-3f2a`. Short and readable; the digits come from the exact instant and
    /// who and where, so two cockpits starting in the same minute do not collide.
    pub(super) fn new_attempt_id(&self, at: DateTime<Utc>) -> String {
        let c = &self.session.context;
        let seed = format!(
            "{}|{}|{}|{}|{}|{}|{}",
            at.timestamp_nanos_opt().unwrap_or_default(),
            c.host,
            c.operator,
            c.release,
            c.version,
            c.environment,
            self.session.action_counter
        );
        let digest = Sha256::digest(seed.as_bytes());
        format!(
            "{}-{}",
            at.format("%Y%m%dT%H%MZ"),
            hex::encode(&digest[..2])
        )
    }
}
