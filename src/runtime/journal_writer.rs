//! The journal's writer: one thread owns the file and appends in order. Plain appends report
//! back to the loop as `Msg::Journaled`; an action's request record is awaited, so the webhook
//! is sent only once its record is on disk (or committed, for the shared journal).

use crate::app::Msg;
use crate::core::record::Record;
use crate::journal::{JournalError, Store};
use std::collections::VecDeque;
use std::sync::mpsc;
use std::thread::JoinHandle;
use tokio::sync::{mpsc::Sender, oneshot};

type Ack = oneshot::Sender<Result<(), String>>;

pub struct JournalWriter {
    tx: Option<mpsc::Sender<(Record, Option<Ack>)>>,
    thread: Option<JoinHandle<()>>,
}

/// A cheap handle for tasks that must wait for their record to be on disk.
#[derive(Clone)]
pub struct JournalHandle {
    tx: Option<mpsc::Sender<(Record, Option<Ack>)>>,
}

impl JournalHandle {
    /// A handle with no journal: every append fails, so nothing can be sent.
    #[cfg(test)]
    pub fn detached() -> Self {
        JournalHandle { tx: None }
    }

    /// Append and wait until the record is flushed. Without a journal (read-only) this fails:
    /// nothing may be sent that is not recorded.
    pub async fn append_synced(&self, record: Record) -> Result<(), String> {
        let tx = self.tx.as_ref().ok_or("no journal is open (read-only)")?;
        let (ack, done) = oneshot::channel();
        tx.send((record, Some(ack)))
            .map_err(|_| "the journal writer has stopped".to_string())?;
        done.await
            .map_err(|_| "the journal writer has stopped".to_string())?
    }
}

/// The writer thread's loop. The shared journal (its connection watched) keeps plain records it could not
/// write, with the database away, and writes them first, in order, once it is back; its ids
/// keep a record whose commit went through unanswered from being written twice. A request
/// record is never kept: its action was refused, so it must not be journaled later as sent.
fn writing(
    journal: &mut Store,
    rx: &mpsc::Receiver<(Record, Option<Ack>)>,
    to_app: &Sender<Msg>,
    own: Option<&super::wheel::Own>,
) {
    let keeps = journal.watches().is_some();
    let mut kept: VecDeque<Record> = VecDeque::new();
    // Whether the last append or look at the connection went through: a look tells the loop
    // only when that changes, so an idle cockpit hears nothing.
    let mut healthy = true;
    loop {
        let next = match journal.watches() {
            Some(every) => rx.recv_timeout(every),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        let (record, ack) = match next {
            Ok(job) => job,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let result = flush(journal, &mut kept).and_then(|()| journal.watch());
                let result = result.map_err(|e| e.to_string());
                if result.is_ok() != healthy {
                    healthy = result.is_ok();
                    let _ = to_app.try_send(Msg::Journaled(result));
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if let Some(own) = own {
            own.wrote(&record);
        }
        let result = flush(journal, &mut kept).and_then(|()| journal.append(&record));
        let result = result.map_err(|e| e.to_string());
        healthy = result.is_ok();
        if let Err(e) = &result {
            tracing::error!("journal append failed: {e}");
        }
        match ack {
            Some(ack) => {
                let _ = ack.send(result.clone());
            }
            None => {
                if result.is_err() && keeps {
                    kept.push_back(record);
                }
                // Never block on a full or closed channel: at quit the loop has stopped
                // reading.
                let _ = to_app.try_send(Msg::Journaled(result));
            }
        }
    }
    if let Err(e) = flush(journal, &mut kept) {
        tracing::error!("{} journal records not written at stop: {e}", kept.len());
    }
}

/// Write the kept records, oldest first, until one fails.
fn flush(journal: &mut Store, kept: &mut VecDeque<Record>) -> Result<(), JournalError> {
    while let Some(record) = kept.front() {
        journal.append(record)?;
        kept.pop_front();
    }
    Ok(())
}

impl JournalWriter {
    pub fn start(journal: Store, to_app: Sender<Msg>) -> Self {
        Self::start_noting(journal, to_app, None)
    }

    /// [`JournalWriter::start`], noting in `own` each record written, so this cockpit's
    /// follower of the shared journal does not hand them back to it.
    pub fn start_noting(
        mut journal: Store,
        to_app: Sender<Msg>,
        own: Option<super::wheel::Own>,
    ) -> Self {
        let (tx, rx) = mpsc::channel::<(Record, Option<Ack>)>();
        let thread = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || writing(&mut journal, &rx, &to_app, own.as_ref()))
            .expect("spawning the journal thread");
        JournalWriter {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn handle(&self) -> JournalHandle {
        JournalHandle {
            tx: self.tx.clone(),
        }
    }

    pub fn append(&self, record: Record) {
        if let Some(tx) = &self.tx {
            let _ = tx.send((record, None));
        }
    }

    /// Write everything queued, then stop. Handles still held by tasks keep the thread alive,
    /// so callers abort those tasks first.
    pub fn finish(mut self) {
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
