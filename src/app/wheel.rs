//! The wheel of a release on the shared journal: who drives, as the database says it now, and
//! the turns a cockpit takes at it. A watcher told the wheel is free (the driver's cockpit is
//! gone, out of contact past the timeout, or handed it over) takes it with `D`; the driver
//! hands it over with `G`. Both are journaled: the taker's `cockpit_started` names whom it took
//! over from, the giver's `cockpit_stopped` says it handed over and watches on. A driver told
//! another cockpit holds the wheel has lost it, and watches from then on.

use super::keymap::Scope;
use super::{Effect, Key, LogLevel, Overlay, State};
use crate::core::driver::Driver;
use crate::core::record::{Event, Record};
use chrono::{DateTime, Utc};

/// The key that takes a free wheel, and the one that hands it over.
pub const TAKE: char = 'D';
pub const GIVE: char = 'G';

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
                let text = match was {
                    Some(who) => format!(
                        "the wheel is free: {who} no longer drives (gone, or out of contact); press {TAKE} to drive"
                    ),
                    None => format!("the wheel is free: press {TAKE} to drive"),
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

    /// `key` as a turn at the wheel: `D` while it is free to a watcher, `G` to its driver, on
    /// the cockpit (or its digest), unless `[keys]` gave the key to a command.
    pub(super) fn wheel_key_of(&self, key: Key) -> Option<char> {
        let Key::Char(c) = key else { return None };
        let open = matches!(self.screen.overlay, Overlay::None | Overlay::Digest(_));
        let bound = self.setup.keys.command(Scope::Cockpit, key).is_some();
        let applies = match (c, &self.session.wheel) {
            (TAKE, Some(Wheel::Free)) => self.session.read_only,
            (GIVE, Some(Wheel::Held(_))) => !self.session.read_only,
            _ => false,
        };
        (open && !bound && applies).then_some(c)
    }

    /// A turn at the wheel, as [`State::wheel_key_of`] found it.
    pub(super) fn wheel_key(&mut self, key: char, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if key == TAKE {
            self.log(now, LogLevel::Info, "taking the wheel…");
            fx.push(Effect::Wheel(Turn::Take));
            return;
        }
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
        let text = format!(
            "you handed the wheel over: this cockpit watches; {TAKE} takes it back while it is free"
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
            Some(format!("nobody driving: {TAKE} takes the wheel"))
        }
        Some(Wheel::Lost(_)) => Some("shared journal out of reach".into()),
        _ => None,
    }
}

#[cfg(test)]
#[path = "wheel_tests.rs"]
mod tests;
