//! An unobserved gap verified from Prometheus history (SEMANTICS.md §1). At start, when the
//! resumed bake has a gap and every stop condition (and baseline, and the live traffic share)
//! reads a Prometheus query, `start` asks for range queries over the gap (`Effect::History`);
//! the answer (`Msg::History`) is judged by `core::backfill` and the verified time added, or
//! the screen says why it is not counted. Meanwhile the cockpit runs as usual and the gap
//! stays not counted.

use super::baking::News;
use super::{Effect, LogLevel, State};
use crate::core::backfill::{self, Finding, Gap, Points, Traffic};
use crate::core::bake::{MarkDue, Span};
use crate::core::clock_duration;
use crate::core::reading::{SignalId, SourceId};
use crate::core::since;
use crate::setup::{Extract, Setup, SourceKind};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Range queries over an unobserved gap: one per signal, each over its own source.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryAsk {
    pub gap: Span,
    /// The sources' interval, widened where the gap needs more than `backfill::MAX_POINTS`.
    pub step: Duration,
    pub widened: bool,
    pub signals: Vec<SignalId>,
}

/// What the range queries gave: per signal, its points over the gap or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryAnswer {
    pub gap: Span,
    pub step: Duration,
    pub signals: Vec<(SignalId, Result<Points, String>)>,
}

/// Whether a signal's past can be read with range queries: it must be a query of a
/// Prometheus source (or a Prometheus query API such as VictoriaMetrics). The bake backfill
/// and `backtest` both ask; the error completes "… reads github (http), which has no history".
pub fn has_history(setup: &Setup, sig: SignalId) -> Result<(), String> {
    let spec = setup.signals.get(sig).ok_or("reads an unknown signal")?;
    let source = &setup.sources[spec.source];
    let query = matches!(
        spec.extract,
        Extract::PromQuery(_) | Extract::PromSeries { .. }
    );
    if source.kind != SourceKind::Prometheus || !query {
        return Err(format!(
            "reads {} ({}), which has no history to check",
            source.name,
            source.kind.label()
        ));
    }
    Ok(())
}

/// The signals that must be re-read over a gap and their sources, or why history cannot
/// verify it.
fn wanted(setup: &Setup) -> Result<(Vec<SignalId>, Vec<SourceId>), String> {
    if !setup.conditions.iter().any(|c| !c.observe) {
        return Err("no stop condition to verify it with".into());
    }
    let mut signals = Vec::new();
    let mut sources = Vec::new();
    let mut need = |sig: SignalId, what: &str| -> Result<(), String> {
        let spec = setup.signals.get(sig).ok_or("an unknown signal")?;
        if let Err(why) = has_history(setup, sig) {
            return Err(format!("{what} {why}"));
        }
        if !signals.contains(&sig) {
            signals.push(sig);
        }
        if !sources.contains(&spec.source) {
            sources.push(spec.source);
        }
        Ok(())
    };
    for c in setup.conditions.iter().filter(|c| !c.observe) {
        need(c.value, &c.label)?;
        if let Some(rel) = c.relative {
            need(rel.baseline, &format!("the baseline of {}", c.label))?;
        }
        if let Some(m) = &c.min_traffic {
            need(m.signal, &format!("the traffic of {}", c.label))?;
        }
    }
    if let Some(sig) = setup.observed_traffic {
        need(sig, "the live traffic")
            .map_err(|_| "the live traffic source is not in Prometheus")?;
    }
    Ok((signals, sources))
}

/// "prometheus", or "prometheus, thanos" when the signals come from several sources.
fn source_names(setup: &Setup, signals: &[SignalId]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for &sig in signals {
        if let Some(spec) = setup.signals.get(sig) {
            let name = setup.sources[spec.source].name.as_str();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.join(", ")
}

/// At start: ask for the history of the resumed bake's unobserved gap, when it can verify it;
/// otherwise the screen says why the gap is not counted.
pub(super) fn ask(state: &mut State, now: DateTime<Utc>) -> Option<Effect> {
    let bake = state.release.bake.as_ref()?;
    let gap = bake.unobserved?;
    let to = gap.to?;
    // A breach going on when observing stopped restarts the bake once it ends: nothing of the
    // gap could count.
    if bake.breached {
        return None;
    }
    let (signals, sources) = match wanted(&state.setup) {
        Ok(w) => w,
        Err(why) => {
            state.release.bake.as_mut()?.unobserved_why = Some(why);
            return None;
        }
    };
    let interval = sources
        .iter()
        .map(|&s| state.setup.sources[s].interval)
        .min()?;
    let (step, widened) = backfill::step_for(interval, gap.from, to);
    let names = source_names(&state.setup, &signals);
    state.release.bake.as_mut()?.asked(&names);
    let widened_words = if widened {
        format!(", step widened to {}", humantime::format_duration(step))
    } else {
        String::new()
    };
    state.log(
        now,
        LogLevel::Info,
        format!(
            "not observed {}: checking {names} history ({} range {}{widened_words})",
            gap.words(),
            signals.len(),
            if signals.len() == 1 {
                "query"
            } else {
                "queries"
            }
        ),
    );
    Some(Effect::History(Box::new(HistoryAsk {
        gap,
        step,
        widened,
        signals,
    })))
}

/// The history arrived: judge it, and count the gap, restart the bake, or say why not.
pub(super) fn answered(
    state: &mut State,
    answer: HistoryAnswer,
    now: DateTime<Utc>,
    fx: &mut Vec<Effect>,
) {
    let Some(bake) = state.release.bake.as_ref() else {
        return;
    };
    // An answer for a gap this bake is not waiting for (another stage entry) changes nothing.
    let (Some(to), true) = (
        answer.gap.to,
        bake.is_asking() && bake.unobserved == Some(answer.gap),
    ) else {
        return;
    };
    let setup = &state.setup;
    let stage = &setup.plan.stages[bake.stage];
    let traffic = setup.observed_traffic.map(|signal| Traffic {
        signal,
        plan: &setup.plan,
        stage: bake.stage,
        stale_after: setup.sources[setup.signals[signal].source].stale_after,
    });
    // Only gating conditions verify a gap: an observe-only one never counts for the bake.
    let gating: Vec<_> = (setup.conditions.iter())
        .filter(|c| !c.observe)
        .cloned()
        .collect();
    let gap = Gap {
        from: answer.gap.from,
        to,
        conditions: &gating,
        overrides: &stage.overrides,
        step: answer.step,
        traffic,
    };
    let finding = backfill::judge(&gap, &answer.signals);
    let asked: Vec<SignalId> = answer.signals.iter().map(|(s, _)| *s).collect();
    let names = source_names(setup, &asked);
    let Some(b) = state.release.bake.as_mut() else {
        return;
    };
    let due = b.backfill(answer.gap, &finding, &names, answer.step);
    let span = answer.gap.words();
    let (level, text) = match (&finding, due) {
        (Finding::Verified, Some(_)) => (
            LogLevel::Good,
            format!(
                "{span} verified from {names} history: {} of bake counted",
                clock_duration(since(to, answer.gap.from))
            ),
        ),
        (Finding::Breached { span: breach, why }, Some(_)) => (
            LogLevel::Error,
            format!(
                "breach in {names} history {}: {why}; bake restarted from zero",
                breach.words()
            ),
        ),
        (Finding::NotCounted(why), _) => (
            LogLevel::Warn,
            format!("not observed {span}: not counted: {why}"),
        ),
        (_, _) => (
            LogLevel::Warn,
            format!("not observed {span}: not counted: a breach since restarted the bake"),
        ),
    };
    state.log(now, level, text);
    if let Some(due) = due {
        let b = state
            .release
            .bake
            .as_mut()
            .expect("the bake just took the answer");
        let mut mark = b.mark();
        if due == MarkDue::Backfilled {
            mark.backfilled = b.backfilled.clone();
        }
        state.journal_bake_news(vec![News::Mark(mark, due)], now, fx);
    }
    state.screen.dirty = true;
}

#[cfg(test)]
#[path = "backfill_tests.rs"]
mod tests;
