//! What the simulated release does over time: healthy at first, then the canary regresses
//! until someone rolls it back.

use std::time::Duration;

/// The canary's health at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Health {
    /// Share of requests answered 5xx, 0..1.
    pub error_ratio: f64,
    /// 95th percentile latency in seconds.
    pub p95_seconds: f64,
}

/// The demo's story. With the demo config (30s bakes, 6s persistence) the verdict goes HOLD
/// while the canary bakes, GO once it has, and ROLLBACK ADVISED a few seconds after the
/// regression starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// How long after the simulator starts the canary begins to regress.
    pub regress_after: Duration,
    /// How long the regression lasts before it ends by itself; `None`: until a rollback.
    pub regress_for: Option<Duration>,
    /// How long after start the simulated Prometheus answers 503 (a source down at start).
    pub prometheus_down_for: Duration,
    /// How long the regression takes to reach its full height.
    pub ramp: Duration,
    pub healthy: Health,
    pub regressed: Health,
    /// The baseline's error ratio; the baseline never regresses.
    pub baseline_error_ratio: f64,
    /// The canary's requests over the last minute once it is warm, and while it is cold: it
    /// starts with too little traffic to judge (minimum evidence) for `warmup`.
    pub canary_requests: f64,
    pub cold_requests: f64,
    pub warmup: Duration,
    /// Relative noise on every value (0.1 is ±10%).
    pub noise: f64,
    /// The traffic shares a promote steps through, in percent.
    pub plan: Vec<f64>,
    /// Where traffic stands when the simulator starts.
    pub start_traffic: f64,
    /// The commit CI built, as the `head_sha` it answers for.
    pub commit: String,
    pub run_title: String,
    /// The feature flag carrying the release.
    pub flag: String,
    /// How long the promote and rollback webhooks take to answer: a slow deploy system, to
    /// see an action in flight or (past the action's timeout) an outcome unknown.
    pub webhook_delay: Duration,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            regress_after: Duration::from_secs(70),
            regress_for: None,
            prometheus_down_for: Duration::ZERO,
            ramp: Duration::from_secs(5),
            healthy: Health {
                error_ratio: 0.004,
                p95_seconds: 0.18,
            },
            regressed: Health {
                error_ratio: 0.05,
                p95_seconds: 0.65,
            },
            baseline_error_ratio: 0.004,
            // Past the demo's minimum of 500 by the second poll (2 s, give or take 10%), so
            // the first seconds say "not enough traffic" and the bakes start a poll later.
            canary_requests: 1200.0,
            cold_requests: 37.0,
            warmup: Duration::from_millis(1500),
            noise: 0.1,
            plan: vec![1.0, 5.0, 10.0, 25.0, 50.0, 100.0],
            start_traffic: 1.0,
            commit: "9f2c1ab".into(),
            run_title: "CHG-4821 checkout v2".into(),
            flag: "checkout-v2".into(),
            webhook_delay: Duration::ZERO,
        }
    }
}

impl Scenario {
    /// The canary's health `regressing_for` into the regression, or healthy when there is none.
    pub fn canary(&self, regressing_for: Option<Duration>) -> Health {
        let Some(t) = regressing_for else {
            return self.healthy;
        };
        let k = if self.ramp.is_zero() {
            1.0
        } else {
            (t.as_secs_f64() / self.ramp.as_secs_f64()).min(1.0)
        };
        let mix = |a: f64, b: f64| a + (b - a) * k;
        Health {
            error_ratio: mix(self.healthy.error_ratio, self.regressed.error_ratio),
            p95_seconds: mix(self.healthy.p95_seconds, self.regressed.p95_seconds),
        }
    }

    /// The canary's requests over the last minute, `since` the simulator started: cold until
    /// the warmup is over. (The simulator answers the first question cold whenever it comes.)
    pub fn requests(&self, since: Duration) -> f64 {
        if since < self.warmup {
            self.cold_requests
        } else {
            self.canary_requests
        }
    }

    /// The next traffic share after `current`: the first step of the plan above it.
    pub fn next_step(&self, current: f64) -> f64 {
        self.plan
            .iter()
            .copied()
            .find(|s| *s > current + 1e-9)
            .unwrap_or(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_regression_climbs_then_holds() {
        let s = Scenario::default();
        assert_eq!(s.canary(None), s.healthy);
        assert_eq!(s.canary(Some(Duration::ZERO)), s.healthy);
        let half = s.canary(Some(s.ramp / 2));
        assert!(
            half.error_ratio > s.healthy.error_ratio && half.error_ratio < s.regressed.error_ratio
        );
        assert_eq!(s.canary(Some(s.ramp * 3)), s.regressed);
    }

    #[test]
    fn the_canary_starts_cold_and_warms_up() {
        let s = Scenario::default();
        assert_eq!(s.requests(Duration::ZERO), 37.0);
        assert_eq!(s.requests(Duration::from_millis(1400)), 37.0);
        assert_eq!(s.requests(Duration::from_secs(2)), 1200.0);
    }

    #[test]
    fn promotes_walk_the_plan_and_stop_at_the_end() {
        let s = Scenario::default();
        assert_eq!(s.next_step(0.0), 1.0);
        assert_eq!(s.next_step(1.0), 5.0);
        assert_eq!(s.next_step(50.0), 100.0);
        assert_eq!(s.next_step(100.0), 100.0);
    }
}
