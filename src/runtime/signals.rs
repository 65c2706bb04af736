//! SIGINT, SIGTERM and SIGHUP become a clean shutdown message: the loop quits, the journal
//! is flushed, the terminal restored.

use crate::app::Msg;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::Sender;

pub async fn forward(tx: Sender<Msg>) -> std::io::Result<()> {
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    loop {
        let name = tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
            _ = hup.recv() => "SIGHUP",
        };
        if tx.send(Msg::Shutdown(name)).await.is_err() {
            return Ok(());
        }
    }
}
