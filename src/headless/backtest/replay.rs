//! The replay: a past window's range reads fed, with a clock that moves only as the replay
//! says, through the same `update` the cockpit runs. Each step's values arrive as the
//! observation a poll at that instant would have made; a tick every second in between keeps
//! persistence (`for`), staleness and the bake moving exactly as they do live. What the
//! evaluation says after each tick is what the cockpit would have shown then. Pure: the same
//! history always gives the same report.

use super::report::{Backtest, NotReplayable, VerdictChange};
use super::stages::Entries;
use super::window::Window;
use crate::app::{self, Boot, Msg, has_history};
use crate::core::backfill::Points;
use crate::core::plan::Position;
use crate::core::reading::{Observation, Outcome, Reading, SignalId};
use crate::core::record::{Context, Record};
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
        // The traffic behind a condition with a minimum is replayed with its value.
        let traffic = c.min_traffic.as_ref().map(|m| m.signal);
        let why = has_history(&setup, c.value).err().or_else(|| {
            baseline.and_then(|b| {
                has_history(&setup, b)
                    .err()
                    .map(|why| format!("its baseline {why}"))
            })
        });
        let why = why.or_else(|| {
            let t = traffic?;
            (has_history(&setup, t).err()).map(|why| format!("its traffic {why}"))
        });
        if let Some(reason) = why {
            not_replayable.push(NotReplayable {
                id: c.id.clone(),
                label: c.label.clone(),
                reason,
            });
            continue;
        }
        for sig in std::iter::once(c.value).chain(baseline).chain(traffic) {
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

/// Where the release stood: the records the replay starts from (those up to `from`), the
/// journal's records inside the window (followed as an observer follows them), and how the
/// stage was chosen.
fn position(
    setup: &Setup,
    ctx: &Context,
    window: &Window,
    journal: &[Record],
) -> (Vec<Record>, Vec<Record>, String) {
    let assumed = |stage: usize, why: &str| {
        let label = setup.plan.stages[stage].label();
        let records =
            app::stage_journal(setup, ctx, stage, window.from, window.from, Duration::ZERO);
        (
            records,
            Vec::new(),
            format!("assumed at {label} for the whole window ({why})"),
        )
    };
    if let Some(stage) = window.stage {
        return assumed(
            stage,
            &format!("{}; the journal is not read", window.stage_from),
        );
    }
    let by_end: Vec<Record> = journal
        .iter()
        .filter(|r| r.ts <= window.to)
        .cloned()
        .collect();
    if app::position_from_journal(&by_end, ctx, &setup.plan).is_none() {
        return assumed(
            0,
            "no --stage given and the journal records no stage of this release by the window's end, so the first stage",
        );
    }
    let (before, during) = by_end.into_iter().partition(|r| r.ts <= window.from);
    (before, during, "from the journal".into())
}

/// Replay `history` (each signal's points over the window, or why it could not be read)
/// with the release where `--stage` or else the config's `journal` puts it.
pub fn replay(
    prepared: &Prepared,
    window: &Window,
    history: &[(SignalId, Result<Points, String>)],
    journal: &[Record],
) -> Backtest {
    let setup = &prepared.setup;
    let ctx = context(setup);
    let (before, during, source) = position(setup, &ctx, window, journal);
    let boot = Boot {
        setup: setup.clone(),
        context: ctx,
        journal: &before,
        local_offset: FixedOffset::east_opt(0).expect("UTC is an offset"),
        read_only: true,
    };
    let mut state = boot.state(window.from);

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

    let mut entries = Entries::default();
    let mut verdicts: Vec<VerdictChange> = Vec::new();
    let mut pending = steps.into_iter().peekable();
    let mut records = during.into_iter().peekable();
    let mut now = window.from;
    let second = TimeDelta::seconds(1);
    while now <= window.to {
        while let Some(r) = records.next_if(|r| r.ts <= now) {
            let at = r.ts;
            app::update(&mut state, Msg::Journal(vec![r]), at);
        }
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
        let position = state.release.position;
        entries.take(position, &eval.conditions, now, tick, || {
            entry_words(&source, position, setup)
        });
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
        stages: entries.reports(setup),
        not_replayable: prepared.not_replayable.clone(),
        notes,
        verdicts,
    }
}

/// How an entry's position came about, for the output.
fn entry_words(source: &str, position: Option<Position>, setup: &Setup) -> String {
    if !source.starts_with("from the journal") {
        return source.to_string();
    }
    let at = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    match position {
        None => "from the journal: no stage of this release entered yet".into(),
        Some(p) if p.rolled_back => format!(
            "from the journal: rolled back from {}",
            setup.plan.stages[p.stage].label()
        ),
        Some(p) => format!("from the journal: entered at {}", at(p.entered_at)),
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
