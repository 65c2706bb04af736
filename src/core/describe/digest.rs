//! The digest's words ("since you last looked"): what happened, without who and when.

use super::{armed_words, auto_words, restored_words, source_words, stage_words, verdict_words};
use crate::core::record::{Event, RELEASED, Record};

/// What the digest says of a record: every event an operator catching up needs, none of the
/// bookkeeping (bake checkpoints, cockpits starting and stopping cleanly).
pub(super) fn digest_words(r: &Record) -> Option<String> {
    let action = r.action.as_deref().unwrap_or("action");
    let reason = r
        .reason
        .as_deref()
        .map(|x| format!(": \"{x}\""))
        .unwrap_or_default();
    let detail = r.detail.as_deref();
    let stage = r.stage.as_deref().map(|s| stage_words(s, r.traffic));
    let text = match r.event {
        Event::VerdictChanged => verdict_words(r),
        Event::SourceDown | Event::SourceUp => source_words(r),
        Event::Restored => restored_words(r),
        Event::ArmedChanged => armed_words(r),
        Event::AutoVetoed => format!("{} vetoed{reason}", auto_words(r)),
        Event::BreachBegan | Event::BreachEnded | Event::DriftBegan | Event::DriftEnded => {
            detail.unwrap_or_default().to_string()
        }
        Event::StageEntered => format!("stage {} entered", stage.as_deref().unwrap_or("?")),
        Event::RolledBack => format!("rolled back from {}", stage.as_deref().unwrap_or("?")),
        Event::ActionRequested if r.auto.is_some() => {
            format!("{action} requested AUTOMATICALLY: {}", auto_words(r))
        }
        Event::ActionRequested => format!("{action} requested{reason}"),
        Event::ActionSucceeded | Event::ActionFailed | Event::ActionOutcomeUnknown => {
            format!("{action} {}", r.outcome.as_deref().unwrap_or("finished"))
        }
        Event::Override => format!(
            "OVERRIDE of {} for {action}{reason}",
            r.verdict.as_deref().unwrap_or("?")
        ),
        Event::ChecklistTicked => format!(
            "checklist: {} \"{}\"",
            r.outcome.as_deref().unwrap_or("ticked"),
            detail.unwrap_or("?")
        ),
        Event::HoldPlaced => format!(
            "hold until {}{reason}",
            r.hold_until
                .map_or_else(|| "?".into(), |u| u.format("%H:%MZ").to_string())
        ),
        Event::HoldReleased => format!("hold {}", r.outcome.as_deref().unwrap_or(RELEASED)),
        Event::ActionResolved => match &r.resolution {
            Some(res) => format!("{action} {}", res.describe(&r.context.operator)),
            None => format!("{action} settled"),
        },
        Event::CockpitStopped if r.action_id.is_some() => {
            format!("cockpit stopped with {action} in flight: outcome unknown")
        }
        Event::JournalRepaired => format!("journal repaired: {}", detail.unwrap_or("")),
        Event::CockpitStarted | Event::CockpitStopped | Event::BakeCheckpoint => return None,
    };
    Some(text)
}
