//! `update`: the only place the state changes. Pure: no I/O, time passed in.

use super::eval::{Changes, refresh};
use super::keypress::on_key;
use super::{Effect, Kind, LogLevel, Msg, Overlay, State};
use crate::core::condition::CondState;
use crate::core::reading::{Observation, Outcome, Reading};
use crate::core::record::Event;
use crate::core::verdict::VerdictKind;
use chrono::{DateTime, Utc};

pub fn update(state: &mut State, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Tick => {
            if state.screen.toast.as_ref().is_some_and(|t| t.until <= now) {
                state.screen.toast = None;
                state.screen.dirty = true;
            }
            state.expire_hold(now, &mut fx);
        }
        Msg::Resize => state.screen.dirty = true,
        Msg::Key(key) => on_key(state, key, now, &mut fx),
        Msg::Wheel(news) => state.wheel_news(news, now, &mut fx),
        Msg::WheelTaken(result) => state.wheel_taken(result, now, &mut fx),
        Msg::Paste(text) => {
            state.approve_paste(&text);
            state.verify_paste(&text);
            state.filter_paste(&text);
            state.hold_paste(&text);
        }
        Msg::NotifyFailed { name, error } => {
            state.log(now, LogLevel::Warn, format!("notify {name}: {error}"));
        }
        Msg::ActionDone { id, outcome } => state.action_done(&id, outcome, now, &mut fx),
        Msg::Observation(o) => on_observation(state, o, &mut fx),
        Msg::Journal(records) => state.follow(&records, now),
        Msg::Vetoes(records) => state.take_vetoes(records, now, &mut fx),
        Msg::History(answer) => super::backfill::answered(state, *answer, now, &mut fx),
        Msg::Journaled(Ok(())) => {
            if state.session.journal_error.take().is_some() {
                state.log(now, LogLevel::Good, "journal writable again");
            }
        }
        // An observer writes nothing but a veto and its hold, left for the driver.
        Msg::Journaled(Err(e))
            if state.session.read_only && e.starts_with(crate::journal::store::VETO_LOST) =>
        {
            state.veto_undelivered(e, now);
        }
        Msg::Journaled(Err(e)) => {
            state.log(now, LogLevel::Error, format!("journal write failed: {e}"));
            state.session.journal_error = Some(e);
        }
        Msg::Watchers(list) => {
            if list != state.session.watchers {
                state.session.watchers = list;
                state.screen.dirty = true;
            }
        }
        Msg::Shutdown(signal) => {
            state.log_as(
                now,
                LogLevel::Warn,
                Kind::Stopping,
                format!("{signal} received, stopping"),
            );
            quit(state, now, &mut fx);
        }
    }
    let changes = refresh(state, now);
    if changes.any {
        state.screen.dirty = true;
        // Records of what changed carry the verdict as it is now, after the change.
        transitions(state, &changes, now, &mut fx);
        state.journal_news(now, &mut fx);
    }
    if matches!(state.screen.overlay, Overlay::Detail(_)) {
        state.refresh_detail(now);
    }
    state.run_autopilot(now, &mut fx);
    state.announce(&mut fx);
    if state.session.read_only {
        // An observer never writes or announces: the operator's cockpit does. A veto is the
        // exception, and the hold it becomes: stopping the machine is anyone's to do.
        fx.retain(observer_may);
    }
    state.remember_effects(&fx);
    fx
}

/// What an observer may ask for: a veto and its hold, nothing else written, sent or announced.
fn observer_may(e: &Effect) -> bool {
    match e {
        Effect::Journal(r) => matches!(r.event, Event::AutoVetoed | Event::HoldPlaced),
        Effect::Dispatch(_) | Effect::Notify(_) => false,
        Effect::History(_) | Effect::Wheel(_) | Effect::Quit => true,
    }
}

/// Begin the session: journal the start, and with no way to observe the live stage and none
/// tracked, take the first stage as entered now (journaled, so a restart resumes from here).
pub fn start(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let mut fx = vec![Effect::Journal(Box::new(state.started_record(now)))];
    state.log_as(
        now,
        LogLevel::Info,
        Kind::Started,
        format!(
            "cockpit started{}",
            if state.session.read_only {
                " (read-only)"
            } else {
                ""
            }
        ),
    );
    if state.release.position.is_none() && state.setup.observed_traffic.is_none() {
        state.enter_stage(0, now, "assumed at the first start of the cockpit", &mut fx);
    }
    state.recovered(now, &mut fx);
    state.arm_at_start(now, &mut fx);
    state.announce(&mut fx);
    if state.session.read_only {
        fx.retain(|e| !matches!(e, Effect::Journal(_) | Effect::Notify(_)));
    }
    // The digest's lines of the start itself; `update` remembers its own.
    state.remember_effects(&fx);
    fx.extend(update(state, Msg::Tick, now));
    fx.extend(super::backfill::ask(state, now));
    if state.session.read_only {
        fx.retain(|e| !matches!(e, Effect::Journal(_) | Effect::Notify(_)));
    }
    fx
}

pub(super) fn quit(state: &mut State, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
    if state.session.quitting {
        return;
    }
    state.session.quitting = true;
    fx.extend(state.bake_checkpoint(now));
    fx.push(Effect::Journal(Box::new(state.stopped_record(now))));
    fx.push(Effect::Quit);
}

fn on_observation(state: &mut State, o: Observation, fx: &mut Vec<Effect>) {
    let Some(health) = state.release.sources.get_mut(o.source) else {
        return;
    };
    if o.seq <= health.last_seq {
        return; // older than what we have: a late answer from a slow poll
    }
    health.last_seq = o.seq;
    state.release.reuse.source(o.source);
    health.last_poll = Some(o.at);
    health.latency = Some(o.latency);
    let name = state.setup.sources[o.source].name.clone();
    match o.outcome {
        Outcome::Failed(err) => {
            health.consecutive_failures += 1;
            let changed = health.last_error.as_deref() != Some(err.as_str());
            health.last_error = Some(err.clone());
            health.unusable = false;
            if changed {
                let text = format!("source {name}: {err}");
                state.log_as(o.at, LogLevel::Warn, Kind::SourceDown, text);
            }
            let readings: Vec<_> = state.setup.sources[o.source]
                .signals
                .iter()
                .map(|(sig, _)| (*sig, Reading::Missing(format!("{name}: {err}"))))
                .collect();
            apply_readings(state, readings, o.at, fx);
        }
        // Answered: judged usable or not (and the source's health set) in `usable`.
        Outcome::Readings(readings) => super::usable::answered(state, o.source, o.at, readings, fx),
    }
    if let Some(health) = state.release.sources.get_mut(o.source) {
        super::evidence::keep_poll(health, o.at, o.latency);
    }
}

pub(super) fn apply_readings(
    state: &mut State,
    readings: Vec<(usize, Reading)>,
    at: DateTime<Utc>,
    fx: &mut Vec<Effect>,
) {
    for (sig, reading) in &readings {
        if let Some(slot) = state.release.signals.get_mut(*sig) {
            *slot = Some((at, reading.clone()));
        }
    }
    // Baselines and traffic first, so a canary read in the same poll is judged against the
    // fresh baseline, on the evidence of the same poll.
    for (sig, reading) in &readings {
        let Some(readers) = state.release.readers.get(*sig) else {
            continue;
        };
        for &i in &readers.baselines {
            let spec = &state.setup.conditions[i];
            spec.observe_baseline(&mut state.release.tracks[i], at, reading.number());
            state.release.reuse.condition(i);
        }
        for &i in &readers.traffic {
            let spec = &state.setup.conditions[i];
            spec.observe_traffic(&mut state.release.tracks[i], at, reading.number());
            state.release.reuse.condition(i);
        }
    }
    let current = state
        .release
        .position
        .filter(|p| !p.rolled_back)
        .map(|p| p.stage);
    for (sig, reading) in &readings {
        let Some(readers) = state.release.readers.get(*sig) else {
            continue;
        };
        for &i in &readers.values {
            let spec = &state.setup.conditions[i];
            let over = current.and_then(|c| state.setup.plan.stages[c].overrides.get(&spec.id));
            let threshold = spec.effective(over, &state.release.tracks[i]);
            spec.observe(
                &mut state.release.tracks[i],
                at,
                reading.number(),
                threshold,
            );
            if let (Ok(v), Some(samples)) = (reading.number(), state.release.samples.get_mut(i)) {
                let track = &state.release.tracks[i];
                super::evidence::keep_sample(samples, track, spec, state.release.position, at, v);
            }
            state.release.reuse.condition(i);
        }
        if state.setup.observed_traffic == Some(*sig)
            && let Ok(share) = reading.number()
        {
            state.observe_traffic(share, at, fx);
        }
    }
}

/// Log when a gating condition turns unknown for want of canary traffic, and when its traffic
/// is enough again: what `watch` prints, where the verdict may not change kind.
fn thin_traffic(state: &mut State, changes: &Changes, now: DateTime<Utc>) {
    for &(i, was) in &changes.thin_was {
        let (spec, status) = (
            &state.setup.conditions[i],
            &state.release.eval.conditions[i],
        );
        let enough = status.evidence.as_ref().filter(|e| e.enough);
        let text = match (was, status.short_of_traffic(), enough, &spec.min_traffic) {
            _ if spec.observe => continue,
            (false, true, _, _) => {
                let why = status.why.as_deref().unwrap_or("not enough traffic");
                (LogLevel::Warn, format!("{}: {why}", spec.label))
            }
            (true, false, Some(e), Some(floor)) => (
                LogLevel::Good,
                format!(
                    "{}: enough traffic: {}",
                    spec.label,
                    floor.words(e.traffic.unwrap_or_default())
                ),
            ),
            _ => continue,
        };
        state.log(now, text.0, text.1);
    }
}

/// Log and journal what changed from the previous evaluation to the current one.
fn transitions(state: &mut State, changes: &Changes, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
    let next = &state.release.eval;
    let mut events = Vec::new();
    for &(i, old) in &changes.conditions {
        let new = &next.conditions[i];
        let spec = &state.setup.conditions[i];
        let label = &spec.label;
        // An observe-only condition's breach is journaled as such, and gates nothing.
        let (observe, trial, bad) = match spec.observe {
            true => (true, "observe-only ", LogLevel::Warn),
            false => (false, "", LogLevel::Error),
        };
        let began = old != CondState::Breached && new.state == CondState::Breached;
        let ended = old == CondState::Breached && new.state != CondState::Breached;
        if began {
            let why = new.why.clone().unwrap_or_default();
            events.push((
                Event::BreachBegan,
                bad,
                format!("{trial}breach began: {label}: {why}"),
                observe,
            ));
        } else if ended {
            events.push((
                Event::BreachEnded,
                LogLevel::Good,
                format!("{trial}breach ended: {label} is {}", new.state.label()),
                observe,
            ));
        }
    }
    thin_traffic(state, changes, now);
    let verdict_changed = changes.verdict_was.is_some();
    for (event, level, text, observe) in events {
        let mut record = state.record(event, now);
        record.detail = Some(text.clone());
        record.observe_only = observe;
        fx.push(Effect::Journal(Box::new(record)));
        state.log_as(now, level, event.into(), text);
    }
    state.journal_bake_news(changes.bake.clone(), now, fx);
    if verdict_changed {
        let next = &state.release.eval;
        let level = match next.verdict.kind {
            VerdictKind::RollbackAdvised => LogLevel::Error,
            VerdictKind::NoGoUntilVerified => LogLevel::Warn,
            VerdictKind::Hold => LogLevel::Info,
            VerdictKind::Go | VerdictKind::Complete => LogLevel::Good,
        };
        let why = next
            .verdict
            .reasons
            .first()
            .map(|r| format!(": {}", r.text))
            .unwrap_or_default();
        let text = format!("verdict {}{why}", next.verdict.kind.label());
        state.log_as(now, level, Kind::Verdict, text);
    }
}
