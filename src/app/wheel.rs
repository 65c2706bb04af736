//! The wheel of a release on the shared journal: who drives, as the database says it now, and
//! the turns a cockpit takes at it. A watcher told the wheel is free (the driver's cockpit is
//! gone, out of contact past the timeout, or handed it over) takes it with `D`; the driver
//! hands it over with `G`. Both are journaled: the taker's `cockpit_started` names whom it took
//! over from, the giver's `cockpit_stopped` says it handed over and watches on. A driver told
//! another cockpit holds the wheel has lost it, and watches from then on.

use super::keymap::Command;
use super::{Effect, LogLevel, Overlay, State};
use crate::core::driver::Driver;
use crate::core::record::{Event, Record};
use chrono::{DateTime, Utc};

/// The wheel as the database last said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wheel {
    /// A cockpit drives (`None`: not named yet).
    Held(Option<Driver>),
    /// Nobody drives: a watcher may take it.
    Free,
    /// The database cannot be reached: why.
    Lost(String),
}

/// What the runtime does at the wheel.
#[derive(Debug, Clone, PartialEq)]
pub enum Turn {
    /// Take the free wheel: open the journal for writing.
    Take,
    /// Hand it over: write what is queued and this record saying so, then give the wheel up.
    /// The record travels with the turn: the cockpit is a watcher by the time it is written.
    Give(Box<Record>),
    /// Another cockpit has it: stop writing.
    Lost,
}

impl State {
    /// The database said who has the wheel now.
    pub(super) fn wheel_news(&mut self, news: Wheel, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if self.session.wheel.as_ref() == Some(&news) {
            return;
        }
        self.screen.dirty = true;
        let me = format!(
            "{}@{}",
            self.session.context.operator, self.session.context.host
        );
        match &news {
            Wheel::Free if self.session.read_only && self.session.wants_wheel => {
                self.session.wants_wheel = false;
                self.log(
                    now,
                    LogLevel::Info,
                    "the wheel is free: taking it, as this cockpit started to drive",
                );
                fx.push(Effect::Wheel(Turn::Take));
            }
            Wheel::Held(Some(_)) if self.session.wants_wheel => {
                // Another cockpit took it meanwhile: this one watches, and may take it with D.
                self.session.wants_wheel = false;
            }
            Wheel::Free if self.session.read_only => {
                let was = self.session.driver.as_ref().map(|d| d.who.clone());
                let take = self.setup.keys.cockpit(Command::TakeWheel);
                let text = match was {
                    Some(who) => format!(
                        "the wheel is free: {who} no longer drives (gone, or out of contact); press {take} to drive"
                    ),
                    None => format!("the wheel is free: press {take} to drive"),
                };
                self.log(now, LogLevel::Warn, text);
            }
            Wheel::Held(Some(d)) if d.who != me && !self.session.read_only => {
                // Taken while this cockpit was out of contact: its appends are refused now.
                self.session.read_only = true;
                self.log(
                    now,
                    LogLevel::Error,
                    format!(
                        "{} took the wheel; this cockpit watches now (read-only)",
                        d.who
                    ),
                );
                fx.push(Effect::Wheel(Turn::Lost));
            }
            Wheel::Held(Some(d)) if self.session.read_only && d.who != me => {
                if self.session.driver.as_ref().map(|was| &was.who) != Some(&d.who) {
                    let since = d.since.with_timezone(&self.screen.local_offset);
                    let text = format!(
                        "{} drives since {}; the wheel passes when that cockpit is gone, or {TIMEOUT_S} s out of contact",
                        d.who,
                        since.format("%H:%M")
                    );
                    self.log(now, LogLevel::Info, text);
                }
                self.session.driver = Some(d.clone());
            }
            Wheel::Lost(why) => {
                let text = format!(
                    "the shared journal cannot be reached ({why}): watching goes on, actions are refused"
                );
                self.log(now, LogLevel::Error, text);
            }
            _ => {}
        }
        if matches!(self.session.wheel, Some(Wheel::Lost(_))) && !matches!(news, Wheel::Lost(_)) {
            self.log(
                now,
                LogLevel::Good,
                "the shared journal can be reached again",
            );
        }
        self.session.wheel = Some(news);
    }

    /// `D`: take the wheel, if it is free and this cockpit is a watcher that may drive.
    pub(super) fn take_wheel(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let refusal = match &self.session.wheel {
            Some(Wheel::Free) if self.session.read_only => None,
            None => Some("there is no wheel to take: this journal is not shared".to_string()),
            Some(Wheel::Free) => Some("you drive already".into()),
            Some(Wheel::Held(_)) if !self.session.read_only => Some("you drive already".into()),
            Some(Wheel::Held(d)) => Some(format!(
                "{} has the wheel: it passes when that cockpit is gone, or {TIMEOUT_S} s out of contact",
                d.as_ref().map_or("another cockpit", |d| d.who.as_str())
            )),
            Some(Wheel::Lost(_)) => {
                Some("the shared journal cannot be reached: the wheel cannot be taken".into())
            }
        };
        if let Some(why) = refusal {
            return self.toast(now, LogLevel::Warn, why);
        }
        self.log(now, LogLevel::Info, "taking the wheel…");
        fx.push(Effect::Wheel(Turn::Take));
    }

    /// `G`: ask before handing the wheel over; only its driver can.
    pub(super) fn ask_give_wheel(&mut self, now: DateTime<Utc>) {
        let refusal = match &self.session.wheel {
            Some(Wheel::Held(_)) if !self.session.read_only => None,
            None => Some("there is no wheel to hand over: this journal is not shared"),
            Some(Wheel::Lost(_)) => {
                Some("the shared journal cannot be reached: the wheel cannot be handed over")
            }
            _ => Some("this cockpit does not drive: there is no wheel to hand over"),
        };
        if let Some(why) = refusal {
            return self.toast(now, LogLevel::Warn, why);
        }
        if self.session.in_flight.is_some() {
            let text = "the wheel is not handed over while an action is in flight";
            return self.toast(now, LogLevel::Warn, text);
        }
        self.screen.overlay = Overlay::ConfirmHandover;
        self.screen.dirty = true;
    }

    /// Hand the wheel over, as confirmed.
    pub(super) fn give_wheel(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if self.session.in_flight.is_some() {
            let text = "the wheel is not handed over while an action is in flight";
            self.log(now, LogLevel::Warn, text);
            return;
        }
        let mut r = self.record(Event::CockpitStopped, now);
        r.detail = Some("handed the wheel over: watching on".into());
        fx.push(Effect::Wheel(Turn::Give(Box::new(r))));
        self.session.read_only = true;
        self.session.driver = None;
        let take = self.setup.keys.cockpit(Command::TakeWheel);
        let text = format!(
            "you handed the wheel over: this cockpit watches; {take} takes it back while it is free"
        );
        self.log(now, LogLevel::Warn, text);
    }

    /// The runtime took the wheel (or could not).
    pub(super) fn wheel_taken(
        &mut self,
        result: Result<(), String>,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) {
        match result {
            Ok(()) => {
                let from = self.session.driver.take().map(|d| d.who);
                self.session.read_only = false;
                let mut r = self.record(Event::CockpitStarted, now);
                r.detail = Some(match &from {
                    Some(who) => format!("operator cockpit: took the wheel from {who}"),
                    None => "operator cockpit: took the free wheel".into(),
                });
                fx.push(Effect::Journal(Box::new(r)));
                let text = match from {
                    Some(who) => format!("you drive now (took the wheel from {who})"),
                    None => "you drive now".into(),
                };
                self.log(now, LogLevel::Good, text);
            }
            Err(e) => self.log(
                now,
                LogLevel::Error,
                format!("the wheel was not taken: {e}"),
            ),
        }
        self.screen.dirty = true;
    }
}

/// The header's wordiest naming of the driver on the shared journal, for a watcher with room:
/// since when, and when the wheel passes ("bo@ops2 driving since 10:02 · wheel passes after 30 s
/// offline"): out of contact that long, its cockpit loses the wheel.
pub fn header_long(state: &State) -> Option<String> {
    let (Some(Wheel::Held(Some(_))), Some(d)) = (&state.session.wheel, &state.session.driver)
    else {
        return None;
    };
    if !state.session.read_only {
        return None;
    }
    let since = d.since.with_timezone(&state.screen.local_offset);
    Some(format!(
        "{} driving since {} · wheel passes after {} s offline",
        d.who,
        since.format("%H:%M"),
        TIMEOUT_S
    ))
}

/// How long a driver out of contact keeps the wheel, in seconds (the shared journal's
/// keepalives).
pub const TIMEOUT_S: u64 = 30;

/// The header's words for the wheel when they say more than the journal does: a free wheel, or
/// a database out of reach.
pub fn header_words(state: &State) -> Option<String> {
    match &state.session.wheel {
        Some(Wheel::Free) if state.session.read_only => {
            let take = state.setup.keys.cockpit(Command::TakeWheel);
            Some(format!("nobody driving: {take} takes the wheel"))
        }
        Some(Wheel::Lost(_)) => Some("shared journal out of reach".into()),
        _ => None,
    }
}

#[cfg(test)]
#[path = "wheel_tests.rs"]
mod tests;
