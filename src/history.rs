//! Performing `Effect::History`: the range queries over an unobserved gap, all at once through
//! the sources' shared client, answered as one `Msg::History`. Nothing waits for it. The
//! cockpit's effects runner and the headless commands' start both read history here.

use crate::app::{HistoryAnswer, HistoryAsk, Msg};
use crate::setup::Setup;
use crate::sources::SourceClient;
use crate::sources::providers::prometheus::range;
use futures_util::future::join_all;
use tokio::sync::mpsc::Sender;

/// Read the history asked for; a signal the setup does not know is answered with why.
pub async fn read(ask: &HistoryAsk, setup: &Setup, client: &SourceClient) -> HistoryAnswer {
    let (from, to) = (ask.gap.from, ask.gap.to.unwrap_or(ask.gap.from));
    let reads = ask.signals.iter().map(|&sig| async move {
        let Some(spec) = setup.signals.get(sig) else {
            return (sig, Err("an unknown signal".to_string()));
        };
        let source = &setup.sources[spec.source];
        let points = range::history(client, source, &spec.extract, from, to, ask.step).await;
        (sig, points)
    });
    HistoryAnswer {
        gap: ask.gap,
        step: ask.step,
        signals: join_all(reads).await,
    }
}

/// Read the history in its own task and send the answer to the app.
pub fn spawn(
    ask: HistoryAsk,
    setup: &Setup,
    client: &SourceClient,
    tx: Sender<Msg>,
) -> tokio::task::JoinHandle<()> {
    let (setup, client) = (setup.clone(), client.clone());
    tokio::spawn(async move {
        let answer = read(&ask, &setup, &client).await;
        let _ = tx.send(Msg::History(Box::new(answer))).await;
    })
}
