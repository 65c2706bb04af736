//! One rendering of a journal record into words, for every place that tells of one: the
//! notification a chat channel reads, the cockpit's log following another cockpit, a line of
//! `watch` and a line of `audit show`.
//!
//! The places word a record each its own way, and their outputs are kept as they are: a chat
//! reads a sentence after the release ("checkout 2.0 (prod): rolled back from canary"), the
//! log names who first ("ana: promote requested: …"), a watcher reads who@host ("promote
//! requested by ana@ops1: …"), the audit reads columns. The wordings sit side by side here,
//! event by event, so a change of words is made, and seen, in one place.
//!
//! The digest's words are in `digest`, a line of `audit show` in `audit`, and the words for
//! arming and automatic actions, which several places share, in `armed`.

mod armed;
mod audit;
mod digest;

pub use armed::{armed_words, auto_words, policy_name};
pub use audit::audit_line;

use super::event::{Kind, LogLevel};
use super::reading::format_number;
use super::record::{Event, RELEASED, Record, UNTICKED};
use super::verdict::VerdictKind;
use digest::digest_words;

/// Who reads a record's words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Voice<'a> {
    /// A chat channel's notification: one sentence, after the release it is about.
    Notice,
    /// The cockpit's log, following another cockpit through the journal. `stage` is the
    /// entered stage as this cockpit's plan labels it.
    Followed { stage: Option<&'a str> },
    /// A line of `watch` for a record another cockpit journaled.
    Watch,
    /// A line of the digest ("since you last looked"): what happened, without who and when,
    /// which the digest shows in columns of their own.
    Digest,
}

/// A record told: how serious, what about, and the words.
#[derive(Debug, Clone, PartialEq)]
pub struct Told {
    pub level: LogLevel,
    pub kind: Kind,
    pub text: String,
}

/// A record in the words of `voice`; none where that place keeps quiet about the record (the
/// log and `watch` see breaches and drift themselves, and bake checkpoints are bookkeeping).
pub fn tell(r: &Record, voice: Voice) -> Option<Told> {
    let text = words(r, voice)?;
    let text = match voice {
        Voice::Notice => format!(
            "{} {} ({}): {text}",
            r.context.release, r.context.version, r.context.environment
        ),
        _ => text,
    };
    Some(Told {
        level: level(r, voice),
        kind: Kind::from(r.event),
        text,
    })
}

fn level(r: &Record, voice: Voice) -> LogLevel {
    match r.event {
        // An observe-only condition's breach gates nothing: a warning, not an error.
        Event::BreachBegan if r.observe_only => LogLevel::Warn,
        Event::ActionSucceeded | Event::BreachEnded | Event::DriftEnded => LogLevel::Good,
        Event::ActionFailed | Event::ActionOutcomeUnknown | Event::BreachBegan => LogLevel::Error,
        Event::Override
        | Event::RolledBack
        | Event::JournalRepaired
        | Event::DriftBegan
        | Event::SourceDown
        | Event::HoldPlaced
        | Event::ArmedChanged
        | Event::AutoVetoed => LogLevel::Warn,
        Event::SourceUp | Event::Restored => LogLevel::Good,
        Event::VerdictChanged => match r.verdict.as_deref() {
            Some(v) if v == VerdictKind::RollbackAdvised.label() => LogLevel::Error,
            Some(v) if v == VerdictKind::NoGoUntilVerified.label() => LogLevel::Warn,
            Some(v) if v == VerdictKind::Go.label() || v == VerdictKind::Complete.label() => {
                LogLevel::Good
            }
            _ => LogLevel::Info,
        },
        // A watcher is told loudly of an action left in flight; the log tells of the stop.
        Event::CockpitStopped if r.action_id.is_some() && voice == Voice::Watch => LogLevel::Error,
        _ => LogLevel::Info,
    }
}

/// The words of `voice` for a record, without what a notice puts before them.
fn words(r: &Record, voice: Voice) -> Option<String> {
    use Voice::{Digest, Followed, Notice, Watch};
    let who = r.context.operator.as_str();
    let host = r.context.host.as_str();
    // A watcher is told where, too.
    let at = format!("{who}@{host}");
    let action = r.action.as_deref().unwrap_or("action");
    let detail = r.detail.as_deref();
    let reason = r.reason.as_deref();
    let outcome = r.outcome.as_deref();
    let stage = r.stage.as_deref();
    let staged = stage.map(|s| stage_words(s, r.traffic));
    let after = |prefix: &str, x: Option<&str>| x.map(|x| format!("{prefix}{x}"));
    let quoted = |x: Option<&str>| format!("\"{}\"", x.unwrap_or(""));
    let text = match (r.event, voice) {
        (_, Digest) => return digest_words(r),
        (Event::StageEntered, Notice) => format!(
            "stage {} entered ({})",
            stage.unwrap_or("no stage"),
            detail.unwrap_or("")
        ),
        (Event::StageEntered, Followed { stage: label }) => {
            format!("stage {} entered ({who})", label.unwrap_or("?"))
        }
        (Event::StageEntered, Watch) => format!(
            "stage {} entered (journaled by {at}){}",
            staged.as_deref().unwrap_or("?"),
            after(": ", detail).unwrap_or_default()
        ),
        (Event::RolledBack, Notice) => {
            format!("rolled back from {}", stage.unwrap_or("no stage"))
        }
        (Event::RolledBack, Followed { .. }) => format!("rolled back ({who})"),
        (Event::RolledBack, Watch) => format!(
            "rolled back from {} (journaled by {at})",
            staged.as_deref().unwrap_or("no live stage")
        ),
        (Event::ActionRequested, Notice | Followed { .. }) if r.auto.is_some() => {
            format!(
                "{action} requested AUTOMATICALLY: {} ({who})",
                auto_words(r)
            )
        }
        (Event::ActionRequested, Watch) if r.auto.is_some() => format!(
            "{action} requested AUTOMATICALLY on {at}: {}",
            auto_words(r)
        ),
        (Event::ActionRequested, Notice) => {
            format!("{action} requested by {who}: {}", quoted(reason))
        }
        (Event::ActionRequested, Followed { .. }) => {
            format!("{who}: {action} requested: {}", quoted(reason))
        }
        (Event::ActionRequested, Watch) => format!(
            "{action} requested by {at}{}",
            reason.map(|x| format!(": \"{x}\"")).unwrap_or_default()
        ),
        (Event::ActionSucceeded | Event::ActionFailed | Event::ActionOutcomeUnknown, voice) => {
            match voice {
                Notice => format!("{action} {} ({who})", outcome.unwrap_or("finished")),
                Followed { .. } => format!("{who}: {action} {}", outcome.unwrap_or("")),
                Watch | Digest => format!(
                    "{action} by {at}{}",
                    after(": ", outcome).unwrap_or_default()
                ),
            }
        }
        (Event::Override, Notice) => format!(
            "OVERRIDE by {who}: {action} while the verdict is {} — {}",
            r.verdict.as_deref().unwrap_or("?"),
            quoted(reason)
        ),
        (Event::Override, Followed { .. }) => format!(
            "{who}: OVERRIDE of {} for {action}",
            r.verdict.as_deref().unwrap_or("")
        ),
        (Event::Override, Watch) => format!(
            "override by {at}: {}{}",
            detail.unwrap_or(action),
            reason.map(|x| format!(": \"{x}\"")).unwrap_or_default()
        ),
        (Event::ChecklistTicked, Notice) => format!(
            "checklist: {} {} ({who})",
            outcome.unwrap_or("ticked"),
            quoted(detail)
        ),
        // The log says "ticked" for any tick but an untick, as the checklist counts it.
        (Event::ChecklistTicked, Followed { .. }) => format!(
            "checklist: {} {} ({who})",
            if outcome == Some(UNTICKED) {
                "unticked"
            } else {
                "ticked"
            },
            quoted(detail)
        ),
        (Event::ChecklistTicked, Watch) => format!(
            "checklist \"{}\" {} by {at}",
            detail.unwrap_or("?"),
            outcome.unwrap_or("ticked")
        ),
        (Event::HoldPlaced, voice) => {
            let until = r
                .hold_until
                .map_or_else(|| "?".into(), |u| u.format("%H:%MZ").to_string());
            match voice {
                Notice => format!("held by {who} until {until}: {}", quoted(reason)),
                Followed { .. } => format!("{who}: hold until {until}: {}", quoted(reason)),
                Watch | Digest => format!("hold placed by {at} until {until}: {}", quoted(reason)),
            }
        }
        (Event::HoldReleased, voice) => {
            let how = outcome.unwrap_or(RELEASED);
            match voice {
                Notice => format!("hold {how} ({who})"),
                Followed { .. } => format!("{who}: hold {how}"),
                Watch | Digest => format!("hold {how} (journaled by {at})"),
            }
        }
        (Event::ActionResolved, voice) => match (&r.resolution, voice) {
            (None, Followed { .. }) => format!("{who}: {action} settled"),
            (None, _) => format!("{action} settled"),
            // A watcher reads who@host as the operator who verified.
            (Some(res), Watch) => format!("{action} {}", res.describe(&at)),
            (Some(res), _) => format!("{action} {}", res.describe(who)),
        },
        (Event::CockpitStarted, Notice) => format!("cockpit started by {who} on {host}"),
        (Event::CockpitStarted, Followed { .. }) => format!("cockpit of {at} started"),
        (Event::CockpitStarted, Watch) => format!(
            "cockpit of {at} started{}",
            detail.map(|d| format!(" ({d})")).unwrap_or_default()
        ),
        (Event::CockpitStopped, voice) => match (&r.action_id, voice) {
            (Some(id), Notice) => format!(
                "cockpit stopped by {who} on {host} with {action} {id} in flight: its outcome is unknown"
            ),
            (None, Notice) => format!("cockpit stopped by {who} on {host}"),
            (Some(id), Watch) => {
                format!("cockpit of {at} stopped with {action} {id} in flight: outcome unknown")
            }
            (_, _) => format!("cockpit of {at} stopped"),
        },
        (Event::JournalRepaired, Notice) => {
            format!("journal repaired by {who}: {}", detail.unwrap_or(""))
        }
        (Event::JournalRepaired, Watch) => format!(
            "journal repaired by {at}: {}",
            detail.unwrap_or("a torn last line set aside")
        ),
        (
            Event::BreachBegan | Event::BreachEnded | Event::DriftBegan | Event::DriftEnded,
            Notice,
        ) => detail.unwrap_or("").to_string(),
        (Event::BakeCheckpoint, Notice) => format!(
            "stage {}: {}",
            stage.unwrap_or("no stage"),
            detail.unwrap_or("")
        ),
        (Event::ArmedChanged, Notice | Followed { .. }) => {
            format!("{} ({who})", armed_words(r))
        }
        (Event::ArmedChanged, Watch) => format!("{} (journaled by {at})", armed_words(r)),
        (Event::AutoVetoed, Notice | Followed { .. }) => {
            format!("{} vetoed by {who}: {}", auto_words(r), quoted(reason))
        }
        (Event::AutoVetoed, Watch) => {
            format!("{} vetoed by {at}: {}", auto_words(r), quoted(reason))
        }
        (Event::VerdictChanged, Notice) => verdict_words(r),
        (Event::SourceDown | Event::SourceUp, Notice) => source_words(r),
        (Event::Restored, Notice | Followed { .. } | Watch) => restored_words(r),
        // The log and a watcher judge the verdict and the sources themselves.
        (Event::VerdictChanged | Event::SourceDown | Event::SourceUp, _) => return None,
        (
            Event::JournalRepaired
            | Event::BreachBegan
            | Event::BreachEnded
            | Event::DriftBegan
            | Event::DriftEnded
            | Event::BakeCheckpoint,
            _,
        ) => return None,
    };
    Some(text)
}

/// "verdict ROLLBACK ADVISED: Error rate: 4.57% above max"
fn verdict_words(r: &Record) -> String {
    format!(
        "verdict {}{}",
        r.verdict.as_deref().unwrap_or("?"),
        r.verdict_reasons
            .first()
            .map(|x| format!(": {x}"))
            .unwrap_or_default()
    )
}

/// "source prometheus down: timeout after 2s", "source prometheus usable again"
fn source_words(r: &Record) -> String {
    let name = r.source.as_deref().unwrap_or("?");
    match (r.event, r.detail.as_deref()) {
        (Event::SourceUp, _) => format!("source {name} usable again"),
        (_, Some(why)) => format!("source {name} down: {why}"),
        (_, None) => format!("source {name} down"),
    }
}

/// "restored: rollback answered in 1.2s; every stop condition healthy 47s after the request"
fn restored_words(r: &Record) -> String {
    match &r.restore {
        Some(m) => format!("restored: {}", m.words()),
        None => "restored".into(),
    }
}

/// A stage's name, with its traffic share when the name does not already say it:
/// "canary (1%)", "5%".
pub fn stage_words(name: &str, traffic: Option<f64>) -> String {
    match traffic {
        Some(t) if !name.ends_with('%') => format!("{name} ({}%)", format_number(t)),
        _ => name.to_string(),
    }
}

#[cfg(test)]
#[path = "describe_tests.rs"]
mod tests;
