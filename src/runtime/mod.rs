//! The runtime: terminal, event loop and effects runner. Everything that waits lives here, in
//! `sources` or in the tasks the cockpit shares with the headless commands (`signals`,
//! `clock`, `history`); `app::update` never does.

mod dispatch;
/// The effects runner and the journal's writer are the cockpit's and `watch --armed`'s: a
/// headless driver performs its effects the same way, without a terminal.
pub(crate) mod effects;
mod input;
pub(crate) mod journal_writer;
mod notify;
mod pace;
mod presence;
pub mod screen;
mod terminal;
mod wheel;

/// The dispatch path (journal writer, request runner) for `benches/dispatch`; not an API.
#[doc(hidden)]
pub mod bench_support {
    pub use super::dispatch::run as dispatch;
    pub use super::journal_writer::{JournalHandle, JournalWriter};
}
pub use terminal::restore as restore_terminal;

use crate::app::attention::{Attention, Signal};
use crate::app::{self, Msg, State};
use crate::journal::{self, Store};
use crate::setup::Setup;
use crate::signals::Signals;
use crate::sources::{self, SourceClient};
use crate::ui::{self, Theme};
use chrono::{Local, Offset, Utc};
use color_eyre::eyre::{Result, WrapErr};
use journal_writer::JournalWriter;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How the cockpit runs, beyond what the config says.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub read_only: bool,
    pub color: bool,
    pub ascii: bool,
    /// The bell may ring (no `--no-bell`); `[cockpit] bell = false` silences it too.
    pub bell: bool,
    /// `--theme`, over the config's.
    pub theme: Option<crate::setup::ThemeName>,
}

/// Run the full-screen cockpit until the operator quits or a signal arrives.
pub async fn run(setup: Setup, mut options: Options) -> Result<()> {
    let ctx = app::context(&setup);
    // On the shared journal one cockpit drives a release; a second one opens as a watcher.
    let mut opened = None;
    let started_read_only = options.read_only;
    let shared = match setup.shared_journal {
        Some(_) => Some(wheel::open(&setup, options.read_only)?),
        None => None,
    };
    if !options.read_only && shared.is_none() {
        opened = Some(Store::open(&setup)?);
    }
    // Observers read the journal but never take it: the operator's cockpit owns it.
    let mut follow = None;
    let mut follow_shared = None;
    let mut said = None;
    let (writer_journal, records) = if let Some(shared) = shared {
        options.read_only = shared.store.is_none();
        follow_shared = Some(journal::store::End::Shared(shared.end));
        said = shared.said;
        (shared.store, shared.records)
    } else if options.read_only {
        // Followed from where the records read end: a record being written meanwhile is
        // neither lost nor read twice.
        let (records, end) = journal::read_with_end(&setup.journal)?;
        follow = Some(journal::Tail::new(setup.journal.clone(), end));
        (None, records)
    } else {
        let (j, records) = opened.expect("opened above unless read-only");
        (Some(j), records)
    };
    let now = Utc::now();
    let offset = Local::now().offset().fix();
    let name = options.theme.unwrap_or(setup.theme);
    let theme = Theme::named(name, options.color, options.ascii || setup.ascii);
    let bell = options.bell && setup.bell;
    let mut attention = Attention::default();

    let (tx, mut rx) = mpsc::channel::<Msg>(1024);
    let client = SourceClient::new().wrap_err("setting up the HTTP client")?;
    let boot = app::Boot {
        setup,
        context: ctx,
        journal: &records,
        local_offset: offset,
        read_only: options.read_only,
    };
    let (mut state, mut effects) = boot.start(now);
    if let Some((text, wants)) = said {
        state.log(now, app::LogLevel::Warn, text);
        state.session.wants_wheel = wants;
    }
    let own = wheel::Own::default();
    let writer =
        writer_journal.map(|j| JournalWriter::start_noting(j, tx.clone(), Some(own.clone())));

    // Caught before the terminal is taken: a SIGTERM from then on restores it.
    let signals = Signals::register().wrap_err("catching SIGINT, SIGTERM and SIGHUP")?;
    let mut guard = terminal::TerminalGuard::enter().wrap_err("taking over the terminal")?;
    let pollers = sources::spawn_pollers(&state.setup.sources, &client, tx.clone());
    let input = tokio::spawn(input::forward(tx.clone()));
    let sigs = tokio::spawn(signals.forward(tx.clone()));
    let ticks = tokio::spawn(crate::clock::tick(tx.clone()));
    let follower = follow.map(|tail| tokio::spawn(follow_journal(tail, tx.clone())));
    // On the shared journal: who has the wheel, and the records as they are committed
    // (LISTEN/NOTIFY), not once a second.
    let seat = match follow_shared {
        Some(journal::store::End::Shared(seq)) if state.setup.shared_journal.is_some() => {
            let drives = writer.is_some();
            Some(wheel::Seat::start(
                &state,
                seq,
                started_read_only,
                drives,
                own,
                &tx,
            ))
        }
        _ => None,
    };
    let ctx = &state.session.context;
    let here = presence::Presence::new(
        &state.setup.journal,
        &format!("{}@{}", ctx.operator, ctx.host),
        !options.read_only,
    );
    // On the shared journal the database says who follows, on any machine; beside a file
    // journal, the presence files do.
    let present = (seat.is_none()).then(|| tokio::spawn(presence::run(here.clone(), tx.clone())));
    // The cockpit that writes a file journal takes the vetoes its observers leave beside it;
    // on the shared journal its follower takes those left in the inbox (`wheel::Seat`).
    let vetoes = (!options.read_only && state.setup.shared_journal.is_none())
        .then(|| tokio::spawn(take_vetoes(state.setup.journal.clone(), tx.clone())));

    // Redirects are not followed for actions: a secret header must not travel to another host.
    let http = crate::actions::client().wrap_err("setting up the HTTP client for actions")?;
    let mut runner = effects::Runner::new(writer, http, client, tx.clone());
    runner.wheel = seat;
    let mut effects_later: Vec<Msg> = Vec::new();
    let mut failed = None;
    let mut pacer = pace::Pacer::new(Instant::now());
    // The operator is waiting for what a key, paste or resize changed: drawn at once.
    let mut urgent = false;
    loop {
        for effect in effects.drain(..) {
            runner.perform(effect, &state, &mut effects_later);
        }
        for msg in effects_later.drain(..) {
            effects.extend(app::update(&mut state, msg, Utc::now()));
        }
        if !effects.is_empty() {
            continue;
        }
        if runner.quit {
            break;
        }
        // Draw now if the frame budget allows (or input is waiting to be seen); otherwise
        // wait for the budget or the next message, whichever comes first.
        let wait = if state.screen.dirty {
            let now = Instant::now();
            let gap = if urgent {
                Duration::ZERO
            } else {
                pacer.wait(now)
            };
            if gap.is_zero() {
                state.take_dirty();
                // A terminal that is gone (a closed SSH or tmux session) ends the loop, but not
                // before the stop is journaled below.
                // What the frame shows, the title says; the bell rings only if allowed.
                let mut told = attention.since(&state);
                told.bell &= bell;
                if let Err(e) = draw(&mut guard.terminal, &state, &theme, told) {
                    failed = Some(e);
                    break;
                }
                pacer.drew(now);
                urgent = false;
                None
            } else {
                Some(gap)
            }
        } else {
            None
        };
        let msg = match wait {
            Some(gap) => match tokio::time::timeout(gap, rx.recv()).await {
                Ok(msg) => msg,
                Err(_) => continue, // the budget allows a frame now
            },
            None => rx.recv().await,
        };
        let Some(msg) = msg else { break };
        urgent |= is_input(&msg);
        effects = app::update(&mut state, msg, Utc::now());
        // Take everything already queued before drawing: one frame for a burst.
        while effects.is_empty()
            && let Ok(msg) = rx.try_recv()
        {
            urgent |= is_input(&msg);
            effects = app::update(&mut state, msg, Utc::now());
        }
    }

    // However the loop ended, the stop is journaled (with an action still in flight named).
    runner.stop(&mut state);
    drop(pollers);
    input.abort();
    sigs.abort();
    ticks.abort();
    if let Some(f) = follower {
        f.abort();
    }
    if let Some(p) = present {
        p.abort();
    }
    if let Some(v) = vetoes {
        v.abort();
    }
    // A beat still being written may outlive this; its file then ages out in three beats.
    here.leave();
    drop(guard);
    failed.map_or(Ok(()), Err)
}

fn is_input(msg: &Msg) -> bool {
    matches!(msg, Msg::Key(_) | Msg::Paste(_) | Msg::Resize)
}

/// Draw a frame; the backend sends only the cells that changed, in one write, and a large
/// frame as one synchronized update. A new window title and the bell go ahead of the frame in
/// the same write.
fn draw(terminal: &mut terminal::Term, state: &State, theme: &Theme, told: Signal) -> Result<()> {
    let screen = terminal.backend_mut();
    if let Some(title) = &told.title {
        screen.set_title(title);
    }
    if told.bell {
        screen.bell();
    }
    terminal.draw(|frame| ui::view(state, theme, frame))?;
    Ok(())
}

/// Once a second, the vetoes observers left beside the journal (src/journal/vetoes.rs).
pub(crate) async fn take_vetoes(journal: std::path::PathBuf, tx: mpsc::Sender<Msg>) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let path = journal.clone();
        let Ok(records) = tokio::task::spawn_blocking(move || journal::vetoes::take(&path)).await
        else {
            return;
        };
        if !records.is_empty() && tx.send(Msg::Vetoes(records)).await.is_err() {
            return;
        }
    }
}

/// An observer reads what the operator's cockpit appends to the journal, once a second.
async fn follow_journal(mut tail: journal::Tail, tx: mpsc::Sender<Msg>) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let Ok((back, records)) = tokio::task::spawn_blocking(move || {
            let records = tail.poll();
            (tail, records)
        })
        .await
        else {
            return;
        };
        tail = back;
        if !records.is_empty() && tx.send(Msg::Journal(records)).await.is_err() {
            return;
        }
    }
}
