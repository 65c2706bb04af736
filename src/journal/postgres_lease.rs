//! One driver per release across machines. The driver holds a session-level advisory lock on
//! a key of its release and environment for as long as it drives, on the connection it appends
//! with; a row in `gonogo_driver` names it (`user@host`, since when) and carries its token, which
//! every append checks (`FOR SHARE`), so a cockpit that lost the wheel can never append again.
//!
//! Liveness is the connection itself, not a heartbeat: no query runs while nothing happens. A
//! driver killed with -9 closes its socket and the server frees the lock at once; a driver
//! whose network is lost is cut off by TCP keepalives (both ends, set in
//! [`super::postgres::connect`]) after about [`TIMEOUT`]. Keepalive probes are not queries.

use super::JournalError;
use super::postgres::{Chain, db_error};
use crate::core::driver::Driver;
use postgres::GenericClient;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

/// How long a driver out of contact keeps the wheel: the keepalives' idle time plus their
/// probes (10 s + 4 × 5 s).
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// TCP keepalives: idle time before the first probe, the gap between probes, how many.
pub const KEEPALIVE_IDLE: Duration = Duration::from_secs(10);
pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(5);
pub const KEEPALIVE_PROBES: u32 = 4;

/// The channel a change of driver is notified on, with the chain's key as payload.
pub const CHANNEL: &str = "gonogo_wheel";

/// The lease this cockpit holds on a chain.
#[derive(Debug, Clone)]
pub struct Lease {
    pub chain: Chain,
    /// Unique to this cockpit, so a restarted one on the same host is told apart.
    pub token: String,
    pub who: String,
}

impl Lease {
    pub fn new(chain: Chain, who: &str) -> Lease {
        let token = format!(
            "{who}/{}/{:016x}",
            std::process::id(),
            rand::RngCore::next_u64(
                &mut <rand::rngs::SmallRng as rand::SeedableRng>::from_os_rng()
            )
        );
        Lease {
            chain,
            token,
            who: who.into(),
        }
    }
}

/// The advisory lock's key for `chain`: the first 8 bytes of a SHA-256 of its name.
pub fn key(chain: &Chain) -> i64 {
    let digest = Sha256::digest(format!("gonogo wheel {}", chain.key()));
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// Who holds the lease, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub driver: Driver,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} drives since {} (the wheel passes when that cockpit is gone, or out of contact for {} s)",
            self.driver.who,
            self.driver.since.format("%Y-%m-%d %H:%M:%S UTC"),
            TIMEOUT.as_secs()
        )
    }
}

/// Take the wheel unless another cockpit holds it: `Err(Driven)` names it. The lock and the
/// row are taken in one statement, and the change is notified on [`CHANNEL`].
pub fn take(client: &mut impl GenericClient, lease: &Lease) -> Result<(), JournalError> {
    let k = key(&lease.chain);
    // Watchers hold the lock shared for an instant when the wheel passes: tried again then.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let taken = client
            .query_opt(
                "WITH taken AS ( \
                   INSERT INTO gonogo_driver \
                     (release, environment, who, token, since, heartbeat, timeout_s) \
                   SELECT $1, $2, $3, $4, now(), now(), $5 WHERE pg_try_advisory_lock($6) \
                   ON CONFLICT (release, environment) DO UPDATE \
                   SET who = EXCLUDED.who, token = EXCLUDED.token, since = now(), \
                       heartbeat = now(), timeout_s = EXCLUDED.timeout_s \
                   RETURNING token) \
                 SELECT token, pg_notify($7, $8) FROM taken",
                &[
                    &lease.chain.release,
                    &lease.chain.environment,
                    &lease.who,
                    &lease.token,
                    &TIMEOUT.as_secs_f64(),
                    &k,
                    &CHANNEL,
                    &lease.chain.key(),
                ],
            )
            .map_err(|e| db_error(&e))?;
        if taken.is_some() {
            return Ok(());
        }
        let held = driving(client, k)?;
        if held || Instant::now() > deadline {
            return match holder(client, &lease.chain)? {
                Some(holder) if held => Err(JournalError::Driven(holder)),
                _ => Err(JournalError::Database(
                    "another cockpit is taking the wheel; try again".into(),
                )),
            };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a cockpit holds the wheel of key `k` (the lock taken exclusively).
fn driving(client: &mut impl GenericClient, k: i64) -> Result<bool, JournalError> {
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
               AND classid::bigint = (($1::bigint >> 32) & 4294967295) \
               AND objid::bigint = ($1::bigint & 4294967295) AND objsubid = 1 \
               AND mode = 'ExclusiveLock' AND granted)",
            &[&k],
        )
        .map_err(|e| db_error(&e))?;
    Ok(row.get(0))
}

/// On a new connection after the old one was lost: take the lock again, and go on only while
/// the row still names this cockpit. The server may still hold the old connection (it has not
/// seen it go yet): that connection is ended, so the lock comes to this one and watchers are
/// not told the wheel is free while its driver is back. Where the role may not end it, the
/// token keeps the appends fenced until the server lets it go.
pub fn retake(client: &mut impl GenericClient, lease: &Lease) -> Result<(), JournalError> {
    let k = key(&lease.chain);
    let try_lock = |client: &mut _| -> Result<bool, JournalError> {
        let row = GenericClient::query_one(client, "SELECT pg_try_advisory_lock($1)", &[&k]);
        Ok(row.map_err(|e| db_error(&e))?.get(0))
    };
    let mut got = try_lock(client)?;
    let row = client
        .query_opt(
            "SELECT token FROM gonogo_driver WHERE release = $1 AND environment = $2",
            &[&lease.chain.release, &lease.chain.environment],
        )
        .map_err(|e| db_error(&e))?;
    if row.is_some_and(|r| r.get::<_, String>(0) == lease.token) {
        if !got {
            let ended = client.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' \
                   AND classid::bigint = (($1::bigint >> 32) & 4294967295) \
                   AND objid::bigint = ($1::bigint & 4294967295) AND objsubid = 1 \
                   AND mode = 'ExclusiveLock' AND granted AND pid <> pg_backend_pid()",
                &[&k],
            );
            if let Err(e) = ended {
                tracing::warn!("ending this cockpit's old connection: {}", db_error(&e));
            }
            let deadline = Instant::now() + Duration::from_secs(2);
            while !got && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
                got = try_lock(client)?;
            }
        }
        if got {
            // Watchers that saw the wheel free meanwhile look again.
            client
                .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &lease.chain.key()])
                .map_err(|e| db_error(&e))?;
        }
        return Ok(());
    }
    if got {
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&k])
            .map_err(|e| db_error(&e))?;
    }
    lost(client, lease)
}

/// The cockpit the lease row names for `chain`, if any.
pub fn holder(
    client: &mut impl GenericClient,
    chain: &Chain,
) -> Result<Option<Holder>, JournalError> {
    let row = client
        .query_opt(
            "SELECT who, since FROM gonogo_driver WHERE release = $1 AND environment = $2",
            &[&chain.release, &chain.environment],
        )
        .map_err(|e| db_error(&e))?;
    Ok(row.map(|r| {
        let since: std::time::SystemTime = r.get(1);
        Holder {
            driver: Driver {
                who: r.get(0),
                since: since.into(),
            },
        }
    }))
}

/// Inside an append's transaction: the lease is still this cockpit's (held `FOR SHARE` until
/// the commit, so it cannot pass to another mid-append).
pub fn check(client: &mut impl GenericClient, lease: &Lease) -> Result<(), JournalError> {
    let row = client
        .query_opt(
            "SELECT token FROM gonogo_driver WHERE release = $1 AND environment = $2 FOR SHARE",
            &[&lease.chain.release, &lease.chain.environment],
        )
        .map_err(|e| db_error(&e))?;
    if row.is_some_and(|r| r.get::<_, String>(0) == lease.token) {
        return Ok(());
    }
    lost(client, lease)
}

fn lost(client: &mut impl GenericClient, lease: &Lease) -> Result<(), JournalError> {
    match holder(client, &lease.chain)? {
        Some(h) => Err(JournalError::Driven(h)),
        None => Err(JournalError::Database(
            "this cockpit no longer drives: its lease was given up".into(),
        )),
    }
}

/// Give the wheel up (a clean stop, or a handover): the row and the lock, notified.
pub fn release(client: &mut impl GenericClient, lease: &Lease) -> Result<(), JournalError> {
    client
        .execute(
            "DELETE FROM gonogo_driver WHERE release = $1 AND environment = $2 AND token = $3",
            &[&lease.chain.release, &lease.chain.environment, &lease.token],
        )
        .map_err(|e| db_error(&e))?;
    client
        .execute(
            "SELECT pg_advisory_unlock($1), pg_notify($2, $3)",
            &[&key(&lease.chain), &CHANNEL, &lease.chain.key()],
        )
        .map_err(|e| db_error(&e))
        .map(|_| ())
}
