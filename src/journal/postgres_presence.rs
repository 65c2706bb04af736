//! Which cockpits follow a chain, across machines, without polling. Each names itself on its
//! follower's connection (`application_name`: `gonogo <chain tag> <user@host>`), and says so on
//! `gonogo_presence` when it joins; on that notification, on a change of driver
//! (`gonogo_wheel`) and on a record, the followers read the names off `pg_stat_activity`
//! (every role may read another's `application_name`). A cockpit gone is gone from that view
//! as its connection closes: the others see it at the next join, record or change of driver.

use super::JournalError;
use super::postgres::{Chain, db_error};
use super::postgres_lease::CHANNEL as WHEEL;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The channel a cockpit joining a chain notifies on, with the chain's key as payload.
pub const CHANNEL: &str = "gonogo_presence";

/// This cockpit's name on the chain, and where to tell the others' when they change.
pub struct Present {
    /// `user@host`.
    pub who: String,
    /// Given the others' names, sorted; false when nobody listens any more.
    pub tell: Box<dyn FnMut(Vec<String>) -> bool + Send>,
    /// The last list told: told again only when it changes.
    pub told: Option<Vec<String>>,
}

/// The names' prefix for `chain`: `gonogo ` and 8 hex digits of its key's SHA-256.
fn prefix(chain: &Chain) -> String {
    let digest = Sha256::digest(chain.key());
    format!("gonogo {} ", hex::encode(&digest[..4]))
}

/// `application_name` for `who` on `chain`: at most 63 bytes, as the server keeps it.
pub fn name(chain: &Chain, who: &str) -> String {
    let mut name = prefix(chain) + who;
    while name.len() > 63 {
        name.pop();
    }
    name
}

/// Name this connection, listen for joins and changes of driver, say this cockpit joined, and
/// tell who is there.
pub fn join(
    client: &mut postgres::Client,
    chain: &Chain,
    present: &mut Present,
) -> Result<(), JournalError> {
    let err = |e: postgres::Error| db_error(&e);
    client
        .execute(
            "SELECT set_config('application_name', $1, false)",
            &[&name(chain, &present.who)],
        )
        .map_err(err)?;
    client
        .batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {WHEEL}"))
        .map_err(err)?;
    client
        .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &chain.key()])
        .map_err(err)?;
    look(client, chain, present)
}

/// A join, a change of driver or a record was notified on `channel`: look again. A driver giving the
/// wheel up on a clean stop notifies before its connections close: a moment is left for them.
pub fn seen(
    client: &mut postgres::Client,
    chain: &Chain,
    present: &mut Present,
    channel: &str,
) -> Result<(), JournalError> {
    if channel == WHEEL {
        std::thread::sleep(Duration::from_millis(300));
    }
    look(client, chain, present)
}

fn look(
    client: &mut postgres::Client,
    chain: &Chain,
    present: &mut Present,
) -> Result<(), JournalError> {
    let prefix = prefix(chain);
    let pattern = format!("{}%", prefix.replace('%', "\\%").replace('_', "\\_"));
    let rows = client
        .query(
            "SELECT application_name FROM pg_stat_activity \
             WHERE application_name LIKE $1 AND pid <> pg_backend_pid()",
            &[&pattern],
        )
        .map_err(|e| db_error(&e))?;
    let mut others: Vec<String> = rows
        .iter()
        .filter_map(|r| r.get::<_, Option<String>>(0))
        .filter_map(|n| n.strip_prefix(&prefix).map(str::to_string))
        .collect();
    others.sort();
    others.dedup();
    if present.told.as_ref() != Some(&others) {
        present.told = Some(others.clone());
        (present.tell)(others);
    }
    Ok(())
}
