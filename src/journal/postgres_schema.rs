//! The shared journal's tables: created on first use, under an advisory lock so two first
//! cockpits do not race, by a role that may; checked first, so a role that may only read and
//! write them opens a journal another role set up.

use super::JournalError;
use super::postgres::{db_error, describe};
use postgres::{Client, GenericClient};

/// The tables, created on first use (or by `gonogo audit init`), with the veto inbox
/// ([`super::postgres_veto::TABLE`]). `line` is the record
/// exactly as the file journal holds it, so an export verifies with the file's verifier.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS gonogo_chain (
    release     text   NOT NULL,
    environment text   NOT NULL,
    seq         bigint NOT NULL,
    hash        text   NOT NULL,
    PRIMARY KEY (release, environment)
);
CREATE TABLE IF NOT EXISTS gonogo_record (
    release     text        NOT NULL,
    environment text        NOT NULL,
    seq         bigint      NOT NULL,
    line        text        NOT NULL,
    hash        text        NOT NULL,
    id          text        NOT NULL,
    written_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (release, environment, seq),
    UNIQUE (release, environment, id)
);
CREATE TABLE IF NOT EXISTS gonogo_driver (
    release     text             NOT NULL,
    environment text             NOT NULL,
    who         text             NOT NULL,
    token       text             NOT NULL,
    since       timestamptz      NOT NULL,
    heartbeat   timestamptz      NOT NULL,
    timeout_s   double precision NOT NULL,
    PRIMARY KEY (release, environment)
);
";

/// Taken while the tables are created, so two first cockpits do not race on `CREATE`.
const SCHEMA_LOCK: i64 = 0x676f_6e6f_676f;

/// The journal's tables; the veto inbox, [`VETO_TABLE`], came after them.
pub(super) const TABLES: [&str; 3] = ["gonogo_chain", "gonogo_record", "gonogo_driver"];
pub(super) const VETO_TABLE: &str = "gonogo_veto";

/// Whether every one of `tables` is there (on the search path).
pub(super) fn tables_there(
    client: &mut impl GenericClient,
    tables: &[&str],
) -> Result<bool, JournalError> {
    let row = client
        .query_one(
            "SELECT bool_and(to_regclass(t) IS NOT NULL) FROM unnest($1::text[]) AS t",
            &[&tables],
        )
        .map_err(|e| db_error(&e))?;
    Ok(row.get::<_, Option<bool>>(0).unwrap_or(true))
}

/// Create the tables unless they are there. Checked first, so a role that may only read and
/// write them (no `CREATE`) can open a journal another role set up.
pub fn init(client: &mut Client) -> Result<(), JournalError> {
    if !tables_there(client, &TABLES)? {
        let mut tx = client.transaction().map_err(|e| db_error(&e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .map_err(|e| db_error(&e))?;
        tx.batch_execute(SCHEMA).map_err(|e| db_error(&e))?;
        tx.commit().map_err(|e| db_error(&e))?;
    }
    init_vetoes(client)
}

/// The veto inbox (src/journal/postgres_veto.rs), added to a journal made before it had one.
/// A role that may not create it journals on: a watcher's veto is then refused with the
/// server's reason, and `gonogo audit init` creates it.
fn init_vetoes(client: &mut Client) -> Result<(), JournalError> {
    if tables_there(client, &[VETO_TABLE])? {
        return Ok(());
    }
    let made = client.transaction().and_then(|mut tx| {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
        tx.batch_execute(super::postgres_veto::TABLE)?;
        tx.commit()
    });
    if let Err(e) = made {
        tracing::warn!("the veto inbox cannot be created: {}", describe(&e));
    }
    Ok(())
}
