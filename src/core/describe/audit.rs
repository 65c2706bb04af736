//! A line of `audit show`: a record in columns.

use super::armed::countdown_words;
use super::{armed_words, auto_words, stage_words};
use crate::core::record::{Event, Record, Resolution, ResolvedBy};

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
    // An automatic request's reason repeats its policy and evidence, said below.
    let automatic = r.event == Event::ActionRequested && r.auto.is_some();
    if let Some(reason) = r.reason.as_ref().filter(|_| !automatic) {
        parts.push(format!("reason \"{reason}\""));
    }
    if let Some(until) = r.hold_until {
        parts.push(format!("until {}", until.format("%Y-%m-%d %H:%M:%SZ")));
    }
    if let Some(source) = &r.source {
        parts.push(format!("source {source}"));
    }
    if let Some(m) = &r.restore {
        parts.push(m.words());
    }
    // An automatic action says so, with the policy that fired and its evidence; a veto names
    // what it stopped; an arming change what is armed now (its detail says by what).
    match r.event {
        Event::ActionRequested if automatic => {
            parts.push(format!("AUTOMATIC {}{}", auto_words(r), countdown_words(r)));
        }
        Event::AutoVetoed => parts.push(format!("vetoed {}", auto_words(r))),
        Event::ArmedChanged => parts.push(armed_words(r)),
        _ => {}
    }
    parts.extend(r.request.clone());
    parts.extend(r.outcome.clone());
    if r.event != Event::ArmedChanged {
        parts.extend(r.detail.clone());
    }
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
