//! `gonogo watch --armed`: the same lines as `watch`, from a process that drives the release
//! the way an operator's cockpit does, without a screen. It takes the journal (refused while a
//! cockpit holds it), runs the app's reducer with actions enabled and the automation armed,
//! and performs its effects with the runtime's runner: every record on disk (or committed)
//! before the webhook it describes, one action in flight at a time, notifications sent. A
//! signal stops it cleanly, with `cockpit_stopped` journaled as a cockpit journals it.
//!
//! For a runner that must roll back a canary at night: a person following the journal from a
//! cockpit can still veto a countdown.

use super::{Line, Printer, WatchOptions, reasons, verdict_line};
use crate::app::{Effect, Kind, LogLevel, Msg};
use crate::core::autopilot::Armed;
use crate::core::record::{Event, Record};
use crate::headless::session::{Driving, Session};
use crate::journal;
use crate::runtime::effects::Runner;
use crate::runtime::inbox::Inbox;
use crate::runtime::journal_writer::JournalWriter;
use crate::setup::Setup;
use chrono::Utc;
use color_eyre::eyre::{Result, WrapErr};
use std::io::Write;

/// The `detail` of the `cockpit_started` a headless driver journals: it drives like an
/// operator's cockpit (so a second cockpit names it as the driver), and says what it is.
pub const HEADLESS_DRIVER: &str = "headless driver (gonogo watch --armed)";

/// Arm what the config's `[automation]` names, or auto-rollback alone when it names nothing.
pub fn arm(setup: &mut Setup) {
    let armed = &mut setup.automation.armed;
    if !armed.rollback && !armed.promote {
        armed.rollback = true;
    }
}

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
pub async fn drive(setup: Setup, options: &WatchOptions, out: &mut impl Write) -> Result<()> {
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
    if session.state.setup.shared_journal.is_none() {
        // A veto typed in a cockpit following the journal arrives through its inbox.
        runner = runner.with_inbox(Inbox::beside(&session.state.setup.journal));
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
    let mut open = printer.all(&first)?;

    let sigs = tokio::spawn(signals.forward(session.tx.clone()));
    let ticks = tokio::spawn(crate::clock::tick(session.tx.clone()));
    let mut later: Vec<Msg> = Vec::new();
    while open {
        let mut lines = Vec::new();
        for mut effect in effects.drain(..) {
            mark_start(&mut effect);
            lines.extend(effect_line(&effect, &session));
            runner.perform(effect, &session.state, &mut later);
        }
        let before = session.state.release.eval.verdict.kind;
        for msg in later.drain(..) {
            effects.extend(session.feed(msg));
        }
        lines.extend(own_lines(&mut session, Some(before)));
        open = printer.all(&lines)?;
        if !effects.is_empty() {
            continue;
        }
        if runner.quit {
            break;
        }
        let Some(msg) = session.rx.recv().await else {
            break;
        };
        let tick = msg == Msg::Tick;
        let before = session.state.release.eval.verdict.kind;
        effects = session.feed(msg);
        let mut lines = Vec::new();
        if tick {
            // A veto (and its hold) from a cockpit following the journal: journaled here,
            // told, and followed, so the countdown stops before it runs out.
            let posted = runner.take_inbox(&session.state.session.context);
            if !posted.is_empty() {
                let verdict = session.state.release.eval.verdict.kind.label();
                lines.extend(posted.iter().filter_map(|r| Line::from_record(r, verdict)));
                effects.extend(session.feed(Msg::Journal(posted)));
            }
        }
        lines.extend(own_lines(&mut session, Some(before)));
        open = printer.all(&lines)?;
    }
    // However the loop ended (a signal, or nobody reading), the stop is journaled, naming an
    // action still in flight, and everything queued is written before returning.
    runner.stop(&mut session.state);
    sigs.abort();
    ticks.abort();
    Ok(())
}

/// The `cockpit_started` of a headless driver says so.
fn mark_start(effect: &mut Effect) {
    if let Effect::Journal(r) = effect
        && r.event == Event::CockpitStarted
    {
        r.detail = Some(HEADLESS_DRIVER.into());
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
        // Records posted by observers were told from the records themselves.
        .filter(|e| e.kind != Kind::Started && e.from_journal.is_none())
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
