//! Audit journal records: one JSON object per line, chained by the SHA-256 of the
//! previous line. The types are plain data; writing and verifying live in `journal`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Written in snake case in the journal and in `[notify.*] events` (the list from strum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Event {
    CockpitStarted,
    CockpitStopped,
    /// `gonogo audit repair` set a torn last line aside (the detail says where).
    JournalRepaired,
    StageEntered,
    BreachBegan,
    BreachEnded,
    RolledBack,
    ActionRequested,
    ActionSucceeded,
    ActionFailed,
    ActionOutcomeUnknown,
    Override,
    ChecklistTicked,
    /// An action whose outcome was unknown was settled: by evidence, or by an operator.
    ActionResolved,
    /// Verified bake time of the current stage entry (`bake`), for a restart to rebuild from.
    BakeCheckpoint,
    /// The observed traffic left the tracked stage, or came back to it (`drift`).
    DriftBegan,
    DriftEnded,
    /// An operator held the release (`reason`, until `hold_until`): promote is refused.
    HoldPlaced,
    /// The hold ended: released by an operator, or `expired` (`outcome`).
    HoldReleased,
    /// The verdict took another kind (`verdict`, with its first reasons): journaled by the
    /// driving cockpit only, once per change.
    VerdictChanged,
    /// A source stopped answering, or answered with values it cannot use (`source`, `detail`).
    SourceDown,
    /// A source answers with usable values again (`source`).
    SourceUp,
    /// After a rollback, every stop condition healthy again (`restore`: how long it took).
    Restored,
    /// Armed automation was switched on or off (`armed`: what is armed now; `detail`: by the
    /// release config or a session key).
    ArmedChanged,
    /// A person vetoed an armed action during its countdown (`auto`: what it would have done,
    /// `reason`: why not). A `hold_placed` with the same reason follows.
    AutoVetoed,
}

/// Who, where and what release a record belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Context {
    pub operator: String,
    pub host: String,
    pub release: String,
    pub version: String,
    pub environment: String,
}

/// The `outcome` of a `checklist_ticked` record: the item was ticked, or unticked.
pub const TICKED: &str = "ticked";
pub const UNTICKED: &str = "unticked";

/// The `outcome` of a `hold_released` record: an operator released it, or its time ran out.
pub const RELEASED: &str = "released";
pub const EXPIRED: &str = "expired";

/// Who or what settled an action whose outcome was unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolvedBy {
    /// The observed traffic showed the action's effect.
    Evidence,
    /// An operator checked and recorded what they found, with a typed reason.
    Operator,
}

/// The settlement of an action whose outcome was unknown (SEMANTICS §5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    pub by: ResolvedBy,
    /// Whether the action took effect: only an operator can record that it did not.
    pub took_effect: bool,
    /// What showed it: the observed traffic, or what the operator checked.
    pub evidence: String,
}

/// What disagreed: the stage the cockpit tracks and the traffic share a source reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftMark {
    /// The tracked stage's name and share; `rolled_back` when the tracked state is a rollback.
    pub tracked_stage: String,
    pub tracked_traffic: f64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rolled_back: bool,
    /// The live traffic share observed, in percent.
    pub observed_traffic: f64,
}

/// Which automation is armed, on `armed_changed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmedMark {
    pub rollback: bool,
    pub promote: bool,
    /// The countdown before an armed action fires, in seconds.
    pub countdown_s: u64,
}

/// An automatic action's policy and the evidence at the moment it fired (or was vetoed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoMark {
    pub policy: super::autopilot::Policy,
    /// The evidence in words, as the screen showed it ("error rate 4.10% > 2.00% for 2m").
    pub evidence: Vec<String>,
    /// The countdown that ran before it, in seconds.
    pub countdown_s: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub ts: DateTime<Utc>,
    pub event: Event,
    #[serde(flatten)]
    pub context: Context,
    /// The release attempt this record belongs to (SEMANTICS §6); absent in older journals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<String>,
    /// Stage name and traffic share at the time of the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<super::action::Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verdict_reasons: Vec<String>,
    /// Method and URL of a request, never its headers or secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Free-form detail: which condition breached, at what value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A breach of an observe-only condition: journaled, never gating.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub observe_only: bool,
    /// How an action whose outcome was unknown was settled (`action_resolved`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// The bake of the stage entry, on `bake_checkpoint` records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bake: Option<super::bake::BakeMark>,
    /// The tracked stage and the observed traffic, on `drift_began` and `drift_ended`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<DriftMark>,
    /// Until when a hold lasts, on `hold_placed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<DateTime<Utc>>,
    /// The source's name, on `source_down` and `source_up`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// How long a rollback took to restore health, on `restored`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<super::restore::RestoreMark>,
    /// What automation is armed, on `armed_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub armed: Option<ArmedMark>,
    /// The policy behind an automatic action, on its `action_requested` and on `auto_vetoed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto: Option<AutoMark>,
    /// SHA-256 (hex) of the previous line, or of nothing for the first record.
    #[serde(default)]
    pub prev: String,
}

impl Record {
    pub fn new(ts: DateTime<Utc>, event: Event, context: Context) -> Self {
        Record {
            ts,
            event,
            context,
            attempt: None,
            stage: None,
            traffic: None,
            action: None,
            action_id: None,
            reason: None,
            verdict: None,
            verdict_reasons: Vec::new(),
            request: None,
            outcome: None,
            detail: None,
            observe_only: false,
            resolution: None,
            bake: None,
            drift: None,
            hold_until: None,
            source: None,
            restore: None,
            armed: None,
            auto: None,
            prev: String::new(),
        }
    }
}
