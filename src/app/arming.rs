//! What people do to armed automation: arm or disarm it (config at start, the arm key, an
//! observer taking the driving cockpit's), veto a pending action (typed here, left beside the
//! journal by an observer, or followed from another cockpit), or act on it now.

use super::hold::{DEFAULT_HOLD, HoldModal, HoldStep};
use super::position::same_release;
use super::{Effect, Kind, LogLevel, Overlay, State};
use crate::core::autopilot::{Armed, Decision, Veto};
use crate::core::record::{ArmedMark, AutoMark, Event, Record};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Where the arm key's "arm" goes when the config names nothing: auto-rollback alone, the
/// policy that only ever takes traffic away from a bad version.
pub const ROLLBACK_ONLY: Armed = Armed {
    rollback: true,
    promote: false,
};

/// What `--armed` and the arm key arm: what `[automation]` names, or auto-rollback alone.
pub fn arming(configured: Armed) -> Armed {
    if configured.rollback || configured.promote {
        configured
    } else {
        ROLLBACK_ONLY
    }
}

/// The last `armed_changed` of this release in `records`.
pub fn armed_from_journal(
    records: &[Record],
    ctx: &crate::core::record::Context,
) -> Option<ArmedMark> {
    records
        .iter()
        .rev()
        .filter(|r| r.event == Event::ArmedChanged && same_release(r, ctx))
        .find_map(|r| r.armed)
}

impl State {
    /// The arm key: arm what the config names (auto-rollback alone if it names nothing), or
    /// disarm; journaled. An observer cannot arm: the operator's cockpit acts.
    pub(super) fn toggle_armed(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if self.session.read_only {
            self.toast(
                now,
                LogLevel::Warn,
                "read-only: only the operator's cockpit arms",
            );
            return;
        }
        let on = self.session.armed.rollback || self.session.armed.promote;
        let armed = if on {
            Armed::default()
        } else {
            arming(self.setup.automation.armed)
        };
        if armed.rollback && !self.setup.conditions.iter().any(|c| c.critical) {
            let text = "nothing to arm: auto-rollback acts only on a condition marked critical";
            self.toast(now, LogLevel::Warn, text);
            return;
        }
        self.set_armed(armed, "key", now, fx);
    }

    fn set_armed(&mut self, armed: Armed, how: &str, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        self.session.armed = armed;
        let mark = self.armed_mark(armed);
        self.release.armed = Some(mark);
        let mut r = self.record(Event::ArmedChanged, now);
        r.armed = Some(mark);
        r.detail = Some(how.into());
        let words = crate::core::describe::armed_words(&r);
        fx.push(Effect::Journal(Box::new(r)));
        self.log_as(now, LogLevel::Warn, Kind::Armed, words);
        self.screen.dirty = true;
    }

    /// At start: journal the config's arming when the journal last said otherwise. An
    /// observer takes the journal's instead.
    pub(super) fn arm_at_start(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let journaled = self.release.armed;
        if self.session.read_only {
            if let Some(m) = journaled {
                self.observe_arming(m);
            }
            return;
        }
        let armed = self.session.armed;
        let said = journaled.map_or(Armed::default(), |m| Armed {
            rollback: m.rollback,
            promote: m.promote,
        });
        if said != armed {
            self.set_armed(armed, "config", now, fx);
        }
    }

    /// An observer takes the driving cockpit's arming, and its countdown, so the countdown
    /// it shows (to take a veto) is the one that runs there.
    fn observe_arming(&mut self, m: ArmedMark) {
        self.session.armed = Armed {
            rollback: m.rollback,
            promote: m.promote,
        };
        let countdown = Duration::from_secs(m.countdown_s);
        if m.countdown_s > 0 && countdown != self.session.autopilot.countdown() {
            self.session.autopilot = crate::core::autopilot::Autopilot::new(countdown);
        }
    }

    /// The veto key: a typed reason vetoes the pending armed action (and holds the release).
    /// Any cockpit may veto, an observer too: stopping the machine is always allowed.
    pub(super) fn open_veto(&mut self, now: DateTime<Utc>) {
        if self.auto_pending().is_none() || matches!(self.session.auto, Some(Decision::Vetoed(_))) {
            self.toast(
                now,
                LogLevel::Info,
                "no armed action is pending: nothing to veto",
            );
            return;
        }
        if let Some(why) = self.veto_out_of_reach() {
            self.toast(now, LogLevel::Error, why);
            return;
        }
        self.screen.overlay = Overlay::Hold(Box::new(HoldModal {
            step: HoldStep::Reason,
            reason: String::new(),
            input: String::new(),
            notice: None,
            veto: true,
        }));
        self.screen.dirty = true;
    }

    /// The veto's reason was typed: journal `auto_vetoed`, then hold the release with the
    /// same reason, so nothing automatic acts until a person releases it or it runs out.
    pub(super) fn veto(&mut self, reason: String, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if let Some(why) = self.veto_out_of_reach() {
            self.toast(now, LogLevel::Error, why);
            return;
        }
        let operator = self.session.context.operator.clone();
        let veto = match self.session.autopilot.veto(&reason, &operator, now) {
            Ok(v) => v,
            Err(e) => {
                let text = match e {
                    crate::core::autopilot::VetoError::AlreadyFired => {
                        "too late to veto: the action was sent"
                    }
                    crate::core::autopilot::VetoError::NothingPending => {
                        "no armed action is pending: nothing to veto"
                    }
                    crate::core::autopilot::VetoError::NoReason => "a veto needs a reason",
                };
                self.toast(now, LogLevel::Warn, text);
                return;
            }
        };
        let mut r = self.record(Event::AutoVetoed, now);
        r.reason = Some(veto.reason.clone());
        r.auto = Some(self.auto_mark(&veto));
        let words = crate::core::describe::auto_words(&r);
        fx.push(Effect::Journal(Box::new(r)));
        self.log_as(
            now,
            LogLevel::Warn,
            Kind::Armed,
            format!("{words} vetoed: {}", veto.reason),
        );
        let hold = super::hold::parse_duration(DEFAULT_HOLD).unwrap_or(Duration::from_secs(900));
        self.place_hold(veto.reason.clone(), hold, now, fx);
        self.session.auto = Some(Decision::Vetoed(veto));
        self.screen.dirty = true;
    }

    /// A veto this watcher sent did not reach the driver: the driver acts on, so this screen
    /// must not show the release as vetoed and held. The countdown shows again, and the next
    /// veto may be tried.
    pub(super) fn veto_undelivered(&mut self, why: String, now: DateTime<Utc>) {
        let me = format!(
            "{}@{}",
            self.session.context.operator, self.session.context.host
        );
        if self.release.hold.as_ref().is_some_and(|h| h.by == me) {
            self.release.hold = None;
        }
        if matches!(self.session.auto, Some(Decision::Vetoed(_))) {
            let countdown = self.session.autopilot.countdown();
            self.session.autopilot = crate::core::autopilot::Autopilot::new(countdown);
            self.session.auto = None;
        }
        self.toast_as(
            now,
            LogLevel::Error,
            Kind::Armed,
            format!("{why} (this cockpit shows no veto and no hold)"),
        );
        self.screen.dirty = true;
    }

    /// A watcher of the shared journal out of reach of its database cannot hand its veto to the
    /// driver: refused, saying so, rather than shown as a veto the driver never hears.
    fn veto_out_of_reach(&self) -> Option<String> {
        match &self.session.wheel {
            Some(super::wheel::Wheel::Lost(why)) if self.session.read_only => Some(format!(
                "veto refused: the shared journal cannot be reached ({why}); the automatic \
                 action goes ahead unless it is vetoed from a cockpit that reaches it"
            )),
            _ => None,
        }
    }

    fn auto_mark(&self, veto: &Veto) -> AutoMark {
        AutoMark {
            policy: veto.policy,
            evidence: self.evidence(&veto.reasons),
            countdown_s: self.session.autopilot.countdown().as_secs(),
        }
    }

    /// Act now: the pending action's Approve-Risk prompt, as its key opens it.
    pub(super) fn act_now(&mut self, now: DateTime<Utc>) {
        match &self.session.auto {
            Some(Decision::CountingDown { action, .. }) => {
                let action = action.clone();
                self.open_action(&action, now);
            }
            _ => self.toast(now, LogLevel::Info, "no armed action is counting down"),
        }
    }

    /// Vetoes an observer left for the driver: acted on as if followed, and journaled as the
    /// observer wrote them (its name on them). Only the cockpit that writes the journal takes
    /// them; one that no longer does leaves them again.
    pub(super) fn take_vetoes(
        &mut self,
        records: Vec<Record>,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let ctx = self.session.context.clone();
        let vetoes: Vec<Record> = records
            .into_iter()
            .filter(|r| crate::journal::vetoes::is_veto(r) && same_release(r, &ctx))
            .collect();
        if self.session.read_only {
            // Taken just as this cockpit stopped driving (the shared journal's wheel lost or
            // handed over): left again for whoever drives now, never dropped.
            fx.extend(vetoes.into_iter().map(|r| Effect::Journal(Box::new(r))));
            return;
        }
        self.follow(&vetoes, now);
        fx.extend(vetoes.into_iter().map(|r| Effect::Journal(Box::new(r))));
    }

    /// A followed record about automation: another cockpit's veto vetoes the countdown here
    /// too; an observer takes the operator's arming.
    pub(super) fn follow_armed(&mut self, r: &Record) {
        match r.event {
            Event::ArmedChanged => {
                self.release.armed = r.armed;
                if self.session.read_only {
                    let m = r.armed.unwrap_or(self.armed_mark(Armed::default()));
                    self.observe_arming(m);
                }
                self.screen.dirty = true;
            }
            Event::AutoVetoed => {
                let pending = self.auto_pending();
                let policy = r.auto.as_ref().map(|a| a.policy);
                if pending.is_some() && (policy.is_none() || policy == pending) {
                    let reason = r.reason.clone().unwrap_or_else(|| "vetoed".into());
                    let who = format!("{}@{}", r.context.operator, r.context.host);
                    if let Ok(v) = self.session.autopilot.veto(&reason, &who, r.ts) {
                        self.session.auto = Some(Decision::Vetoed(v));
                    }
                    self.screen.dirty = true;
                }
            }
            _ => {}
        }
    }
}
