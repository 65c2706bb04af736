//! The cockpit at the shared journal's wheel: the wheel's watcher feeding `Msg::Wheel`, the
//! journal's follower for every cockpit on it (a driver that hands over, or loses the wheel,
//! watches on from where it was), and the turns (`Effect::Wheel`): taking the free wheel opens
//! the journal for writing off the loop, handing over or losing it stops the writer.

use super::journal_writer::JournalWriter;
use crate::app::wheel::{Turn, Wheel};
use crate::app::{Msg, State};
use crate::core::record::{Context, Record};
use crate::journal::postgres_wheel::{self, Wheel as Seen};
use crate::journal::{self, Store};
use crate::setup::Setup;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::Sender;

/// The records this cockpit wrote (their times, to the nanosecond): its follower hands the app
/// only the others'.
#[derive(Clone, Default)]
pub struct Own(Arc<Mutex<HashSet<DateTime<Utc>>>>);

impl Own {
    pub fn wrote(&self, record: &Record) {
        if let Ok(mut set) = self.0.lock() {
            set.insert(record.ts);
        }
    }

    fn theirs(&self, records: Vec<Record>, me: &Context) -> Vec<Record> {
        let Ok(set) = self.0.lock() else {
            return records;
        };
        records
            .into_iter()
            .filter(|r| !(r.context == *me && set.contains(&r.ts)))
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
}

impl Seat {
    /// Watch the wheel and follow the journal from `seq` (the last record read at start).
    pub fn start(state: &State, seq: i64, observer: bool, own: Own, tx: &Sender<Msg>) -> Seat {
        let setup = &state.setup;
        let url = setup.shared_journal.clone().expect("a shared journal");
        let chain = journal::chain_of(setup);
        let to_app = tx.clone();
        postgres_wheel::spawn(url.clone(), chain.clone(), move |seen| {
            let news = match seen {
                Seen::Held(h) => Wheel::Held(h.map(|h| h.driver)),
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
            let theirs = mine.theirs(records, &me);
            theirs.is_empty() || to_app.blocking_send(Msg::Journal(theirs)).is_ok()
        };
        let lost = journal::postgres_follow::logged;
        journal::postgres_follow::spawn(url, chain, seq, deliver, lost);
        Seat {
            own,
            taken: Arc::default(),
            observer,
        }
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
