//! One rendering of a journal record into words, for every place that tells of one: the
//! notification a chat channel reads, the cockpit's log following another cockpit, a line of
//! `watch` and a line of `audit show`.
//!
//! The places word a record each its own way, and their outputs are kept as they are: a chat
//! reads a sentence after the release ("checkout 2.0 (prod): rolled back from canary"), the
//! log names who first ("ana: promote requested: …"), a watcher reads who@host ("promote
//! requested by ana@ops1: …"), the audit reads columns. The wordings sit side by side here,
//! event by event, so a change of words is made, and seen, in one place.

use super::event::{Kind, LogLevel};
use super::reading::format_number;
use super::record::{Event, RELEASED, Record, Resolution, ResolvedBy, UNTICKED};

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
        | Event::HoldPlaced => LogLevel::Warn,
        // A watcher is told loudly of an action left in flight; the log tells of the stop.
        Event::CockpitStopped if r.action_id.is_some() && voice == Voice::Watch => LogLevel::Error,
        _ => LogLevel::Info,
    }
}

/// The words of `voice` for a record, without what a notice puts before them.
fn words(r: &Record, voice: Voice) -> Option<String> {
    use Voice::{Followed, Notice, Watch};
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
                Watch => format!(
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
                Watch => format!("hold placed by {at} until {until}: {}", quoted(reason)),
            }
        }
        (Event::HoldReleased, voice) => {
            let how = outcome.unwrap_or(RELEASED);
            match voice {
                Notice => format!("hold {how} ({who})"),
                Followed { .. } => format!("{who}: hold {how}"),
                Watch => format!("hold {how} (journaled by {at})"),
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

/// A stage's name, with its traffic share when the name does not already say it:
/// "canary (1%)", "5%".
pub fn stage_words(name: &str, traffic: Option<f64>) -> String {
    match traffic {
        Some(t) if !name.ends_with('%') => format!("{name} ({}%)", format_number(t)),
        _ => name.to_string(),
    }
}

/// One line of `audit show`: time, event, who, what, and the outcome or detail, in columns.
pub fn audit_line(r: &Record) -> String {
    // The event's name as the journal spells it, with spaces.
    let event = serde_json::to_value(r.event)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
        .replace('_', " ");
    let mut parts = vec![
        r.ts.format("%Y-%m-%d %H:%M:%SZ").to_string(),
        format!("{event:<22}"),
        format!("{}@{}", r.context.operator, r.context.host),
        format!(
            "{} {} {}",
            r.context.release, r.context.version, r.context.environment
        ),
    ];
    if let Some(stage) = &r.stage {
        parts.push(format!("stage {}", stage_words(stage, r.traffic)));
    }
    if let Some(a) = &r.action {
        parts.push(format!("action {a}"));
    }
    if let Some(v) = &r.verdict {
        parts.push(format!("verdict {v}"));
    }
    if let Some(reason) = &r.reason {
        parts.push(format!("reason \"{reason}\""));
    }
    if let Some(until) = r.hold_until {
        parts.push(format!("until {}", until.format("%Y-%m-%d %H:%M:%SZ")));
    }
    parts.extend(r.request.clone());
    parts.extend(r.outcome.clone());
    parts.extend(r.detail.clone());
    if let Some(res) = &r.resolution {
        parts.push(res.describe(&r.context.operator));
    }
    parts.join("  ")
}

impl Resolution {
    /// "took effect: live traffic 5% at 14:03:10Z", "did not take effect, verified by ana:
    /// \"argo history shows no sync\"".
    pub fn describe(&self, operator: &str) -> String {
        let what = if self.took_effect {
            "took effect"
        } else {
            "did not take effect"
        };
        match self.by {
            ResolvedBy::Evidence => format!("{what}: {}", self.evidence),
            ResolvedBy::Operator => {
                format!("{what}, verified by {operator}: \"{}\"", self.evidence)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Context;
    use chrono::{TimeZone, Utc};

    fn record(event: Event) -> Record {
        let ctx = Context {
            operator: "ana".into(),
            host: "ops1".into(),
            release: "checkout".into(),
            version: "2.0".into(),
            environment: "prod".into(),
        };
        Record::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 10, 15, 0).unwrap(),
            event,
            ctx,
        )
    }

    const FOLLOWED: Voice = Voice::Followed { stage: None };

    #[test]
    fn the_log_and_a_watcher_keep_quiet_about_what_they_see_themselves() {
        for event in [
            Event::BreachBegan,
            Event::BreachEnded,
            Event::DriftBegan,
            Event::DriftEnded,
            Event::BakeCheckpoint,
        ] {
            let r = record(event);
            assert_eq!(tell(&r, Voice::Watch), None, "{event:?}");
            assert_eq!(tell(&r, FOLLOWED), None, "{event:?}");
            assert!(tell(&r, Voice::Notice).is_some(), "{event:?}");
        }
        // A repaired journal is news to a watcher, not to a cockpit following the journal.
        let r = record(Event::JournalRepaired);
        let told = tell(&r, Voice::Watch).unwrap();
        assert_eq!(
            (told.level, told.kind, told.text.as_str()),
            (
                LogLevel::Warn,
                Kind::JournalRepaired,
                "journal repaired by ana@ops1: a torn last line set aside"
            )
        );
        assert_eq!(tell(&r, FOLLOWED), None);
    }

    #[test]
    fn each_place_words_a_stop_with_an_action_in_flight_its_own_way() {
        let mut r = record(Event::CockpitStopped);
        r.action = Some("promote".into());
        r.action_id = Some("id-7".into());
        let watch = tell(&r, Voice::Watch).unwrap();
        assert_eq!((watch.level, watch.kind), (LogLevel::Error, Kind::Cockpit));
        assert_eq!(
            watch.text,
            "cockpit of ana@ops1 stopped with promote id-7 in flight: outcome unknown"
        );
        let log = tell(&r, FOLLOWED).unwrap();
        assert_eq!(
            (log.level, log.text.as_str()),
            (LogLevel::Info, "cockpit of ana@ops1 stopped")
        );
        assert_eq!(
            tell(&r, Voice::Notice).unwrap().text,
            "checkout 2.0 (prod): cockpit stopped by ana on ops1 with promote id-7 in flight: its outcome is unknown"
        );
    }

    #[test]
    fn a_hold_is_told_with_who_until_when_and_why() {
        let mut r = record(Event::HoldPlaced);
        r.reason = Some("waiting for DB migration".into());
        r.hold_until = Some(Utc.with_ymd_and_hms(2026, 3, 2, 10, 30, 0).unwrap());
        let watch = tell(&r, Voice::Watch).unwrap();
        assert_eq!((watch.level, watch.kind), (LogLevel::Warn, Kind::Hold));
        assert_eq!(
            watch.text,
            "hold placed by ana@ops1 until 10:30Z: \"waiting for DB migration\""
        );
        assert!(audit_line(&r).contains("until 2026-03-02 10:30:00Z"));
        let mut gone = record(Event::HoldReleased);
        gone.outcome = Some("expired".into());
        assert_eq!(tell(&gone, FOLLOWED).unwrap().text, "ana: hold expired");
    }

    #[test]
    fn a_stage_s_words_name_its_share_once() {
        assert_eq!(stage_words("canary", Some(1.0)), "canary (1%)");
        assert_eq!(stage_words("5%", Some(5.0)), "5%");
        assert_eq!(stage_words("canary", None), "canary");
    }
}
