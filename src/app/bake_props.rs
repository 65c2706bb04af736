//! A property of the whole cockpit, over random runs: GO never appears unless the current stage
//! has shown its bake of verified healthy time since its last breach.
//!
//! Each run (seeded, thousands of steps) mixes healthy stretches, source outages, silence
//! (stale data), breaches confirmed after their persistence, drift, restarts (a fresh state
//! rebuilt from the journal the run produced, as the runtime does at start, after a kill or a
//! clean quit) and clock steps forward and back. An oracle, written from the definition alone,
//! counts verified healthy time: a one-second step counts when the data was fresh, under its
//! threshold and the live share matched the stage at both ends, within one process's life.

use super::testkit::{context, setup, t};
use super::{Boot, Effect, Key, Msg, State, update};
use crate::core::condition::Persistence;
use crate::core::reading::{Observation, Outcome, Reading};
use crate::core::record::Record;
use crate::core::verdict::VerdictKind;
use chrono::FixedOffset;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;

const BAKE: i64 = 60;
const LIMIT: f64 = 0.02;
const CONFIRM: u32 = 2;
/// Older than this a value is stale (the sources' staleness limit).
const STALE: i64 = 15;

/// What the sources do for a while.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Healthy,
    /// Prometheus answers with errors.
    Outage,
    /// Nothing answers: data goes stale.
    Silent,
    /// The error rate is over its limit.
    Breach,
    /// The flag reports a share that matches no stage.
    Drift,
    /// Mostly healthy with single noisy samples over the limit.
    Noisy,
}

/// Verified healthy time by the definition, independent of the cockpit's code.
#[derive(Debug, Default)]
struct Oracle {
    /// The latest error rate and share: when, and the value (None: the poll failed).
    rate: Option<(i64, Option<f64>)>,
    share: Option<(i64, Option<f64>)>,
    /// Consecutive good samples over the limit; a breach once it reaches `CONFIRM`.
    over: u32,
    entered: bool,
    /// Healthy at the end of the previous second (false across restarts and clock steps).
    was_healthy: bool,
    earned: i64,
}

impl Oracle {
    fn fresh(at: Option<(i64, Option<f64>)>, now: i64) -> Option<f64> {
        let (when, value) = at?;
        ((now - when).max(0) <= STALE).then_some(value).flatten()
    }

    fn healthy(&self, now: i64) -> bool {
        self.entered
            && Self::fresh(self.rate, now).is_some_and(|r| r <= LIMIT)
            && Self::fresh(self.share, now) == Some(1.0)
    }

    fn rate(&mut self, now: i64, value: Option<f64>) {
        self.rate = Some((now, value));
        match value {
            Some(v) if v > LIMIT => {
                self.over += 1;
                if self.over == CONFIRM {
                    self.earned = 0; // a breach: the bake starts again from zero
                }
            }
            Some(_) => self.over = 0,
            None => {}
        }
    }

    fn share(&mut self, now: i64, value: Option<f64>) {
        self.share = Some((now, value));
        if value == Some(1.0) {
            self.entered = true;
        }
    }

    /// A new process: it knows no samples; nothing counts across.
    fn restart(&mut self) {
        *self = Oracle {
            entered: self.entered,
            earned: self.earned,
            ..Oracle::default()
        };
    }
}

struct Run {
    rng: SmallRng,
    now: i64,
    seq: u64,
    state: State,
    journal: Vec<Record>,
    oracle: Oracle,
    mode: Mode,
    gos: u32,
}

/// A cockpit started at `now` from `journal`, as the runtime starts one.
fn cockpit(journal: &mut Vec<Record>, now: i64) -> State {
    let mut setup = setup();
    setup.conditions[0].persistence = Persistence::Samples(CONFIRM);
    let boot = Boot {
        setup,
        context: context(),
        journal,
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only: false,
    };
    let (s, fx) = boot.start(t(now));
    journal.extend(records(fx));
    s
}

fn records(fx: Vec<Effect>) -> Vec<Record> {
    fx.into_iter()
        .filter_map(|e| match e {
            Effect::Journal(r) => Some(*r),
            _ => None,
        })
        .collect()
}

impl Run {
    fn new(seed: u64) -> Run {
        let mut journal = Vec::new();
        let state = cockpit(&mut journal, 0);
        Run {
            rng: SmallRng::seed_from_u64(seed),
            now: 0,
            seq: 0,
            state,
            journal,
            oracle: Oracle::default(),
            mode: Mode::Healthy,
            gos: 0,
        }
    }

    fn send(&mut self, msg: Msg) {
        let fx = update(&mut self.state, msg, t(self.now));
        self.journal.extend(records(fx));
        let kind = self.state.release.eval.verdict.kind;
        if matches!(kind, VerdictKind::Go | VerdictKind::Complete) {
            self.gos += 1;
            assert!(
                self.oracle.earned >= BAKE,
                "{} at {}s with {}s of verified healthy time (cockpit: {:?}); mode {:?}",
                kind.label(),
                self.now,
                self.oracle.earned,
                self.state.release.eval.bake,
                self.mode
            );
        }
    }

    fn poll(&mut self, source: usize, reading: Option<Reading>) {
        self.seq += 1;
        let sig = if source == 0 { 0 } else { 1 };
        let outcome = match reading {
            Some(r) => Outcome::Readings(vec![(sig, r)]),
            None => Outcome::Failed("connection refused".into()),
        };
        self.send(Msg::Observation(Observation {
            source,
            seq: self.seq,
            at: t(self.now),
            latency: Duration::from_millis(5),
            outcome,
        }));
    }

    fn rate(&mut self, value: Option<f64>) {
        self.oracle.rate(self.now, value);
        self.poll(0, value.map(Reading::Number));
    }

    fn share(&mut self, value: Option<f64>) {
        self.oracle.share(self.now, value);
        self.poll(1, value.map(|v| Reading::Text(v.to_string())));
    }

    /// One second of the sources doing what the mode says.
    fn second(&mut self) {
        let healthy_rate = 0.001;
        let (rate, share) = match self.mode {
            Mode::Healthy => (Some(Some(healthy_rate)), Some(Some(1.0))),
            Mode::Outage => (Some(None), Some(Some(1.0))),
            Mode::Silent => (None, None),
            Mode::Breach => (Some(Some(0.05)), Some(Some(1.0))),
            Mode::Drift => (Some(Some(healthy_rate)), Some(Some(10.0))),
            Mode::Noisy => {
                let noisy = self.rng.random_bool(0.2);
                (
                    Some(Some(if noisy { 0.05 } else { healthy_rate })),
                    Some(Some(1.0)),
                )
            }
        };
        // Sources answer about every other second; the one that matters varies.
        if let Some(r) = rate.filter(|_| self.rng.random_bool(0.5)) {
            self.rate(r);
        }
        if let Some(s) = share.filter(|_| self.rng.random_bool(0.5)) {
            self.share(s);
        }
    }

    /// Move the clock to `now`: a step of one second counts by the oracle's rule.
    fn clock(&mut self, now: i64) {
        let healthy_before = self.oracle.was_healthy;
        if now == self.now + 1 && healthy_before && self.oracle.healthy(now) {
            self.oracle.earned += 1;
        }
        self.now = now;
        self.send(Msg::Tick);
    }

    fn end_of_second(&mut self) {
        self.oracle.was_healthy = self.oracle.healthy(self.now);
    }

    fn restart(&mut self) {
        if self.rng.random_bool(0.5) {
            self.send(Msg::Key(Key::Char('q')));
        }
        self.now += self.rng.random_range(0..=120);
        self.oracle.restart();
        self.state = cockpit(&mut self.journal, self.now);
    }

    fn step(&mut self) {
        if self.rng.random_bool(0.04) {
            self.mode = match self.rng.random_range(0..10) {
                0..=3 => Mode::Healthy,
                4 => Mode::Outage,
                5 => Mode::Silent,
                6 => Mode::Breach,
                7 => Mode::Drift,
                _ => Mode::Noisy,
            };
        }
        match self.rng.random_range(0..1000) {
            0..10 => {
                let jump = self.rng.random_range(6..=120);
                self.oracle.was_healthy = false;
                self.clock(self.now + jump);
            }
            10..20 => {
                let back = self.rng.random_range(1..=120);
                self.oracle.was_healthy = false;
                self.clock(self.now - back);
            }
            20..28 => {
                self.restart();
                self.oracle.was_healthy = false;
                self.clock(self.now);
            }
            _ => self.clock(self.now + 1),
        }
        self.second();
        self.end_of_second();
    }
}

#[test]
fn go_appears_only_after_a_whole_bake_of_verified_healthy_time_since_the_last_breach() {
    let mut gos = 0;
    for seed in 0..16 {
        let mut run = Run::new(seed);
        for _ in 0..4000 {
            run.step();
        }
        gos += run.gos;
    }
    assert!(
        gos > 100,
        "the runs reached GO only {gos} times: too few to tell"
    );
}
