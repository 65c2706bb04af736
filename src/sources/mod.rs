//! Sources: where readings come from. One shared HTTP client, one folder per provider
//! (`providers`, registered in `providers::PROVIDERS`), and a poller task per source that turns
//! each poll into an [`Update`].
//!
//! A source's kind is its provider, which says how a poll goes: `prometheus` runs one instant
//! query per distinct query, `http` fetches one JSON document and reads each signal by JSON
//! Pointer or jq program, and the others (Alertmanager, GitHub Actions, GitHub checks, GitLab,
//! Unleash, LaunchDarkly) read their API's answer into named fields. A source with no signals
//! (a rollback check endpoint) only has to answer 2xx.

pub mod client;
pub mod error;
mod map;
pub mod pick;
mod poller;
pub mod providers;
pub mod query;

pub use client::{DEFAULT_BODY_LIMIT, DEFAULT_PER_HOST, SourceClient};
pub use error::SourceError;
pub use poller::{BACKOFF_CAP, Pollers, Update, backoff, spawn_pollers};

use crate::core::reading::{Outcome, Reading, SignalId};
use crate::setup::SourceSpec;
use providers::{Poll, fields, http};

/// The result of one poll: what the app is told, and notes for the log file only.
#[derive(Debug, Clone, PartialEq)]
pub struct Polled {
    pub outcome: Outcome,
    /// Things worth knowing that are not failures ("2 series matched, the first is used").
    pub notes: Vec<String>,
}

impl Polled {
    fn failed(err: SourceError) -> Self {
        Polled {
            outcome: Outcome::Failed(err.to_string()),
            notes: Vec::new(),
        }
    }

    fn readings(readings: Vec<(SignalId, Reading)>) -> Self {
        Polled {
            outcome: Outcome::Readings(readings),
            notes: Vec::new(),
        }
    }
}

/// Poll a source once, with its timeout. Values a signal maps (`map = { … }`) are read by the
/// provider as they come, then mapped here, the same way for every kind.
pub async fn poll(client: &SourceClient, spec: &SourceSpec) -> Polled {
    let client = match client.for_source(spec) {
        Ok(c) => c,
        Err(e) => return Polled::failed(e),
    };
    let client = &client;
    if spec.signals.is_empty() {
        return http::check(client, spec).await;
    }
    let (spec, maps) = map::split(spec);
    let mut polled = match spec.kind.provider().poll {
        Poll::Answer(read) => fields::poll(client, &spec, read).await,
        Poll::Own(poll) => poll(client, &spec).await,
    };
    map::apply(&mut polled, &maps);
    polled
}

impl SourceError {
    /// Errors that mean the source did not answer usefully at all, as opposed to one query
    /// being wrong: when every query of a poll fails like this, the source itself is down.
    pub fn is_transport(&self) -> bool {
        !matches!(
            self,
            SourceError::Prometheus { .. }
                | SourceError::Unexpected(_)
                | SourceError::Reported(_)
                | SourceError::Program(_)
        )
    }
}
