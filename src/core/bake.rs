//! A bake is evidence, not wall-clock time (SEMANTICS.md §1): the verified healthy time of one
//! stage entry, accumulated from what the cockpit saw at each update.
//!
//! - An interval between two updates counts only when the evidence held at both ends of it,
//!   and only when it is short (`MAX_STEP`): the cockpit updates at least once a second, so a
//!   longer gap means nobody was observing (a suspended process, a forward clock jump).
//! - Unknown or stale data, drift, an unknown live share, a value over its threshold that is
//!   still being confirmed: the bake **pauses** (nothing counts, nothing earned is lost).
//!   `warn` counts: the data is fresh and no limit is crossed.
//! - A confirmed breach **restarts** it: zero while it lasts, counting again from zero after.
//! - A clock stepping backwards adds nothing; the next interval starts from the new reading.
//! - A new stage entry starts at zero; a fresh accumulator has no earlier update, so nothing
//!   counts from process start.

use super::backfill::Backfill;
use super::clock_duration;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest interval between two updates that can count: longer, nobody was observing.
pub const MAX_STEP: Duration = Duration::from_secs(5);
/// Verified time journaled at least this often, so a kill -9 loses at most about this much.
pub const MARK_EVERY: Duration = Duration::from_secs(60);
/// A pause is journaled only with at least this much verified time not yet journaled, so a
/// flapping source writes at most one record per this much verified time.
pub const MARK_PAUSE_AFTER: Duration = Duration::from_secs(10);

/// Why the bake is not counting, as a kind to decide by and words to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseCause {
    /// A stop condition has no fresh data (no sample, failing or stale source).
    NoData,
    /// A stop condition's value rests on less canary traffic than its minimum.
    NotEnoughTraffic,
    /// The tracked and observed stages disagree.
    Drift,
    /// The live traffic share cannot be told.
    TrafficUnknown,
    /// The live traffic has not yet shown the cockpit's own move.
    AwaitingMove,
    /// A value is over its threshold, not yet for long enough to be a breach.
    Confirming,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    pub cause: PauseCause,
    /// "no fresh data from prometheus"
    pub text: String,
}

/// What held at one update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// Every stop condition fresh and not breached, tracked and observed stages agree.
    Healthy,
    Paused(Pause),
    /// A stop condition is breached (after its persistence).
    Breached,
}

/// A stretch of time; `to` is `None` while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub from: DateTime<Utc>,
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
}

impl Span {
    /// "14:02–14:05 UTC", or "since 14:02 UTC" while it lasts.
    pub fn words(&self) -> String {
        match self.to {
            Some(to) => format!("{}–{} UTC", self.from.format("%H:%M"), to.format("%H:%M")),
            None => format!("since {} UTC", self.from.format("%H:%M")),
        }
    }
}

/// A bake checkpoint as journaled (`bake_checkpoint` records): what a restart rebuilds from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BakeMark {
    /// The stage entry the bake belongs to: when the stage was entered.
    pub entered_at: DateTime<Utc>,
    /// Verified healthy time of this entry since its last breach, whole seconds.
    pub verified_secs: u64,
    /// The bake the stage needs, whole seconds.
    pub bake_secs: u64,
    /// Why it does not count right now, if it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<PauseCause>,
    /// A breach is going on right now.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub breached: bool,
    /// The last breach, which restarted the bake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restarted: Option<Span>,
    /// Breaches of this stage entry so far, each of which restarted the bake: what its
    /// failure budget has spent.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub breaches: u32,
    /// Set on the checkpoint journaled when an unobserved gap was verified from history and
    /// counted: the gap and the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backfilled: Option<Backfill>,
}

/// What the screen, the verdict and `check` show of a bake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakeView {
    /// Verified time, whole seconds (so the screen changes once a second at most).
    pub verified: Duration,
    pub bake: Duration,
    pub paused: Option<Pause>,
    pub breached: bool,
    pub restarted: Option<Span>,
    /// The last time no cockpit was observing, not counted.
    pub unobserved: Option<Span>,
    /// Why `unobserved` is not counted, beyond nobody observing it ("checking prometheus
    /// history", "no data for Canary p95 latency 14:03:00–14:04:00").
    pub unobserved_why: Option<String>,
    /// The unobserved gap verified from history and counted.
    pub backfilled: Option<Backfill>,
    /// Breaches of this stage entry so far (its failure budget spent).
    pub breaches: u32,
}

impl BakeView {
    pub fn is_baked(&self) -> bool {
        self.verified >= self.bake
    }

    pub fn left(&self) -> Duration {
        self.bake.saturating_sub(self.verified)
    }

    /// Fraction baked, 0.0 to 1.0.
    pub fn progress(&self) -> f64 {
        if self.bake.is_zero() {
            return 1.0;
        }
        (self.verified.as_secs_f64() / self.bake.as_secs_f64()).clamp(0.0, 1.0)
    }

    /// Whole percent baked, rounded down: 100 only once baked.
    pub fn percent(&self) -> u64 {
        match self.bake.as_millis() {
            0 => 100,
            bake => (self.verified.as_millis() * 100 / bake).min(100) as u64,
        }
    }

    /// "00:12 verified of 00:30"
    pub fn verified_words(&self) -> String {
        format!(
            "{} verified of {}",
            clock_duration(self.verified),
            clock_duration(self.bake)
        )
    }

    /// Why the bake is not advancing, or what it left out, most telling first: "paused: no
    /// fresh data from prometheus", "restarted after breach 14:02–14:05 UTC", "not observed
    /// 14:02–14:05 UTC: not counted". None once baked, or when nothing is worth saying.
    pub fn note(&self) -> Option<String> {
        if self.is_baked() {
            return None;
        }
        if self.breached {
            return Some("restarts when the breach ends".into());
        }
        if let Some(p) = &self.paused {
            return Some(format!("paused: {}", p.text));
        }
        if let Some(r) = self.restarted.filter(|r| r.to.is_some()) {
            return Some(format!("restarted after breach {}", r.words()));
        }
        if let Some(u) = self.unobserved {
            return Some(match &self.unobserved_why {
                Some(why) => format!("not observed {}: not counted ({why})", u.words()),
                None => format!("not observed {}: not counted", u.words()),
            });
        }
        self.backfilled.as_ref().map(Backfill::words)
    }
}

/// Why a checkpoint is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkDue {
    /// Another `MARK_EVERY` of verified time.
    Progress,
    /// The bake is complete.
    Baked,
    /// The bake paused with verified time not yet journaled.
    Paused,
    /// A breach began: the bake is back at zero.
    Restarted,
    /// The breach ended: counting starts again from zero.
    BreachEnded,
    /// An unobserved gap was verified from history and counted.
    Backfilled,
    /// History shows a breach in an unobserved gap: the bake is back at zero.
    BreachInHistory,
}

/// The verified bake of one stage entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Bake {
    pub stage: usize,
    pub entered_at: DateTime<Utc>,
    pub bake: Duration,
    pub verified: Duration,
    /// The previous update: when, and whether the evidence held then.
    last: Option<(DateTime<Utc>, bool)>,
    pub paused: Option<Pause>,
    pub breached: bool,
    pub restarted: Option<Span>,
    pub unobserved: Option<Span>,
    pub unobserved_why: Option<String>,
    pub backfilled: Option<Backfill>,
    /// Breaches of this stage entry so far, each a restart of the bake.
    pub breaches: u32,
    /// Verified time as last journaled.
    pub(super) marked: Duration,
    /// Verified time as the journal left it when this cockpit resumed the bake.
    pub(super) resumed: Duration,
    /// The unobserved gap whose history has been asked for and not yet answered.
    pub(super) asking: Option<Span>,
}

/// A bake as the journal left it, for a restarted cockpit to continue.
#[derive(Debug, Clone, PartialEq)]
pub struct Resumed {
    pub verified: Duration,
    pub breached: bool,
    pub restarted: Option<Span>,
    /// Breaches of this stage entry the journal records.
    pub breaches: u32,
    /// From the last thing the journal proves to the restart: not counted unless history
    /// verifies it (`core::backfill`).
    pub unobserved: Option<Span>,
}

impl Bake {
    /// A stage entry with nothing verified yet.
    pub fn new(stage: usize, entered_at: DateTime<Utc>, bake: Duration) -> Self {
        Bake {
            stage,
            entered_at,
            bake,
            verified: Duration::ZERO,
            last: None,
            paused: None,
            breached: false,
            restarted: None,
            unobserved: None,
            unobserved_why: None,
            backfilled: None,
            breaches: 0,
            marked: Duration::ZERO,
            resumed: Duration::ZERO,
            asking: None,
        }
    }

    /// Continue from what the journal proves. The next update starts a new interval.
    pub fn resume(stage: usize, entered_at: DateTime<Utc>, bake: Duration, r: Resumed) -> Self {
        Bake {
            verified: r.verified,
            breached: r.breached,
            restarted: r.restarted,
            unobserved: r.unobserved,
            breaches: r.breaches,
            marked: r.verified,
            resumed: r.verified,
            ..Bake::new(stage, entered_at, bake)
        }
    }

    /// Take in what held at `now`; says when a checkpoint is due.
    pub fn update(&mut self, now: DateTime<Utc>, health: &Health) -> Option<MarkDue> {
        let healthy = *health == Health::Healthy;
        let was = self.verified;
        if let Some((at, held)) = self.last
            && now >= at
        {
            let step = (now - at).to_std().unwrap_or(Duration::MAX);
            if step > MAX_STEP {
                self.unobserved = Some(Span {
                    from: at,
                    to: Some(now),
                });
                self.unobserved_why = None;
            } else if held && healthy {
                self.verified += step;
            }
        }
        // A clock stepped back: nothing counted, the next interval starts here.
        self.last = Some((now, healthy));
        let was_paused = self.paused.is_some();
        self.paused = match health {
            Health::Paused(p) => Some(p.clone()),
            _ => None,
        };
        match (health, self.breached) {
            (Health::Breached, false) => {
                self.breached = true;
                self.breaches += 1;
                self.verified = Duration::ZERO;
                self.marked = Duration::ZERO;
                self.restarted = Some(Span {
                    from: now,
                    to: None,
                });
                return Some(MarkDue::Restarted);
            }
            (Health::Breached, true) => return None,
            // Only fresh data ends a breach (a resumed one has none yet).
            (Health::Paused(p), true) if p.cause == PauseCause::NoData => return None,
            (_, true) => {
                self.breached = false;
                if let Some(r) = self.restarted.as_mut() {
                    r.to = Some(now);
                }
                return Some(MarkDue::BreachEnded);
            }
            _ => {}
        }
        let unmarked = self.verified.saturating_sub(self.marked);
        if was < self.bake && self.verified >= self.bake {
            Some(MarkDue::Baked)
        } else if unmarked >= MARK_EVERY {
            Some(MarkDue::Progress)
        } else if !was_paused && self.paused.is_some() && unmarked >= MARK_PAUSE_AFTER {
            Some(MarkDue::Paused)
        } else {
            None
        }
    }

    /// The checkpoint to journal now; what it holds counts as journaled.
    pub fn mark(&mut self) -> BakeMark {
        self.marked = self.verified;
        BakeMark {
            entered_at: self.entered_at,
            verified_secs: self.verified.as_secs(),
            bake_secs: self.bake.as_secs(),
            paused: self.paused.as_ref().map(|p| p.cause),
            breached: self.breached,
            restarted: self.restarted,
            breaches: self.breaches,
            backfilled: None,
        }
    }

    pub fn view(&self) -> BakeView {
        BakeView {
            verified: Duration::from_secs(self.verified.as_secs()),
            bake: self.bake,
            paused: self.paused.clone(),
            breached: self.breached,
            restarted: self.restarted,
            unobserved: self.unobserved,
            unobserved_why: self.unobserved_why.clone(),
            backfilled: self.backfilled.clone(),
            breaches: self.breaches,
        }
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[cfg(test)]
#[path = "bake_tests.rs"]
mod tests;
