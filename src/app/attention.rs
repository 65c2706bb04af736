//! Being seen from across the room: the terminal's window title names the release, its stage
//! and the verdict (`gonogo checkout-api 25% HOLD`), and the bell rings when the verdict turns
//! ROLLBACK ADVISED, an action's outcome becomes unknown, or an armed action starts its
//! countdown.
//!
//! Derived from the state the frame is drawn from, not returned by `update` as effects: the
//! title is a view of the state, like the frame, and is sent when it differs from what the
//! terminal was last told, as the frame sends only the cells that changed; the bell marks an
//! edge of that same view. Neither does anything to the release (nothing to journal, order or
//! answer, unlike `Effect::Journal` or `Effect::Dispatch`), and deriving them here means the
//! headless commands, which run the same `update`, cannot write them, and an observer rings
//! for what it reads from the journal through the same path as the operator's cockpit.

use super::State;
use crate::core::reading::format_number;
use crate::core::verdict::VerdictKind;

/// The window title for `state`: `gonogo <release> <stage> <verdict>`, the stage as its live
/// traffic share (`25%`), `rolled back`, or nothing before a stage is known. No control
/// character: a release name cannot end the title's escape sequence early.
pub fn title(state: &State) -> String {
    let mut words = vec!["gonogo".to_string(), state.setup.release.name.clone()];
    if let Some(p) = state.release.position {
        words.push(if p.rolled_back {
            "rolled back".into()
        } else {
            let traffic = state.setup.plan.stages.get(p.stage).map(|s| s.traffic);
            traffic.map_or_else(|| "?".into(), |t| format!("{}%", format_number(t)))
        });
    }
    words.push(state.release.eval.verdict.kind.label().into());
    words
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// What the terminal must be told since it was last told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signal {
    /// The title, when it changed.
    pub title: Option<String>,
    /// Ring the bell.
    pub bell: bool,
}

/// What the terminal was last told. Starts having told nothing: a cockpit that starts into
/// ROLLBACK ADVISED or with an outcome unknown rings once, as that is news to whoever
/// watches it.
#[derive(Debug, Clone, Default)]
pub struct Attention {
    title: Option<String>,
    advised: bool,
    /// The ids of the actions whose outcome is unknown.
    unknown: Vec<String>,
    /// An armed action was counting down.
    counting: bool,
}

impl Attention {
    /// The new title, if it changed, and whether to ring: the verdict became ROLLBACK ADVISED,
    /// or an action's outcome became unknown. Staying there rings no more.
    pub fn since(&mut self, state: &State) -> Signal {
        let title = title(state);
        let title = (self.title.as_ref() != Some(&title)).then(|| {
            self.title = Some(title.clone());
            title
        });
        let advised = state.release.eval.verdict.kind == VerdictKind::RollbackAdvised;
        let unknown: Vec<String> = state
            .release
            .unresolved
            .iter()
            .map(|u| u.id.clone())
            .collect();
        let newly_unknown = unknown.iter().any(|id| !self.unknown.contains(id));
        let counting = matches!(
            state.session.auto,
            Some(crate::core::autopilot::Decision::CountingDown { .. })
        );
        let bell = (advised && !self.advised) || newly_unknown || (counting && !self.counting);
        self.counting = counting;
        self.advised = advised;
        self.unknown = unknown;
        Signal { title, bell }
    }
}

#[cfg(test)]
#[path = "attention_tests.rs"]
mod tests;
