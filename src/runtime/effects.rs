//! The effects runner: what each `Effect` that `app::update` returns does in the world.
//!
//! - `Journal`: appended by the journal's writer thread, in order (an observer has no writer
//!   and writes nothing, but leaves a veto for the driver: `journal::store::Vetoes`).
//! - `Dispatch`: its request journaled (flushed), then the webhook sent, in a task; the
//!   outcome comes back as `Msg::ActionDone`. Without the action or a journal nothing is sent.
//! - `Notify`: the notification webhooks, fire and forget; a failure comes back for the log.
//! - `History`: the range queries over an unobserved gap, in a task; answered as `Msg::History`.
//! - `Quit`: the loop ends once the effects before it have run.
//!
//! Nothing here waits: the loop goes on drawing and taking messages meanwhile.

use super::journal_writer::JournalWriter;
use super::{dispatch, notify};
use crate::app::{Effect, Msg, State};
use crate::history;
use crate::journal::store::Vetoes;
use crate::sources::SourceClient;
use chrono::Utc;
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;

pub struct Runner {
    /// None for an observer: the operator's cockpit owns the journal.
    writer: Option<JournalWriter>,
    /// For actions and notifications: redirects are not followed, so a secret header never
    /// travels to another host.
    http: reqwest::Client,
    /// The sources' shared client, for history.
    client: SourceClient,
    tx: Sender<Msg>,
    /// Actions and history reads still running.
    tasks: Vec<JoinHandle<()>>,
    /// An `Effect::Quit` has been run.
    pub quit: bool,
    /// On the shared journal: the turns at its wheel.
    pub wheel: Option<super::wheel::Seat>,
    /// Where an observer leaves its vetoes, once it has one.
    vetoes: Option<Vetoes>,
}

impl Runner {
    pub fn new(
        writer: Option<JournalWriter>,
        http: reqwest::Client,
        client: SourceClient,
        tx: Sender<Msg>,
    ) -> Runner {
        Runner {
            writer,
            http,
            client,
            tx,
            tasks: Vec::new(),
            quit: false,
            wheel: None,
            vetoes: None,
        }
    }

    /// Perform one effect. A message that answers it at once (an action that cannot be sent)
    /// goes to `effects_later`, for the loop to feed back after the rest of the batch.
    pub fn perform(&mut self, effect: Effect, state: &State, effects_later: &mut Vec<Msg>) {
        let Runner {
            writer,
            http,
            client,
            tx,
            tasks,
            quit,
            wheel,
            vetoes,
        } = self;
        // A take of the wheel opened the journal: written from now on.
        if let Some(w) = wheel.as_ref().and_then(super::wheel::Seat::taken) {
            *writer = Some(w);
        }
        match effect {
            Effect::Journal(record) => {
                if let Some(w) = &writer {
                    w.append(*record);
                } else if crate::journal::vetoes::is_veto(&record) {
                    // An observer's veto: left for the cockpit that writes the journal, beside
                    // the file or in the shared journal's inbox (told when it is committed).
                    let out = vetoes.get_or_insert_with(|| {
                        let tx = tx.clone();
                        Vetoes::start(&state.setup, move |left| {
                            let _ = tx.blocking_send(Msg::Journaled(left));
                        })
                    });
                    if let Some(left) = out.leave(&record) {
                        effects_later.push(Msg::Journaled(left));
                    }
                }
            }
            Effect::Dispatch(d) => {
                let spec = state
                    .setup
                    .actions
                    .iter()
                    .find(|a| a.name == *d.action())
                    .cloned();
                match (spec, &writer) {
                    (Some(spec), Some(w)) => {
                        tasks.retain(|t: &tokio::task::JoinHandle<()>| !t.is_finished());
                        tasks.push(tokio::spawn(dispatch::run(
                            *d,
                            spec,
                            http.clone(),
                            w.handle(),
                            tx.clone(),
                        )));
                    }
                    _ => {
                        let outcome = crate::actions::Outcome::NotSent {
                            reason: "no such action, or no journal to record it".into(),
                        };
                        let id = d.id().to_string();
                        effects_later.push(Msg::ActionDone { id, outcome });
                    }
                }
            }
            Effect::Notify(notice) => notify::announce(state, &notice, http, tx),
            Effect::History(ask) => {
                tasks.push(history::spawn(*ask, &state.setup, client, tx.clone()));
            }
            Effect::Wheel(turn) => {
                if let Some(seat) = wheel {
                    seat.turn(turn, writer, &state.setup, tx);
                }
            }
            Effect::Quit => *quit = true,
        }
        // The watchers' vetoes are taken while this cockpit writes the journal.
        if let Some(seat) = wheel {
            seat.driving(writer.is_some());
        }
    }

    /// However the loop ended, journal the stop (naming an action still in flight), abandon
    /// what still runs (an action's request record is already on disk), and write everything
    /// queued before returning.
    pub fn stop(mut self, state: &mut State) {
        if let Some(w) = self.wheel.as_ref().and_then(super::wheel::Seat::taken) {
            self.writer = Some(w);
        }
        if !state.session.quitting
            && let Some(w) = &self.writer
        {
            state.session.quitting = true;
            w.append(state.stopped_record(Utc::now()));
        }
        for t in self.tasks {
            t.abort();
        }
        if let Some(w) = self.writer {
            w.finish();
        }
    }
}

#[cfg(test)]
#[path = "effects_tests.rs"]
mod tests;
