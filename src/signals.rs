//! SIGINT, SIGTERM and SIGHUP become a clean shutdown message, for the cockpit (the loop quits,
//! the journal is flushed, the terminal restored) and the headless commands alike.

use crate::app::Msg;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc::Sender;

/// The three signals, caught from the moment this returns: until then the default action
/// (ending the process) applies, so register before the first output a caller may signal on.
pub struct Signals {
    int: Signal,
    term: Signal,
    hup: Signal,
}

impl Signals {
    pub fn register() -> std::io::Result<Signals> {
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// Send a shutdown message for each signal until the receiver is gone.
    pub async fn forward(mut self, tx: Sender<Msg>) {
        loop {
            let name = tokio::select! {
                _ = self.int.recv() => "SIGINT",
                _ = self.term.recv() => "SIGTERM",
                _ = self.hup.recv() => "SIGHUP",
            };
            if tx.send(Msg::Shutdown(name)).await.is_err() {
                return;
            }
        }
    }
}
