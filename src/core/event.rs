//! What a log entry or a `watch` line is about, and how serious it is: data set where the
//! entry is made, so a machine-readable output never depends on how a sentence is worded.
//! (A journal record's kind is its `record::Event`.)

use super::record::Event;
use serde::Serialize;

/// What a log entry of the app, or a line of `watch`, is about. The names are the `kind`
/// of `watch --format json`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    /// The cockpit (or the watcher) started.
    Started,
    /// The verdict changed.
    Verdict,
    StageEntered,
    BreachBegan,
    BreachEnded,
    DriftBegan,
    DriftEnded,
    /// A source failed, or answered with values it cannot use.
    SourceDown,
    /// A source answers again, or its values are usable again.
    SourceUp,
    /// The live traffic share a source reports changed.
    Traffic,
    /// A signal asked the cockpit to stop.
    Stopping,
    ActionRequested,
    ActionSucceeded,
    ActionFailed,
    ActionOutcomeUnknown,
    ActionResolved,
    Override,
    RolledBack,
    /// After a rollback, every stop condition healthy again: how long it took.
    Restored,
    /// A readiness checklist item was ticked or unticked.
    Checklist,
    /// A hold was placed on the release, or released.
    Hold,
    /// Armed automation switched on or off, or an armed action vetoed.
    Armed,
    /// Another cockpit started or stopped.
    Cockpit,
    JournalRepaired,
    /// Anything else.
    Note,
    /// The cockpit's own chatter: a cancelled prompt, a refused key. Never in `watch`, which
    /// takes no keys.
    Ui,
}

impl Kind {
    /// Whether an entry of this kind is UI chatter, kept apart so it never evicts the rest.
    pub fn is_chatter(self) -> bool {
        self == Kind::Ui
    }

    pub fn name(self) -> &'static str {
        self.into()
    }
}

impl From<Event> for Kind {
    /// The kind of an entry that tells of a record.
    fn from(event: Event) -> Kind {
        match event {
            Event::CockpitStarted | Event::CockpitStopped => Kind::Cockpit,
            Event::JournalRepaired => Kind::JournalRepaired,
            Event::StageEntered => Kind::StageEntered,
            Event::BreachBegan => Kind::BreachBegan,
            Event::BreachEnded => Kind::BreachEnded,
            Event::RolledBack => Kind::RolledBack,
            Event::ActionRequested => Kind::ActionRequested,
            Event::ActionSucceeded => Kind::ActionSucceeded,
            Event::ActionFailed => Kind::ActionFailed,
            Event::ActionOutcomeUnknown => Kind::ActionOutcomeUnknown,
            Event::Override => Kind::Override,
            Event::ChecklistTicked => Kind::Checklist,
            Event::ActionResolved => Kind::ActionResolved,
            Event::DriftBegan => Kind::DriftBegan,
            Event::DriftEnded => Kind::DriftEnded,
            Event::BakeCheckpoint => Kind::Note,
            Event::HoldPlaced | Event::HoldReleased => Kind::Hold,
            Event::VerdictChanged => Kind::Verdict,
            Event::SourceDown => Kind::SourceDown,
            Event::SourceUp => Kind::SourceUp,
            Event::Restored => Kind::Restored,
            Event::ArmedChanged | Event::AutoVetoed => Kind::Armed,
        }
    }
}

/// How serious a log entry or a `watch` line is. The names are the `level` of
/// `watch --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LogLevel {
    Info,
    Good,
    Warn,
    Error,
}

impl LogLevel {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn kinds_are_named_as_watch_json_names_them() {
        let names: Vec<&str> = Kind::VARIANTS.iter().map(|k| k.name()).collect();
        assert_eq!(
            names,
            [
                "started",
                "verdict",
                "stage_entered",
                "breach_began",
                "breach_ended",
                "drift_began",
                "drift_ended",
                "source_down",
                "source_up",
                "traffic",
                "stopping",
                "action_requested",
                "action_succeeded",
                "action_failed",
                "action_outcome_unknown",
                "action_resolved",
                "override",
                "rolled_back",
                "restored",
                "checklist",
                "hold",
                "armed",
                "cockpit",
                "journal_repaired",
                "note",
                "ui",
            ]
        );
        for k in Kind::VARIANTS {
            assert_eq!(serde_json::to_value(k).unwrap(), k.name(), "{k:?}");
        }
        for (l, name) in [
            (LogLevel::Info, "info"),
            (LogLevel::Good, "good"),
            (LogLevel::Warn, "warn"),
            (LogLevel::Error, "error"),
        ] {
            assert_eq!(l.name(), name);
            assert_eq!(serde_json::to_value(l).unwrap(), name);
        }
    }

    #[test]
    fn an_entry_telling_of_a_record_is_of_the_record_s_kind() {
        assert_eq!(Kind::from(Event::ChecklistTicked), Kind::Checklist);
        assert_eq!(Kind::from(Event::CockpitStopped), Kind::Cockpit);
        assert_eq!(Kind::from(Event::StageEntered).name(), "stage_entered");
    }
}
