//! `gonogo watch --plain`: no full-screen UI, one timestamped line per change, until SIGINT or
//! SIGTERM. Changes are the app's own log entries (verdict, stage entered, breach began and
//! ended, source down and up) and the records another cockpit appends to the journal (actions
//! and their outcomes, overrides, rollbacks).

#[cfg(test)]
mod canary_tests;
pub mod drive;
pub mod line;

pub use line::Line;

use super::Format;
use super::session::Session;
use crate::app::{Effect, Kind, LogLevel, Msg};
use crate::core::record::Record;
use crate::journal::{self, store::Follow};
use crate::setup::Setup;
use chrono::Utc;
use color_eyre::eyre::Result;
use std::io::{ErrorKind, Write};

#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    pub format: Format,
    /// `--armed`: drive the release with the automation `setup.automation.armed` names,
    /// instead of watching read-only ([`drive::drive`]). `Some(true)` when the flag armed what
    /// the config left unarmed.
    pub armed: Option<bool>,
}

/// Watch until a signal asks to stop (or stdout is closed). Never writes the journal, unless
/// armed: then it drives the release ([`drive::drive`]).
pub async fn watch(setup: Setup, options: &WatchOptions, out: &mut impl Write) -> Result<()> {
    if let Some(by_flag) = options.armed {
        return drive::drive(setup, by_flag, options, out).await;
    }
    let mut session = Session::start(setup)?;
    // Caught before the first line: a caller that stops us once it reads it gets a clean exit.
    let signals = crate::signals::Signals::register()?;
    let mut tail = Follow::start(&session.state.setup, session.journal_end);
    let mut printer = Printer {
        out,
        format: options.format,
    };
    let s = &session.state;
    let verdict = s.release.eval.verdict.kind.label();
    let text = format!(
        "watching {} {} in {} (read-only, journal {})",
        s.setup.release.name,
        s.setup.release.version,
        s.setup.release.environment,
        journal::store::name(&session.state.setup)
    );
    let start = Line::own(Utc::now(), LogLevel::Info, Kind::Started, text, verdict);
    // The app's own start entry speaks of a cockpit; the line above says what runs.
    let start_entries: Vec<_> = session
        .state
        .screen
        .log
        .drain(..)
        .filter(|e| e.kind != Kind::Started)
        .collect();
    let mut first = vec![start];
    first.extend(start_entries.iter().map(|e| Line::from_log(e, verdict)));
    first.push(verdict_line(&session, Utc::now()));
    if !printer.all(&first)? {
        return Ok(());
    }

    let sigs = tokio::spawn(signals.forward(session.tx.clone()));
    let ticks = tokio::spawn(crate::clock::tick(session.tx.clone()));
    let ctx = session.state.session.context.clone();
    let same = move |r: &Record| {
        r.context.release == ctx.release
            && r.context.version == ctx.version
            && r.context.environment == ctx.environment
    };
    let mut quit = false;
    while !quit {
        let Some(msg) = session.rx.recv().await else {
            break;
        };
        let tick = msg == Msg::Tick;
        let before = session.state.release.eval.verdict.kind;
        let effects = session.feed(msg);
        quit = effects.iter().any(|e| matches!(e, Effect::Quit));
        let mut lines = Vec::new();
        if tick {
            let records: Vec<Record> = tail.poll().into_iter().filter(|r| same(r)).collect();
            let verdict = session.state.release.eval.verdict.kind.label();
            lines.extend(records.iter().filter_map(|r| Line::from_record(r, verdict)));
            // The state follows the other cockpit too, so the verdict moves with its promotes.
            if !records.is_empty() {
                session.feed(Msg::Journal(records));
            }
        }
        let verdict = session.state.release.eval.verdict.kind;
        // Entries about journal records were printed above, with their own kinds.
        let entries = session
            .state
            .screen
            .log
            .drain(..)
            .filter(|e| e.from_journal.is_none());
        for e in entries.collect::<Vec<_>>() {
            let mut line = Line::from_log(&e, verdict.label());
            if line.kind == Kind::Verdict && verdict != before {
                line.reasons = reasons(&session);
            }
            lines.push(line);
        }
        if !printer.all(&lines)? {
            break;
        }
    }
    sigs.abort();
    ticks.abort();
    Ok(())
}

fn reasons(session: &Session) -> Vec<String> {
    let v = &session.state.release.eval.verdict;
    v.reasons.iter().map(|r| r.text.clone()).collect()
}

/// The verdict as it stands, for the top of the log.
fn verdict_line(session: &Session, now: chrono::DateTime<Utc>) -> Line {
    let v = &session.state.release.eval.verdict;
    let why = v
        .reasons
        .first()
        .map(|r| format!(": {}", r.text))
        .unwrap_or_default();
    let text = format!("verdict {}{why}", v.kind.label());
    let mut line = Line::own(now, LogLevel::Info, Kind::Verdict, text, v.kind.label());
    line.reasons = reasons(session);
    line
}

struct Printer<'a, W: Write> {
    out: &'a mut W,
    format: Format,
}

impl<W: Write> Printer<'_, W> {
    /// Write and flush the lines; false when the reader is gone (a closed pipe).
    fn all(&mut self, lines: &[Line]) -> Result<bool> {
        if lines.is_empty() {
            return Ok(true);
        }
        let mut text = String::new();
        for l in lines {
            text.push_str(&l.render(self.format));
            text.push('\n');
        }
        match self
            .out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
        {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
