//! The replay: a past window's range reads fed, with a clock that moves only as the replay
//! says, through the same `update` the cockpit runs. Each step's values arrive as the
//! observation a poll at that instant would have made; a tick every second in between keeps
//! persistence (`for`), staleness and the bake moving exactly as they do live. What the
//! evaluation says after each tick is what the cockpit would have shown then. Pure: the same
//! history always gives the same report.

use super::report::{Backtest, ConditionReport, Moment, NotReplayable, StageReport, VerdictChange};
use super::window::Window;
use crate::app::{self, Boot, Msg, has_history};
use crate::core::backfill::Points;
use crate::core::condition::{CondState, Persistence};
use crate::core::reading::{Observation, Outcome, Reading, SignalId};
use crate::core::record::Context;
use crate::setup::Setup;
use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use std::time::Duration;

/// The release as the replay runs it, and what of the config it leaves out.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The config with only the conditions whose history can be read, no gates, and the live
    /// traffic share only when it can be read too.
    pub setup: Setup,
    /// The signals to read over the window.
    pub signals: Vec<SignalId>,
    pub not_replayable: Vec<NotReplayable>,
    /// Assumptions the verdict rests on, said in the output.
    pub notes: Vec<String>,
}

/// Keep what history can replay, and say what is left out and why.
pub fn prepare(mut setup: Setup, step: Duration) -> Prepared {
    let mut notes = Vec::new();
    let mut not_replayable = Vec::new();
    let mut signals: Vec<SignalId> = Vec::new();
    let conditions = std::mem::take(&mut setup.conditions);
    for c in conditions {
        let baseline = c.relative.map(|r| r.baseline);
        let why = has_history(&setup, c.value).err().or_else(|| {
            baseline.and_then(|b| {
                has_history(&setup, b)
                    .err()
                    .map(|why| format!("its baseline {why}"))
            })
        });
        if let Some(reason) = why {
            not_replayable.push(NotReplayable {
                id: c.id.clone(),
                label: c.label.clone(),
                reason,
            });
            continue;
        }
        for sig in std::iter::once(c.value).chain(baseline) {
            if !signals.contains(&sig) {
                signals.push(sig);
            }
        }
        setup.conditions.push(c);
    }
    if !not_replayable.is_empty() {
        let n = not_replayable.len();
        notes.push(format!(
            "the verdict leaves out {n} {} that cannot be replayed (listed below)",
            if n == 1 { "condition" } else { "conditions" }
        ));
    }
    if !setup.gates.is_empty() {
        notes.push("gates are not replayed: the verdict assumes every gate held".into());
        setup.gates.clear();
    }
    if let Some(sig) = setup.observed_traffic {
        match has_history(&setup, sig) {
            Ok(()) => {
                if !signals.contains(&sig) {
                    signals.push(sig);
                }
                notes.push("the live traffic share is replayed too: a share other than the assumed stage's shows as drift".into());
            }
            Err(why) => {
                notes.push(format!(
                    "the live traffic share {why}: drift is not replayed"
                ));
                setup.observed_traffic = None;
            }
        }
    }
    // A value arrives once a step: it must not go stale before the next one (as in the bake
    // backfill, `core::backfill`).
    let mut widened = Vec::new();
    for c in &mut setup.conditions {
        if c.stale_after < step {
            c.stale_after = step;
            widened.push(c.label.clone());
        }
    }
    for s in &mut setup.sources {
        s.stale_after = s.stale_after.max(step);
    }
    if !widened.is_empty() {
        notes.push(format!(
            "stale_after is shorter than the step for {}: a value counts until the next step",
            widened.join(", ")
        ));
    }
    Prepared {
        setup,
        signals,
        not_replayable,
        notes,
    }
}

/// Who the replay's records would name: nobody, nothing is journaled.
fn context(setup: &Setup) -> Context {
    Context {
        operator: "backtest".into(),
        host: "backtest".into(),
        release: setup.release.name.clone(),
        version: setup.release.version.clone(),
        environment: setup.release.environment.clone(),
    }
}

/// What one condition did over the window, gathered tick by tick.
#[derive(Default)]
struct Seen {
    first_warn: Option<Moment>,
    first_breach: Option<Moment>,
    breaches: u32,
    breached: Duration,
    unknown: Duration,
    first_unknown: Option<Moment>,
    last: Option<CondState>,
}

fn persistence_words(p: Persistence) -> String {
    match p {
        Persistence::Immediate => "immediate".into(),
        Persistence::For(d) => format!("for {}", humantime::format_duration(d)),
        Persistence::Samples(n) => format!("{n} samples"),
    }
}

/// Replay `history` (each signal's points over the window, or why it could not be read)
/// with the release at `window.stage` from `window.from` on.
pub fn replay(
    prepared: &Prepared,
    window: &Window,
    history: &[(SignalId, Result<Points, String>)],
) -> Backtest {
    let setup = &prepared.setup;
    let ctx = context(setup);
    let journal = app::stage_journal(
        setup,
        &ctx,
        window.stage,
        window.from,
        window.from,
        Duration::ZERO,
    );
    let boot = Boot {
        setup: setup.clone(),
        context: ctx,
        journal: &journal,
        local_offset: FixedOffset::east_opt(0).expect("UTC is an offset"),
        read_only: true,
    };
    let (mut state, _) = boot.start(window.from);

    // Each step's observations, in time order: one per source, with its signals' readings.
    let mut steps: Vec<(DateTime<Utc>, Observation)> = Vec::new();
    let mut at = window.from;
    let step = TimeDelta::from_std(window.step).unwrap_or(TimeDelta::seconds(1));
    let mut k = 0;
    while at <= window.to {
        for (source, spec) in setup.sources.iter().enumerate() {
            let readings: Vec<(SignalId, Reading)> = history
                .iter()
                .filter(|(sig, _)| setup.signals[*sig].source == source)
                .map(|(sig, points)| (*sig, reading_at(points, k, at, &spec.name)))
                .collect();
            if readings.is_empty() {
                continue;
            }
            steps.push((
                at,
                Observation {
                    source,
                    seq: k as u64 + 1,
                    at,
                    latency: Duration::ZERO,
                    outcome: Outcome::Readings(readings),
                },
            ));
        }
        at += step;
        k += 1;
    }

    let n = setup.conditions.len();
    let mut seen: Vec<Seen> = (0..n).map(|_| Seen::default()).collect();
    let mut verdicts: Vec<VerdictChange> = Vec::new();
    let mut pending = steps.into_iter().peekable();
    let mut now = window.from;
    let second = TimeDelta::seconds(1);
    while now <= window.to {
        while let Some((_, obs)) = pending.next_if(|(t, _)| *t <= now) {
            let at = obs.at;
            app::update(&mut state, Msg::Observation(obs), at);
        }
        app::update(&mut state, Msg::Tick, now);
        let eval = &state.release.eval;
        let tick = if now < window.to {
            Duration::from_secs(1)
        } else {
            Duration::ZERO
        };
        for (s, status) in seen.iter_mut().zip(&eval.conditions) {
            let moment = || Moment {
                at: now,
                why: status.why.clone().unwrap_or_default(),
            };
            match status.state {
                CondState::Warn if s.first_warn.is_none() => s.first_warn = Some(moment()),
                CondState::Breached => {
                    if s.last != Some(CondState::Breached) {
                        s.breaches += 1;
                    }
                    s.first_breach.get_or_insert_with(moment);
                    s.breached += tick;
                }
                CondState::Unknown => {
                    s.first_unknown.get_or_insert_with(moment);
                    s.unknown += tick;
                }
                _ => {}
            }
            s.last = Some(status.state);
        }
        let v = &eval.verdict;
        if verdicts.last().is_none_or(|last| last.kind != v.kind) {
            verdicts.push(VerdictChange {
                at: now,
                kind: v.kind,
                verdict: v.kind.label().to_string(),
                code: <&str>::from(v.kind).to_string(),
                reason: v
                    .reasons
                    .first()
                    .map(|r| r.text.clone())
                    .unwrap_or_default(),
            });
        }
        now += second;
    }

    let conditions = setup
        .conditions
        .iter()
        .zip(seen)
        .map(|(c, s)| {
            let over = setup.plan.stages[window.stage].overrides.get(&c.id);
            let limit = match c.relative {
                Some(r) => format!("≤ baseline × {} + {}", r.factor, c.unit.show(r.offset)),
                None => c
                    .effective(over, &Default::default())
                    .unwrap_or(c.threshold)
                    .describe(&c.unit),
            };
            ConditionReport {
                id: c.id.clone(),
                label: c.label.clone(),
                limit,
                persistence: persistence_words(c.persistence),
                first_warn: s.first_warn,
                first_breach: s.first_breach,
                breaches: s.breaches,
                breached_seconds: s.breached.as_secs(),
                unknown_seconds: s.unknown.as_secs(),
                first_unknown: s.first_unknown,
            }
        })
        .collect();
    let stage = &setup.plan.stages[window.stage];
    let unread: Vec<String> = history
        .iter()
        .filter_map(|(_, p)| p.as_ref().err().cloned())
        .collect();
    let mut notes = prepared.notes.clone();
    notes.extend(
        unread
            .into_iter()
            .map(|why| format!("history not read: {why}")),
    );
    Backtest {
        release: format!(
            "{} {} · {}",
            setup.release.name, setup.release.version, setup.release.environment
        ),
        from: window.from,
        to: window.to,
        step_seconds: window.step.as_secs_f64(),
        stages: vec![StageReport {
            number: window.stage + 1,
            name: stage.name.clone(),
            label: stage.label(),
            from: window.from,
            to: window.to,
            assumed: format!(
                "assumed at {} for the whole window ({}); the journal's stage entries are not replayed",
                stage.label(),
                window.stage_from
            ),
            conditions,
        }],
        not_replayable: prepared.not_replayable.clone(),
        notes,
        verdicts,
    }
}

/// A signal's reading at step `k` (`at`): its point there, or why there is none (the words a
/// live poll of an empty answer gives). Range reads give a point per step, in order. A read
/// that failed says why without the source's name, which the cockpit puts before it.
fn reading_at(
    points: &Result<Points, String>,
    k: usize,
    at: DateTime<Utc>,
    source: &str,
) -> Reading {
    match points {
        Err(why) => {
            let why = why.strip_prefix(&format!("{source}: ")).unwrap_or(why);
            Reading::Missing(why.to_string())
        }
        Ok(points) => match points.get(k).filter(|(t, _)| *t == at) {
            Some((_, Some(r))) => r.clone(),
            _ => Reading::Missing("no data: empty result".into()),
        },
    }
}
