//! A headless session: the app state fed by the real pollers, read-only, with no terminal.

use crate::app::{self, Effect, Msg, State};
use crate::history;
use crate::journal;
use crate::setup::Setup;
use crate::sources::{Pollers, SourceClient, spawn_pollers};
use chrono::{Local, Offset, Utc};
use color_eyre::eyre::{Result, WrapErr};
use tokio::sync::mpsc;

pub(super) struct Session {
    pub state: State,
    pub rx: mpsc::Receiver<Msg>,
    pub tx: mpsc::Sender<Msg>,
    /// Where the journal read at start ended: where a follower starts reading.
    pub journal_end: journal::store::End,
    /// The release attempt of the journal's latest record of this release that carries one.
    pub attempt: Option<String>,
    _pollers: Pollers,
}

impl Session {
    /// Read the journal (never taking it), build the state read-only and start polling.
    /// Of the effects of starting, only the history of an unobserved gap is performed.
    pub fn start(setup: Setup) -> Result<Session> {
        let ctx = app::context(&setup);
        // A tail goes on where the records read end: a record being written meanwhile is read
        // by the tail once whole, never lost and never read twice.
        let (records, journal_end) = journal::store::read_with_end(&setup)?;
        let attempt = app::latest_attempt(&records, &ctx).map(str::to_string);
        let now = Utc::now();
        let offset = Local::now().offset().fix();
        let boot = app::Boot {
            setup,
            context: ctx,
            journal: &records,
            local_offset: offset,
            read_only: true,
        };
        let (state, effects) = boot.start(now);
        let (tx, rx) = mpsc::channel::<Msg>(1024);
        let client = SourceClient::new().wrap_err("setting up the HTTP client")?;
        let pollers = spawn_pollers(&state.setup.sources, &client, tx.clone());
        // The history of an unobserved gap is read as the cockpit reads it; the rest of the
        // start's effects are a read-only state's, which matter nowhere here.
        for effect in effects {
            if let Effect::History(ask) = effect {
                history::spawn(*ask, &state.setup, &client, tx.clone());
            }
        }
        Ok(Session {
            state,
            rx,
            tx,
            journal_end,
            attempt,
            _pollers: pollers,
        })
    }

    /// Feed one message to the reducer at the current time.
    pub fn feed(&mut self, msg: Msg) -> Vec<Effect> {
        app::update(&mut self.state, msg, Utc::now())
    }

    /// Every source has answered at least once (success or failure), and the history asked
    /// for at start has come back.
    pub fn all_answered(&self) -> bool {
        self.state
            .release
            .sources
            .iter()
            .all(|h| h.last_poll.is_some())
            && !self
                .state
                .release
                .bake
                .as_ref()
                .is_some_and(|b| b.is_asking())
    }
}
