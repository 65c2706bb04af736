//! `h`: an operator holds the release — with a reason, until a time — and promote is refused
//! meanwhile (rollback never is). Placed and released holds are journaled, so a restarted
//! cockpit and an observer following the journal see the same hold.

use super::keymap::Command;
use super::position::same_release;
use super::{Effect, Key, Kind, LogLevel, Overlay, State};
use crate::core::record::{Context, EXPIRED, Event, RELEASED, Record};
use crate::core::verdict::{Reason, Verdict, VerdictKind};
use chrono::{DateTime, FixedOffset, Utc};

/// A hold's reason needs this many non-blank characters, as a Verified reason does.
pub const HOLD_REASON_MIN: usize = 10;
/// The duration an empty answer takes.
pub const DEFAULT_HOLD: &str = "15m";
/// The longest a hold may be placed for: past a day it is a freeze, not a hold.
const LONGEST: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// A hold on the release: who placed it (user@host), why, and until when.
#[derive(Debug, Clone, PartialEq)]
pub struct Hold {
    pub by: String,
    pub reason: String,
    pub until: DateTime<Utc>,
}

impl Hold {
    /// "held by ana@ops1 until 14:30: waiting for DB migration", the time in `offset`.
    pub fn words(&self, offset: FixedOffset) -> String {
        format!(
            "held by {} until {}: {}",
            self.by,
            self.until.with_timezone(&offset).format("%H:%M"),
            self.reason
        )
    }
}

/// What a hold record says: a hold placed, or `None` for one released.
fn hold_of(r: &Record) -> Option<Option<Hold>> {
    match r.event {
        Event::HoldPlaced => Some(Some(Hold {
            by: format!("{}@{}", r.context.operator, r.context.host),
            reason: r.reason.clone().unwrap_or_default(),
            until: r.hold_until?,
        })),
        Event::HoldReleased => Some(None),
        _ => None,
    }
}

/// The hold the journal leaves on this release at `now`: the last placed and not released,
/// and not yet run out.
pub fn hold_from_journal(records: &[Record], ctx: &Context, now: DateTime<Utc>) -> Option<Hold> {
    records
        .iter()
        .rev()
        .filter(|r| same_release(r, ctx))
        .find_map(hold_of)
        .flatten()
        .filter(|h| h.until > now)
}

/// Which answer the hold prompt waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldStep {
    Reason,
    Duration,
    /// A hold is placed: y releases it.
    Release,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HoldModal {
    pub step: HoldStep,
    /// The reason, once typed.
    pub reason: String,
    /// What the operator typed so far at this step.
    pub input: String,
    /// Why Enter did not go on.
    pub notice: Option<String>,
    /// A veto of the pending armed action: the reason alone is asked, and the hold lasts
    /// the default time (src/app/armed.rs).
    pub veto: bool,
}

/// The hold reason, trimmed, when it has enough to say.
pub fn parse_reason(input: &str) -> Result<String, String> {
    let reason = input.trim();
    let solid = reason.chars().filter(|c| !c.is_whitespace()).count();
    if solid < HOLD_REASON_MIN {
        return Err(format!(
            "the reason needs {HOLD_REASON_MIN} non-blank characters at least ({solid} so far)"
        ));
    }
    Ok(reason.to_string())
}

/// How long to hold, read as the config reads durations ("15m", "1h 30m"); empty is the default.
pub fn parse_duration(input: &str) -> Result<std::time::Duration, String> {
    let text = match input.trim() {
        "" => DEFAULT_HOLD,
        t => t,
    };
    let d = humantime::parse_duration(text).map_err(|e| format!("\"{text}\": {e}"))?;
    if d.is_zero() || d > LONGEST {
        return Err("a hold lasts more than nothing and at most 24h".into());
    }
    Ok(d)
}

impl State {
    /// The hold in force at `now`, if any.
    pub fn held(&self, now: DateTime<Utc>) -> Option<&Hold> {
        self.release.hold.as_ref().filter(|h| h.until > now)
    }

    pub(super) fn open_hold(&mut self, now: DateTime<Utc>) {
        if self.session.read_only {
            self.toast(
                now,
                LogLevel::Warn,
                "read-only: only the operator's cockpit holds the release",
            );
            return;
        }
        let step = if self.held(now).is_some() {
            HoldStep::Release
        } else {
            HoldStep::Reason
        };
        self.screen.overlay = Overlay::Hold(Box::new(HoldModal {
            step,
            reason: String::new(),
            input: String::new(),
            notice: None,
            veto: false,
        }));
        self.screen.dirty = true;
    }

    /// Every key while the hold prompt is open comes here.
    pub(super) fn hold_key(
        &mut self,
        command: Option<Command>,
        key: Key,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let Overlay::Hold(modal) = &mut self.screen.overlay else {
            return;
        };
        self.screen.dirty = true;
        match (command, modal.step) {
            (Some(Command::Cancel), _) => {
                let what = if modal.veto { "veto" } else { "hold" };
                self.screen.overlay = Overlay::None;
                self.log(now, LogLevel::Info, format!("{what} cancelled"));
            }
            (Some(Command::Confirm), HoldStep::Reason) if modal.veto => {
                match parse_reason(&modal.input) {
                    Ok(reason) => {
                        self.screen.overlay = Overlay::None;
                        self.veto(reason, now, fx);
                    }
                    Err(e) => modal.notice = Some(e),
                }
            }
            (Some(Command::Confirm), HoldStep::Reason) => match parse_reason(&modal.input) {
                Ok(reason) => {
                    modal.reason = reason;
                    modal.input.clear();
                    modal.notice = None;
                    modal.step = HoldStep::Duration;
                }
                Err(e) => modal.notice = Some(e),
            },
            (Some(Command::Confirm), HoldStep::Duration) => match parse_duration(&modal.input) {
                Ok(d) => {
                    let reason = modal.reason.clone();
                    self.screen.overlay = Overlay::None;
                    self.place_hold(reason, d, now, fx);
                }
                Err(e) => modal.notice = Some(e),
            },
            (Some(Command::Confirm), HoldStep::Release) => {
                self.screen.overlay = Overlay::None;
                self.end_hold(RELEASED, now, fx);
            }
            (Some(command), HoldStep::Reason | HoldStep::Duration) => {
                super::approve::edit(&mut modal.input, &mut modal.notice, command, key)
            }
            _ => {}
        }
    }

    pub(super) fn hold_paste(&mut self, text: &str) {
        if let Overlay::Hold(modal) = &mut self.screen.overlay
            && modal.step != HoldStep::Release
        {
            modal.input.push_str(&super::approve::clean_paste(text));
            modal.notice = None;
            self.screen.dirty = true;
        }
    }

    pub(super) fn place_hold(
        &mut self,
        reason: String,
        d: std::time::Duration,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        let until = now + chrono::Duration::from_std(d).unwrap_or(chrono::TimeDelta::MAX);
        let ctx = &self.session.context;
        let hold = Hold {
            by: format!("{}@{}", ctx.operator, ctx.host),
            reason: reason.clone(),
            until,
        };
        let words = hold.words(self.screen.local_offset);
        self.release.hold = Some(hold);
        let mut r = self.record(Event::HoldPlaced, now);
        r.reason = Some(reason);
        r.hold_until = Some(until);
        fx.push(Effect::Journal(Box::new(r)));
        self.log_as(now, LogLevel::Warn, Kind::Hold, words);
    }

    /// The hold ends: released by the operator, or `expired`.
    fn end_hold(&mut self, how: &str, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if self.release.hold.take().is_none() {
            return;
        }
        let mut r = self.record(Event::HoldReleased, now);
        r.outcome = Some(how.into());
        fx.push(Effect::Journal(Box::new(r)));
        self.log_as(now, LogLevel::Info, Kind::Hold, format!("hold {how}"));
        self.screen.dirty = true;
    }

    /// On the tick: a hold whose time has come ends by itself. An observer ends it too, but
    /// journals nothing (`update` drops an observer's records): the operator's cockpit does.
    pub(super) fn expire_hold(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if self.release.hold.as_ref().is_some_and(|h| h.until <= now) {
            self.end_hold(EXPIRED, now, fx);
        }
    }

    /// A record from the journal moves the hold as it moved the operator's cockpit's.
    pub(super) fn follow_hold(&mut self, r: &Record) {
        if let Some(hold) = hold_of(r) {
            self.release.hold = hold;
        }
    }

    /// Promote is refused while held: the toast says by whom, until when and why.
    pub(super) fn refuse_held(&mut self, now: DateTime<Utc>) -> bool {
        let Some(words) = self.held(now).map(|h| h.words(self.screen.local_offset)) else {
            return false;
        };
        self.toast(now, LogLevel::Warn, format!("promote refused: {words}"));
        true
    }
}

/// A hold makes the verdict HOLD with the hold as its first reason, unless a breach
/// (ROLLBACK ADVISED) or something unverified (NO-GO UNTIL VERIFIED) says more: those win,
/// and the hold is listed after their reasons.
pub(super) fn with_hold(state: &State, verdict: Verdict, now: DateTime<Utc>) -> Verdict {
    let Some(hold) = state.held(now) else {
        return verdict;
    };
    let reason = Reason {
        text: hold.words(state.screen.local_offset),
        verify: None,
    };
    match verdict.kind {
        VerdictKind::RollbackAdvised | VerdictKind::NoGoUntilVerified | VerdictKind::Complete => {
            let mut v = verdict;
            v.reasons.push(reason);
            v
        }
        VerdictKind::Hold => {
            let mut reasons = vec![reason];
            reasons.extend(verdict.reasons);
            Verdict { reasons, ..verdict }
        }
        VerdictKind::Go => Verdict {
            kind: VerdictKind::Hold,
            reasons: vec![reason],
            ..verdict
        },
    }
}
