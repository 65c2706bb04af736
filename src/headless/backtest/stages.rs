//! What each condition did, per stage entry of the replay: a new entry (the journal says a
//! stage was entered or rolled back) starts new counts, so each stage's thresholds are judged
//! on the time the release spent at that stage.

use super::report::{ConditionReport, Moment, StageReport};
use crate::core::condition::{CondState, ConditionStatus, Persistence};
use crate::core::plan::Position;
use crate::setup::Setup;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// What one condition did in one stage entry, gathered tick by tick.
#[derive(Default)]
struct Seen {
    first_warn: Option<Moment>,
    first_breach: Option<Moment>,
    breaches: u32,
    breached: Duration,
    unknown: Duration,
    first_unknown: Option<Moment>,
    last: Option<CondState>,
}

impl Seen {
    /// The condition at `now`, as it stays for `tick`.
    fn take(&mut self, status: &ConditionStatus, now: DateTime<Utc>, tick: Duration) {
        let moment = || Moment {
            at: now,
            why: status.why.clone().unwrap_or_default(),
        };
        match status.state {
            CondState::Warn if self.first_warn.is_none() => self.first_warn = Some(moment()),
            CondState::Breached => {
                if self.last != Some(CondState::Breached) {
                    self.breaches += 1;
                }
                self.first_breach.get_or_insert_with(moment);
                self.breached += tick;
            }
            CondState::Unknown => {
                self.first_unknown.get_or_insert_with(moment);
                self.unknown += tick;
            }
            _ => {}
        }
        self.last = Some(status.state);
    }
}

struct Entry {
    position: Option<Position>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    assumed: String,
    seen: Vec<Seen>,
}

/// The stage entries of the replay, in order.
#[derive(Default)]
pub struct Entries {
    list: Vec<Entry>,
}

impl Entries {
    /// The release at `position` at `now`, its conditions as `conditions` say, for `tick`.
    /// `assumed` says where the position comes from, for an entry that starts here.
    pub fn take(
        &mut self,
        position: Option<Position>,
        conditions: &[ConditionStatus],
        now: DateTime<Utc>,
        tick: Duration,
        assumed: impl FnOnce() -> String,
    ) {
        if self.list.last().is_none_or(|e| e.position != position) {
            self.list.push(Entry {
                position,
                from: now,
                to: now,
                assumed: assumed(),
                seen: conditions.iter().map(|_| Seen::default()).collect(),
            });
        }
        let entry = self.list.last_mut().expect("an entry was just made");
        entry.to = now;
        for (s, status) in entry.seen.iter_mut().zip(conditions) {
            s.take(status, now, tick);
        }
    }

    pub fn reports(self, setup: &Setup) -> Vec<StageReport> {
        self.list
            .into_iter()
            .map(|e| {
                let stage = e.position.map(|p| (p, &setup.plan.stages[p.stage]));
                let conditions = setup
                    .conditions
                    .iter()
                    .zip(e.seen)
                    .map(|(c, s)| {
                        let over = stage.and_then(|(_, st)| st.overrides.get(&c.id));
                        let limit = match c.relative {
                            Some(r) => {
                                format!("≤ baseline × {} + {}", r.factor, c.unit.show(r.offset))
                            }
                            None => c
                                .effective(over, &Default::default())
                                .unwrap_or(c.threshold)
                                .describe(&c.unit),
                        };
                        ConditionReport {
                            id: c.id.clone(),
                            label: c.label.clone(),
                            limit,
                            persistence: persistence_words(c.persistence),
                            first_warn: s.first_warn,
                            first_breach: s.first_breach,
                            breaches: s.breaches,
                            breached_seconds: s.breached.as_secs(),
                            unknown_seconds: s.unknown.as_secs(),
                            first_unknown: s.first_unknown,
                        }
                    })
                    .collect();
                let label = match stage {
                    None => "no stage live".to_string(),
                    Some((p, st)) if p.rolled_back => format!("rolled back from {}", st.label()),
                    Some((_, st)) => st.label(),
                };
                StageReport {
                    number: stage.map(|(p, _)| p.stage + 1),
                    name: stage.map(|(_, st)| st.name.clone()),
                    label,
                    entered_at: stage.map(|(p, _)| p.entered_at),
                    from: e.from,
                    to: e.to,
                    assumed: e.assumed,
                    conditions,
                }
            })
            .collect()
    }
}

fn persistence_words(p: Persistence) -> String {
    match p {
        Persistence::Immediate => "immediate".into(),
        Persistence::For(d) => format!("for {}", humantime::format_duration(d)),
        Persistence::Samples(n) => format!("{n} samples"),
    }
}
