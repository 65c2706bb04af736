//! The bake and the drift state read back from the journal on start: a restart, an SSH drop or
//! a kill -9 loses at most the verified time since the last checkpoint (about a minute).

use super::State;
use super::position::same_release;
use crate::core::bake::{Bake, MAX_STEP, Resumed, Span};
use crate::core::plan::Position;
use crate::core::record::{Context, DriftMark, Event, Record};
use chrono::{DateTime, Utc};

/// The verified bake of the stage entry `position` as the journal proves it at `now`: the last
/// checkpoint of that entry (none: nothing verified). The time from that checkpoint (or the
/// entry) to `now` is unobserved and does not count; a later step may verify it from history.
pub fn bake_from_journal(
    records: &[Record],
    ctx: &Context,
    position: Option<Position>,
    now: DateTime<Utc>,
) -> Option<Resumed> {
    let p = position.filter(|p| !p.rolled_back)?;
    let mark = records
        .iter()
        .rev()
        .filter(|r| r.event == Event::BakeCheckpoint && same_release(r, ctx))
        .find_map(|r| {
            r.bake
                .as_ref()
                .filter(|b| b.entered_at == p.entered_at)
                .map(|b| (r.ts, b))
        });
    let breaches = breaches_from_journal(records, ctx, p.entered_at);
    let from = mark.map_or(p.entered_at, |(ts, _)| ts);
    let unobserved = (now - from)
        .to_std()
        .is_ok_and(|gap| gap > MAX_STEP)
        .then_some(Span {
            from,
            to: Some(now),
        });
    Some(match mark {
        Some((_, b)) => Resumed {
            verified: std::time::Duration::from_secs(b.verified_secs),
            breached: b.breached,
            restarted: b.restarted,
            breaches,
            unobserved,
        },
        None => Resumed {
            verified: std::time::Duration::ZERO,
            breached: false,
            restarted: None,
            breaches,
            unobserved,
        },
    })
}

/// The breaches of the stage entry of `entered_at` the journal records, for its failure
/// budget: each breach journals a checkpoint restarting the bake, so the count is the last
/// checkpoint's, or (a journal from before checkpoints counted) its distinct restarts.
pub fn breaches_from_journal(records: &[Record], ctx: &Context, entered_at: DateTime<Utc>) -> u32 {
    let mut restarts: Vec<DateTime<Utc>> = Vec::new();
    let mut counted = 0;
    let marks = (records.iter())
        .filter(|r| r.event == Event::BakeCheckpoint && same_release(r, ctx))
        .filter_map(|r| r.bake.as_ref().filter(|b| b.entered_at == entered_at));
    for b in marks {
        counted = b.breaches;
        if let Some(from) = b.restarted.map(|r| r.from)
            && !restarts.contains(&from)
        {
            restarts.push(from);
        }
    }
    counted.max(restarts.len() as u32)
}

/// The drift the journal leaves open: the last `drift_began` with no `drift_ended` after it.
pub fn drift_from_journal(records: &[Record], ctx: &Context) -> Option<DriftMark> {
    let last = records
        .iter()
        .rev()
        .filter(|r| same_release(r, ctx))
        .find(|r| matches!(r.event, Event::DriftBegan | Event::DriftEnded))?;
    (last.event == Event::DriftBegan)
        .then(|| last.drift.clone())
        .flatten()
}

/// Continue a freshly built state from the journal, as the runtime does at start (after
/// `State::new`, before `start`): the open attempt, an action whose outcome is unknown, the
/// drift and the bake.
pub fn resume_from_journal(state: &mut State, records: &[Record], now: DateTime<Utc>) {
    state.resume(records);
    let ctx = state.session.context.clone();
    state.release.drift = drift_from_journal(records, &ctx);
    state.release.bake = state.release.position.and_then(|p| {
        let resumed = bake_from_journal(records, &ctx, Some(p), now)?;
        let bake = state.setup.plan.stages.get(p.stage)?.bake;
        Some(Bake::resume(p.stage, p.entered_at, bake, resumed))
    });
    super::eval::refresh(state, now);
}
