//! Who drives a release on the shared journal, as it changes, without polling. A connection of
//! its own waits in `pg_advisory_lock_shared` on the wheel's key while a driver holds it: the
//! server grants the wait the moment the driver's connection is gone (a kill, keepalives
//! running out on a lost network) or it gives the wheel up, so the wait returning *is* the news
//! that the wheel is free; the lock is let go at once. While the wheel is free it waits for the
//! notification a cockpit taking it sends (`LISTEN gonogo_wheel`). No query runs meanwhile.

use super::JournalError;
use super::postgres::{Chain, connect, db_error};
use super::postgres_lease::{self, CHANNEL, Holder};
use crate::secret::Secret;
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use std::time::Duration;

/// How long the watcher waits before connecting again after losing the database.
pub const RETRY: Duration = Duration::from_secs(2);

/// The wheel of one release, as the watcher last saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wheel {
    /// A cockpit drives (the lock is held), as its lease row names it (`None`: it holds the
    /// lock but has not named itself yet).
    Held(Option<Holder>),
    /// Nobody drives: a cockpit may take the wheel.
    Free,
    /// The database cannot be reached: why. Nothing can be journaled meanwhile.
    Lost(String),
}

/// Watch `chain`'s wheel on a thread of its own, telling `tell` each change until it returns
/// false (told once more after that at most).
pub fn spawn(url: Secret, chain: Chain, mut tell: impl FnMut(Wheel) -> bool + Send + 'static) {
    let run = move || {
        let mut last: Option<Wheel> = None;
        let mut say = |w: Wheel| -> bool {
            if last.as_ref() == Some(&w) {
                return true;
            }
            last = Some(w.clone());
            tell(w)
        };
        loop {
            match watch(&url, &chain, &mut say) {
                Ok(()) => return,
                Err(e) => {
                    if !say(Wheel::Lost(e.to_string())) {
                        return;
                    }
                    std::thread::sleep(RETRY);
                }
            }
        }
    };
    std::thread::Builder::new()
        .name("journal-wheel".into())
        .spawn(run)
        .expect("spawning the wheel's watcher");
}

/// Watch until the connection fails (an error) or `say` wants no more (`Ok`).
fn watch(
    url: &Secret,
    chain: &Chain,
    say: &mut impl FnMut(Wheel) -> bool,
) -> Result<(), JournalError> {
    let mut client = connect(url)?;
    let err = |e: postgres::Error| db_error(&e);
    // The wait for the lock is one statement that may last the whole release.
    client
        .batch_execute(&format!("SET statement_timeout = 0; LISTEN {CHANNEL}"))
        .map_err(err)?;
    let k = postgres_lease::key(chain);
    let payload = chain.key();
    loop {
        let free: bool = client
            .query_one("SELECT pg_try_advisory_lock_shared($1)", &[&k])
            .map_err(err)?
            .get(0);
        if free {
            unlock(&mut client, k)?;
            if !say(Wheel::Free) {
                return Ok(());
            }
            // Free until a cockpit takes it: it notifies when it has.
            wait_for(&mut client, &payload)?;
            continue;
        }
        let holder = postgres_lease::holder(&mut client, chain)?;
        if !say(Wheel::Held(holder)) {
            return Ok(());
        }
        // Granted when the driver's connection is gone or it gave the wheel up.
        client
            .execute("SELECT pg_advisory_lock_shared($1)", &[&k])
            .map_err(err)?;
        unlock(&mut client, k)?;
        // What was notified meanwhile is told by the look at the top.
        let mut notes = client.notifications();
        let mut pending = notes.iter();
        while pending.next().map_err(err)?.is_some() {}
    }
}

fn unlock(client: &mut Client, k: i64) -> Result<(), JournalError> {
    client
        .execute("SELECT pg_advisory_unlock_shared($1)", &[&k])
        .map_err(|e| db_error(&e))
        .map(|_| ())
}

/// Wait for a notification naming `payload`'s chain; the connection closing is an error.
fn wait_for(client: &mut Client, payload: &str) -> Result<(), JournalError> {
    let mut notes = client.notifications();
    let mut waiting = notes.blocking_iter();
    loop {
        match waiting.next().map_err(|e| db_error(&e))? {
            Some(n) if n.payload() == payload => return Ok(()),
            Some(_) => continue,
            None => return Err(JournalError::Database("the connection closed".into())),
        }
    }
}
