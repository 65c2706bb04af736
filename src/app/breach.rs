//! The breached stop conditions in words, read live from the evaluation: the Approve-Risk
//! prompt shows them with the time of their reading, and Tab in the rollback prompt fills the
//! reason with them.

use super::approve::ActionKind;
use super::{Overlay, State};
use crate::core::approval::{PREFIX, parse_approval};
use crate::core::condition::CondState;
use chrono::{DateTime, Utc};

/// What the prompt's hint says when Tab has nothing to fill.
pub const NOTHING_BREACHED: &str = "Tab: no stop condition is breached; type the reason";
/// What the prompt's hint says of Tab outside a rollback.
pub const REASONS_ARE_TYPED: &str = "Tab fills only a rollback reason; type this one";

/// The breached conditions now, and when their latest values were read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Breaches {
    /// "Error rate 3.40% > 2.00%", one per breached condition, in config order.
    pub each: Vec<String>,
    pub as_of: Option<DateTime<Utc>>,
}

impl State {
    /// The breached stop conditions as the screen shows them: value against threshold.
    pub fn breaches(&self) -> Breaches {
        let mut out = Breaches::default();
        let statuses = self.release.eval.conditions.iter();
        // A stage failing on its score advises rollback too: its failing comparisons count.
        let gating = (statuses.clone())
            .zip(&self.setup.conditions)
            .filter(|(_, spec)| !spec.observe)
            .map(|(s, _)| s);
        let score_fails = crate::core::statistical::stage_fails(gating).is_some();
        let failing = |s: &crate::core::condition::ConditionStatus| {
            score_fails
                && s.compare.as_ref().map(|c| c.outcome)
                    == Some(crate::core::compare::Outcome::Fail)
        };
        for (i, (spec, s)) in self.setup.conditions.iter().zip(statuses).enumerate() {
            if (s.state != CondState::Breached && !failing(s)) || spec.observe {
                continue;
            }
            let t = &s.threshold;
            let text = match s.value {
                Some(v) if t.max.is_some_and(|m| v > m) => format!(
                    "{} {} > {}",
                    spec.label,
                    spec.unit.show(v),
                    spec.unit.show(t.max.unwrap_or_default())
                ),
                Some(v) if t.min.is_some_and(|m| v < m) => format!(
                    "{} {} < {}",
                    spec.label,
                    spec.unit.show(v),
                    spec.unit.show(t.min.unwrap_or_default())
                ),
                _ => format!("{}: {}", spec.label, s.why.as_deref().unwrap_or("breached")),
            };
            out.each.push(text);
            let at = self.release.tracks.get(i).and_then(|t| t.latest.as_ref());
            out.as_of = out.as_of.max(at.map(|s| s.at));
        }
        out
    }

    /// Tab in the prompt: a rollback's reason becomes the breached conditions, still to be
    /// confirmed with Enter and free to edit; anything else says reasons are typed.
    pub(super) fn fill_reason(&mut self) {
        let breaches = self.breaches();
        let Overlay::Approve(modal) = &mut self.screen.overlay else {
            return;
        };
        modal.notice = None;
        if !matches!(modal.kind, ActionKind::Rollback { .. }) {
            modal.fill_note = Some(REASONS_ARE_TYPED.into());
            return;
        }
        if breaches.each.is_empty() {
            modal.fill_note = Some(NOTHING_BREACHED.into());
            return;
        }
        modal.input = filled(&breaches.each);
        modal.fill_note = None;
    }
}

/// `Approve-Risk: <summary>`, always valid by the grammar: a summary too short for it says
/// what it is.
pub fn filled(each: &[String]) -> String {
    let text = format!("{PREFIX} {}", each.join("; "));
    if parse_approval(&text).is_ok() {
        text
    } else {
        format!("{text} (stop conditions breached)")
    }
}
