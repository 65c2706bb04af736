//! The rollout plan: ordered stages, which one is current, and each stage's state.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::time::Duration;

/// Per-stage replacement of a condition's thresholds (keys are condition ids).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThresholdOverride {
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub warn: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub name: String,
    /// Share of traffic in percent, strictly increasing along the plan; the last is 100.
    pub traffic: f64,
    pub bake: Duration,
    pub overrides: BTreeMap<String, ThresholdOverride>,
    /// Breaches the stage may have before it fails outright (`failure_limit`); none: the
    /// first breach advises rollback. A budget never shortens the clean bake after a breach.
    pub failure_limit: Option<u32>,
}

impl Stage {
    /// "canary (1%)", or just "5%" when the name is the share.
    pub fn label(&self) -> String {
        let share = format!("{}%", crate::core::reading::format_number(self.traffic));
        if self.name == share {
            share
        } else {
            format!("{} ({share})", self.name)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub stages: Vec<Stage>,
}

impl Plan {
    /// The stage whose traffic share is `share` (within half a percentage point).
    pub fn stage_for_traffic(&self, share: f64) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| (s.traffic - share).abs() < 0.5)
    }

    pub fn is_last(&self, index: usize) -> bool {
        index + 1 == self.stages.len()
    }
}

/// Display state of one stage in the pipeline. `Into<&str>` is its name in `check`'s JSON
/// (`rolled_back`). `label` is the word on screen (`rolled back`), written out because it is
/// not the variant's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum StageState {
    Pending,
    Baking,
    Ready,
    Breached,
    Done,
    RolledBack,
}

impl StageState {
    pub fn label(self) -> &'static str {
        match self {
            StageState::Pending => "pending",
            StageState::Baking => "baking",
            StageState::Ready => "ready",
            StageState::Breached => "breached",
            StageState::Done => "done",
            StageState::RolledBack => "rolled back",
        }
    }
}

/// Where the release stands: the current stage and when it was entered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub stage: usize,
    pub entered_at: DateTime<Utc>,
    /// Set when the release was rolled back from this stage.
    pub rolled_back: bool,
}

/// The state of every stage, given the position, whether a condition is breached and whether
/// the current stage has its whole bake of verified healthy time.
pub fn stage_states(
    plan: &Plan,
    position: Option<Position>,
    breached: bool,
    baked: bool,
) -> Vec<StageState> {
    plan.stages
        .iter()
        .enumerate()
        .map(|(i, _)| match position {
            None => StageState::Pending,
            Some(p) if i < p.stage => StageState::Done,
            Some(p) if i > p.stage => StageState::Pending,
            Some(p) if p.rolled_back => StageState::RolledBack,
            Some(_) if breached => StageState::Breached,
            Some(_) if baked => StageState::Ready,
            Some(_) => StageState::Baking,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn plan() -> Plan {
        let stage = |traffic: f64, secs: u64| Stage {
            name: format!("{traffic}%"),
            traffic,
            bake: Duration::from_secs(secs),
            overrides: BTreeMap::new(),
            failure_limit: None,
        };
        Plan {
            stages: vec![stage(1.0, 600), stage(5.0, 600), stage(100.0, 600)],
        }
    }

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn stages_before_the_current_one_are_done() {
        let p = Position {
            stage: 1,
            entered_at: t(0),
            rolled_back: false,
        };
        use StageState::*;
        assert_eq!(
            stage_states(&plan(), Some(p), false, false),
            vec![Done, Baking, Pending]
        );
        assert_eq!(
            stage_states(&plan(), Some(p), false, true),
            vec![Done, Ready, Pending]
        );
        assert_eq!(
            stage_states(&plan(), Some(p), true, true),
            vec![Done, Breached, Pending]
        );
        assert_eq!(
            stage_states(&plan(), None, false, false),
            vec![Pending, Pending, Pending]
        );
    }

    #[test]
    fn traffic_maps_to_its_stage() {
        assert_eq!(plan().stage_for_traffic(5.0), Some(1));
        assert_eq!(plan().stage_for_traffic(5.2), Some(1));
        assert_eq!(plan().stage_for_traffic(7.0), None);
    }
}
