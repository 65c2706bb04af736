//! Performing `Effect::Dispatch`: build the request, journal it (flushed), then send it with
//! the retry rules of SEMANTICS.md §5, and report the outcome as `Msg::ActionDone`.

use super::journal_writer::JournalHandle;
use crate::actions::{self, Outcome, RetryPolicy};
use crate::app::{Dispatch, Msg};
use crate::setup::ActionSpec;
use tokio::sync::mpsc::Sender;

pub async fn run(
    d: Dispatch,
    spec: ActionSpec,
    client: reqwest::Client,
    journal: JournalHandle,
    tx: Sender<Msg>,
) {
    let id = d.id().to_string();
    let outcome = perform(d, &spec, &client, &journal).await;
    let _ = tx.send(Msg::ActionDone { id, outcome }).await;
}

async fn perform(
    d: Dispatch,
    spec: &ActionSpec,
    client: &reqwest::Client,
    journal: &JournalHandle,
) -> Outcome {
    let request = match actions::build_request(spec, d.vars()) {
        Ok(r) => r,
        Err(e) => {
            return Outcome::NotSent {
                reason: format!("the {} request could not be built: {e}", spec.name),
            };
        }
    };
    if let Some(o) = d.override_record()
        && let Err(e) = journal.append_synced(o.clone()).await
    {
        return Outcome::NotSent {
            reason: format!("journal write failed: {e}"),
        };
    }
    let mut requested = d.requested().clone();
    requested.request = Some(actions::summary(&request));
    if let Err(e) = journal.append_synced(requested).await {
        return Outcome::NotSent {
            reason: format!("journal write failed: {e}"),
        };
    }
    tracing::info!(action = %spec.name, id = %d.id(), "sending");
    let (outcome, attempts) = actions::send(
        client,
        &request,
        d.id(),
        spec.idempotent,
        spec.timeout,
        &RetryPolicy::default(),
    )
    .await;
    tracing::info!(action = %spec.name, id = %d.id(), attempts, "done");
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Msg;
    use crate::journal::Journal;
    use crate::runtime::journal_writer::JournalWriter;
    use crate::setup::BodyKind;
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// A receiver that, the moment the webhook arrives, reads the journal from disk.
    async fn receiver(journal: PathBuf) -> (String, Arc<Mutex<Vec<String>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = seen.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move || {
                let seen = seen2.clone();
                let journal = journal.clone();
                async move {
                    let text = std::fs::read_to_string(&journal).unwrap_or_default();
                    seen.lock().unwrap().push(text);
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, seen)
    }

    #[tokio::test]
    async fn the_request_is_on_disk_before_the_target_sees_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let (url, seen) = receiver(path.clone()).await;
        let (journal, _) = Journal::open(&path).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let writer = JournalWriter::start(crate::journal::Store::File(journal), tx.clone());
        let spec = ActionSpec {
            name: "promote".into(),
            method: "POST".into(),
            url,
            headers: vec![],
            body: Some(r#"{"reason": "{{reason}}"}"#.into()),
            body_kind: BodyKind::Json,
            idempotent: false,
            timeout: Duration::from_secs(5),
            tls: None,
        };
        // Made as only a confirmed Approve-Risk prompt makes one.
        let d = crate::app::testkit::confirmed_dispatch('p');
        let id = d.id().to_string();
        run(
            d,
            spec,
            crate::actions::client().unwrap(),
            writer.handle(),
            tx,
        )
        .await;
        let Some(Msg::ActionDone { outcome, .. }) = rx.recv().await else {
            panic!("no outcome")
        };
        assert!(
            matches!(outcome, Outcome::Succeeded { status: 200, .. }),
            "{outcome:?}"
        );
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert!(
            seen[0].contains("\"action_requested\"") && seen[0].contains(&format!("\"{id}\"")),
            "the target saw the request before its record was on disk: {:?}",
            seen[0]
        );
        assert!(
            seen[0].contains("POST http://127.0.0.1:"),
            "request summary journaled"
        );
        writer.finish();
    }

    #[tokio::test]
    async fn nothing_is_sent_when_the_journal_cannot_record_it() {
        let (url, seen) = receiver(PathBuf::from("/nonexistent")).await;
        let spec = ActionSpec {
            name: "rollback".into(),
            method: "POST".into(),
            url,
            headers: vec![],
            body: None,
            body_kind: BodyKind::None,
            idempotent: false,
            timeout: Duration::from_secs(5),
            tls: None,
        };
        let d = crate::app::testkit::confirmed_dispatch('r');
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        // A handle with no journal behind it, as in read-only mode.
        let handle = JournalHandle::detached();
        run(d, spec, crate::actions::client().unwrap(), handle, tx).await;
        let Some(Msg::ActionDone { outcome, .. }) = rx.recv().await else {
            panic!("no outcome")
        };
        assert!(matches!(outcome, Outcome::NotSent { .. }), "{outcome:?}");
        assert!(
            seen.lock().unwrap().is_empty(),
            "the target must see nothing"
        );
    }
}
