//! What armed automation did across the journals: every automatic action with the policy
//! that fired and its evidence, every veto with its reason, every arming change. A report
//! reader sees which rollbacks nobody typed, and who stopped the machine and why.

use crate::core::autopilot::Policy;
use crate::core::describe::{armed_words, auto_words};
use crate::core::record::{ArmedMark, Event, Record};
use crate::headless::table;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt::Write;

/// What an automation row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Happened {
    /// An armed policy requested its action by itself.
    Automatic,
    /// A person vetoed it during its countdown.
    Vetoed,
    /// Automation was armed or disarmed.
    ArmedChanged,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutomationRow {
    pub ts: DateTime<Utc>,
    pub happened: Happened,
    pub release: String,
    pub version: String,
    pub environment: String,
    /// Whose cockpit (or `watch --armed`) journaled it: for a veto, who vetoed.
    pub operator: String,
    pub host: String,
    pub stage: Option<String>,
    /// The action requested (automatic rows).
    pub action: Option<crate::core::action::Action>,
    pub policy: Option<Policy>,
    /// The evidence at that moment, in words.
    pub evidence: Vec<String>,
    /// The countdown that ran before it, in seconds.
    pub countdown_s: Option<u64>,
    /// A veto's reason.
    pub reason: Option<String>,
    /// What is armed after an arming change.
    pub armed: Option<ArmedMark>,
    /// By what an arming change was made ("config", "key", "--armed").
    pub detail: Option<String>,
    /// The row in words, as `audit show` and `watch` word the record.
    pub text: String,
}

/// The automation rows of `records`, in their order.
pub fn rows(records: &[Record]) -> Vec<AutomationRow> {
    records.iter().filter_map(row).collect()
}

fn row(r: &Record) -> Option<AutomationRow> {
    let happened = match r.event {
        Event::ActionRequested if r.auto.is_some() => Happened::Automatic,
        Event::AutoVetoed => Happened::Vetoed,
        Event::ArmedChanged => Happened::ArmedChanged,
        _ => return None,
    };
    let auto = r.auto.as_ref();
    let text = match happened {
        Happened::Automatic => format!(
            "{} AUTOMATICALLY: {}",
            r.action.as_deref().unwrap_or("action"),
            auto_words(r)
        ),
        Happened::Vetoed => format!(
            "vetoed {}: \"{}\"",
            auto_words(r),
            r.reason.as_deref().unwrap_or("")
        ),
        Happened::ArmedChanged => armed_words(r),
    };
    Some(AutomationRow {
        text,
        ts: r.ts,
        happened,
        release: r.context.release.clone(),
        version: r.context.version.clone(),
        environment: r.context.environment.clone(),
        operator: r.context.operator.clone(),
        host: r.context.host.clone(),
        stage: r.stage.clone(),
        action: (happened == Happened::Automatic)
            .then(|| r.action.clone())
            .flatten(),
        policy: auto.map(|a| a.policy),
        evidence: auto.map(|a| a.evidence.clone()).unwrap_or_default(),
        countdown_s: auto.map(|a| a.countdown_s),
        reason: (happened == Happened::Vetoed)
            .then(|| r.reason.clone())
            .flatten(),
        armed: r.armed,
        detail: (happened == Happened::ArmedChanged)
            .then(|| r.detail.clone())
            .flatten(),
    })
}

/// The automation table for the text report: nothing when automation never ran.
pub fn render(rows: &[AutomationRow]) -> String {
    let mut out = String::new();
    if rows.is_empty() {
        return out;
    }
    let count = |h: Happened| rows.iter().filter(|r| r.happened == h).count();
    let arming = count(Happened::ArmedChanged);
    let _ = writeln!(
        out,
        "\nAutomation ({} automatic, {} vetoed, {arming} arming change{})",
        count(Happened::Automatic),
        count(Happened::Vetoed),
        if arming == 1 { "" } else { "s" }
    );
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.ts.format("%Y-%m-%d %H:%M:%S").to_string(),
                format!("{} {}", r.release, r.version),
                format!("{}@{}", r.operator, r.host),
                r.text.clone(),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &["WHEN (UTC)", "RELEASE", "BY", "WHAT"],
        &table_rows,
        2,
    ));
    out
}

#[cfg(test)]
#[path = "automation_tests.rs"]
mod tests;
