//! Who follows a release on the shared journal, across machines and without polling: each
//! follower names itself on its connection and says so when it joins; the others are told the
//! list when it changes, and one whose connection is gone leaves it at the next change.

use crate::support::postgres::journal_db;
use gonogo::journal::postgres::{self, Chain};
use gonogo::journal::postgres_follow::{logged, spawn_present};
use gonogo::journal::postgres_presence::{Present, name};
use gonogo::journal::postgres_veto::Inbox;
use gonogo::secret::Secret;
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn chain() -> Chain {
    Chain {
        release: "presence".into(),
        environment: "production".into(),
    }
}

/// A follower as `who`, and the lists it is told.
fn follow(url: &Secret, who: &str) -> mpsc::Receiver<Vec<String>> {
    let (tx, rx) = mpsc::channel();
    let present = Present {
        who: who.into(),
        tell: Box::new(move |list| tx.send(list).is_ok()),
        told: None,
    };
    // A watcher: it takes no vetoes.
    let inbox = Inbox::new(Default::default(), |_| true);
    spawn_present(url.clone(), chain(), 0, |_| true, logged, present, inbox);
    rx
}

/// Wait until `rx` is told `want`.
fn told(rx: &mpsc::Receiver<Vec<String>>, want: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = None;
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(list) if list == want => return,
            Ok(list) => last = Some(list),
            Err(_) => {}
        }
    }
    panic!("never told {want:?}; last {last:?}");
}

#[test]
fn followers_on_other_connections_see_each_other_join_and_leave() {
    let Some(cluster) = journal_db("shared_journal_presence") else {
        return;
    };
    let url = Secret::new(cluster.url("gonogo"));
    // The tables, as a first cockpit makes them.
    drop(postgres::Shared::open(&url, &chain()).unwrap());
    let ana = follow(&url, "ana@ops1");
    told(&ana, &[]);
    let bo = follow(&url, "bo@ops2");
    told(&bo, &["ana@ops1"]);
    told(&ana, &["bo@ops2"]);
    let cy = follow(&url, "cy@ops3");
    told(&cy, &["ana@ops1", "bo@ops2"]);
    told(&ana, &["bo@ops2", "cy@ops3"]);

    // Cy's connection goes (a kill, a lost network): gone from the list at the next join.
    let mut admin = postgres::connect(&url).unwrap();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&name(&chain(), "cy@ops3")],
        )
        .unwrap();
    drop(cy);
    let _dee = follow(&url, "dee@ops4");
    told(&ana, &["bo@ops2", "dee@ops4"]);
}
