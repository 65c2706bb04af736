//! One task per source: poll, send the observation, wait for the next turn.
//!
//! The next poll starts one interval after the last one started (never before it finished, so
//! a slow answer cannot pile requests up), give or take 10% so sources started together drift
//! apart, on a grid of 50 ms so sources due at about the same moment go together. While a
//! source fails as a whole, the wait doubles with each failure up to a cap, and drops back to
//! the interval with the first success.

use super::{SourceClient, poll};
use crate::core::reading::{Observation, Outcome, SourceId};
use crate::setup::SourceSpec;
use chrono::Utc;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// What a poller tells whoever runs it. The app's message is made of it at the edge
/// (`impl From<Update> for app::Msg`), so sources know nothing of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// A poll ended: its readings or why it failed, with when and how long it took.
    Observed(Observation),
}

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

/// Start polling every source on the current tokio runtime. Each poll goes to `tx` as an
/// [`Update`], in the receiver's own message type; a task ends when the receiver is gone.
pub fn spawn_pollers<M>(sources: &[SourceSpec], client: &SourceClient, tx: Sender<M>) -> Pollers
where
    M: From<Update> + Send + 'static,
{
    let epoch = Instant::now();
    let tasks = sources
        .iter()
        .enumerate()
        .map(|(id, spec)| tokio::spawn(run(id, spec.clone(), client.clone(), tx.clone(), epoch)))
        .collect();
    Pollers { tasks }
}

async fn run<M: From<Update>>(
    id: SourceId,
    spec: SourceSpec,
    client: SourceClient,
    tx: Sender<M>,
    epoch: Instant,
) {
    let mut rng = SmallRng::from_os_rng();
    let mut notes: Vec<String> = Vec::new();
    let mut seq = 0u64;
    let mut failures = 0u32;
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
        failures = match polled.outcome {
            Outcome::Failed(_) => failures.saturating_add(1),
            Outcome::Readings(_) => 0,
        };
        let observation = Observation {
            source: id,
            seq,
            at: Utc::now(),
            latency,
            outcome: polled.outcome,
        };
        if tx.send(Update::Observed(observation).into()).await.is_err() {
            return;
        }
        let wait = backoff(spec.interval, failures);
        let step = GRID.min(spec.interval / 20);
        tokio::time::sleep_until(on_grid(started + jittered(wait, &mut rng), epoch, step)).await;
    }
}

/// The longest wait between polls of a failing source, whatever its interval.
pub const BACKOFF_CAP: Duration = Duration::from_secs(300);

/// How long to wait after `failures` failed polls in a row: the interval, doubled per failure
/// after the first, up to 8 × the interval or `BACKOFF_CAP`, whichever is less (and never
/// less than the interval). One failure alone does not slow a source down: a single lost
/// answer is common, and its condition turns unknown only when the value goes stale.
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(3);
    let cap = (interval * 8).min(BACKOFF_CAP).max(interval);
    (interval * (1u32 << doublings)).min(cap)
}

/// Polls start on a grid of this step from the moment polling began (or of a twentieth of the
/// interval, when that is less), so sources due at about the same moment are polled together
/// and their answers handled in one wake-up rather than one each. With 1,000 queries a second
/// this halves the CPU the polls cost; each poll moves by at most half a step.
pub const GRID: Duration = Duration::from_millis(50);

/// The point of the grid of `step` (counted from `epoch`) nearest to `at`.
fn on_grid(at: Instant, epoch: Instant, step: Duration) -> Instant {
    let step = step.as_nanos().max(1);
    let since = at.saturating_duration_since(epoch).as_nanos();
    let points = (since + step / 2) / step;
    epoch + Duration::from_nanos(u64::try_from(points * step).unwrap_or(u64::MAX))
}

/// The wait give or take 10%, so sources started together do not stay in step.
fn jittered(wait: Duration, rng: &mut impl Rng) -> Duration {
    wait.mul_f64(rng.random_range(0.9..=1.1))
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

    #[test]
    fn polls_land_on_the_grid_nearest_their_time() {
        let epoch = Instant::now();
        let ms = Duration::from_millis;
        let step = GRID;
        for (at, want) in [(0, 0), (24, 0), (25, 50), (1_012, 1_000), (1_049, 1_050)] {
            assert_eq!(
                on_grid(epoch + ms(at), epoch, step),
                epoch + ms(want),
                "{at} ms"
            );
        }
        // Within half a step of the time asked for, so the ±10% window holds to 25 ms.
        let mut rng = SmallRng::seed_from_u64(3);
        for _ in 0..500 {
            let at = epoch + jittered(Duration::from_secs(1), &mut rng);
            let got = on_grid(at, epoch, step);
            let off = if got > at { got - at } else { at - got };
            assert!(off <= step / 2);
            assert_eq!((got - epoch).as_millis() % 50, 0);
        }
    }

    #[test]
    fn a_failing_source_backs_off_to_a_cap_and_a_success_resets_it() {
        let s = Duration::from_secs;
        let waits: Vec<Duration> = (0..7).map(|f| backoff(s(5), f)).collect();
        assert_eq!(waits, [s(5), s(5), s(10), s(20), s(40), s(40), s(40)]);
        assert_eq!(backoff(s(60), 10), BACKOFF_CAP, "never more than the cap");
        assert_eq!(
            backoff(s(600), 10),
            s(600),
            "never less than the interval, even past the cap"
        );
        assert_eq!(backoff(s(5), u32::MAX), s(40), "no overflow");
    }
}
