//! Audit journal records: one JSON object per line, chained by the SHA-256 of the
//! previous line. The types are plain data; writing and verifying live in `journal`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    pub action: Option<String>,
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
            prev: String::new(),
        }
    }
}
