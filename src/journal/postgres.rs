//! The shared journal on PostgreSQL: every record the file journal holds, as the same line of
//! JSON with the same hash chain, one chain per release and environment. An append is one
//! transaction that locks the chain's head row (`FOR UPDATE`), reads its hash, inserts the
//! record and moves the head: writers on many machines queue on that row and never break the
//! chain. On return the transaction is committed, so a webhook is sent only after its record.
//!
//! The URL is a secret (it may carry a password): it is never drawn, logged or journaled, and
//! no error here repeats it.

pub use super::postgres_audit::{export, read, read_with_end, verify};
use super::postgres_lease::{self as lease, Lease};
pub use super::postgres_schema::{SCHEMA, init};
use super::{JournalError, genesis_hash, line_hash};
use crate::core::record::Record;
use crate::secret::Secret;
use postgres::{Client, Config, GenericClient};
use std::time::Duration;

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
    /// The driver's lease this cockpit holds; `None` for a writer that does not drive (a tool).
    lease: Option<Lease>,
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
    // A lost network ends the connection after about the lease's timeout, at both ends: the
    // driver's lock is freed then, and no query has to run to find out (probes are not
    // queries).
    config
        .keepalives(true)
        .keepalives_idle(lease::KEEPALIVE_IDLE)
        .keepalives_interval(lease::KEEPALIVE_INTERVAL)
        .keepalives_retries(lease::KEEPALIVE_PROBES)
        .tcp_user_timeout(lease::TIMEOUT);
    let server_side = format!(
        "-c tcp_keepalives_idle={} -c tcp_keepalives_interval={} -c tcp_keepalives_count={}",
        lease::KEEPALIVE_IDLE.as_secs(),
        lease::KEEPALIVE_INTERVAL.as_secs(),
        lease::KEEPALIVE_PROBES
    );
    let options = match config.get_options() {
        Some(theirs) if !theirs.is_empty() => format!("{server_side} {theirs}"),
        _ => server_side,
    };
    config.options(&options);
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

/// The records of one chain in order, as they were written.
pub(super) fn lines(
    client: &mut impl GenericClient,
    chain: &Chain,
) -> Result<Vec<String>, JournalError> {
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
            lease: None,
        };
        Ok((shared, records))
    }

    /// [`Shared::open`], and take the wheel of `chain` as `who` (`user@host`): refused with
    /// [`JournalError::Driven`], naming the driver, while another cockpit's lease is live.
    pub fn drive(
        url: &Secret,
        chain: &Chain,
        who: &str,
    ) -> Result<(Shared, Vec<Record>), JournalError> {
        let (mut shared, records) = Shared::open(url, chain)?;
        let held = Lease::new(chain.clone(), who);
        lease::take(shared.client()?, &held)?;
        shared.lease = Some(held);
        Ok((shared, records))
    }

    /// Whether the connection is still there, without a query: what the server sent meanwhile
    /// is read, and a closed connection is opened again (the lock taken again, the row checked:
    /// `Driven` when another cockpit took the wheel meanwhile).
    pub fn watch(&mut self) -> Result<(), JournalError> {
        self.client().map(|_| ())
    }

    /// Lose track of the connection without closing it, as a client does whose network failed
    /// while the server has not noticed yet: the next use connects again. For tests.
    #[doc(hidden)]
    pub fn forget_connection(&mut self) {
        if let Some(client) = self.client.take() {
            std::mem::forget(client);
        }
    }

    /// Give the wheel up (a handover): the next cockpit may take it at once.
    pub fn give_up(&mut self) -> Result<(), JournalError> {
        let Some(held) = self.lease.take() else {
            return Ok(());
        };
        let result = lease::release(self.client()?, &held);
        self.forget_if_closed(&result);
        result
    }

    fn forget_if_closed(&mut self, result: &Result<(), JournalError>) {
        if result.is_err() && self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
    }

    fn client(&mut self) -> Result<&mut Client, JournalError> {
        // What the server sent meanwhile (that it cut the connection off) is read first: a
        // millisecond's wait lets the socket's readiness be seen. Not a query.
        if let Some(client) = &mut self.client {
            use postgres::fallible_iterator::FallibleIterator;
            let mut notes = client.notifications();
            let cut = notes
                .timeout_iter(Duration::from_millis(1))
                .count()
                .is_err();
            drop(notes);
            if cut {
                self.client = None;
            }
        }
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = None;
            let mut client = connect(&self.url)?;
            if let Some(held) = &self.lease {
                lease::retake(&mut client, held)?;
            }
            self.client = Some(client);
        }
        Ok(self.client.as_mut().expect("connected just now"))
    }

    /// Chain and commit one record under its release's head row. On return it is committed.
    pub fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        let chain = Chain::of(record);
        let held = self.lease.clone();
        let result = append_in(self.client()?, &chain, record, held.as_ref());
        self.forget_if_closed(&result);
        result
    }
}

impl Drop for Shared {
    /// A clean stop gives the wheel up at once. Not from inside an async runtime, where the
    /// blocking client cannot run: there the lease runs out after its timeout instead.
    fn drop(&mut self) {
        if tokio::runtime::Handle::try_current().is_ok() {
            return;
        }
        if let (Some(held), Some(client)) = (&self.lease, &mut self.client)
            && let Err(e) = lease::release(client, held)
        {
            tracing::warn!("giving up the wheel: {e}");
        }
    }
}

/// A record's id: the SHA-256 of its line before it is chained (its time is to the
/// nanosecond, so two records are one only when they are the same record sent twice).
fn record_id(record: &Record) -> Result<String, JournalError> {
    let mut unchained = record.clone();
    unchained.prev = String::new();
    serde_json::to_string(&unchained)
        .map(|line| line_hash(&line))
        .map_err(|e| JournalError::Database(format!("a record did not serialize: {e}")))
}

fn append_in(
    client: &mut Client,
    chain: &Chain,
    record: &Record,
    held: Option<&Lease>,
) -> Result<(), JournalError> {
    let err = |e: postgres::Error| db_error(&e);
    let mut tx = client.transaction().map_err(err)?;
    if let Some(held) = held {
        lease::check(&mut tx, held)?;
    }
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
    // A record tried again after a lost connection may have been committed the first time
    // (the commit went through, its answer did not): it is known by its id, and not written
    // twice.
    let id = record_id(record)?;
    let known = tx
        .query_opt(
            "SELECT 1 FROM gonogo_record WHERE release = $1 AND environment = $2 AND id = $3",
            &[key[0], key[1], &id],
        )
        .map_err(err)?;
    if known.is_some() {
        return Ok(());
    }
    let mut record = record.clone();
    record.prev = prev;
    let line = serde_json::to_string(&record)
        .map_err(|e| JournalError::Database(format!("a record did not serialize: {e}")))?;
    let hash = line_hash(&line);
    tx.execute(
        "INSERT INTO gonogo_record (release, environment, seq, line, hash, id) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[key[0], key[1], &(seq + 1), &line, &hash, &id],
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
