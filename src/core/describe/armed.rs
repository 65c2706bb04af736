//! The words for arming and automatic actions: what is armed, the policy that fired and its
//! evidence, the countdown a person had to veto it.

use crate::core::record::Record;

/// What is armed now, on `armed_changed`: "ARMED: auto-rollback (countdown 30 s) by key".
pub fn armed_words(r: &Record) -> String {
    let how = r
        .detail
        .as_deref()
        .map(|d| format!(" by {d}"))
        .unwrap_or_default();
    match r.armed {
        Some(a) if a.rollback || a.promote => {
            let what = match (a.rollback, a.promote) {
                (true, true) => "auto-rollback and auto-promote",
                (true, false) => "auto-rollback",
                _ => "auto-promote",
            };
            format!("ARMED: {what} (countdown {} s){how}", a.countdown_s)
        }
        _ => format!("disarmed{how}"),
    }
}

/// The policy and evidence of an automatic action, on `auto_vetoed` and on an automatic
/// `action_requested`: "auto-rollback (error-rate breached 4.1% > 2%)".
pub fn auto_words(r: &Record) -> String {
    match &r.auto {
        Some(a) if a.evidence.is_empty() => policy_name(a.policy).to_string(),
        Some(a) => format!("{} ({})", policy_name(a.policy), a.evidence.join("; ")),
        None => "automatic action".to_string(),
    }
}

/// ", after a 30 s countdown": how long a person had to veto an automatic action.
pub(super) fn countdown_words(r: &Record) -> String {
    match &r.auto {
        Some(a) => format!(", after a {} s countdown", a.countdown_s),
        None => String::new(),
    }
}

pub fn policy_name(p: crate::core::autopilot::Policy) -> &'static str {
    match p {
        crate::core::autopilot::Policy::AutoRollback => "auto-rollback",
        crate::core::autopilot::Policy::AutoPromote => "auto-promote",
    }
}
