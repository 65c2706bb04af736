//! The journal's writer: one thread owns the file and appends in order; each result comes back
//! to the loop as `Msg::Journaled`.

use crate::app::Msg;
use crate::core::record::Record;
use crate::journal::Journal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use tokio::sync::mpsc::Sender;

pub struct JournalWriter {
    tx: Option<mpsc::Sender<Record>>,
    thread: Option<JoinHandle<()>>,
}

impl JournalWriter {
    pub fn start(mut journal: Journal, to_app: Sender<Msg>) -> Self {
        let (tx, rx) = mpsc::channel::<Record>();
        let thread = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || {
                for record in rx {
                    let result = journal.append(&record).map_err(|e| e.to_string());
                    if let Err(e) = &result {
                        tracing::error!("journal append failed: {e}");
                    }
                    // Never block on a full or closed channel: at quit the loop has stopped reading.
                    let _ = to_app.try_send(Msg::Journaled(result));
                }
            })
            .expect("spawning the journal thread");
        JournalWriter {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn append(&self, record: Record) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(record);
        }
    }

    /// Write everything queued, then stop.
    pub fn finish(mut self) {
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
