//! The digest: "since you joined" on start, "since you last looked" on `d`. What happened to
//! the release, from the journal: verdict changes, breaches, actions with who and why,
//! overrides, drift, source outages, holds, checklist ticks, each with its time and who.
//!
//! The cockpit remembers the digest's lines of the current attempt as records come: read
//! back at start, written by this cockpit, or followed from another's journal.

use super::keymap::Command;
use super::{Effect, Kind, LogLevel, Overlay, State};
use crate::core::describe::{self, Voice};
use crate::core::record::{Context, Event, Record};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

/// The lines remembered, newest last; the oldest go past this.
pub const KEPT: usize = 500;

/// One line of the digest.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestItem {
    pub at: DateTime<Utc>,
    /// `user@host` of the cockpit that journaled it.
    pub who: String,
    pub level: LogLevel,
    pub kind: Kind,
    pub text: String,
}

/// A record as a digest line, if the digest tells of it.
pub fn item(r: &Record) -> Option<DigestItem> {
    let told = describe::tell(r, Voice::Digest)?;
    Some(DigestItem {
        at: r.ts,
        who: format!("{}@{}", r.context.operator, r.context.host),
        level: told.level,
        kind: told.kind,
        text: told.text,
    })
}

/// What the digest has to tell, and from when.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catchup {
    pub items: VecDeque<DigestItem>,
    /// Since when the next digest tells: when the last one closed, or when this operator
    /// joined. None: since the attempt began.
    pub looked: Option<DateTime<Utc>>,
    /// A digest was closed in this run: the next one is "since you last looked".
    pub closed: bool,
}

impl Catchup {
    fn remember(&mut self, r: &Record) {
        if let Some(i) = item(r) {
            if self.items.len() >= KEPT {
                self.items.pop_front();
            }
            self.items.push_back(i);
        }
    }

    /// Lines after `since` (all of them when None), oldest first.
    pub fn since(&self, since: Option<DateTime<Utc>>) -> Vec<DigestItem> {
        self.items
            .iter()
            .filter(|i| since.is_none_or(|s| i.at > s))
            .cloned()
            .collect()
    }

    /// How many lines another cockpit journaled since the digest was last looked at.
    pub fn unseen(&self, me: &Context) -> usize {
        let me = format!("{}@{}", me.operator, me.host);
        self.since(self.looked)
            .iter()
            .filter(|i| i.who != me)
            .count()
    }
}

/// When this operator joined the current attempt: their last `cockpit_stopped` in it (what
/// came after it happened while they were away). None: they have not left it, so since the
/// attempt began.
pub fn joined(attempt: &[&Record], ctx: &Context) -> Option<DateTime<Utc>> {
    attempt
        .iter()
        .rev()
        .find(|r| r.event == Event::CockpitStopped && r.context.operator == ctx.operator)
        .map(|r| r.ts)
}

/// Which digest an overlay shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Joined,
    LastLooked,
}

/// The digest overlay: its lines as they were when it opened, and how far it is scrolled
/// back from the newest.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub since: Since,
    pub from: Option<DateTime<Utc>>,
    pub items: Vec<DigestItem>,
    pub scroll: usize,
}

impl State {
    /// Take in the records of the journal read at start: the current attempt's lines, and
    /// since when this operator has been away.
    pub(super) fn remember_journal(&mut self, journal: &[Record]) {
        let attempt = super::resume::current_attempt(journal, &self.session.context);
        let c = &mut self.screen.catchup;
        for r in &attempt {
            c.remember(r);
        }
        c.looked = joined(&attempt, &self.session.context);
    }

    /// Take in what this cockpit journals (or sends, journaled first) among `fx`.
    pub(super) fn remember_effects(&mut self, fx: &[Effect]) {
        for e in fx {
            match e {
                Effect::Journal(r) => self.screen.catchup.remember(r),
                Effect::Dispatch(d) => {
                    if let Some(o) = d.override_record() {
                        self.screen.catchup.remember(o);
                    }
                    self.screen.catchup.remember(d.requested());
                }
                _ => {}
            }
        }
    }

    /// Take in a record another cockpit journaled.
    pub(super) fn remember(&mut self, r: &Record) {
        self.screen.catchup.remember(r);
    }

    /// Open the digest "since you joined" when the journal read at start had anything of this
    /// attempt to tell (`items`) beyond the stage it is at, which the stage strip shows.
    pub(super) fn digest_on_start(&mut self, items: Vec<DigestItem>) {
        let news = items.iter().any(|i| i.kind != Kind::StageEntered);
        if news && self.screen.overlay == Overlay::None {
            self.show_digest(Since::Joined, items);
        }
    }

    /// `d`: the digest since it was last closed (or since joining).
    pub(super) fn open_digest(&mut self) {
        let c = &self.screen.catchup;
        let since = if c.closed {
            Since::LastLooked
        } else {
            Since::Joined
        };
        self.show_digest(since, c.since(c.looked));
    }

    fn show_digest(&mut self, since: Since, items: Vec<DigestItem>) {
        self.screen.overlay = Overlay::Digest(Box::new(Digest {
            since,
            from: self.screen.catchup.looked,
            items,
            scroll: 0,
        }));
        self.screen.dirty = true;
    }

    /// Close the digest: the next tells from `now` on.
    fn close_digest(&mut self, now: DateTime<Utc>) {
        self.screen.overlay = Overlay::None;
        self.screen.catchup.looked = Some(now);
        self.screen.catchup.closed = true;
        self.screen.dirty = true;
    }

    /// A key in the digest: its own close or scroll it (true); any other closes it, and is
    /// the cockpit's to run (false).
    pub(super) fn digest_key(&mut self, command: Option<Command>, now: DateTime<Utc>) -> bool {
        match command {
            Some(Command::Close) => self.close_digest(now),
            Some(Command::Up) => self.scroll_digest(true, 1),
            Some(Command::Down) => self.scroll_digest(false, 1),
            Some(Command::Older) => self.scroll_digest(true, 5),
            Some(Command::Newer) => self.scroll_digest(false, 5),
            _ => {
                self.close_digest(now);
                return false;
            }
        }
        true
    }

    /// Scroll the digest back (`older`) or on by `by` lines.
    fn scroll_digest(&mut self, older: bool, by: usize) {
        if let Overlay::Digest(d) = &mut self.screen.overlay {
            let max = d.items.len().saturating_sub(1);
            d.scroll = if older {
                (d.scroll + by).min(max)
            } else {
                d.scroll.saturating_sub(by)
            };
            self.screen.dirty = true;
        }
    }
}
