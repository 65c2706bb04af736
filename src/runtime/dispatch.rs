//! Performing `Effect::Dispatch`: build the request, journal it (flushed), then send it with
//! the retry rules of SEMANTICS.md §5, and report the outcome as `Msg::ActionDone`.

use super::journal_writer::JournalHandle;
use crate::actions::{self, Outcome, RetryPolicy, Vars};
use crate::app::{ActionOutcome, Dispatch, Msg};
use crate::setup::ActionSpec;
use tokio::sync::mpsc::Sender;

pub async fn run(
    d: Dispatch,
    spec: ActionSpec,
    client: reqwest::Client,
    journal: JournalHandle,
    tx: Sender<Msg>,
) {
    let id = d.id.clone();
    let outcome = perform(d, &spec, &client, &journal).await;
    let _ = tx.send(Msg::ActionDone { id, outcome }).await;
}

async fn perform(
    d: Dispatch,
    spec: &ActionSpec,
    client: &reqwest::Client,
    journal: &JournalHandle,
) -> ActionOutcome {
    let mut vars = Vars::new();
    for (name, value) in d.vars {
        vars.set(name, value);
    }
    let request = match actions::build_request(spec, &vars) {
        Ok(r) => r,
        Err(e) => {
            return ActionOutcome::NotSent {
                reason: format!("the {} request could not be built: {e}", spec.name),
            };
        }
    };
    if let Some(o) = d.override_record
        && let Err(e) = journal.append_synced(o).await
    {
        return ActionOutcome::NotSent {
            reason: format!("journal write failed: {e}"),
        };
    }
    let mut requested = d.requested;
    requested.request = Some(actions::summary(&request));
    if let Err(e) = journal.append_synced(requested).await {
        return ActionOutcome::NotSent {
            reason: format!("journal write failed: {e}"),
        };
    }
    tracing::info!(action = %spec.name, id = %d.id, "sending");
    let (outcome, attempts) = actions::send(
        client,
        &request,
        &d.id,
        spec.idempotent,
        spec.timeout,
        &RetryPolicy::default(),
    )
    .await;
    tracing::info!(action = %spec.name, id = %d.id, attempts, "done");
    match outcome {
        Outcome::Succeeded {
            status,
            latency,
            excerpt,
        } => ActionOutcome::Succeeded {
            status,
            latency,
            excerpt,
        },
        Outcome::Failed {
            status,
            reason,
            excerpt,
            ..
        } => ActionOutcome::Failed {
            status,
            reason,
            excerpt,
        },
        Outcome::Unknown {
            reason,
            what_to_check,
            status,
            excerpt,
            ..
        } => ActionOutcome::Unknown {
            reason: match status {
                Some(s) => format!(
                    "{reason} (HTTP {s}{})",
                    if excerpt.is_empty() {
                        String::new()
                    } else {
                        format!(": {excerpt}")
                    }
                ),
                None => reason,
            },
            what_to_check,
        },
    }
}
