//! Performing `Effect::Notify`: one request per notification webhook that wants the event.
//! Fire and forget: a failure comes back as `Msg::NotifyFailed` for the log.

use crate::actions::{Vars, announce as send_notice, notice_vars};
use crate::app::{Msg, Notice, State};
use tokio::sync::mpsc::Sender;

pub fn announce(state: &State, notice: &Notice, http: &reqwest::Client, tx: &Sender<Msg>) {
    let event = serde_json::to_value(notice.event)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut base = Vars::from_release(&state.setup.release);
    base.set("operator", state.session.context.operator.as_str());
    base.set("verdict", state.release.eval.verdict.kind.label());
    let vars = notice_vars(&notice.message, &event, notice.stage.as_deref(), &base);
    let wanted = state
        .setup
        .notify
        .iter()
        .filter(|n| n.events.contains(&notice.event));
    for spec in wanted {
        let (spec, http, tx, vars) = (spec.clone(), http.clone(), tx.clone(), vars.clone());
        tokio::spawn(async move {
            if let Err(error) = send_notice(&http, &spec, &vars).await {
                let name = spec.name.clone();
                let _ = tx.send(Msg::NotifyFailed { name, error }).await;
            }
        });
    }
}
