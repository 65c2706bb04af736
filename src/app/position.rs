//! Where the release stands: read back from the journal, or adopted from what a source reports.

use super::{Effect, Kind, LogLevel, State};
use crate::core::plan::{Plan, Position};
use crate::core::reading::format_number;
use crate::core::record::{Context, Event, Record};
use chrono::{DateTime, Utc};

/// The stage a record names: by name and traffic share together (a plan may be edited between
/// runs, and older plans could repeat a name); else by share, which the plan keeps unique;
/// else by name alone (a record with no share, or a share the plan no longer has).
pub(super) fn stage_of(r: &Record, plan: &Plan) -> Option<usize> {
    let named = |s: &crate::core::plan::Stage| r.stage.as_ref() == Some(&s.name);
    let share = r.traffic.and_then(|t| plan.stage_for_traffic(t));
    let both = plan
        .stages
        .iter()
        .enumerate()
        .position(|(i, s)| named(s) && share == Some(i));
    both.or(share)
        .or_else(|| plan.stages.iter().position(named))
}

/// Whether a record belongs to the release, version and environment of `ctx`.
pub(super) fn same_release(r: &Record, ctx: &Context) -> bool {
    r.context.release == ctx.release
        && r.context.version == ctx.version
        && r.context.environment == ctx.environment
}

/// The position the journal records for this release's current attempt: the last stage
/// entered, and whether a rollback followed. Records of other releases, versions or
/// environments, and of earlier attempts, are ignored.
pub fn position_from_journal(records: &[Record], ctx: &Context, plan: &Plan) -> Option<Position> {
    let mut position = None;
    for r in super::resume::current_attempt(records, ctx) {
        match r.event {
            Event::StageEntered => {
                if let Some(stage) = stage_of(r, plan) {
                    position = Some(Position {
                        stage,
                        entered_at: r.ts,
                        rolled_back: false,
                    });
                }
            }
            Event::RolledBack => {
                if let Some(p) = position.as_mut() {
                    p.rolled_back = true;
                }
            }
            _ => {}
        }
    }
    position
}

impl State {
    /// Enter stage `index` at `at`: the new tracked position, journaled.
    pub(super) fn enter_stage(
        &mut self,
        index: usize,
        at: DateTime<Utc>,
        why: &str,
        fx: &mut Vec<Effect>,
    ) {
        // The first stage, or any stage with no attempt open, begins a release attempt.
        if index == 0 || self.release.attempt.is_none() {
            self.release.attempt = Some(self.new_attempt_id(at));
        }
        // Overrides belong to the attempt: one that starts over starts with none.
        if index == 0 || self.release.position.is_some_and(|p| p.rolled_back) {
            self.release.overrides.clear();
        }
        self.release.position = Some(Position {
            stage: index,
            entered_at: at,
            rolled_back: false,
        });
        let stage = &self.setup.plan.stages[index];
        let text = format!("stage {} entered: {why}", stage.label());
        let mut record = self.record(Event::StageEntered, at);
        record.stage = Some(stage.name.clone());
        record.traffic = Some(stage.traffic);
        record.detail = Some(why.to_string());
        fx.push(Effect::Journal(Box::new(record)));
        self.log_as(at, LogLevel::Info, Kind::StageEntered, text);
    }

    /// A source reported the live traffic share.
    pub(super) fn observe_traffic(&mut self, share: f64, at: DateTime<Utc>, fx: &mut Vec<Effect>) {
        match self.release.observed {
            Some((old, _)) if old == share => {}
            Some((old, _)) => {
                self.log_as(
                    at,
                    LogLevel::Info,
                    Kind::Traffic,
                    format!(
                        "live traffic changed {}% → {}%",
                        format_number(old),
                        format_number(share)
                    ),
                );
                self.release.observed = Some((share, at));
            }
            None => self.release.observed = Some((share, at)),
        }
        // With nothing tracked yet, the first observation of a stage's share is its entry.
        if self.release.position.is_none()
            && let Some(index) = self.setup.plan.stage_for_traffic(share)
        {
            self.enter_stage(index, at, "first observed live", fx);
        }
        self.settle_by_traffic(share, at, fx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::plan::Stage;
    use chrono::TimeZone;
    use std::collections::BTreeMap;
    use std::time::Duration;

    fn plan() -> Plan {
        let stage = |name: &str, traffic: f64| Stage {
            name: name.into(),
            traffic,
            bake: Duration::from_secs(60),
            overrides: BTreeMap::new(),
            failure_limit: None,
        };
        Plan {
            stages: vec![stage("canary", 1.0), stage("5%", 5.0), stage("all", 100.0)],
        }
    }

    fn ctx(version: &str) -> Context {
        Context {
            release: "checkout".into(),
            version: version.into(),
            environment: "prod".into(),
            ..Default::default()
        }
    }

    fn entered(secs: i64, version: &str, stage: &str) -> Record {
        let mut r = Record::new(
            Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap(),
            Event::StageEntered,
            ctx(version),
        );
        r.stage = Some(stage.into());
        r
    }

    #[test]
    fn resumes_at_the_last_stage_entered_with_its_entry_time() {
        let records = vec![
            entered(0, "1.2", "canary"),
            entered(100, "1.2", "5%"),
            entered(200, "1.1", "all"),
        ];
        let p = position_from_journal(&records, &ctx("1.2"), &plan()).unwrap();
        assert_eq!(p.stage, 1);
        assert_eq!(p.entered_at.timestamp(), 1_700_000_100);
        assert!(!p.rolled_back);
    }

    #[test]
    fn a_rollback_after_the_entry_is_remembered() {
        let mut rb = entered(150, "1.2", "5%");
        rb.event = Event::RolledBack;
        let records = vec![entered(100, "1.2", "5%"), rb];
        let p = position_from_journal(&records, &ctx("1.2"), &plan()).unwrap();
        assert!(p.rolled_back);
    }

    #[test]
    fn a_stage_is_matched_by_name_and_traffic_together() {
        // A plan from before names had to be unique: "canary" twice.
        let mut plan = plan();
        plan.stages[1].name = "canary".into();
        let mut second = entered(100, "1.2", "canary");
        second.traffic = Some(5.0);
        let p = position_from_journal(&[second.clone()], &ctx("1.2"), &plan).unwrap();
        assert_eq!(p.stage, 1, "the second canary, at 5%");
        // A record with no share falls back to the name; a share the plan no longer has too.
        second.traffic = None;
        assert_eq!(stage_of(&second, &plan), Some(0));
        second.traffic = Some(7.0);
        assert_eq!(stage_of(&second, &plan), Some(0));
        // A renamed stage is still found by its share.
        let mut renamed = entered(100, "1.2", "five");
        renamed.traffic = Some(5.0);
        assert_eq!(stage_of(&renamed, &plan), Some(1));
    }

    #[test]
    fn no_record_no_position() {
        assert_eq!(position_from_journal(&[], &ctx("1.2"), &plan()), None);
    }
}
