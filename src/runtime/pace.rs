//! When to draw. A change is drawn at once while the frame budget lasts; the budget refills at
//! `RATE` frames a second and holds at most `BURST`, so a quiet cockpit draws every change
//! without delay and a flood of messages is coalesced to about `RATE` frames a second. Input
//! (keys, paste, resize) is drawn at once whatever the budget says: the operator is waiting.

use std::time::{Duration, Instant};

pub const RATE: f64 = 15.0;
pub const BURST: f64 = 3.0;

#[derive(Debug, Clone)]
pub struct Pacer {
    tokens: f64,
    at: Instant,
}

impl Pacer {
    pub fn new(now: Instant) -> Pacer {
        Pacer {
            tokens: BURST,
            at: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let earned = now.saturating_duration_since(self.at).as_secs_f64() * RATE;
        self.tokens = (self.tokens + earned).min(BURST);
        self.at = now;
    }

    /// How long to wait before the next frame may be drawn; zero when it may be drawn now.
    pub fn wait(&mut self, now: Instant) -> Duration {
        self.refill(now);
        if self.tokens >= 1.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - self.tokens) / RATE)
        }
    }

    /// A frame was drawn at `now`.
    pub fn drew(&mut self, now: Instant) {
        self.refill(now);
        self.tokens = (self.tokens - 1.0).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_quiet_cockpit_draws_every_change_at_once() {
        let t0 = Instant::now();
        let mut p = Pacer::new(t0);
        // A tick, then an observation 10 ms later, then another 30 ms after: all at once.
        for at in [0, 10, 40] {
            assert_eq!(p.wait(t0 + ms(at)), Duration::ZERO, "at {at} ms");
            p.drew(t0 + ms(at));
        }
        // A second later the budget is full again.
        assert_eq!(p.wait(t0 + ms(1040)), Duration::ZERO);
    }

    #[test]
    fn a_flood_is_held_to_the_rate() {
        let t0 = Instant::now();
        let mut p = Pacer::new(t0);
        let mut now = t0;
        let mut frames = 0;
        // Draw as often as allowed for two seconds.
        while now < t0 + Duration::from_secs(2) {
            let w = p.wait(now);
            if w.is_zero() {
                p.drew(now);
                frames += 1;
                now += ms(1);
            } else {
                now += w;
            }
        }
        let most = (2.0 * RATE + BURST) as usize + 1;
        assert!(
            frames <= most && frames >= 2 * RATE as usize,
            "{frames} frames"
        );
    }
}
