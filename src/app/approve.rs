//! The Approve-Risk modal and the action lifecycle: open, type, confirm, in flight, outcome.
//! The only way to create `Effect::Dispatch` is a valid confirmation in this modal.

use super::unresolved::{Unresolved, WhyUnknown};
use super::{Effect, Key, LogLevel, Overlay, State};
use crate::core::approval::{PREFIX, parse_approval};
use crate::core::record::Event;
use crate::core::verdict::VerdictKind;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Move from the current stage (none: not started or rolled back) to stage `to`.
    Promote {
        from: Option<usize>,
        to: usize,
    },
    Rollback {
        from: Option<usize>,
    },
    /// A custom action from the config (pause, resume, …), by its index in `Setup::actions`.
    Custom(usize),
}

impl ActionKind {
    /// The action's name as the config spells it: `promote`, `rollback`, or the custom key.
    pub fn name(self, actions: &[crate::setup::ActionSpec]) -> &str {
        match self {
            ActionKind::Promote { .. } => "promote",
            ActionKind::Rollback { .. } => "rollback",
            ActionKind::Custom(i) => actions.get(i).map_or("action", |a| a.name.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApproveModal {
    pub kind: ActionKind,
    /// Host (and port) the webhook goes to, for the operator to check.
    pub target: String,
    /// What the operator typed so far.
    pub input: String,
    /// The verdict when the modal opened (or when the operator was last asked again).
    pub verdict: VerdictKind,
    /// The verdict's reasons at that moment.
    pub reasons: Vec<String>,
    /// A promote while the verdict is not GO.
    pub is_override: bool,
    /// Context for a rollback: the breached conditions.
    pub context: Option<String>,
    /// Why Enter did not fire, or that the verdict changed and the operator must confirm again.
    pub notice: Option<String>,
}

/// What came of a dispatched action, as the runtime reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionOutcome {
    Succeeded {
        status: u16,
        latency: Duration,
        excerpt: String,
    },
    Failed {
        status: Option<u16>,
        reason: String,
        excerpt: String,
    },
    /// Sent, but whether the target acted cannot be known (timeout, 5xx).
    Unknown {
        reason: String,
        what_to_check: String,
    },
    /// Never sent: the journal could not record the request, or the request could not be built.
    NotSent { reason: String },
}

/// An action request for the effects runner: journal `requested` (and the override), then send.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatch {
    pub id: String,
    pub action: String,
    pub vars: BTreeMap<String, Value>,
    /// Journaled and flushed before the request is sent; the runner adds the request summary.
    pub requested: crate::core::record::Record,
    pub override_record: Option<crate::core::record::Record>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub id: String,
    pub kind: ActionKind,
    pub started: DateTime<Utc>,
}

/// A short message shown over the footer for a few seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub level: LogLevel,
    pub text: String,
    pub until: DateTime<Utc>,
}

const TOAST_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(6);

/// Host (and port) the webhook of action `name` goes to.
pub(super) fn action_target(actions: &[crate::setup::ActionSpec], name: &str) -> Option<String> {
    let spec = actions.iter().find(|a| a.name == name)?;
    // Never a user or password the URL might carry.
    Some(crate::url_credentials::host(&spec.url))
}

/// A typing key in a prompt's input: a letter, Backspace, or Ctrl-U to clear it. A change
/// clears the notice of a refused Enter.
pub(super) fn edit(input: &mut String, notice: &mut Option<String>, key: Key) {
    match key {
        Key::Char(c) => input.push(c),
        Key::Backspace => {
            input.pop();
        }
        Key::Ctrl('u') => input.clear(),
        _ => return,
    }
    *notice = None;
}

/// Pasted text for a prompt: line breaks must not act as Enter, so they become spaces.
pub(super) fn clean_paste(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl State {
    pub(super) fn toast(&mut self, now: DateTime<Utc>, level: LogLevel, text: impl Into<String>) {
        let text = text.into();
        self.log(now, level, text.clone());
        self.toast = Some(Toast {
            level,
            text,
            until: now + TOAST_FOR,
        });
    }

    fn action_target(&self, name: &str) -> Option<String> {
        action_target(&self.setup.actions, name)
    }

    /// `p` or `r`: open the modal if an action may be asked for at all.
    pub(super) fn open_action(&mut self, want: &str, now: DateTime<Utc>) {
        if self.read_only {
            self.toast(now, LogLevel::Warn, "read-only: actions are disabled");
            return;
        }
        if let Some(f) = &self.in_flight {
            let text = format!(
                "{} is in flight; wait for its outcome",
                f.kind.name(&self.setup.actions)
            );
            self.toast(now, LogLevel::Warn, text);
            return;
        }
        let Some(target) = self.action_target(want) else {
            self.toast(
                now,
                LogLevel::Warn,
                format!("no {want} action is configured"),
            );
            return;
        };
        let live = self.position.filter(|p| !p.rolled_back).map(|p| p.stage);
        let kind = match want {
            "promote" => {
                let to = live.map_or(0, |s| s + 1);
                if to >= self.setup.plan.stages.len() {
                    self.toast(now, LogLevel::Info, "already at the last stage");
                    return;
                }
                ActionKind::Promote { from: live, to }
            }
            "rollback" => ActionKind::Rollback { from: live },
            custom => match self.setup.actions.iter().position(|a| a.name == custom) {
                Some(i) => ActionKind::Custom(i),
                None => return,
            },
        };
        let verdict = &self.eval.verdict;
        let breached: Vec<String> = self
            .setup
            .conditions
            .iter()
            .zip(&self.eval.conditions)
            .filter(|(_, s)| s.state == crate::core::condition::CondState::Breached)
            .map(|(c, s)| format!("{}: {}", c.label, s.why.clone().unwrap_or_default()))
            .collect();
        self.overlay = Overlay::Approve(Box::new(ApproveModal {
            kind,
            target,
            // The fast path: a rollback starts with the prefix typed; the reason is still the
            // operator's to write.
            input: match kind {
                ActionKind::Rollback { .. } => format!("{PREFIX} "),
                ActionKind::Promote { .. } | ActionKind::Custom(_) => String::new(),
            },
            verdict: verdict.kind,
            reasons: verdict.reasons.iter().map(|r| r.text.clone()).collect(),
            is_override: matches!(kind, ActionKind::Promote { .. })
                && verdict.kind != VerdictKind::Go,
            context: (!breached.is_empty()).then(|| breached.join("; ")),
            notice: None,
        }));
        self.dirty = true;
    }

    /// Every key while the modal is open goes here: `q` is a letter, not quit.
    pub(super) fn approve_key(&mut self, key: Key, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let Overlay::Approve(modal) = &mut self.overlay else {
            return;
        };
        self.dirty = true;
        match key {
            Key::Esc | Key::Ctrl('c') | Key::Ctrl('g') => {
                self.overlay = Overlay::None;
                self.log(now, LogLevel::Info, "action cancelled");
            }
            Key::Enter => self.confirm(now, fx),
            key => edit(&mut modal.input, &mut modal.notice, key),
        }
    }

    pub(super) fn approve_paste(&mut self, text: &str) {
        if let Overlay::Approve(modal) = &mut self.overlay {
            modal.input.push_str(&clean_paste(text));
            modal.notice = None;
            self.dirty = true;
        }
    }

    fn confirm(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let Overlay::Approve(modal) = &mut self.overlay else {
            return;
        };
        let reason = match parse_approval(&modal.input) {
            Ok(r) => r,
            Err(e) => {
                modal.notice = Some(e.to_string());
                return;
            }
        };
        // Enter re-evaluates: if the verdict moved since the operator read it, ask again.
        let verdict = &self.eval.verdict;
        if verdict.kind != modal.verdict {
            modal.notice = Some(format!(
                "the verdict changed from {} to {}: read it again, then press Enter to confirm",
                modal.verdict.label(),
                verdict.kind.label()
            ));
            modal.verdict = verdict.kind;
            modal.reasons = verdict.reasons.iter().map(|r| r.text.clone()).collect();
            modal.is_override =
                matches!(modal.kind, ActionKind::Promote { .. }) && verdict.kind != VerdictKind::Go;
            return;
        }
        let modal = (**modal).clone();
        self.overlay = Overlay::None;
        self.action_counter += 1;
        let id = format!(
            "gonogo-{}-{}-{}",
            modal.kind.name(&self.setup.actions),
            now.format("%Y%m%dT%H%M%S%.3fZ"),
            self.action_counter
        );
        let vars = self.vars(&modal, &id, &reason);
        let mut requested = self.record(Event::ActionRequested, now);
        requested.action = Some(modal.kind.name(&self.setup.actions).into());
        requested.action_id = Some(id.clone());
        requested.reason = Some(reason.clone());
        let override_record = modal.is_override.then(|| {
            let mut r = self.record(Event::Override, now);
            r.action = Some(modal.kind.name(&self.setup.actions).into());
            r.action_id = Some(id.clone());
            r.reason = Some(reason.clone());
            r.detail = Some(format!(
                "promote while the verdict is {}",
                modal.verdict.label()
            ));
            r
        });
        self.in_flight = Some(InFlight {
            id: id.clone(),
            kind: modal.kind,
            started: now,
        });
        self.log(
            now,
            LogLevel::Info,
            format!(
                "{} requested → {}{}",
                modal.kind.name(&self.setup.actions),
                modal.target,
                if modal.is_override { " (override)" } else { "" }
            ),
        );
        fx.push(Effect::Dispatch(Box::new(Dispatch {
            id,
            action: modal.kind.name(&self.setup.actions).into(),
            vars,
            requested,
            override_record,
        })));
    }

    fn vars(&self, modal: &ApproveModal, id: &str, reason: &str) -> BTreeMap<String, Value> {
        let stages = &self.setup.plan.stages;
        let stage = |i: Option<usize>| i.map(|i| &stages[i]);
        let (from, to) = match modal.kind {
            ActionKind::Promote { from, to } => (stage(from), stage(Some(to))),
            ActionKind::Rollback { from } => (stage(from), None),
            // A custom action (pause, resume) acts on the live stage and moves nothing.
            ActionKind::Custom(_) => {
                let live = self.position.filter(|p| !p.rolled_back).map(|p| p.stage);
                (stage(live), stage(live))
            }
        };
        let r = &self.setup.release;
        let mut v = BTreeMap::new();
        v.insert("release".into(), json!(r.name));
        v.insert("version".into(), json!(r.version));
        v.insert("environment".into(), json!(r.environment));
        v.insert(
            "commit".into(),
            r.commit.as_ref().map_or(Value::Null, |c| json!(c)),
        );
        v.insert(
            "from_stage".into(),
            from.map_or(Value::Null, |s| json!(s.name)),
        );
        v.insert(
            "from_traffic".into(),
            json!(from.map_or(0.0, |s| s.traffic)),
        );
        v.insert("to_stage".into(), to.map_or(Value::Null, |s| json!(s.name)));
        v.insert("to_traffic".into(), json!(to.map_or(0.0, |s| s.traffic)));
        v.insert("reason".into(), json!(reason));
        v.insert("operator".into(), json!(self.context.operator));
        v.insert("verdict".into(), json!(modal.verdict.label()));
        v.insert("action".into(), json!(modal.kind.name(&self.setup.actions)));
        v.insert("action_id".into(), json!(id));
        // Whole numbers as integers, so `{{to_traffic}}` renders as 5, not 5.0; and the same
        // share as text, for APIs that want a string (Unleash's rollout, workflow inputs).
        for (key, text) in [
            ("from_traffic", "from_percent"),
            ("to_traffic", "to_percent"),
        ] {
            if let Some(n) = v[key].as_f64().filter(|n| n.fract() == 0.0) {
                v.insert(key.into(), json!(n as i64));
            }
            let shown = crate::core::reading::format_number(v[key].as_f64().unwrap_or(0.0));
            v.insert(text.into(), json!(shown));
        }
        v
    }

    /// The runtime reports how a dispatched action ended.
    pub(super) fn action_done(
        &mut self,
        id: &str,
        outcome: ActionOutcome,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(flight) = self.in_flight.take().filter(|f| f.id == id) else {
            return;
        };
        let name = flight.kind.name(&self.setup.actions).to_string();
        let (event, level, text, outcome_text) = match &outcome {
            ActionOutcome::Succeeded {
                status,
                latency,
                excerpt,
            } => (
                Event::ActionSucceeded,
                LogLevel::Good,
                format!(
                    "{name} succeeded: HTTP {status} in {} ms",
                    latency.as_millis()
                ),
                format!(
                    "succeeded: HTTP {status} in {} ms: {excerpt}",
                    latency.as_millis()
                ),
            ),
            ActionOutcome::Failed {
                status,
                reason,
                excerpt,
            } => (
                Event::ActionFailed,
                LogLevel::Error,
                format!("{name} failed: {reason}"),
                format!(
                    "failed{}: {reason}{}",
                    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default(),
                    if excerpt.is_empty() {
                        String::new()
                    } else {
                        format!(": {excerpt}")
                    }
                ),
            ),
            ActionOutcome::Unknown {
                reason,
                what_to_check,
            } => (
                Event::ActionOutcomeUnknown,
                LogLevel::Error,
                format!("{name} OUTCOME UNKNOWN: {reason} — {what_to_check}"),
                format!("outcome unknown: {reason}"),
            ),
            ActionOutcome::NotSent { reason } => (
                Event::ActionFailed,
                LogLevel::Error,
                format!("{name} not sent: {reason}"),
                format!("not sent: {reason}"),
            ),
        };
        let mut record = self.record(event, now);
        record.action = Some(name.clone());
        record.action_id = Some(flight.id.clone());
        record.outcome = Some(outcome_text);
        if let ActionOutcome::Unknown {
            reason,
            what_to_check,
        } = &outcome
        {
            // Kept with the record, so a restart can say what to check.
            record.detail = Some(what_to_check.clone());
            self.outcome_unknown(Unresolved {
                kind: flight.kind,
                id: flight.id.clone(),
                sent: flight.started,
                why: WhyUnknown::Answer(reason.clone()),
                check: what_to_check.clone(),
            });
        }
        fx.push(Effect::Journal(Box::new(record)));
        self.toast(now, level, text);
        if let ActionOutcome::Succeeded { .. } = outcome {
            let why = format!("{name} by {} succeeded", self.context.operator);
            let why = match flight.kind {
                ActionKind::Promote { .. } => format!("promoted by {}", self.context.operator),
                _ => why,
            };
            self.apply_move(flight.kind, now, &why, fx);
        }
    }
}
