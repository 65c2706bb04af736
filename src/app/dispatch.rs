//! Enter in the Approve-Risk prompt, or an armed automation firing: the one place an action is
//! dispatched. `Dispatch` has private fields and no constructor outside this module, so
//! nothing else in the program can make one: an action leaves the cockpit only through a
//! confirmed prompt or an armed policy's countdown run out (src/app/armed.rs).

use super::approve::{ActionKind, InFlight};
use super::keymap::{Command, Scope};
use super::{Effect, LogLevel, Overlay, State};
use crate::actions::Vars;
use crate::core::action::Action;
use crate::core::approval::parse_approval;
use crate::core::reading::format_number;
use crate::core::record::{Event, Record};
use crate::core::verdict::VerdictKind;
use chrono::{DateTime, Utc};

/// An action request for the effects runner: journal `requested` (and the override), then
/// send it with `vars` filled into its templates.
///
/// Only a confirmed Approve-Risk prompt or an armed policy makes one; other code cannot build
/// one (E0451:
/// the fields are private):
///
/// ```compile_fail,E0451
/// use gonogo::actions::Vars;
/// use gonogo::app::Dispatch;
/// use gonogo::core::action::Action;
/// use gonogo::core::record::{Context, Event, Record};
/// let requested = Record::new(chrono::Utc::now(), Event::ActionRequested, Context::default());
/// let forged = Dispatch {
///     id: "gonogo-promote-1".into(),
///     action: Action::Promote,
///     vars: Vars::new(),
///     requested,
///     override_record: None,
/// };
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatch {
    id: String,
    action: Action,
    vars: Vars,
    requested: Record,
    override_record: Option<Record>,
}

impl Dispatch {
    /// The action id: the `Idempotency-Key` and the records' `action_id`.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn action(&self) -> &Action {
        &self.action
    }

    /// The values its templates may use: the standard names of `actions::STANDARD`.
    pub fn vars(&self) -> &Vars {
        &self.vars
    }

    /// Journaled and flushed before the request is sent; the runner adds the request summary.
    pub fn requested(&self) -> &Record {
        &self.requested
    }

    /// A promote while the verdict is not GO: journaled before `requested`.
    pub fn override_record(&self) -> Option<&Record> {
        self.override_record.as_ref()
    }
}

/// How an action is sent: what, where, on which verdict, and whether it is an override or
/// automatic (with the policy and evidence behind it).
pub(super) struct Sent<'a> {
    pub kind: ActionKind,
    pub target: &'a str,
    pub verdict: VerdictKind,
    pub is_override: bool,
    pub auto: Option<crate::core::record::AutoMark>,
}

impl State {
    /// Enter in the prompt: dispatch when the text parses and the verdict is the one the
    /// operator read; otherwise say why not, or ask again.
    pub(super) fn confirm(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let Overlay::Approve(modal) = &mut self.screen.overlay else {
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
        let verdict = &self.release.eval.verdict;
        if verdict.kind != modal.verdict {
            modal.notice = Some(format!(
                "the verdict changed from {} to {}: read it again, then press {} to confirm",
                modal.verdict.label(),
                verdict.kind.label(),
                self.setup.keys.label(Scope::Prompt, Command::Confirm)
            ));
            modal.verdict = verdict.kind;
            modal.reasons = verdict.reasons.iter().map(|r| r.text.clone()).collect();
            modal.is_override =
                matches!(modal.kind, ActionKind::Promote { .. }) && verdict.kind != VerdictKind::Go;
            return;
        }
        let modal = (**modal).clone();
        self.screen.overlay = Overlay::None;
        let how = Sent {
            kind: modal.kind,
            target: &modal.target,
            verdict: modal.verdict,
            is_override: modal.is_override,
            auto: None,
        };
        self.send(how, &reason, now, fx);
    }

    /// Dispatch an action: journaled as requested (with the override, or the automation that
    /// fired it), in flight until its outcome comes back. The confirmed prompt and an armed
    /// automation both come here, so both take the same path: journal first, safe retries,
    /// outcome unknown as a state.
    pub(super) fn send(
        &mut self,
        how: Sent,
        reason: &str,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let Sent {
            kind,
            target,
            verdict,
            is_override,
            auto,
        } = how;
        self.session.action_counter += 1;
        let name = kind.name(&self.setup.actions);
        let action = Action::from(name);
        let id = format!(
            "gonogo-{name}-{}-{}",
            now.format("%Y%m%dT%H%M%S%.3fZ"),
            self.session.action_counter
        );
        let vars = self.vars(kind, verdict, &id, reason);
        let mut requested = self.record(Event::ActionRequested, now);
        requested.action = Some(action.clone());
        requested.action_id = Some(id.clone());
        requested.reason = Some(reason.to_string());
        let automatic = auto.is_some();
        requested.auto = auto;
        let override_record = is_override.then(|| {
            let mut r = self.record(Event::Override, now);
            r.action = Some(action.clone());
            r.action_id = Some(id.clone());
            r.reason = Some(reason.to_string());
            r.detail = Some(format!("{action} while the verdict is {}", verdict.label()));
            r
        });
        if let Some(o) = (override_record.as_ref())
            .and_then(|r| super::overrides::override_of(r, &self.setup.plan))
        {
            self.release.overrides.push(o);
        }
        self.session.in_flight = Some(InFlight {
            id: id.clone(),
            kind,
            started: now,
        });
        self.log(
            now,
            LogLevel::Info,
            format!(
                "{action} requested{} → {target}{}",
                if automatic { " AUTOMATICALLY" } else { "" },
                if is_override { " (override)" } else { "" }
            ),
        );
        fx.push(Effect::Dispatch(Box::new(Dispatch {
            id,
            action,
            vars,
            requested,
            override_record,
        })));
    }

    /// The values the action's templates see: the release, the stages it moves between, and
    /// who asked for it, why, on what verdict.
    fn vars(&self, kind: ActionKind, verdict: VerdictKind, id: &str, reason: &str) -> Vars {
        let stages = &self.setup.plan.stages;
        let stage = |i: Option<usize>| i.map(|i| &stages[i]);
        let (from, to) = match kind {
            ActionKind::Promote { from, to } => (stage(from), stage(Some(to))),
            ActionKind::Rollback { from } => (stage(from), None),
            // A custom action (pause, resume) acts on the live stage and moves nothing.
            ActionKind::Custom(_) => {
                let live = self
                    .release
                    .position
                    .filter(|p| !p.rolled_back)
                    .map(|p| p.stage);
                (stage(live), stage(live))
            }
        };
        let mut v = Vars::from_release(&self.setup.release);
        for (side, stage) in [("from", from), ("to", to)] {
            let traffic = stage.map_or(0.0, |s| s.traffic);
            v.set(format!("{side}_stage"), stage.map(|s| s.name.as_str()));
            // A whole share becomes an integer (`Vars::set`), so `{{to_traffic}}` renders as 5,
            // not 5.0; the same share as text, for APIs that want a string (Unleash's rollout,
            // workflow inputs).
            v.set(format!("{side}_traffic"), traffic);
            v.set(format!("{side}_percent"), format_number(traffic));
        }
        v.set("reason", reason);
        v.set("operator", self.session.context.operator.as_str());
        v.set("verdict", verdict.label());
        v.set("action", kind.name(&self.setup.actions));
        v.set("action_id", id);
        v
    }
}
