//! Following the shared journal as another cockpit writes it: `LISTEN` on the channel appends
//! notify on commit, then read the chain's records after the last one seen. No query runs while
//! nothing is written. A lost connection is tried again every [`RETRY`] and read from the last
//! record seen, so nothing is lost or read twice.

use super::JournalError;
use super::postgres::{CHANNEL, Chain, connect, db_error, lines_after, parse};
use super::postgres_presence::{self as presence, Present};
use super::postgres_veto::{self as veto, Inbox};
use crate::core::record::Record;
use crate::secret::Secret;
use std::time::Duration;

/// How long a follower waits before connecting again after losing the database.
pub const RETRY: Duration = Duration::from_secs(2);

/// Follow `chain` from after position `seq` (what was already read) on a thread of its own,
/// giving each batch of new records to `deliver` until it returns false. `lost` is told why
/// the database was lost (once per loss), and `None` when it is back.
pub fn spawn(
    url: Secret,
    chain: Chain,
    seq: i64,
    deliver: impl FnMut(Vec<Record>) -> bool + Send + 'static,
    lost: impl FnMut(Option<String>) + Send + 'static,
) {
    spawn_with(url, chain, seq, deliver, lost, None);
}

/// [`spawn`], and make this cockpit seen by the others on `chain` (and them by it): see
/// [`super::postgres_presence`]; while it drives, it takes the watchers' vetoes on the same
/// connection: see [`super::postgres_veto`].
pub fn spawn_present(
    url: Secret,
    chain: Chain,
    seq: i64,
    deliver: impl FnMut(Vec<Record>) -> bool + Send + 'static,
    lost: impl FnMut(Option<String>) + Send + 'static,
    present: Present,
    inbox: Inbox,
) {
    spawn_with(url, chain, seq, deliver, lost, Some((present, inbox)));
}

fn spawn_with(
    url: Secret,
    chain: Chain,
    seq: i64,
    mut deliver: impl FnMut(Vec<Record>) -> bool + Send + 'static,
    mut lost: impl FnMut(Option<String>) + Send + 'static,
    mut present: Option<(Present, Inbox)>,
) {
    let run = move || {
        let mut seq = seq;
        let mut down = false;
        loop {
            let listened = listen(
                &url,
                &chain,
                &mut seq,
                &mut deliver,
                present.as_mut(),
                &mut || {
                    if down {
                        down = false;
                        lost(None);
                    }
                },
            );
            match listened {
                Ok(()) => return,
                Err(e) => {
                    if !down {
                        down = true;
                        lost(Some(e.to_string()));
                    }
                    std::thread::sleep(RETRY);
                }
            }
        }
    };
    std::thread::Builder::new()
        .name("journal-follow".into())
        .spawn(run)
        .expect("spawning the journal follower");
}

/// A follower's `lost` that only logs: the database lost, and back.
pub fn logged(why: Option<String>) {
    match why {
        Some(why) => tracing::warn!("following the shared journal: {why}"),
        None => tracing::info!("following the shared journal again"),
    }
}

/// Listen until the connection fails (an error) or `deliver` wants no more (`Ok`).
fn listen(
    url: &Secret,
    chain: &Chain,
    seq: &mut i64,
    deliver: &mut impl FnMut(Vec<Record>) -> bool,
    mut present: Option<&mut (Present, Inbox)>,
    connected: &mut impl FnMut(),
) -> Result<(), JournalError> {
    let mut client = connect(url)?;
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .map_err(|e| db_error(&e))?;
    if let Some((p, inbox)) = present.as_deref_mut() {
        inbox.listen(&mut client)?;
        presence::join(&mut client, chain, p)?;
    }
    connected();
    let key = chain.key();
    let mut channel = String::new();
    loop {
        // A veto is taken by the cockpit that drives, on a veto's notification, and on
        // taking the wheel (or connecting) for those left meanwhile.
        if let Some((_, inbox)) = present.as_deref_mut()
            && !inbox.look(&mut client, chain, channel == veto::CHANNEL)?
        {
            return Ok(());
        }
        if channel == veto::CHANNEL {
            channel = wait(&mut client, &key)?;
            continue;
        }
        // Listening before reading: a record committed in between is read now, and its
        // notification only leads to a read that finds nothing new.
        let rows = lines_after(&mut client, chain, *seq)?;
        if let Some((last, _)) = rows.last() {
            *seq = *last;
            let lines: Vec<String> = rows.into_iter().map(|(_, l)| l).collect();
            if !deliver(parse(&lines)?) {
                return Ok(());
            }
        }
        channel = wait(&mut client, &key)?;
        if let Some((p, _)) = present.as_deref_mut()
            && channel != veto::CHANNEL
        {
            presence::seen(&mut client, chain, p, &channel)?;
        }
    }
}

/// Wait for the next notification about the chain keyed `key`: its channel.
fn wait(client: &mut postgres::Client, key: &str) -> Result<String, JournalError> {
    use postgres::fallible_iterator::FallibleIterator;
    let mut notes = client.notifications();
    let mut waiting = notes.blocking_iter();
    loop {
        match waiting.next().map_err(|e| db_error(&e))? {
            Some(n) if n.payload() == key => return Ok(n.channel().to_string()),
            Some(_) => continue,
            None => return Err(JournalError::Database("the connection closed".into())),
        }
    }
}
