//! The simulator's one piece of mutable state: traffic, the regression, and what was asked of it.

use super::scenario::Scenario;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A webhook call as the simulator received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    pub path: String,
    pub body: String,
    pub idempotency_key: Option<String>,
    /// Every header, lower-case names.
    pub headers: Vec<(String, String)>,
}

/// What a test can see of the simulator.
#[derive(Debug, Clone, PartialEq)]
pub struct SimState {
    /// The live traffic share of the canary, in percent.
    pub traffic: f64,
    pub promotes: u32,
    pub rollbacks: u32,
    /// The canary is regressing right now.
    pub regressing: bool,
    /// Webhook calls, oldest first (the last 100).
    pub hooks: Vec<Hook>,
}

/// The series the simulated Prometheus knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    CanaryErrorRatio,
    BaselineErrorRatio,
    CanaryP95,
    BaselineP95,
    FailedHealthChecks,
    /// The canary's requests over the last minute: the evidence behind its error rate.
    CanaryRequests,
}

const HOOKS_KEPT: usize = 100;

pub(super) struct World {
    pub scenario: Scenario,
    started: Instant,
    traffic: f64,
    /// A rollback ended the regression for good.
    recovered: bool,
    promotes: u32,
    rollbacks: u32,
    hooks: Vec<Hook>,
    /// The canary's requests were asked for: the first answer is cold, however late it comes.
    requests_asked: bool,
    /// Answers already given, by idempotency key: a retried call is answered, not repeated.
    answered: HashMap<String, Value>,
    rng: SmallRng,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("traffic", &self.traffic)
            .field("recovered", &self.recovered)
            .finish_non_exhaustive()
    }
}

pub(super) type Shared = Arc<Mutex<World>>;

pub(super) fn lock(shared: &Shared) -> MutexGuard<'_, World> {
    // A handler that panicked mid-update leaves plain numbers behind; keep serving.
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

impl World {
    pub fn new(scenario: Scenario) -> Self {
        World {
            traffic: scenario.start_traffic,
            scenario,
            started: Instant::now(),
            recovered: false,
            promotes: 0,
            rollbacks: 0,
            hooks: Vec::new(),
            requests_asked: false,
            answered: HashMap::new(),
            rng: SmallRng::from_os_rng(),
        }
    }

    pub fn started(&self) -> Instant {
        self.started
    }

    pub fn traffic(&self) -> f64 {
        self.traffic
    }

    fn regressing_for(&self) -> Option<Duration> {
        if self.recovered {
            return None;
        }
        let into = self
            .started
            .elapsed()
            .checked_sub(self.scenario.regress_after)?;
        // A regression that ends by itself.
        match self.scenario.regress_for {
            Some(lasts) if into >= lasts => None,
            _ => Some(into),
        }
    }

    /// The simulated Prometheus is still down (the first `prometheus_down_for` after start).
    pub fn prometheus_down(&self) -> bool {
        self.started.elapsed() < self.scenario.prometheus_down_for
    }

    /// The series' value now, with a little noise (none on counts).
    pub fn value(&mut self, series: Series) -> f64 {
        let canary = self.scenario.canary(self.regressing_for());
        let raw = match series {
            Series::CanaryErrorRatio => canary.error_ratio,
            Series::BaselineErrorRatio => self.scenario.baseline_error_ratio,
            Series::CanaryP95 => canary.p95_seconds,
            // The baseline never regresses: its p95 is the healthy canary's.
            Series::BaselineP95 => self.scenario.healthy.p95_seconds,
            Series::FailedHealthChecks => return 0.0,
            Series::CanaryRequests => {
                let first = !std::mem::replace(&mut self.requests_asked, true);
                return match first {
                    true => self.scenario.cold_requests,
                    false => self.scenario.requests(self.started.elapsed()),
                };
            }
        };
        let n = self.scenario.noise.abs();
        if n == 0.0 {
            return raw;
        }
        raw * (1.0 + self.rng.random_range(-n..=n))
    }

    /// Record a webhook call; returns the earlier answer when its idempotency key was seen.
    pub fn record(&mut self, hook: Hook) -> Option<Value> {
        let earlier = hook
            .idempotency_key
            .as_ref()
            .and_then(|k| self.answered.get(k).cloned());
        if self.hooks.len() == HOOKS_KEPT {
            self.hooks.remove(0);
        }
        self.hooks.push(hook);
        earlier
    }

    pub fn remember(&mut self, key: Option<String>, answer: &Value) {
        if let Some(k) = key {
            self.answered.insert(k, answer.clone());
        }
    }

    pub fn promote(&mut self) -> f64 {
        self.promotes += 1;
        self.traffic = self.scenario.next_step(self.traffic);
        self.traffic
    }

    /// The rollout moved by hand, outside the deploy system's webhooks.
    pub fn set_traffic(&mut self, traffic: f64) {
        self.traffic = traffic;
    }

    pub fn rollback(&mut self) {
        self.rollbacks += 1;
        self.traffic = 0.0;
        self.recovered = true;
    }

    pub fn snapshot(&self) -> SimState {
        SimState {
            traffic: self.traffic,
            promotes: self.promotes,
            rollbacks: self.rollbacks,
            regressing: self.regressing_for().is_some(),
            hooks: self.hooks.clone(),
        }
    }
}
