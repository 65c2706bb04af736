//! One driver per release across machines: a lease row per chain names the cockpit that
//! drives (`user@host`, since when) and carries its heartbeat. The first cockpit takes it; the
//! others open as watchers naming the driver. A driver that stops beating (a crash, a lost
//! network) loses the wheel after [`TIMEOUT`]: the next cockpit to open takes it, and the old
//! driver's appends are refused from then on, so two cockpits never act on one release.

use super::JournalError;
use super::postgres::{Chain, db_error};
use crate::core::driver::Driver;
use chrono::{DateTime, Utc};
use postgres::GenericClient;
use std::time::Duration;

/// How often a driver beats.
pub const BEAT: Duration = Duration::from_secs(5);
/// How long a driver that stopped beating keeps the wheel.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The lease this cockpit holds on a chain.
#[derive(Debug, Clone)]
pub struct Lease {
    pub chain: Chain,
    /// Unique to this cockpit, so a restarted one on the same host is told apart.
    pub token: String,
    pub who: String,
    pub timeout: Duration,
}

impl Lease {
    pub fn new(chain: Chain, who: &str, timeout: Duration) -> Lease {
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
            timeout,
        }
    }
}

/// Who holds the lease, since when, and when it runs out without a beat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub driver: Driver,
    pub expires: DateTime<Utc>,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} drives since {} (the wheel is free at {} if it stops beating)",
            self.driver.who,
            self.driver.since.format("%Y-%m-%d %H:%M:%S UTC"),
            self.expires.format("%H:%M:%S UTC")
        )
    }
}

/// Take the wheel unless another cockpit holds a live lease: `Err(Driven)` names it.
pub fn take(client: &mut impl GenericClient, lease: &Lease) -> Result<(), JournalError> {
    let secs = lease.timeout.as_secs_f64();
    let taken = client
        .query_opt(
            "INSERT INTO gonogo_driver (release, environment, who, token, since, heartbeat, timeout_s) \
             VALUES ($1, $2, $3, $4, now(), now(), $5) \
             ON CONFLICT (release, environment) DO UPDATE \
             SET who = EXCLUDED.who, token = EXCLUDED.token, since = now(), heartbeat = now(), \
                 timeout_s = EXCLUDED.timeout_s \
             WHERE gonogo_driver.token = EXCLUDED.token \
                OR gonogo_driver.heartbeat < now() - make_interval(secs => gonogo_driver.timeout_s) \
             RETURNING token",
            &[
                &lease.chain.release,
                &lease.chain.environment,
                &lease.who,
                &lease.token,
                &secs,
            ],
        )
        .map_err(|e| db_error(&e))?;
    if taken.is_some() {
        return Ok(());
    }
    match holder(client, &lease.chain)? {
        Some(holder) => Err(JournalError::Driven(holder)),
        None => Err(JournalError::Database(
            "the driver's lease vanished; try again".into(),
        )),
    }
}

/// The cockpit that holds `chain`'s lease, if any.
pub fn holder(
    client: &mut impl GenericClient,
    chain: &Chain,
) -> Result<Option<Holder>, JournalError> {
    let row = client
        .query_opt(
            "SELECT who, since, heartbeat + make_interval(secs => timeout_s) \
             FROM gonogo_driver WHERE release = $1 AND environment = $2",
            &[&chain.release, &chain.environment],
        )
        .map_err(|e| db_error(&e))?;
    Ok(row.map(|r| {
        let (since, expires): (std::time::SystemTime, std::time::SystemTime) = (r.get(1), r.get(2));
        Holder {
            driver: Driver {
                who: r.get(0),
                since: since.into(),
            },
            expires: expires.into(),
        }
    }))
}

/// Beat, or learn the wheel was lost to another cockpit (`Driven`).
pub fn beat(client: &mut impl GenericClient, lease: &Lease) -> Result<(), JournalError> {
    let n = client
        .execute(
            "UPDATE gonogo_driver SET heartbeat = now() \
             WHERE release = $1 AND environment = $2 AND token = $3",
            &[&lease.chain.release, &lease.chain.environment, &lease.token],
        )
        .map_err(|e| db_error(&e))?;
    if n == 1 {
        return Ok(());
    }
    lost(client, lease)
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

/// Give the wheel up on a clean stop.
pub fn release(client: &mut impl GenericClient, lease: &Lease) -> Result<(), JournalError> {
    client
        .execute(
            "DELETE FROM gonogo_driver WHERE release = $1 AND environment = $2 AND token = $3",
            &[&lease.chain.release, &lease.chain.environment, &lease.token],
        )
        .map_err(|e| db_error(&e))
        .map(|_| ())
}
