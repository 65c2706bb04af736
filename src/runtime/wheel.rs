//! The cockpit at the shared journal's wheel: the wheel's watcher feeding `Msg::Wheel`, the
//! journal's follower for every cockpit on it (a driver that hands over, or loses the wheel,
//! watches on from where it was), and the turns (`Effect::Wheel`): taking the free wheel opens
//! the journal for writing off the loop, handing over or losing it stops the writer.

use super::journal_writer::JournalWriter;
use crate::app::wheel::{Turn, Wheel};
use crate::app::{Msg, State};
use crate::core::record::Record;
use crate::journal::postgres_veto::Inbox;
use crate::journal::postgres_wheel::{self, Wheel as Seen};
use crate::journal::{self, Store};
use crate::setup::Setup;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::Sender;

/// The records this cockpit wrote (their times, to the nanosecond): its follower hands the app
/// only the others'.
/// A watcher's veto this cockpit journals in the watcher's name is its own too: it acted on it
/// as it took it.
#[derive(Clone, Default)]
pub struct Own(Arc<Mutex<HashSet<Written>>>);

/// A record's time and who wrote it: `user@host`.
type Written = (DateTime<Utc>, String);

fn key(record: &Record) -> Written {
    let c = &record.context;
    (record.ts, format!("{}@{}", c.operator, c.host))
}

impl Own {
    pub fn wrote(&self, record: &Record) {
        if let Ok(mut set) = self.0.lock() {
            set.insert(key(record));
        }
    }

    fn theirs(&self, records: Vec<Record>) -> Vec<Record> {
        let Ok(set) = self.0.lock() else {
            return records;
        };
        records
            .into_iter()
            .filter(|r| !set.contains(&key(r)))
            .collect()
    }
}

/// What a cockpit on the shared journal keeps for its turns at the wheel.
pub struct Seat {
    own: Own,
    /// A writer opened by a take, for the runner to pick up.
    taken: Arc<Mutex<Option<JournalWriter>>>,
    /// Started `--read-only`: it never takes the wheel.
    observer: bool,
    /// It drives now: its follower takes the watchers' vetoes.
    drives: Arc<AtomicBool>,
}

impl Seat {
    /// Watch the wheel and follow the journal from `seq` (the last record read at start).
    /// `drives`: it opened at the wheel.
    pub fn start(
        state: &State,
        seq: i64,
        observer: bool,
        drives: bool,
        own: Own,
        tx: &Sender<Msg>,
    ) -> Seat {
        let setup = &state.setup;
        let url = setup.shared_journal.clone().expect("a shared journal");
        let chain = journal::chain_of(setup);
        let to_app = tx.clone();
        postgres_wheel::spawn(url.clone(), chain.clone(), move |seen| {
            let news = match seen {
                Seen::Held(h) => Wheel::Held(h.map(|h| h.driver)),
                // An observer never takes the wheel: to it a free one is a driver it cannot
                // name, and the header says what the journal says.
                Seen::Free if observer => Wheel::Held(None),
                Seen::Free => Wheel::Free,
                Seen::Lost(why) => Wheel::Lost(why),
            };
            to_app.blocking_send(Msg::Wheel(news)).is_ok()
        });
        // Records as they are committed (LISTEN/NOTIFY), not once a second; this cockpit's
        // own are its already.
        let to_app = tx.clone();
        let me = state.session.context.clone();
        let mine = own.clone();
        let deliver = move |records: Vec<Record>| {
            let theirs = mine.theirs(records);
            theirs.is_empty() || to_app.blocking_send(Msg::Journal(theirs)).is_ok()
        };
        let lost = journal::postgres_follow::logged;
        // Who else follows, on any machine: told when it changes.
        let to_app = tx.clone();
        let present = journal::postgres_presence::Present {
            who: format!("{}@{}", me.operator, me.host),
            tell: Box::new(move |list| to_app.blocking_send(Msg::Watchers(list)).is_ok()),
            told: None,
        };
        // The watchers' vetoes, while this cockpit drives: journaled and acted on by the app.
        let drives = Arc::new(AtomicBool::new(drives));
        let to_app = tx.clone();
        let inbox = Inbox::new(drives.clone(), move |records| {
            to_app.blocking_send(Msg::Vetoes(records)).is_ok()
        });
        journal::postgres_follow::spawn_present(url, chain, seq, deliver, lost, present, inbox);
        Seat {
            own,
            taken: Arc::default(),
            observer,
            drives,
        }
    }

    /// Whether this cockpit drives now (it has a writer).
    pub fn driving(&self, drives: bool) {
        self.drives.store(drives, Ordering::SeqCst);
    }

    /// The writer a take opened, once.
    pub fn taken(&self) -> Option<JournalWriter> {
        self.taken.lock().ok()?.take()
    }

    /// Perform a turn at the wheel; the writer the runner holds goes (handed over, lost) or
    /// comes later through [`Seat::taken`].
    pub fn turn(
        &self,
        turn: Turn,
        writer: &mut Option<JournalWriter>,
        setup: &Setup,
        tx: &Sender<Msg>,
    ) {
        match turn {
            Turn::Take => {
                let (setup, tx, own) = (setup.clone(), tx.clone(), self.own.clone());
                let slot = self.taken.clone();
                let observer = self.observer;
                tokio::spawn(async move {
                    let result = if observer {
                        Err(
                            "this cockpit was started --read-only: start one without it to drive"
                                .into(),
                        )
                    } else {
                        let opened = tokio::task::spawn_blocking(move || Store::open(&setup)).await;
                        match opened {
                            Ok(Ok((store, _))) => {
                                let w = JournalWriter::start_noting(store, tx.clone(), Some(own));
                                if let Ok(mut slot) = slot.lock() {
                                    *slot = Some(w);
                                }
                                Ok(())
                            }
                            Ok(Err(e)) => Err(e.to_string()),
                            Err(e) => Err(e.to_string()),
                        }
                    };
                    let _ = tx.send(Msg::WheelTaken(result)).await;
                });
            }
            Turn::Give(_) | Turn::Lost => {
                // What is queued is written first, then the handover's record, then the wheel
                // is given up as the journal closes: off the loop, it talks to the database.
                if let Some(w) = writer.take() {
                    if let Turn::Give(record) = turn {
                        w.append(*record);
                    }
                    tokio::task::spawn_blocking(move || w.finish());
                }
            }
        }
    }
}

/// A cockpit's start on the shared journal: its journal if it drives, the records read, where
/// its follower goes on, and what to say (with whether it wants the wheel once it can).
pub struct Opened {
    pub store: Option<Store>,
    pub records: Vec<Record>,
    pub end: i64,
    pub said: Option<(String, bool)>,
}

/// Open the shared journal to drive (unless `read_only`): another cockpit driving makes this
/// one a watcher, and so does a database out of reach, failing closed: it watches (sources
/// polled, verdict shown), refuses actions, and takes the wheel once the database is back and
/// nobody holds it. Other errors (a bad URL) stop the start.
pub fn open(setup: &Setup, read_only: bool) -> Result<Opened, journal::JournalError> {
    let watch = |said: Option<(String, bool)>| match journal::store::read_with_end(setup) {
        Ok((records, journal::store::End::Shared(end))) => Ok(Opened {
            store: None,
            records,
            end,
            said,
        }),
        Ok((records, journal::store::End::File(_))) => Ok(Opened {
            store: None,
            records,
            end: 0,
            said,
        }),
        Err(journal::JournalError::Database(e)) => Ok(Opened {
            store: None,
            records: Vec::new(),
            end: 0,
            said: Some(said.unwrap_or_else(|| (unreachable(&e, false), false))),
        }),
        Err(e) => Err(e),
    };
    if read_only {
        return watch(None);
    }
    match Store::open(setup) {
        // Positions run 1, 2, … without gaps: the last record read is at their count.
        Ok((store, records)) => Ok(Opened {
            store: Some(store),
            end: records.len() as i64,
            records,
            said: None,
        }),
        Err(journal::JournalError::Driven(holder)) => watch(Some((
            format!("{holder}; this cockpit watches (read-only)"),
            false,
        ))),
        Err(journal::JournalError::Database(e)) => Ok(Opened {
            store: None,
            records: Vec::new(),
            end: 0,
            said: Some((unreachable(&e, true), true)),
        }),
        Err(e) => Err(e),
    }
}

fn unreachable(why: &str, drives: bool) -> String {
    let then = if drives {
        "; it drives once the database is back and nobody holds the wheel"
    } else {
        ""
    };
    format!(
        "the shared journal cannot be reached ({why}): this cockpit watches, actions are refused, and what it had journaled is shown once it is back{then}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::{Context, Event};

    fn at(ctx: &Context, nanos: i64) -> Record {
        let ts = DateTime::from_timestamp_nanos(1_800_000_000_000_000_000 + nanos);
        Record::new(ts, Event::ChecklistTicked, ctx.clone())
    }

    #[test]
    fn the_follower_hands_back_only_the_records_others_wrote() {
        let me = Context {
            operator: "ana".into(),
            host: "ops1".into(),
            ..Context::default()
        };
        let bo = Context {
            operator: "bo".into(),
            ..me.clone()
        };
        let own = Own::default();
        own.wrote(&at(&me, 1));
        // Bo's record at the same nanosecond, and ana's next one, are not this cockpit's.
        let theirs = own.theirs(vec![at(&me, 1), at(&bo, 1), at(&me, 2)]);
        assert_eq!(theirs, vec![at(&bo, 1), at(&me, 2)]);
        // Bo's veto this cockpit journaled in bo's name is its own.
        own.wrote(&at(&bo, 3));
        assert!(own.theirs(vec![at(&bo, 3)]).is_empty());
    }
}
