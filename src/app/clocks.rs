//! How long the verdict has held, and where the release stands in time: elapsed since the attempt first entered a stage, and a
//! lower bound on the time to 100%. A bake counts only verified healthy time (SEMANTICS §1),
//! so what is left can only be more than the remaining bakes, never less: "≥".

use super::State;
use super::resume::current_attempt;
use crate::core::record::{Context, Event, Record};
use crate::core::{short_duration, since};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The current attempt's first stage entry, when the journal has one.
pub(super) fn started_from_journal(records: &[Record], ctx: &Context) -> Option<DateTime<Utc>> {
    let attempt = current_attempt(records, ctx);
    // A rollback ends the attempt's clock: the next entry begins a new one.
    let from = attempt
        .iter()
        .rposition(|r| r.event == Event::RolledBack)
        .map_or(0, |i| i + 1);
    attempt[from..]
        .iter()
        .find(|r| r.event == Event::StageEntered)
        .map(|r| r.ts)
}

/// Keep the start in step with the position: the first live entry starts the clock when the
/// journal did not, and a rollback stops it.
pub(super) fn mark_start(state: &mut State) {
    let r = &mut state.release;
    match r.position {
        Some(p) if p.rolled_back => r.started = None,
        Some(p) if r.started.is_none() => r.started = Some(p.entered_at),
        _ => {}
    }
}

/// "12m elapsed · ≥ 1h5m to 100%" while a stage is live. Whole minutes (elapsed down, the
/// bound up), so the text, and the screen, change once a minute.
pub(super) fn progress(
    state: &State,
    bake_left: Option<Duration>,
    now: DateTime<Utc>,
) -> Option<String> {
    let p = state.release.position.filter(|p| !p.rolled_back)?;
    let elapsed = since(now, state.release.started?).as_secs() / 60;
    let elapsed = if elapsed == 0 {
        "<1m".to_string()
    } else {
        short_duration(Duration::from_secs(elapsed * 60))
    };
    let left = to_full(state, p.stage, bake_left?);
    if left.is_zero() {
        return Some(format!("{elapsed} elapsed"));
    }
    let mins = left.as_secs().div_ceil(60);
    Some(format!(
        "{elapsed} elapsed · ≥ {} to 100%",
        short_duration(Duration::from_secs(mins * 60))
    ))
}

/// The verified bake left in `stage` plus the whole bakes of every stage after it.
pub(super) fn to_full(state: &State, stage: usize, left: Duration) -> Duration {
    let later = state.setup.plan.stages.iter().skip(stage + 1);
    left + later.map(|s| s.bake).sum::<Duration>()
}

/// Since when the verdict has held: from `now` when its kind changed, from the first
/// evaluation (marked as the cockpit's start) when there is none yet, else unchanged.
pub(super) fn held_since(
    was: Option<(DateTime<Utc>, bool)>,
    changed: bool,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, bool) {
    match was {
        None => (now, true),
        Some(_) if changed => (now, false),
        Some(since) => since,
    }
}

/// "for 1m12s", with a "+" when the clock only started with the cockpit. To the second while
/// the verdict asks for action (ROLLBACK ADVISED, NO-GO UNTIL VERIFIED); otherwise to the
/// minute ("for <1m", "for 12m"), so a calm cockpit stays quiet: its screen, and the bytes it
/// sends, change once a minute at most for this clock.
pub(super) fn held_text(
    (at, from_start): (DateTime<Utc>, bool),
    now: DateTime<Utc>,
    urgent: bool,
) -> String {
    let plus = if from_start { "+" } else { "" };
    let held = since(now, at).as_secs();
    let words = match held {
        _ if urgent => short_duration(Duration::from_secs(held)),
        0..60 => "<1m".to_string(),
        _ => short_duration(Duration::from_secs(held / 60 * 60)),
    };
    format!("for {words}{plus}")
}

#[cfg(test)]
#[path = "clocks_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "held_tests.rs"]
mod held_tests;
