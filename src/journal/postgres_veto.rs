//! A veto from a watcher of the shared journal. A watcher holds no wheel, so it cannot append;
//! yet stopping an armed action is anyone's to do, from any machine. It inserts its
//! `auto_vetoed` and `hold_placed` records into the inbox table `gonogo_veto` and notifies
//! `gonogo_veto` with the chain's key in the same transaction; the cockpit (or
//! `watch --armed`) that drives the release hears it on its `LISTEN` connection, takes the rows
//! (`DELETE … RETURNING`: each is taken once), journals them in the watcher's name through its
//! own append, and acts on them. Nothing is read while nobody vetoes. Only vetoes and holds are
//! taken from the inbox; any other row is removed and never journaled.

use super::JournalError;
use super::postgres::{Chain, connect, db_error};
use super::vetoes::is_veto;
use crate::core::record::Record;
use crate::secret::Secret;
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// The channel a veto notifies on, with the chain's key as payload.
pub const CHANNEL: &str = "gonogo_veto";

/// The inbox, created with the journal's tables (and by `gonogo audit init`).
pub const TABLE: &str = "
CREATE TABLE IF NOT EXISTS gonogo_veto (
    id          bigserial   PRIMARY KEY,
    release     text        NOT NULL,
    environment text        NOT NULL,
    line        text        NOT NULL,
    put_at      timestamptz NOT NULL DEFAULT now()
);
";

/// Leave `record` for the driver of its chain: committed (and notified) on return.
pub fn put(client: &mut Client, record: &Record) -> Result<(), JournalError> {
    let err = |e: postgres::Error| db_error(&e);
    let chain = Chain::of(record);
    let line = serde_json::to_string(record)
        .map_err(|e| JournalError::Database(format!("a record did not serialize: {e}")))?;
    let mut tx = client.transaction().map_err(err)?;
    tx.execute(
        "INSERT INTO gonogo_veto (release, environment, line) VALUES ($1, $2, $3)",
        &[&chain.release, &chain.environment, &line],
    )
    .map_err(err)?;
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &chain.key()])
        .map_err(err)?;
    tx.commit().map_err(err)
}

/// Take every veto left for `chain`, oldest first, removing its row. A row that is not a veto
/// record is removed too and never returned: nothing else belongs there. A server that refuses
/// (no inbox table yet, no grant on it) is logged and leaves the connection to its other work:
/// the watchers' vetoes are refused to them then, with the server's reason.
pub fn take(client: &mut Client, chain: &Chain) -> Result<Vec<Record>, JournalError> {
    let taken = client.query(
        "DELETE FROM gonogo_veto WHERE release = $1 AND environment = $2 RETURNING id, line",
        &[&chain.release, &chain.environment],
    );
    let rows = match taken {
        Ok(rows) => rows,
        Err(e) if e.as_db_error().is_some() => {
            tracing::warn!(
                "taking the watchers' vetoes: {}",
                super::postgres::describe(&e)
            );
            return Ok(Vec::new());
        }
        Err(e) => return Err(db_error(&e)),
    };
    let mut rows: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    rows.sort();
    Ok(rows
        .into_iter()
        .filter_map(|(_, line)| serde_json::from_str::<Record>(&line).ok())
        .filter(is_veto)
        .collect())
}

/// A watcher's vetoes on their way to the inbox: written in order by a thread of their own
/// (the screen never waits for the network), each told to `tell` as written or refused. The
/// connection is opened for the first veto and kept; a lost one is opened again.
pub struct Outbox {
    tx: mpsc::Sender<Record>,
}

impl Outbox {
    pub fn start(url: Secret, mut tell: impl FnMut(Result<(), String>) + Send + 'static) -> Outbox {
        let (tx, rx) = mpsc::channel::<Record>();
        let run = move || {
            let mut client: Option<Client> = None;
            for record in rx {
                let result = deliver(&url, &mut client, &record);
                if result.is_err() {
                    client = None;
                }
                tell(result.map_err(|e| {
                    format!(
                        "{}: {e}; the automatic action goes ahead unless it is \
                         vetoed from a cockpit that reaches the database",
                        super::store::VETO_LOST
                    )
                }));
            }
        };
        std::thread::Builder::new()
            .name("journal-veto".into())
            .spawn(run)
            .expect("spawning the veto's sender");
        Outbox { tx }
    }

    /// Send `record` on; false once the sender has stopped.
    pub fn leave(&self, record: Record) -> bool {
        self.tx.send(record).is_ok()
    }
}

fn deliver(url: &Secret, client: &mut Option<Client>, record: &Record) -> Result<(), JournalError> {
    if client.as_ref().is_none_or(Client::is_closed) {
        *client = Some(connect(url)?);
    }
    put(client.as_mut().expect("connected just now"), record)
}

/// The driver's side: whether this cockpit drives now (only a driver takes), and where the
/// vetoes it takes go (false: nobody wants them any more).
pub struct Inbox {
    pub drives: Arc<AtomicBool>,
    pub deliver: Box<dyn FnMut(Vec<Record>) -> bool + Send>,
    /// Whether it drove at the last look: taking the wheel takes what waits.
    drove: bool,
}

impl Inbox {
    pub fn new(
        drives: Arc<AtomicBool>,
        deliver: impl FnMut(Vec<Record>) -> bool + Send + 'static,
    ) -> Inbox {
        Inbox {
            drives,
            deliver: Box::new(deliver),
            drove: false,
        }
    }

    /// Listen for vetoes on this (the follower's) connection.
    pub fn listen(&mut self, client: &mut Client) -> Result<(), JournalError> {
        self.drove = false;
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(|e| db_error(&e))
    }

    /// Take the vetoes waiting for `chain` if this cockpit drives and a veto was notified
    /// (`notified`), or it has just begun to drive (or connect). False when nobody wants
    /// them any more.
    pub fn look(
        &mut self,
        client: &mut Client,
        chain: &Chain,
        notified: bool,
    ) -> Result<bool, JournalError> {
        let drives = self.drives.load(Ordering::SeqCst);
        let began = drives && !self.drove;
        self.drove = drives;
        if !drives || !(notified || began) {
            return Ok(true);
        }
        let taken = take(client, chain)?;
        Ok(taken.is_empty() || (self.deliver)(taken))
    }
}

/// How long the inbox's own listener waits before connecting again after losing the database.
pub const RETRY: Duration = Duration::from_secs(2);

/// For a driver without a follower (`watch --armed`): listen for vetoes on a connection of its
/// own, on a thread of its own, until `inbox` wants no more.
pub fn spawn(url: Secret, chain: Chain, mut inbox: Inbox) {
    let run = move || {
        loop {
            match listen(&url, &chain, &mut inbox) {
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!("waiting for vetoes on the shared journal: {e}");
                    std::thread::sleep(RETRY);
                }
            }
        }
    };
    std::thread::Builder::new()
        .name("journal-vetoes".into())
        .spawn(run)
        .expect("spawning the veto inbox");
}

fn listen(url: &Secret, chain: &Chain, inbox: &mut Inbox) -> Result<(), JournalError> {
    let mut client = connect(url)?;
    inbox.listen(&mut client)?;
    let key = chain.key();
    let mut notified = false;
    loop {
        if !inbox.look(&mut client, chain, notified)? {
            return Ok(());
        }
        let mut notes = client.notifications();
        let mut waiting = notes.blocking_iter();
        loop {
            match waiting.next().map_err(|e| db_error(&e))? {
                Some(n) if n.payload() == key && n.channel() == CHANNEL => break,
                Some(_) => continue,
                None => return Err(JournalError::Database("the connection closed".into())),
            }
        }
        notified = true;
    }
}
