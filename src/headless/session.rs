//! A headless session: the app state fed by the real pollers, with no terminal. Read-only
//! (`check`, `watch`), or driving the release (`watch --armed`): then it holds the journal the
//! way an operator's cockpit holds it, and its effects are performed by the runtime's runner.

use crate::app::{self, Effect, Msg, State};
use crate::core::record::Record;
use crate::history;
use crate::journal::{self, Store};
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
    /// The sources' shared client (history reads use it too).
    pub client: SourceClient,
    _pollers: Pollers,
}

/// A session that drives the release: the journal it holds, and what starting asked for
/// (the start journaled, the first stage entered, the history of a gap) for the runner.
pub(super) struct Driving {
    pub session: Session,
    pub journal: Store,
    pub effects: Vec<Effect>,
}

impl Session {
    /// Read the journal (never taking it), build the state read-only and start polling.
    /// Of the effects of starting, only the history of an unobserved gap is performed.
    pub fn start(setup: Setup) -> Result<Session> {
        // A tail goes on where the records read end: a record being written meanwhile is read
        // by the tail once whole, never lost and never read twice.
        let (records, journal_end) = journal::store::read_with_end(&setup)?;
        let (session, effects) = Session::boot(setup, &records, journal_end, true)?;
        // The history of an unobserved gap is read as the cockpit reads it; the rest of the
        // start's effects are a read-only state's, which matter nowhere here.
        for effect in effects {
            if let Effect::History(ask) = effect {
                history::spawn(
                    *ask,
                    &session.state.setup,
                    &session.client,
                    session.tx.clone(),
                );
            }
        }
        Ok(session)
    }

    /// Take the journal as an operator's cockpit takes it (refused while another cockpit holds
    /// the file or drives the shared journal), build the state and start polling. Nothing of
    /// the start is performed yet: the caller's runner performs `effects`.
    pub fn drive(setup: Setup) -> Result<Driving> {
        let (journal, records) = Store::open(&setup)?;
        // Nobody else may append while this holds the journal: nothing to follow.
        let end = match &setup.shared_journal {
            Some(_) => journal::store::End::Shared(0),
            None => journal::store::End::File(0),
        };
        let (session, effects) = Session::boot(setup, &records, end, false)?;
        Ok(Driving {
            session,
            journal,
            effects,
        })
    }

    fn boot(
        setup: Setup,
        records: &[Record],
        journal_end: journal::store::End,
        read_only: bool,
    ) -> Result<(Session, Vec<Effect>)> {
        let ctx = app::context(&setup);
        let attempt = app::latest_attempt(records, &ctx).map(str::to_string);
        let now = Utc::now();
        let offset = Local::now().offset().fix();
        let boot = app::Boot {
            setup,
            context: ctx,
            journal: records,
            local_offset: offset,
            read_only,
        };
        let (state, effects) = boot.start(now);
        let (tx, rx) = mpsc::channel::<Msg>(1024);
        let client = SourceClient::new().wrap_err("setting up the HTTP client")?;
        let pollers = spawn_pollers(&state.setup.sources, &client, tx.clone());
        let session = Session {
            state,
            rx,
            tx,
            journal_end,
            attempt,
            client,
            _pollers: pollers,
        };
        Ok((session, effects))
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
