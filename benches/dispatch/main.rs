//! Approve-Risk Enter → webhook at a local receiver, journal fsync included: the real
//! `app::update` turns Enter into `Effect::Dispatch`, the runtime's dispatch runner journals
//! the request (appended and fsynced by the journal thread, to a file on disk) and sends it
//! with `actions::send` to an axum receiver on 127.0.0.1 that notes when it arrives.
//! Prints one JSON object: median and max from Enter to arrival.
//!
//! `cargo bench --bench dispatch` makes 50 confirmations; `cargo test --benches` makes 3.

#[allow(dead_code)]
#[path = "../cockpit/fixture.rs"]
mod fixture;

use gonogo::app::{self, Effect, Key, Msg};
use gonogo::journal::Journal;
use gonogo::runtime::bench_support::{JournalWriter, dispatch};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let rounds = if full { 50 } else { 3 };

    // The receiver: notes the instant each webhook arrives.
    let (arrived_tx, mut arrived) = mpsc::unbounded_channel::<Instant>();
    let receiver = axum::Router::new().fallback(move || {
        let arrived_tx = arrived_tx.clone();
        async move {
            let _ = arrived_tx.send(Instant::now());
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });

    // The demo release, baked and GO, its actions pointed at the receiver.
    let mut ck = fixture::baking(0);
    ck.run(1, 300, 10.0);
    let mut go = ck.state;
    for action in &mut go.setup.actions {
        action.url = action.url.replace("http://127.0.0.1:9", &base);
    }
    let verdict = format!("{:?}", go.release.eval.verdict.kind);
    let now = fixture::t(300);

    // The journal on disk (the target directory, not a tmpfs), written by the real thread.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let (journal, _) = Journal::open(&dir.path().join("journal.jsonl")).unwrap();
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    let writer = JournalWriter::start(gonogo::journal::Store::File(journal), tx.clone());
    let http = gonogo::actions::client().unwrap();

    let mut took = Vec::new();
    for _ in 0..rounds {
        let mut s = go.clone();
        app::update(&mut s, Msg::Key(Key::Char('p')), now);
        for c in "Approve-Risk: metrics look clean".chars() {
            app::update(&mut s, Msg::Key(Key::Char(c)), now);
        }
        let enter = Instant::now();
        let fx = app::update(&mut s, Msg::Key(Key::Enter), now);
        let d = fx
            .into_iter()
            .find_map(|e| match e {
                Effect::Dispatch(d) => Some(d),
                _ => None,
            })
            .expect("a valid Approve-Risk dispatches");
        let spec = s
            .setup
            .actions
            .iter()
            .find(|a| a.name == *d.action())
            .cloned()
            .expect("the action is configured");
        tokio::spawn(dispatch(
            *d,
            spec,
            http.clone(),
            writer.handle(),
            tx.clone(),
        ));
        let at = tokio::time::timeout(Duration::from_secs(10), arrived.recv())
            .await
            .expect("the webhook arrives")
            .unwrap();
        took.push(at - enter);
        // Wait for the outcome, so rounds do not overlap.
        while !matches!(rx.recv().await, Some(Msg::ActionDone { .. })) {}
    }
    writer.finish();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let first = ms(took[0]);
    took.sort();
    println!(
        "{{\"bench\":\"approve_enter_to_webhook\",\"verdict\":\"{verdict}\",\"rounds\":{rounds},\
         \"median_ms\":{:.3},\"max_ms\":{:.3},\"min_ms\":{:.3},\"first_ms\":{first:.3}}}",
        ms(took[took.len() / 2]),
        ms(took[took.len() - 1]),
        ms(took[0]),
    );
}
