//! The database goes away mid-release and comes back, on a cluster of this test's own: an
//! action's request cannot be journaled so it is refused, the records meanwhile are kept and
//! written once it is back, in order and once each, and a follower picks up where it was.

use crate::shared_journal::record;
use crate::support::postgres::cluster;
use gonogo::app::Msg;
use gonogo::core::record::{Event, Record};
use gonogo::journal::{Store, postgres, postgres_follow};
use gonogo::runtime::bench_support::JournalWriter;
use gonogo::secret::Secret;
use std::collections::HashMap;
use std::sync::mpsc;
use std::time::Duration;

/// The next `Journaled` the writer reports to the loop.
async fn journaled(rx: &mut tokio::sync::mpsc::Receiver<Msg>) -> Result<(), String> {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv()).await {
            Ok(Some(Msg::Journaled(result))) => return result,
            Ok(Some(_)) => continue,
            other => panic!("no Journaled: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_database_refuses_actions_and_loses_nothing_when_it_returns() {
    let Some(db) = cluster("shared_journal_outage", "gonogo") else {
        return;
    };
    let url = Secret::new(db.url("gonogo"));
    let text = include_str!("../fixtures/minimal.toml").replace("checkout-api", "outage");
    let mut setup = gonogo::config::load_with_env(&text, "release.toml", &HashMap::new()).unwrap();
    setup.shared_journal = Some(url.clone());
    let chain = gonogo::journal::chain_of(&setup);
    let (store, _) = tokio::task::block_in_place(|| Store::open(&setup)).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let writer = JournalWriter::start(store, tx);
    let r = |event, reason| record("outage", event, reason);

    // A watcher, following from the start.
    let (seen_tx, seen) = mpsc::channel::<Vec<Record>>();
    let (state_tx, state) = mpsc::channel::<Option<String>>();
    let deliver = move |records| seen_tx.send(records).is_ok();
    let lost = move |why| drop(state_tx.send(why));
    postgres_follow::spawn(url.clone(), chain.clone(), 0, deliver, lost);

    writer.append(r(Event::CockpitStarted, "before"));
    assert_eq!(journaled(&mut rx).await, Ok(()));
    let first = seen.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(first[0].reason.as_deref(), Some("before"));

    db.stop();
    let refused = writer
        .handle()
        .append_synced(r(Event::ActionRequested, "promote while down"))
        .await;
    assert!(refused.is_err(), "an action's request with no database");
    writer.append(r(Event::ChecklistTicked, "during"));
    let down = journaled(&mut rx).await.unwrap_err();
    assert!(down.contains("shared journal"), "{down}");
    assert!(
        state
            .recv_timeout(Duration::from_secs(10))
            .unwrap()
            .is_some()
    );

    db.start();
    writer.append(r(Event::ChecklistTicked, "after"));
    assert_eq!(
        journaled(&mut rx).await,
        Ok(()),
        "resumes without a restart"
    );
    assert_eq!(state.recv_timeout(Duration::from_secs(10)).unwrap(), None);
    let mut followed: Vec<String> = Vec::new();
    while followed.len() < 2 {
        let batch = seen.recv_timeout(Duration::from_secs(10)).unwrap();
        followed.extend(batch.into_iter().filter_map(|r| r.reason));
    }
    assert_eq!(
        followed,
        ["during", "after"],
        "the watcher picks up where it was"
    );
    writer.finish();

    let reasons: Vec<String> = tokio::task::block_in_place(|| postgres::read(&url, Some(&chain)))
        .unwrap()
        .into_iter()
        .filter_map(|r| r.reason)
        .collect();
    assert_eq!(
        reasons,
        ["before", "during", "after"],
        "in order, once each, no refused request"
    );
    let verified = tokio::task::block_in_place(|| postgres::verify(&url, Some(&chain)));
    assert_eq!(verified.unwrap(), 3);
}
