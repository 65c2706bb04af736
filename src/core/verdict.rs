//! One verdict for the release, with its reasons, in the precedence of SEMANTICS.md §4.
//!
//! What a verdict is (its kinds, reasons and inputs) is here; how it is decided from the
//! conditions, gates and stage is in `decide`.

mod decide;

pub use decide::{budget_words, decide};

use super::bake::BakeView;
use super::condition::ConditionStatus;
use super::gate::GateResult;
use chrono::{DateTime, Utc};

/// `Into<&str>` is its `verdict_code` in `check`'s JSON (`rollback_advised`). `label` is the
/// verdict on screen (`ROLLBACK ADVISED`), written out because it is not the variant's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum VerdictKind {
    RollbackAdvised,
    #[strum(serialize = "no_go")]
    NoGoUntilVerified,
    Hold,
    Go,
    Complete,
}

impl VerdictKind {
    pub fn label(self) -> &'static str {
        match self {
            VerdictKind::RollbackAdvised => "ROLLBACK ADVISED",
            VerdictKind::NoGoUntilVerified => "NO-GO UNTIL VERIFIED",
            VerdictKind::Hold => "HOLD",
            VerdictKind::Go => "GO",
            VerdictKind::Complete => "COMPLETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub text: String,
    /// How to verify or fix it, when there is something to do.
    pub verify: Option<String>,
}

impl Reason {
    fn new(text: impl Into<String>) -> Self {
        Reason {
            text: text.into(),
            verify: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub kind: VerdictKind,
    /// Why this verdict, most important first.
    pub reasons: Vec<Reason>,
    /// Should-tier gates that do not hold: shown, never blocking.
    pub warnings: Vec<Reason>,
}

/// Where the release stands, as the verdict needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum StageView {
    /// No stage is live and none was tracked: the release has not started.
    NotStarted,
    /// The release was rolled back.
    RolledBack { from: String },
    /// The tracked and observed stages disagree.
    Drift { detail: String },
    /// Where the release stands cannot be told (the live traffic share is unknown).
    Unknown { why: String },
    Live {
        name: String,
        /// Verified healthy time of this stage entry (SEMANTICS.md §1).
        bake: Box<BakeView>,
        is_last: bool,
    },
}

pub struct VerdictInputs<'a> {
    pub conditions: &'a [(&'a str, &'a ConditionStatus)],
    pub gates: &'a [GateResult],
    pub stage: StageView,
    pub now: DateTime<Utc>,
    /// The live stage's failure budget (`failure_limit`): breaches it may have before it fails.
    pub failure_limit: Option<u32>,
}

#[cfg(test)]
#[path = "budget_tests.rs"]
mod budget_tests;

#[cfg(test)]
#[path = "verdict_tests.rs"]
mod tests;
