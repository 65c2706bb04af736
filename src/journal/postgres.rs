//! The shared journal on PostgreSQL: every record the file journal holds, as the same line of
//! JSON with the same hash chain, one chain per release and environment. An append is one
//! transaction that locks the chain's head row (`FOR UPDATE`), reads its hash, inserts the
//! record and moves the head: writers on many machines queue on that row and never break the
//! chain. On return the transaction is committed, so a webhook is sent only after its record.
//!
//! The URL is a secret (it may carry a password): it is never drawn, logged or journaled, and
//! no error here repeats it.

use super::{JournalError, genesis_hash, line_hash};
use crate::core::record::Record;
use crate::secret::Secret;
use postgres::{Client, Config, GenericClient};
use std::time::Duration;

/// The tables, created on first use (or by `gonogo journal init`). `line` is the record
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
    written_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (release, environment, seq)
);
";

/// Taken while the tables are created, so two first cockpits do not race on `CREATE`.
const SCHEMA_LOCK: i64 = 0x676f_6e6f_676f;

/// One release's chain: the key every record of it is stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub release: String,
    pub environment: String,
}

/// The channel appends notify on (`LISTEN gonogo_journal`), with the chain's key as payload.
pub const CHANNEL: &str = "gonogo_journal";

impl Chain {
    /// The notification payload naming this chain.
    pub fn key(&self) -> String {
        serde_json::json!([self.release, self.environment]).to_string()
    }

    pub fn of(record: &Record) -> Chain {
        Chain {
            release: record.context.release.clone(),
            environment: record.context.environment.clone(),
        }
    }
}

/// A connection to the shared journal. It connects again on the next append after the
/// connection is lost.
pub struct Shared {
    url: Secret,
    client: Option<Client>,
}

pub(super) fn db_error(e: &postgres::Error) -> JournalError {
    JournalError::Database(describe(e))
}

/// What went wrong, in the server's words where it said something; never the URL.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}

/// Connect with `url` (`postgres://…?sslmode=require`, or key=value pairs). TLS is rustls
/// with the public roots; `sslmode=disable` for a server on loopback.
pub fn connect(url: &Secret) -> Result<Client, JournalError> {
    let mut config: Config = url.expose().parse().map_err(|e: postgres::Error| {
        JournalError::Database(format!("the journal URL does not parse: {}", describe(&e)))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    config.application_name("gonogo");
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| JournalError::Database(e.to_string()))?
        .with_root_certificates(rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        })
        .with_no_client_auth(),
    );
    config.connect(tls).map_err(|e| db_error(&e))
}

/// Create the tables unless they are there. Checked first, so a role that may only read and
/// write them (no `CREATE`) can open a journal another role set up.
pub fn init(client: &mut Client) -> Result<(), JournalError> {
    let there = |c: &mut Client| -> Result<bool, JournalError> {
        let row = c
            .query_one(
                "SELECT to_regclass('gonogo_chain') IS NOT NULL \
                 AND to_regclass('gonogo_record') IS NOT NULL",
                &[],
            )
            .map_err(|e| db_error(&e))?;
        Ok(row.get(0))
    };
    if there(client)? {
        return Ok(());
    }
    let mut tx = client.transaction().map_err(|e| db_error(&e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
        .map_err(|e| db_error(&e))?;
    tx.batch_execute(SCHEMA).map_err(|e| db_error(&e))?;
    tx.commit().map_err(|e| db_error(&e))
}

/// The records of one chain in order, as they were written.
fn lines(client: &mut impl GenericClient, chain: &Chain) -> Result<Vec<String>, JournalError> {
    Ok(lines_after(client, chain, 0)?
        .into_iter()
        .map(|(_, line)| line)
        .collect())
}

/// The records of one chain after position `seq` (0: all), with their positions.
pub(super) fn lines_after(
    client: &mut impl GenericClient,
    chain: &Chain,
    seq: i64,
) -> Result<Vec<(i64, String)>, JournalError> {
    let rows = client
        .query(
            "SELECT seq, line FROM gonogo_record \
             WHERE release = $1 AND environment = $2 AND seq > $3 ORDER BY seq",
            &[&chain.release, &chain.environment, &seq],
        )
        .map_err(|e| db_error(&e))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Parse lines read back; a line that is not a record names its position in the chain.
pub(super) fn parse(lines: &[String]) -> Result<Vec<Record>, JournalError> {
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| {
                JournalError::Database(format!("record {} is not a record: {e}", i + 1))
            })
        })
        .collect()
}

impl Shared {
    /// Connect, create the tables if needed, and read back `chain`'s records.
    pub fn open(url: &Secret, chain: &Chain) -> Result<(Shared, Vec<Record>), JournalError> {
        let mut client = connect(url)?;
        init(&mut client)?;
        let records = parse(&lines(&mut client, chain)?)?;
        let shared = Shared {
            url: url.clone(),
            client: Some(client),
        };
        Ok((shared, records))
    }

    fn client(&mut self) -> Result<&mut Client, JournalError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = None;
            self.client = Some(connect(&self.url)?);
        }
        Ok(self.client.as_mut().expect("connected just now"))
    }

    /// Chain and commit one record under its release's head row. On return it is committed.
    pub fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        let chain = Chain::of(record);
        let result = append_in(self.client()?, &chain, record);
        if result.is_err() && self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
        result
    }
}

fn append_in(client: &mut Client, chain: &Chain, record: &Record) -> Result<(), JournalError> {
    let err = |e: postgres::Error| db_error(&e);
    let mut tx = client.transaction().map_err(err)?;
    let key: [&(dyn postgres::types::ToSql + Sync); 2] = [&chain.release, &chain.environment];
    tx.execute(
        "INSERT INTO gonogo_chain (release, environment, seq, hash) VALUES ($1, $2, 0, $3) \
         ON CONFLICT DO NOTHING",
        &[key[0], key[1], &genesis_hash()],
    )
    .map_err(err)?;
    let head = tx
        .query_one(
            "SELECT seq, hash FROM gonogo_chain WHERE release = $1 AND environment = $2 \
             FOR UPDATE",
            &key,
        )
        .map_err(err)?;
    let (seq, prev): (i64, String) = (head.get(0), head.get(1));
    let mut record = record.clone();
    record.prev = prev;
    let line = serde_json::to_string(&record)
        .map_err(|e| JournalError::Database(format!("a record did not serialize: {e}")))?;
    let hash = line_hash(&line);
    tx.execute(
        "INSERT INTO gonogo_record (release, environment, seq, line, hash) \
         VALUES ($1, $2, $3, $4, $5)",
        &[key[0], key[1], &(seq + 1), &line, &hash],
    )
    .map_err(err)?;
    tx.execute(
        "UPDATE gonogo_chain SET seq = $3, hash = $4 WHERE release = $1 AND environment = $2",
        &[key[0], key[1], &(seq + 1), &hash],
    )
    .map_err(err)?;
    // Delivered to listeners on commit, and only then: a watcher never reads ahead of it.
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &chain.key()])
        .map_err(err)?;
    tx.commit().map_err(err)
}

/// Every chain in the journal, or only `only`'s.
fn chains(client: &mut Client, only: Option<&Chain>) -> Result<Vec<Chain>, JournalError> {
    if let Some(c) = only {
        return Ok(vec![c.clone()]);
    }
    let rows = client
        .query(
            "SELECT release, environment FROM gonogo_chain ORDER BY release, environment",
            &[],
        )
        .map_err(|e| db_error(&e))?;
    Ok(rows
        .iter()
        .map(|r| Chain {
            release: r.get(0),
            environment: r.get(1),
        })
        .collect())
}

/// Read one chain's records, and the position of its last: where a follower goes on.
pub fn read_with_end(url: &Secret, chain: &Chain) -> Result<(Vec<Record>, i64), JournalError> {
    let mut client = connect(url)?;
    let rows = lines_after(&mut client, chain, 0)?;
    let end = rows.last().map_or(0, |(seq, _)| *seq);
    let lines: Vec<String> = rows.into_iter().map(|(_, l)| l).collect();
    Ok((parse(&lines)?, end))
}

/// Read the records of one chain, or of all, without writing (no tables are created).
pub fn read(url: &Secret, only: Option<&Chain>) -> Result<Vec<Record>, JournalError> {
    let mut client = connect(url)?;
    let mut all = Vec::new();
    for chain in chains(&mut client, only)? {
        all.extend(parse(&lines(&mut client, &chain)?)?);
    }
    all.sort_by_key(|r| r.ts);
    Ok(all)
}

/// Walk every chain (or `only`'s): each record's `prev` is the hash of the line before it in
/// its chain, and the head names the last. Returns how many records were verified.
pub fn verify(url: &Secret, only: Option<&Chain>) -> Result<usize, JournalError> {
    let mut client = connect(url)?;
    let mut count = 0;
    for chain in chains(&mut client, only)? {
        let lines = lines(&mut client, &chain)?;
        let records = parse(&lines)?;
        let mut prev = genesis_hash();
        for (i, (line, record)) in lines.iter().zip(&records).enumerate() {
            if record.prev != prev {
                return Err(JournalError::Database(format!(
                    "release {} ({}): record {} does not continue the chain (an edit, a deletion or an insertion)",
                    chain.release,
                    chain.environment,
                    i + 1
                )));
            }
            prev = line_hash(line);
        }
        let head = client
            .query_opt(
                "SELECT hash FROM gonogo_chain WHERE release = $1 AND environment = $2",
                &[&chain.release, &chain.environment],
            )
            .map_err(|e| db_error(&e))?
            .map_or_else(genesis_hash, |r| r.get(0));
        if head != prev {
            return Err(JournalError::Database(format!(
                "release {} ({}): the chain's head does not name its last record (records deleted at the end?)",
                chain.release, chain.environment
            )));
        }
        count += records.len();
    }
    Ok(count)
}

/// Write one chain as a file journal (JSON Lines, the same lines) at `to`, then verify that
/// file with the file journal's verifier. Returns how many records it holds.
pub fn export(url: &Secret, chain: &Chain, to: &std::path::Path) -> Result<usize, JournalError> {
    let mut client = connect(url)?;
    let lines = lines(&mut client, chain)?;
    let mut text = String::new();
    for line in &lines {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(to, text).map_err(|source| JournalError::Io {
        path: to.to_path_buf(),
        source,
    })?;
    super::verify(to)
}
