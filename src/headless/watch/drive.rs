//! `gonogo watch --armed`: the same lines as `watch`, from a process that drives the release
//! the way an operator's cockpit does, without a screen. It takes the journal (refused while a
//! cockpit holds it), runs the app's reducer with actions enabled and the automation armed,
//! and performs its effects with the runtime's runner: every record on disk (or committed)
//! before the webhook it describes, one action in flight at a time, notifications sent. A
//! signal stops it cleanly, with `cockpit_stopped` journaled as a cockpit journals it.
//!
//! For a runner that must roll back a canary at night: a person following the journal from a
//! cockpit can still veto a countdown (the veto is left beside the file journal,
//! src/journal/vetoes.rs, or in the shared journal's inbox, src/journal/postgres_veto.rs, and
//! the app journals it here in the vetoer's name).

use super::{Line, Printer, WatchOptions, reasons, verdict_line};
use crate::app::{Effect, Kind, LogLevel, Msg, State};
use crate::core::autopilot::{Armed, Decision};
use crate::core::describe::policy_name;
use crate::core::record::{AutoMark, Event, Record};
use crate::headless::session::{Driving, Session};
use crate::journal;
use crate::journal::postgres_veto::Inbox;
use crate::runtime::effects::Runner;
use crate::runtime::journal_writer::JournalWriter;
use crate::setup::Setup;
use chrono::{DateTime, Utc};
use color_eyre::eyre::{Result, WrapErr};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The `detail` of the `cockpit_started` a headless driver journals: it drives like an
/// operator's cockpit (so a second cockpit names it as the driver), and says what it is.
pub const HEADLESS_DRIVER: &str = "headless driver (gonogo watch --armed)";

/// "auto-rollback", "auto-rollback and auto-promote"
fn armed_words(armed: Armed) -> &'static str {
    match (armed.rollback, armed.promote) {
        (true, true) => "auto-rollback and auto-promote",
        (true, false) => "auto-rollback",
        (false, true) => "auto-promote",
        (false, false) => "nothing",
    }
}

/// Drive until a signal asks to stop (or stdout is closed); the stop is journaled either way.
/// `setup.automation.armed` says what is armed (`--armed` sets it); `by_flag` when the config
/// armed nothing, so the journal says the flag did.
pub async fn drive(
    setup: Setup,
    by_flag: bool,
    options: &WatchOptions,
    out: &mut impl Write,
) -> Result<()> {
    let Driving {
        mut session,
        journal,
        mut effects,
    } = Session::drive(setup)?;
    // Caught before the first line: a caller that stops us once it reads it gets a clean stop.
    let signals = crate::signals::Signals::register()?;
    let writer = JournalWriter::start(journal, session.tx.clone());
    // Redirects are not followed for actions: a secret header must not travel to another host.
    let http = crate::actions::client().wrap_err("setting up the HTTP client for actions")?;
    let mut runner = Runner::new(
        Some(writer),
        http,
        session.client.clone(),
        session.tx.clone(),
    );
    // A veto typed in a cockpit following the file journal is left beside it; one from a
    // watcher of the shared journal in its inbox, heard at once (LISTEN) and taken here.
    let vetoes = session.state.setup.shared_journal.is_none().then(|| {
        tokio::spawn(crate::runtime::take_vetoes(
            session.state.setup.journal.clone(),
            session.tx.clone(),
        ))
    });
    if let Some(url) = &session.state.setup.shared_journal {
        let tx = session.tx.clone();
        let inbox = Inbox::new(Arc::new(AtomicBool::new(true)), move |records| {
            tx.blocking_send(Msg::Vetoes(records)).is_ok()
        });
        let chain = journal::chain_of(&session.state.setup);
        journal::postgres_veto::spawn(url.clone(), chain, inbox);
    }
    let mut printer = Printer {
        out,
        format: options.format,
    };
    let s = &session.state;
    let automation = s.setup.automation;
    let text = format!(
        "driving {} {} in {} (ARMED: {}, countdown {} s; journal {}; veto from any cockpit following it)",
        s.setup.release.name,
        s.setup.release.version,
        s.setup.release.environment,
        armed_words(automation.armed),
        automation.countdown.as_secs(),
        journal::store::name(&s.setup)
    );
    let verdict = s.release.eval.verdict.kind.label();
    let mut first = vec![Line::own(
        Utc::now(),
        LogLevel::Info,
        Kind::Started,
        text,
        verdict,
    )];
    first.extend(own_lines(&mut session, None));
    first.push(verdict_line(&session, Utc::now()));
    // A write that fails ends the loop like a closed pipe, and is reported once the stop is
    // journaled.
    let mut failed = None;
    let mut print = |lines: &[Line]| match printer.all(lines) {
        Ok(open) => open,
        Err(e) => {
            failed = Some(e);
            false
        }
    };
    let mut open = print(&first);

    let sigs = tokio::spawn(signals.forward(session.tx.clone()));
    let ticks = tokio::spawn(crate::clock::tick(session.tx.clone()));
    let mut later: Vec<Msg> = Vec::new();
    while open {
        let mut lines = Vec::new();
        for mut effect in effects.drain(..) {
            mark_start(&mut effect, by_flag);
            lines.extend(effect_line(&effect, &session));
            runner.perform(effect, &session.state, &mut later);
        }
        for msg in later.drain(..) {
            effects.extend(feed(&mut session, msg, &mut lines));
        }
        open = print(&lines);
        if !effects.is_empty() {
            continue;
        }
        if runner.quit {
            break;
        }
        let Some(msg) = session.rx.recv().await else {
            break;
        };
        let mut lines = Vec::new();
        // A veto (and its hold) from a cockpit following the journal: the app journals it here
        // in the vetoer's name and stops the countdown; told as the record says it.
        if let Msg::Vetoes(taken) = &msg {
            lines.extend(veto_lines(taken, &session));
        }
        effects = feed(&mut session, msg, &mut lines);
        open = print(&lines);
    }
    // However the loop ended (a signal, or nobody reading), the stop is journaled, naming an
    // action still in flight, and everything queued is written before returning.
    runner.stop(&mut session.state);
    sigs.abort();
    ticks.abort();
    if let Some(v) = vetoes {
        v.abort();
    }
    failed.map_or(Ok(()), Err)
}

/// Lines for the vetoes observers left that the app takes: of this release, vetoes and holds.
fn veto_lines(left: &[Record], session: &Session) -> Vec<Line> {
    let ctx = &session.state.session.context;
    let verdict = session.state.release.eval.verdict.kind.label();
    left.iter()
        .filter(|r| crate::journal::vetoes::is_veto(r))
        .filter(|r| {
            r.context.release == ctx.release
                && r.context.version == ctx.version
                && r.context.environment == ctx.environment
        })
        .filter_map(|r| Line::from_record(r, verdict))
        .collect()
}

/// Feed one message to the reducer; push the lines it makes: the app's log, and the armed
/// automation's countdown starting, waiting or standing down.
fn feed(session: &mut Session, msg: Msg, lines: &mut Vec<Line>) -> Vec<Effect> {
    let verdict = session.state.release.eval.verdict.kind;
    let auto = session.state.session.auto.clone();
    let effects = session.feed(msg);
    lines.extend(own_lines(session, Some(verdict)));
    let fired = effects
        .iter()
        .any(|e| matches!(e, Effect::Dispatch(d) if d.requested().auto.is_some()));
    lines.extend(countdown_line(
        auto.as_ref(),
        &session.state,
        fired,
        Utc::now(),
    ));
    effects
}

/// A line when the countdown's state changes: it starts (with the evidence, and where a veto
/// comes from), it waits on a blocker, or it stands down because the situation cleared. Its
/// firing is the automatic request's own line.
fn countdown_line(
    before: Option<&Decision>,
    s: &State,
    fired: bool,
    now: DateTime<Utc>,
) -> Option<Line> {
    let counting = |d: Option<&Decision>| matches!(d, Some(Decision::CountingDown { .. }));
    let verdict = s.release.eval.verdict.kind.label();
    let (level, text, automatic) = match s.session.auto.as_ref() {
        Some(Decision::CountingDown {
            policy,
            reasons,
            left,
            ..
        }) if !counting(before) => {
            let evidence = s.evidence(reasons);
            let text = format!(
                "{} in {} s: {}; veto from any cockpit following the journal",
                policy_name(*policy),
                left.as_secs(),
                evidence.join("; ")
            );
            let mark = AutoMark {
                policy: *policy,
                evidence,
                countdown_s: s.session.autopilot.countdown().as_secs(),
            };
            (LogLevel::Warn, text, Some(mark))
        }
        Some(Decision::Blocked { policy, blockers }) if counting(before) => {
            let text = format!(
                "{} waits: {}",
                policy_name(*policy),
                s.blocker_words(blockers).join(", ")
            );
            (LogLevel::Info, text, None)
        }
        None if counting(before) && !fired => {
            let Some(Decision::CountingDown { policy, .. }) = before else {
                return None;
            };
            let text = format!(
                "{} stands down: nothing to act on any more",
                policy_name(*policy)
            );
            (LogLevel::Info, text, None)
        }
        _ => return None,
    };
    let mut line = Line::own(now, level, Kind::Armed, text, verdict);
    line.automatic = automatic;
    Some(line)
}

/// The `cockpit_started` of a headless driver says so; an arming at its start by `--armed`
/// (the config armed nothing) says so too.
fn mark_start(effect: &mut Effect, by_flag: bool) {
    let Effect::Journal(r) = effect else { return };
    match r.event {
        Event::CockpitStarted => r.detail = Some(HEADLESS_DRIVER.into()),
        Event::ArmedChanged if by_flag && r.detail.as_deref() == Some("config") => {
            r.detail = Some("--armed".into());
        }
        _ => {}
    }
}

/// Lines for what the driver journals that a watcher must be able to read as data: an
/// automatic action's request (its policy and evidence), a veto, an arming change.
fn effect_line(effect: &Effect, session: &Session) -> Option<Line> {
    let record: &Record = match effect {
        Effect::Dispatch(d) if d.requested().auto.is_some() => d.requested(),
        Effect::Journal(r) if matches!(r.event, Event::ArmedChanged | Event::AutoVetoed) => r,
        _ => return None,
    };
    let verdict = session.state.release.eval.verdict.kind.label();
    Line::from_record(record, verdict)
}

/// The app's own log entries since the last look, as lines; a verdict change carries every
/// reason of the new verdict. The app's start entry speaks of a cockpit: the first line says
/// what runs instead.
fn own_lines(
    session: &mut Session,
    before: Option<crate::core::verdict::VerdictKind>,
) -> Vec<Line> {
    let verdict = session.state.release.eval.verdict.kind;
    let entries: Vec<_> = session
        .state
        .screen
        .log
        .drain(..)
        // Records posted by observers are told from the records themselves; the automation's
        // lines from its records and countdown ([`countdown_line`]), as data. Its errors
        // (nothing to act with) are kept.
        .filter(|e| e.kind != Kind::Started && e.from_journal.is_none())
        .filter(|e| e.kind != Kind::Armed || e.level == LogLevel::Error)
        .collect();
    entries
        .iter()
        .map(|e| {
            let mut line = Line::from_log(e, verdict.label());
            if line.kind == Kind::Verdict && before.is_some_and(|b| b != verdict) {
                line.reasons = reasons(session);
            }
            line
        })
        .collect()
}

#[cfg(test)]
#[path = "drive_tests.rs"]
mod tests;
