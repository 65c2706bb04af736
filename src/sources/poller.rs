//! One task per source: poll, send the observation, wait for the next turn.

use super::{SourceClient, poll};
use crate::app::Msg;
use crate::core::reading::{Observation, SourceId};
use crate::setup::SourceSpec;
use chrono::Utc;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The running poll tasks; dropping this stops them all.
#[derive(Debug)]
pub struct Pollers {
    tasks: Vec<JoinHandle<()>>,
}

impl Pollers {
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

impl Drop for Pollers {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Start polling every source on the current tokio runtime. Observations go to `tx`; a task
/// ends when the receiver is gone.
pub fn spawn_pollers(sources: &[SourceSpec], client: &SourceClient, tx: Sender<Msg>) -> Pollers {
    let tasks = sources
        .iter()
        .enumerate()
        .map(|(id, spec)| tokio::spawn(run(id, spec.clone(), client.clone(), tx.clone())))
        .collect();
    Pollers { tasks }
}

async fn run(id: SourceId, spec: SourceSpec, client: SourceClient, tx: Sender<Msg>) {
    let mut rng = SmallRng::from_os_rng();
    let mut notes: Vec<String> = Vec::new();
    let mut seq = 0u64;
    loop {
        let started = Instant::now();
        let polled = poll(&client, &spec).await;
        let latency = started.elapsed();
        seq += 1;
        for note in &polled.notes {
            if !notes.contains(note) {
                tracing::warn!(source = %spec.name, "{note}");
            }
        }
        notes = polled.notes;
        let observation = Observation {
            source: id,
            seq,
            at: Utc::now(),
            latency,
            outcome: polled.outcome,
        };
        if tx.send(Msg::Observation(observation)).await.is_err() {
            return;
        }
        // The next poll starts one interval after this one started, never before it finished.
        tokio::time::sleep_until(started + jittered(spec.interval, &mut rng)).await;
    }
}

/// The interval give or take 10%, so sources started together do not stay in step.
fn jittered(interval: Duration, rng: &mut impl Rng) -> Duration {
    interval.mul_f64(rng.random_range(0.9..=1.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_ten_percent() {
        let mut rng = SmallRng::seed_from_u64(7);
        let base = Duration::from_secs(10);
        let all: Vec<Duration> = (0..200).map(|_| jittered(base, &mut rng)).collect();
        assert!(
            all.iter()
                .all(|d| *d >= Duration::from_secs(9) && *d <= Duration::from_secs(11))
        );
        assert!(all.iter().any(|d| *d != base), "some jitter happens");
    }
}
