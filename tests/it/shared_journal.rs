//! The shared journal against a real PostgreSQL (support/postgres.rs starts one cluster for
//! these tests; each test writes its own release, so they run side by side): records come back
//! as written, chained; an export verifies with the file journal's verifier; writers in several
//! processes never break a chain; a webhook is sent only once its request is committed.

use crate::support::postgres::{Cluster, journal_db};
use chrono::Utc;
use gonogo::app::{Effect, Key, Msg, update};
use gonogo::core::record::{Context, Event, Record};
use gonogo::journal::{self, Store, postgres};
use gonogo::runtime::bench_support::{JournalWriter, dispatch};
use gonogo::secret::Secret;
use std::collections::HashMap;
use std::process::Command;

const TEST: &str = "shared_journal";

fn db() -> Option<(&'static Cluster, Secret)> {
    let cluster = journal_db(TEST)?;
    Some((cluster, Secret::new(cluster.url("gonogo"))))
}

fn chain(release: &str) -> postgres::Chain {
    postgres::Chain {
        release: release.into(),
        environment: "production".into(),
    }
}

/// A record of `release` in production, as ana on ops1 writes it.
pub fn record(release: &str, event: Event, reason: &str) -> Record {
    let mut r = Record::new(
        Utc::now(),
        event,
        Context {
            operator: "ana".into(),
            host: "ops1".into(),
            release: release.into(),
            version: "2.14.0".into(),
            environment: "production".into(),
        },
    );
    r.reason = Some(reason.into());
    r
}

#[test]
fn records_come_back_chained_and_export_as_a_file_journal_that_verifies() {
    let Some((_, url)) = db() else { return };
    let release = "readback";
    let (mut j, before) = postgres::Shared::open(&url, &chain(release)).unwrap();
    assert!(before.is_empty());
    let events = [
        Event::CockpitStarted,
        Event::StageEntered,
        Event::CockpitStopped,
    ];
    for (i, e) in events.into_iter().enumerate() {
        j.append(&record(release, e, &format!("r{i}"))).unwrap();
    }
    // Another release's records are another chain, and not read back with this one.
    j.append(&record("readback-other", Event::CockpitStarted, "x"))
        .unwrap();
    let (_, back) = postgres::Shared::open(&url, &chain(release)).unwrap();
    assert_eq!(back.iter().map(|r| r.event).collect::<Vec<_>>(), events);
    assert_eq!(back[0].prev, journal::genesis_hash());
    assert_eq!(postgres::verify(&url, Some(&chain(release))).unwrap(), 3);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("readback.jsonl");
    assert_eq!(postgres::export(&url, &chain(release), &file).unwrap(), 3);
    assert_eq!(journal::verify(&file).unwrap(), 3);
    assert_eq!(journal::read(&file).unwrap(), back);

    // An edit in the database is caught, and names the record.
    let mut client = postgres::connect(&url).unwrap();
    client
        .execute(
            "UPDATE gonogo_record SET line = replace(line, '\"r1\"', '\"edited\"') \
             WHERE release = $1 AND seq = 2",
            &[&release],
        )
        .unwrap();
    let broken = postgres::verify(&url, Some(&chain(release)))
        .unwrap_err()
        .to_string();
    assert!(broken.contains("record 3 does not continue"), "{broken}");
    assert!(postgres::export(&url, &chain(release), &file).is_err());
}

/// Run by `writers_in_several_processes_never_break_the_chain` in processes of its own, with
/// `GONOGO_TEST_APPEND=url|release|count|writer`; does nothing otherwise.
#[test]
#[ignore = "a helper the concurrent-writers test runs in processes of its own"]
fn append_helper() {
    let Ok(args) = std::env::var("GONOGO_TEST_APPEND") else {
        return;
    };
    let [url, release, count, writer] = args.split('|').collect::<Vec<_>>()[..] else {
        panic!("GONOGO_TEST_APPEND={args}")
    };
    let url = Secret::new(url);
    let (mut j, _) = postgres::Shared::open(&url, &chain(release)).unwrap();
    for i in 0..count.parse::<usize>().unwrap() {
        j.append(&record(
            release,
            Event::ChecklistTicked,
            &format!("{writer}-{i}"),
        ))
        .unwrap();
    }
}

#[test]
fn writers_in_several_processes_never_break_the_chain() {
    let Some((cluster, url)) = db() else { return };
    let release = "concurrent";
    // Counts drawn per run: the property holds whatever the interleaving.
    let mut rng = <rand::rngs::SmallRng as rand::SeedableRng>::from_os_rng();
    let counts: Vec<usize> = (0..4)
        .map(|_| 10 + rand::Rng::random_range(&mut rng, 0..15))
        .collect();
    let exe = std::env::current_exe().unwrap();
    let writers: Vec<_> = counts
        .iter()
        .enumerate()
        .map(|(w, n)| {
            Command::new(&exe)
                .args(["shared_journal::append_helper", "--exact", "--ignored"])
                .arg("--quiet")
                .env(
                    "GONOGO_TEST_APPEND",
                    format!("{}|{release}|{n}|w{w}", cluster.url("gonogo")),
                )
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect::<Vec<_>>();
    // All started before any is waited for: they append at the same time.
    for w in writers {
        let out = w.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    let total: usize = counts.iter().sum();
    assert_eq!(
        postgres::verify(&url, Some(&chain(release))).unwrap(),
        total
    );
    let records = postgres::read(&url, Some(&chain(release))).unwrap();
    for (w, n) in counts.iter().enumerate() {
        let mine: Vec<_> = records
            .iter()
            .filter_map(|r| r.reason.as_deref())
            .filter(|r| r.starts_with(&format!("w{w}-")))
            .collect();
        let expected: Vec<String> = (0..*n).map(|i| format!("w{w}-{i}")).collect();
        assert_eq!(mine, expected, "writer {w}'s records, once each, in order");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_is_committed_before_its_webhook_arrives() {
    let Some((_, url)) = db() else { return };
    // The receiver reads the shared journal, from its own connection, as the request arrives.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (seen2, url2) = (seen.clone(), url.clone());
    let app = axum::Router::new().route(
        "/hooks/rollback",
        axum::routing::post(move || {
            let (seen, url) = (seen2.clone(), url2.clone());
            async move {
                let read = tokio::task::spawn_blocking(move || {
                    postgres::read(&url, Some(&chain("checkout-api"))).unwrap()
                });
                let records = read.await.unwrap();
                seen.lock().unwrap().push(records);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let text = format!(
        "{}\n[actions.rollback]\nurl = \"http://{addr}/hooks/rollback\"\ncheck = {{ url = \"http://127.0.0.1:9/check\" }}\n",
        include_str!("../fixtures/minimal.toml")
    );
    let mut setup = gonogo::config::load_with_env(&text, "release.toml", &HashMap::new()).unwrap();
    setup.shared_journal = Some(url.clone());
    let spec = setup.actions.iter().find(|a| a.name == "rollback").cloned();
    let context = gonogo::app::context(&setup);
    let (journal, _) = tokio::task::block_in_place(|| Store::open(&setup)).unwrap();
    let (mut state, _) = crate::support::cockpit::start(setup, context);

    // The Approve-Risk prompt, confirmed with a reason.
    let mut effects = update(&mut state, Msg::Key(Key::Char('r')), Utc::now());
    effects.extend(update(
        &mut state,
        Msg::Paste("errors above 2%".into()),
        Utc::now(),
    ));
    effects.extend(update(&mut state, Msg::Key(Key::Enter), Utc::now()));
    let d = effects
        .iter()
        .find_map(|e| match e {
            Effect::Dispatch(d) => Some((**d).clone()),
            _ => None,
        })
        .expect("a dispatch after confirming");
    let id = d.id().to_string();

    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let writer = JournalWriter::start(journal, tx.clone());
    let http = gonogo::actions::client().unwrap();
    dispatch(d, spec.unwrap(), http, writer.handle(), tx).await;
    while !matches!(rx.recv().await, Some(Msg::ActionDone { .. }) | None) {}
    writer.finish();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one webhook");
    let requested = seen[0]
        .iter()
        .find(|r| r.event == Event::ActionRequested && r.action_id.as_deref() == Some(&id));
    assert!(
        requested.is_some(),
        "the target saw the request before its record was committed: {:?}",
        seen[0]
    );
}

/// `xact_commit` of `db`: every statement a client runs there counts (PostgreSQL flushes these
/// counters about once a second, so the test reads them after waiting longer than that).
fn commits(url: &Secret, db: &str) -> i64 {
    let mut client = postgres::connect(url).unwrap();
    let row = client
        .query_one(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = $1",
            &[&db],
        )
        .unwrap();
    row.get(0)
}

#[test]
fn a_follower_gets_a_commit_within_a_second_and_asks_nothing_while_idle() {
    let Some((cluster, url)) = db() else { return };
    // A database of its own, so the other tests' statements are not counted.
    let mut admin = postgres::connect(&url).unwrap();
    admin.batch_execute("CREATE DATABASE follow_idle").unwrap();
    let own = Secret::new(cluster.url("gonogo").replace("/postgres?", "/follow_idle?"));
    let release = "followed";
    let (mut writer, _) = postgres::Shared::open(&own, &chain(release)).unwrap();
    writer
        .append(&record(release, Event::CockpitStarted, "before"))
        .unwrap();

    let (tx, rx) = std::sync::mpsc::channel();
    let deliver = move |records: Vec<Record>| tx.send(records).is_ok();
    let lost = gonogo::journal::postgres_follow::logged;
    // Following from after the first record: only what comes next is delivered.
    gonogo::journal::postgres_follow::spawn(own.clone(), chain(release), 1, deliver, lost);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let before = commits(&url, "follow_idle");
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_eq!(
        commits(&url, "follow_idle"),
        before,
        "the follower ran statements while nothing was written"
    );

    let sent = std::time::Instant::now();
    writer
        .append(&record(release, Event::ActionRequested, "promote"))
        .unwrap();
    let got = rx.recv_timeout(std::time::Duration::from_secs(1)).unwrap();
    let took = sent.elapsed();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].reason.as_deref(), Some("promote"));
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");
    eprintln!("shared_journal: a follower got a commit {took:?} after it; idle: 0 statements");
}

#[test]
fn a_record_sent_again_after_a_lost_answer_is_written_once() {
    let Some((_, url)) = db() else { return };
    let release = "sent-twice";
    let (mut j, _) = postgres::Shared::open(&url, &chain(release)).unwrap();
    let once = record(release, Event::ChecklistTicked, "once");
    j.append(&once).unwrap();
    // As the writer sends a kept record again when it cannot know the first commit went through.
    j.append(&once).unwrap();
    j.append(&record(release, Event::ChecklistTicked, "next"))
        .unwrap();
    assert_eq!(postgres::verify(&url, Some(&chain(release))).unwrap(), 2);
}
