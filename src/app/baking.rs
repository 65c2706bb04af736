//! The live stage's bake as evidence: what held at each update (fresh data, no breach, the
//! tracked and observed stages agreeing) feeds the accumulator in `core::bake`; checkpoints
//! and drift transitions are journaled from here.

use super::eval::{Observed, observed};
use super::{Effect, LogLevel, State};
use crate::core::bake::{Bake, BakeMark, Health, MarkDue, Pause, PauseCause};
use crate::core::clock_duration;
use crate::core::condition::CondState;
use crate::core::reading::format_number;
use crate::core::record::{DriftMark, Event};
use crate::core::statistical;
use crate::core::verdict::StageView;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// What an update found worth journaling about the bake and drift.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum News {
    Mark(BakeMark, MarkDue),
    DriftBegan(DriftMark),
    DriftEnded(DriftMark),
}

/// What held at `now` for the bake of the live stage, judged from the conditions as they now
/// stand and where the release stands (`view`).
fn health(state: &State, view: &StageView, now: DateTime<Utc>) -> Health {
    let setup = &state.setup;
    // One pass over the conditions (this runs on every message, with up to 1,000 of them):
    // the unknown and the confirming, remembered by index; a breach decides at once.
    let mut unknown: Vec<usize> = Vec::new();
    let mut confirming: Vec<usize> = Vec::new();
    for (i, c) in state.release.eval.conditions.iter().enumerate() {
        // An observe-only condition never pauses, restarts or spends the bake.
        if setup.conditions.get(i).is_some_and(|s| s.observe) {
            continue;
        }
        match c.state {
            CondState::Breached => return Health::Breached,
            CondState::Unknown => unknown.push(i),
            _ if c.confirming.is_some() => confirming.push(i),
            _ => {}
        }
    }
    // Statistical conditions failing on the stage score restart the bake as a breach would.
    // Observe-only ones never do.
    let gating = (state.release.eval.conditions.iter())
        .zip(&setup.conditions)
        .filter(|(_, spec)| !spec.observe)
        .map(|(c, _)| c);
    if statistical::stage_fails(gating).is_some() {
        return Health::Breached;
    }
    let pause = |cause, text: String| Health::Paused(Pause { cause, text });
    // Too little traffic behind a value, or too few samples for a comparison, pauses the bake
    // as missing data does, in its own words; the source is blamed only when its data is what
    // is missing.
    let eval = &state.release.eval.conditions;
    let thin: Vec<&str> = (unknown.iter())
        .filter(|&&i| eval[i].short_of_traffic())
        .map(|&i| setup.conditions[i].label.as_str())
        .collect();
    let few: Vec<String> = (unknown.iter())
        .filter(|&&i| !eval[i].short_of_traffic() && statistical::awaiting_samples(&eval[i]))
        .map(|&i| {
            let why = eval[i].why.as_deref().unwrap_or_default();
            format!("{} {why}", setup.conditions[i].label)
        })
        .collect();
    if !unknown.is_empty() && thin.len() + few.len() == unknown.len() {
        let mut words = Vec::new();
        if !thin.is_empty() {
            words.push(format!("not enough traffic for {}", thin.join(", ")));
        }
        if !few.is_empty() {
            words.push(format!("too few samples: {}", few.join(", ")));
        }
        let cause = match thin.is_empty() {
            true => PauseCause::NoData,
            false => PauseCause::NotEnoughTraffic,
        };
        return pause(cause, words.join("; "));
    }
    if !unknown.is_empty() {
        let mut silent: Vec<&str> = Vec::new();
        for spec in unknown.iter().map(|&i| &setup.conditions[i]) {
            for sig in std::iter::once(spec.value).chain(spec.relative.map(|r| r.baseline)) {
                let name = setup
                    .signals
                    .get(sig)
                    .and_then(|s| setup.sources.get(s.source))
                    .map_or("a source", |s| s.name.as_str());
                if !silent.contains(&name) {
                    silent.push(name);
                }
            }
        }
        return pause(
            PauseCause::NoData,
            format!("no fresh data from {}", silent.join(", ")),
        );
    }
    match view {
        StageView::Drift { detail } => return pause(PauseCause::Drift, format!("drift: {detail}")),
        StageView::Live { .. } => {}
        StageView::Unknown { why } => return pause(PauseCause::TrafficUnknown, why.clone()),
        StageView::NotStarted | StageView::RolledBack { .. } => {
            return pause(PauseCause::TrafficUnknown, "no live stage".into());
        }
    }
    if matches!(observed(state, now), Observed::Pending) {
        return pause(
            PauseCause::AwaitingMove,
            "waiting for the live traffic to show the move".into(),
        );
    }
    if !confirming.is_empty() {
        let labels: Vec<&str> = confirming
            .iter()
            .map(|&i| setup.conditions[i].label.as_str())
            .collect();
        return pause(
            PauseCause::Confirming,
            format!("{} over threshold, confirming", labels.join(", ")),
        );
    }
    Health::Healthy
}

/// Bring the live stage's bake and the drift state up to `now`: called on every refresh,
/// after the conditions are judged and before the verdict.
pub(super) fn advance(state: &mut State, view: &StageView, now: DateTime<Utc>) -> Vec<News> {
    let mut news = Vec::new();
    match state.release.position.filter(|p| !p.rolled_back) {
        None => state.release.bake = None,
        Some(p) => {
            let same = |b: &Bake| b.stage == p.stage && b.entered_at == p.entered_at;
            if !state.release.bake.as_ref().is_some_and(same) {
                let bake = state.setup.plan.stages[p.stage].bake;
                state.release.bake = Some(Bake::new(p.stage, p.entered_at, bake));
            }
            let health = health(state, view, now);
            if let Some(b) = state.release.bake.as_mut()
                && let Some(due) = b.update(now, &health)
            {
                news.push(News::Mark(b.mark(), due));
            }
        }
    }
    drift(state, view, now, &mut news);
    news
}

/// Journal drift once when it begins and once when the stages agree again.
fn drift(state: &mut State, view: &StageView, now: DateTime<Utc>, news: &mut Vec<News>) {
    let drifting = match view {
        StageView::Drift { .. } => true,
        StageView::Live { .. } | StageView::RolledBack { .. } => false,
        // Unknown is not agreement: an open drift stays open.
        StageView::Unknown { .. } | StageView::NotStarted => return,
    };
    if drifting == state.release.drift.is_some() {
        return;
    }
    let (Some(p), Observed::Share(share)) = (state.release.position, observed(state, now)) else {
        return;
    };
    let stage = &state.setup.plan.stages[p.stage];
    let mark = DriftMark {
        tracked_stage: stage.name.clone(),
        tracked_traffic: stage.traffic,
        rolled_back: p.rolled_back,
        observed_traffic: share,
    };
    if drifting {
        state.release.drift = Some(mark.clone());
        news.push(News::DriftBegan(mark));
    } else {
        state.release.drift = None;
        news.push(News::DriftEnded(mark));
    }
}

/// "tracked canary (1%), live traffic 10%", as the verdict says it
fn drift_words(m: &DriftMark) -> String {
    let share = format!("{}%", format_number(m.tracked_traffic));
    let stage = if m.tracked_stage == share {
        share
    } else {
        format!("{} ({share})", m.tracked_stage)
    };
    let rollback = if m.rolled_back { "rollback from " } else { "" };
    format!(
        "tracked {rollback}{stage}, live traffic {}%",
        format_number(m.observed_traffic)
    )
}

/// "bake 01:00 verified of 10:00 (paused)"
fn mark_words(m: &BakeMark, due: MarkDue) -> String {
    let why = match due {
        MarkDue::Progress => "",
        MarkDue::Baked => " (baked)",
        MarkDue::Paused => " (paused)",
        MarkDue::Restarted => " (breach: restarted from zero)",
        MarkDue::BreachEnded => " (breach ended: counting from zero)",
        MarkDue::Backfilled => " (unobserved gap verified from history)",
        MarkDue::BreachInHistory => " (breach in history: restarted from zero)",
    };
    format!(
        "bake {} verified of {}{why}",
        clock_duration(Duration::from_secs(m.verified_secs)),
        clock_duration(Duration::from_secs(m.bake_secs))
    )
}

impl State {
    /// Journal (and log, for drift) what `advance` found.
    pub(super) fn journal_bake_news(
        &mut self,
        news: Vec<News>,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        for n in news {
            let (mut r, log) = match n {
                News::Mark(mark, due) => {
                    let mut r = self.record(Event::BakeCheckpoint, now);
                    r.detail = Some(mark_words(&mark, due));
                    r.bake = Some(mark);
                    (r, None)
                }
                News::DriftBegan(mark) => {
                    let text = format!("drift began: {}", drift_words(&mark));
                    let mut r = self.record(Event::DriftBegan, now);
                    r.drift = Some(mark);
                    (r, Some((LogLevel::Warn, text)))
                }
                News::DriftEnded(mark) => {
                    let text = format!(
                        "drift ended: live traffic {}% agrees with the tracked stage",
                        format_number(mark.observed_traffic)
                    );
                    let mut r = self.record(Event::DriftEnded, now);
                    r.drift = Some(mark);
                    (r, Some((LogLevel::Good, text)))
                }
            };
            if let Some((level, text)) = log {
                r.detail = Some(text.clone());
                self.log_as(now, level, r.event.into(), text);
            }
            fx.push(Effect::Journal(Box::new(r)));
        }
    }

    /// A checkpoint of the live bake as it stands, for a clean stop: nothing earned is lost.
    pub(super) fn bake_checkpoint(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        let mark = self.release.bake.as_mut()?.mark();
        let mut r = self.record(Event::BakeCheckpoint, now);
        r.detail = Some(format!("{} at stop", mark_words(&mark, MarkDue::Progress)));
        r.bake = Some(mark);
        Some(Effect::Journal(Box::new(r)))
    }
}

#[cfg(test)]
#[path = "baking_tests.rs"]
mod tests;
