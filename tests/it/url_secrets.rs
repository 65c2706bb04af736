//! A URL that carries a credential is refused when the config loads; one that gets into the
//! setup some other way is still never drawn, logged or journaled with it. The second half runs
//! the real path: the Approve-Risk prompt, the dispatch that journals the request on disk, the
//! webhook sent to a server on 127.0.0.1, the outcome in the event log.

use chrono::Utc;
use gonogo::app::{Effect, Key, Msg, State, update};
use gonogo::config;
use gonogo::core::record::Context;
use gonogo::journal::Journal;
use gonogo::runtime::bench_support::{JournalWriter, dispatch};
use gonogo::ui::{Theme, render};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::collections::HashMap;

const SECRET: &str = "s3cr3t-t0ken";

/// The smallest valid config (tests/fixtures/minimal.toml) with a rollback action at `rollback_url`.
fn config_with(rollback_url: &str) -> String {
    format!(
        r#"{}
[actions.rollback]
url = "{rollback_url}"
check = {{ url = "http://127.0.0.1:9/check" }}
"#,
        include_str!("../fixtures/minimal.toml")
    )
}

fn errors(text: &str) -> String {
    match config::load_with_env(text, "release.toml", &HashMap::new()) {
        Ok(_) => panic!("expected errors, the config loaded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn credentials_in_any_url_are_refused_without_showing_them() {
    let text = config_with(&format!(
        "http://deploy:{SECRET}@deploy.internal/hooks/rollback"
    ))
    .replace(
        "url = \"http://127.0.0.1:9090\"",
        &format!("url = \"https://prometheus.internal?access_token={SECRET}\""),
    )
    .replace(
        "http://127.0.0.1:9/check",
        &format!("https://deploy.internal/check?apiKey={SECRET}"),
    ) + &format!(
        "\n[notify.slack]\nurl = \"https://bot:{SECRET}@chat.internal/hook\"\nbody = '{{\"text\": \"{{{{message}}}}\"}}'\n"
    );
    let msg = errors(&text);
    assert!(!msg.contains(SECRET), "{msg}");
    for want in [
        "release.toml:13: sources.prometheus.url: the URL carries a credential (the query parameter \"access_token\"), got \"https://prometheus.internal?access_token=***\" — expected a URL without credentials; send them as auth = { bearer = { env = \"…\" } } or headers = { Authorization = { env = \"…\" } }",
        "release.toml:22: actions.rollback.url: the URL carries a credential (user:password@ before the host), got \"http://***@deploy.internal/hooks/rollback\" — expected a URL without credentials; send them as headers = { Authorization = { env = \"…\" } } (or another header)",
        "actions.rollback.check.url: the URL carries a credential (the query parameter \"apiKey\"), got \"https://deploy.internal/check?apiKey=***\"",
        "notify.slack.url: the URL carries a credential (user:password@ before the host), got \"https://***@chat.internal/hook\"",
    ] {
        assert!(msg.contains(want), "missing\n  {want}\nin\n{msg}");
    }
}

#[test]
fn an_environment_override_with_a_credential_is_refused_and_named() {
    let text = config_with("http://deploy.internal/hooks/rollback");
    let vars: HashMap<String, String> = [(
        "GONOGO_SOURCES__PROMETHEUS__URL".to_string(),
        format!("https://prom:{SECRET}@prometheus.internal"),
    )]
    .into();
    let msg = config::load_with_env(&text, "release.toml", &vars)
        .unwrap_err()
        .to_string();
    assert!(!msg.contains(SECRET), "{msg}");
    assert!(
        msg.contains("sources.prometheus.url: the URL carries a credential (user:password@ before the host) (set by GONOGO_SOURCES__PROMETHEUS__URL), got \"https://***@prometheus.internal\""),
        "{msg}"
    );
}

fn screen(state: &State) -> String {
    let area = Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(area);
    render(state, &Theme::new(false, false), area, &mut buf);
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Everything an operator or an auditor could read: the screen, the event log, the journal.
fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} shows the secret:\n{text}");
    assert!(
        !text.contains("deploy:"),
        "{what} shows the user name:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_that_got_in_anyway_is_never_drawn_logged_or_journaled_with_its_secret() {
    // The webhook's receiver.
    let app = axum::Router::new().route("/hooks/rollback", axum::routing::post(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // A clean config, then the credential put in behind validation's back.
    let clean = config_with(&format!("http://{addr}/hooks/rollback"));
    let mut setup = config::load_with_env(&clean, "release.toml", &HashMap::new()).unwrap();
    let rollback = setup
        .actions
        .iter_mut()
        .find(|a| a.name == "rollback")
        .unwrap();
    rollback.url =
        format!("http://deploy:{SECRET}@{addr}/hooks/rollback?access_token={SECRET}&x=1");
    let spec = rollback.clone();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let context = Context {
        operator: "ana".into(),
        release: "checkout-api".into(),
        version: "2.14.0".into(),
        environment: "production".into(),
        ..Default::default()
    };
    let (mut state, mut effects) = crate::support::cockpit::start(setup, context);

    // The Approve-Risk prompt names the target host, not who signs in to it.
    effects.extend(update(&mut state, Msg::Key(Key::Char('r')), Utc::now()));
    let prompt = screen(&state);
    assert!(
        prompt.contains(&addr.to_string()),
        "the target is shown:\n{prompt}"
    );
    assert_no_secret("the Approve-Risk prompt", &prompt);

    effects.extend(update(
        &mut state,
        Msg::Paste("errors above 2% on canary".into()),
        Utc::now(),
    ));
    effects.extend(update(&mut state, Msg::Key(Key::Enter), Utc::now()));
    let Some(Effect::Dispatch(d)) = effects.iter().find(|e| matches!(e, Effect::Dispatch(_)))
    else {
        panic!("no dispatch after confirming: {}", screen(&state));
    };

    // The real dispatch: the request journaled on disk, then sent.
    let (journal, _) = Journal::open(&path).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let writer = JournalWriter::start(gonogo::journal::Store::File(journal), tx.clone());
    for e in &effects {
        if let Effect::Journal(r) = e {
            writer.handle().append_synced((**r).clone()).await.unwrap();
        }
    }
    dispatch(
        (**d).clone(),
        spec,
        gonogo::actions::client().unwrap(),
        writer.handle(),
        tx,
    )
    .await;
    let done = loop {
        match rx.recv().await {
            Some(msg @ Msg::ActionDone { .. }) => break msg,
            Some(_) => continue,
            None => panic!("no outcome"),
        }
    };
    let after = update(&mut state, done, Utc::now());
    for e in &after {
        if let Effect::Journal(r) = e {
            writer.handle().append_synced((**r).clone()).await.unwrap();
        }
    }
    writer.finish();

    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert!(
        on_disk.contains("action_succeeded") || on_disk.contains("succeeded"),
        "the webhook went out and its outcome is journaled:\n{on_disk}"
    );
    assert!(
        on_disk.contains(&format!("POST http://{addr}/hooks/rollback")),
        "the request summary is journaled:\n{on_disk}"
    );
    assert_no_secret("the journal", &on_disk);
    let log: Vec<String> = state.screen.log.iter().map(|l| l.text.clone()).collect();
    assert_no_secret("the event log", &log.join("\n"));
    assert_no_secret("the screen after the outcome", &screen(&state));
}
