//! Release attempts (SEMANTICS §6): each attempt at a release, from its first stage to
//! completion or rollback, is reported on its own, so two attempts of the same version are
//! never merged.
//!
//! Records that carry an attempt id are grouped by it. Journals written before attempt ids
//! are split by one rule ([`Splitter`]): within one release, version and environment, a new
//! attempt starts at a stage entered
//! - after a rollback in the attempt so far, or
//! - at a share of traffic no higher than one the attempt already entered: the release started
//!   over at the first stage, as a cockpit does on a new journal file (two demo runs, or two
//!   journals of the same release read together), or anew after reaching 100%.
//!
//! Records before an attempt's first stage (a cockpit start, checklist ticks) belong to the
//! attempt running then, or to the first one.

use crate::core::action::Action;
use crate::core::record::{Event, Record};
use std::collections::BTreeMap;

/// One attempt at a release, with its records in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt<'a> {
    pub release: String,
    pub version: String,
    pub environment: String,
    /// The id the cockpit recorded, or for older journals `~1`, `~2`, … counted in time order
    /// per release, version and environment.
    pub id: String,
    /// `id` is derived by the rule above, not recorded.
    pub derived: bool,
    pub records: Vec<&'a Record>,
}

/// A rollback: the `rolled_back` record, or a succeeded `rollback` action.
pub fn is_rollback(r: &Record) -> bool {
    r.event == Event::RolledBack
        || (r.event == Event::ActionSucceeded && r.action == Some(Action::Rollback))
}

/// The rule for records without an attempt id, fed one release's records in time order.
#[derive(Debug, Default)]
pub struct Splitter {
    /// The highest traffic share the running attempt entered; `None` before its first stage.
    furthest: Option<f64>,
    entered: bool,
    rolled_back: bool,
}

impl Splitter {
    /// Whether `r` starts a new attempt (never the first record: that one starts the first).
    pub fn starts_new(&mut self, r: &Record) -> bool {
        let mut new = false;
        if r.event == Event::StageEntered {
            let lower = matches!((r.traffic, self.furthest), (Some(t), Some(f)) if t <= f);
            new = self.entered && (self.rolled_back || lower);
            if new {
                *self = Splitter::default();
            }
            self.entered = true;
            if let Some(t) = r.traffic {
                self.furthest = Some(self.furthest.map_or(t, |f| f.max(t)));
            }
        }
        self.rolled_back |= is_rollback(r);
        new
    }
}

/// An attempt's id within its release: recorded by the cockpit, or numbered by the rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Id {
    Recorded(String),
    Derived(usize),
}

type Release = (String, String, String);

/// Group `records` (in time order) into attempts, ordered by their first record.
pub fn attempts(records: &[Record]) -> Vec<Attempt<'_>> {
    let mut groups: BTreeMap<(Release, Id), Vec<&Record>> = BTreeMap::new();
    // Per release, for records without an id: the rule's state and the attempts it started.
    let mut splitters: BTreeMap<Release, (Splitter, usize)> = BTreeMap::new();
    for r in records {
        let c = &r.context;
        let release = (c.release.clone(), c.version.clone(), c.environment.clone());
        let id = match &r.attempt {
            Some(id) => Id::Recorded(id.clone()),
            None => {
                let (split, n) = splitters.entry(release.clone()).or_default();
                if split.starts_new(r) || *n == 0 {
                    *n += 1;
                }
                Id::Derived(*n)
            }
        };
        groups.entry((release, id)).or_default().push(r);
    }
    let mut out: Vec<Attempt> = groups
        .into_iter()
        .map(|(((release, version, environment), id), records)| {
            let (id, derived) = match id {
                Id::Recorded(id) => (id, false),
                Id::Derived(n) => (format!("~{n}"), true),
            };
            Attempt {
                release,
                version,
                environment,
                id,
                derived,
                records,
            }
        })
        .collect();
    out.sort_by_key(|a| a.records.first().map(|r| r.ts));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Context;
    use chrono::{TimeZone, Utc};

    fn rec(min: i64, event: Event, traffic: Option<f64>) -> Record {
        let mut r = Record::new(
            Utc.timestamp_opt(1_700_000_000 + min * 60, 0).unwrap(),
            event,
            Context {
                release: "checkout".into(),
                version: "2.0".into(),
                environment: "prod".into(),
                ..Default::default()
            },
        );
        r.traffic = traffic;
        r
    }

    fn shape(records: &[Record]) -> Vec<(String, Vec<Event>)> {
        attempts(records)
            .iter()
            .map(|a| (a.id.clone(), a.records.iter().map(|r| r.event).collect()))
            .collect()
    }

    /// Two demo journals of one release, read together: each starts its cockpit, assumes the
    /// first stage, and ends rolled back.
    fn two_demo_runs() -> Vec<Record> {
        use Event::*;
        vec![
            rec(0, CockpitStarted, None),
            rec(0, StageEntered, Some(1.0)),
            rec(2, BreachBegan, Some(1.0)),
            rec(3, ActionRequested, Some(1.0)),
            rec(3, ActionSucceeded, Some(1.0)),
            rec(3, RolledBack, Some(1.0)),
            rec(4, CockpitStopped, Some(1.0)),
            rec(10, CockpitStarted, None),
            rec(10, StageEntered, Some(1.0)),
            rec(11, StageEntered, Some(5.0)),
            rec(12, RolledBack, Some(5.0)),
        ]
    }

    #[test]
    fn a_stage_entered_after_a_rollback_starts_the_next_attempt() {
        use Event::*;
        assert_eq!(
            shape(&two_demo_runs()),
            vec![
                (
                    "~1".into(),
                    vec![
                        CockpitStarted,
                        StageEntered,
                        BreachBegan,
                        ActionRequested,
                        ActionSucceeded,
                        RolledBack,
                        CockpitStopped,
                        CockpitStarted
                    ]
                ),
                ("~2".into(), vec![StageEntered, StageEntered, RolledBack]),
            ]
        );
    }

    #[test]
    fn starting_over_at_the_first_stage_or_after_completion_is_a_new_attempt() {
        use Event::*;
        // No rollback between: the second run starts over at 1% after reaching 5%.
        let over = [
            rec(0, StageEntered, Some(1.0)),
            rec(1, StageEntered, Some(5.0)),
            rec(5, StageEntered, Some(1.0)),
        ];
        assert_eq!(shape(&over).len(), 2);
        // After a rollback, any stage entered is a new attempt, even a higher one.
        let again = [
            rec(0, StageEntered, Some(1.0)),
            rec(1, RolledBack, Some(1.0)),
            rec(5, StageEntered, Some(5.0)),
        ];
        assert_eq!(shape(&again).len(), 2);
        // A completed release entered again is another attempt.
        let done = [
            rec(0, StageEntered, Some(1.0)),
            rec(1, StageEntered, Some(100.0)),
            rec(5, StageEntered, Some(1.0)),
        ];
        assert_eq!(shape(&done).len(), 2);
        // Promotes in order, a breach and a cockpit restart stay one attempt.
        let one = [
            rec(0, StageEntered, Some(1.0)),
            rec(1, BreachBegan, Some(1.0)),
            rec(2, CockpitStopped, Some(1.0)),
            rec(3, CockpitStarted, Some(1.0)),
            rec(4, StageEntered, Some(5.0)),
            rec(5, StageEntered, Some(100.0)),
        ];
        assert_eq!(shape(&one).len(), 1);
    }

    #[test]
    fn recorded_ids_group_records_and_are_not_renumbered() {
        let mut records = two_demo_runs();
        for r in &mut records[..7] {
            r.attempt = Some("a-1".into());
        }
        for r in &mut records[7..] {
            r.attempt = Some("a-2".into());
        }
        let got = attempts(&records);
        let ids: Vec<(&str, bool, usize)> = got
            .iter()
            .map(|a| (a.id.as_str(), a.derived, a.records.len()))
            .collect();
        assert_eq!(ids, vec![("a-1", false, 7), ("a-2", false, 4)]);
        // Another version is another release, whatever the rule.
        let mut other = rec(20, Event::StageEntered, Some(1.0));
        other.context.version = "2.1".into();
        records.push(other);
        assert_eq!(attempts(&records).len(), 3);
    }
}
