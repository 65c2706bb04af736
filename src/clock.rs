//! The clock's tick: what moves countdowns, staleness and the header clock, for the cockpit and
//! the headless commands alike.

use crate::app::Msg;
use chrono::Utc;
use std::time::Duration;
use tokio::sync::mpsc::Sender;

/// One tick at every wall-clock second, so countdowns change on the second.
pub async fn tick(tx: Sender<Msg>) {
    loop {
        let nanos = Utc::now().timestamp_subsec_nanos() as u64;
        let to_next = Duration::from_nanos(1_000_000_000 - nanos.min(999_999_999));
        tokio::time::sleep(to_next + Duration::from_millis(2)).await;
        if tx.send(Msg::Tick).await.is_err() {
            return;
        }
    }
}
