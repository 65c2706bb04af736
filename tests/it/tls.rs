//! TLS the way companies run it, against a real HTTPS server on 127.0.0.1 whose certificates
//! come from a CA made in the test: a private CA, client certificates (mTLS) and a server name
//! override, for a source, the rollback check and an action, all configured in TOML.

use crate::support::pki;
use crate::support::shared;

use gonogo::actions::{
    Outcome as Sent, RetryPolicy, Vars, announce, build_request, notice_vars, send, summary,
};
use gonogo::config;
use gonogo::core::reading::{Outcome, Reading};
use gonogo::setup::Setup;
use gonogo::sources::{SourceClient, poll};
use pki::{Ca, Leaf, serve, write};
use shared::RELEASE;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

const TOKEN: &str = "deploy-token-s3cr3t";

/// A release whose source `api` reads `/status` and whose promote action posts to `/hook`,
/// both at `addr`, with `tls` as the TLS settings of both ("" for none).
fn setup(addr: SocketAddr, tls: &str) -> Setup {
    let tls_line = match tls {
        "" => String::new(),
        t => format!("tls = {t}"),
    };
    let text = format!(
        r#"{RELEASE}
[sources.api]
kind = "http"
url = "https://{addr}/status"
{tls_line}

[[conditions]]
id = "error_rate"
source = "api"
pointer = "/value"
max = 1

[actions.promote]
url = "https://{addr}/hook"
body = '{{"version": "{{{{version}}}}"}}'
headers = {{ X-Deploy-Token = {{ env = "DEPLOY_TOKEN" }} }}
{tls_line}

[actions.rollback]
url = "https://{addr}/hook"
{tls_line}

[actions.rollback.check]
url = "https://{addr}/status"
"#
    );
    let vars: HashMap<String, String> = [("DEPLOY_TOKEN", TOKEN), ("HOME", "/nonexistent")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    config::load_with_env(&text, "release.toml", &vars).unwrap_or_else(|e| panic!("{e}"))
}

/// One poll of the source named `name`: its value, or why it failed.
async fn poll_source(setup: &Setup, name: &str) -> Result<(), String> {
    let spec = setup.sources.iter().find(|s| s.name == name).unwrap();
    match poll(&SourceClient::new().unwrap(), spec).await.outcome {
        Outcome::Failed(why) => Err(why),
        Outcome::Readings(r) if name == "api" => match &r[..] {
            [(_, Reading::Number(v))] if *v == 0.5 => Ok(()),
            other => Err(format!("unexpected readings {other:?}")),
        },
        Outcome::Readings(_) => Ok(()),
    }
}

/// The promote action, sent once: its outcome, and the request summary the journal keeps.
async fn promote(setup: &Setup) -> (Sent, String) {
    let spec = setup.actions.iter().find(|a| a.name == "promote").unwrap();
    let req = build_request(spec, &Vars::new().with("version", "2.14.0")).unwrap();
    let policy = RetryPolicy {
        deadline: Duration::from_millis(300),
        first_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(100),
    };
    let client = gonogo::actions::client_builder()
        .no_proxy()
        .build()
        .unwrap();
    let (outcome, _) = send(
        &client,
        &req,
        "act-1",
        false,
        Duration::from_secs(10),
        &policy,
    )
    .await;
    (outcome, summary(&req))
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// Files for mTLS in `dir`: the server's CA, and a client certificate and key from a CA of
/// their own (returned, for the server to require).
struct Files {
    ca: String,
    cert: String,
    key: String,
    clients: Ca,
    client: Leaf,
}

fn files(dir: &Path, ca: &Ca) -> Files {
    let clients = Ca::new("gonogo client root");
    let client = clients.client("gonogo");
    Files {
        ca: path(&write(dir, "ca.pem", &ca.pem())),
        cert: path(&write(dir, "client.pem", &client.cert_pem)),
        key: path(&write(dir, "client.key", &client.key_pem)),
        clients,
        client,
    }
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("gonogo test root");
    let ca_file = write(dir.path(), "ca.pem", &ca.pem());
    let (addr, seen) = serve(&ca.server(&["127.0.0.1"]), None).await;

    let why = poll_source(&setup(addr, ""), "api").await.unwrap_err();
    assert_eq!(
        why,
        "TLS: the server's certificate is not signed by a trusted CA (for a private CA, set tls.ca)"
    );
    assert_eq!(seen.count(), 0, "no request passed an unverified handshake");

    // Another CA is not this one.
    let other = write(dir.path(), "other.pem", &Ca::new("another root").pem());
    let tls = format!(r#"{{ ca = "{}" }}"#, path(&other));
    assert!(poll_source(&setup(addr, &tls), "api").await.is_err());

    let tls = format!(r#"{{ ca = "{}" }}"#, path(&ca_file));
    poll_source(&setup(addr, &tls), "api").await.unwrap();
    let tls = format!(r#"{{ ca = "{}", ca_only = true }}"#, path(&ca_file));
    poll_source(&setup(addr, &tls), "api").await.unwrap();
    assert_eq!(seen.count(), 2);
}

#[tokio::test]
async fn a_server_that_requires_a_client_certificate_gets_one_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("gonogo test root");
    let f = files(dir.path(), &ca);
    let (addr, seen) = serve(&ca.server(&["127.0.0.1"]), Some(&f.clients)).await;

    let only_ca = format!(r#"{{ ca = "{}" }}"#, f.ca);
    let why = poll_source(&setup(addr, &only_ca), "api")
        .await
        .unwrap_err();
    assert_eq!(
        why,
        "TLS: the server requires a client certificate (set tls.cert and tls.key)"
    );
    assert_eq!(seen.count(), 0);

    // A certificate from a CA the server does not trust is refused as well.
    let stranger = Ca::new("stranger").client("gonogo");
    let s_cert = write(dir.path(), "stranger.pem", &stranger.cert_pem);
    let s_key = write(dir.path(), "stranger.key", &stranger.key_pem);
    let tls = format!(
        r#"{{ ca = "{}", cert = "{}", key = {{ file = "{}" }} }}"#,
        f.ca,
        path(&s_cert),
        path(&s_key)
    );
    assert!(poll_source(&setup(addr, &tls), "api").await.is_err());

    let tls = format!(
        r#"{{ ca = "{}", cert = "{}", key = {{ file = "{}" }} }}"#,
        f.ca, f.cert, f.key
    );
    let setup = setup(addr, &tls);
    poll_source(&setup, "api").await.unwrap();
    assert_eq!(seen.count(), 1);
    let printed = format!("{setup:?}");
    assert!(!printed.contains("PRIVATE KEY"), "the key is never printed");
}

#[tokio::test]
async fn a_certificate_for_another_name_is_verified_for_the_server_name() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("gonogo test root");
    let ca_file = write(dir.path(), "ca.pem", &ca.pem());
    let (addr, seen) = serve(&ca.server(&["prometheus.internal"]), None).await;

    let tls = format!(r#"{{ ca = "{}" }}"#, path(&ca_file));
    let why = poll_source(&setup(addr, &tls), "api").await.unwrap_err();
    assert!(
        why.contains("TLS: the server's certificate is not issued for this host name"),
        "{why}"
    );
    // A name the certificate is not for fails too: the override does not skip the check.
    let tls = format!(
        r#"{{ ca = "{}", server_name = "grafana.internal" }}"#,
        path(&ca_file)
    );
    assert!(poll_source(&setup(addr, &tls), "api").await.is_err());
    assert_eq!(seen.count(), 0);

    let tls = format!(
        r#"{{ ca = "{}", server_name = "prometheus.internal" }}"#,
        path(&ca_file)
    );
    poll_source(&setup(addr, &tls), "api").await.unwrap();
    let seen = seen.0.lock().unwrap();
    let host = seen[0].1.get("host").unwrap().to_str().unwrap().to_string();
    assert_eq!(host, format!("prometheus.internal:{}", addr.port()));
}

#[tokio::test]
async fn actions_and_the_rollback_check_use_the_same_settings() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("gonogo test root");
    let f = files(dir.path(), &ca);
    let (addr, seen) = serve(&ca.server(&["deploy.internal"]), Some(&f.clients)).await;

    // Without the client certificate the webhook never arrives.
    let tls = format!(r#"{{ ca = "{}", server_name = "deploy.internal" }}"#, f.ca);
    let (outcome, _) = promote(&setup(addr, &tls)).await;
    let reason = match outcome {
        Sent::Failed { reason, .. } | Sent::Unknown { reason, .. } => reason,
        other => panic!("{other:?}"),
    };
    assert!(
        reason.contains("TLS: the server requires a client certificate"),
        "{reason}"
    );
    assert_eq!(seen.count(), 0);

    let tls = format!(
        r#"{{ ca = "{}", cert = "{}", key = {{ file = "{}" }}, server_name = "deploy.internal" }}"#,
        f.ca, f.cert, f.key
    );
    let setup = setup(addr, &tls);
    let (outcome, summary) = promote(&setup).await;
    assert!(
        matches!(outcome, Sent::Succeeded { status: 200, .. }),
        "{outcome:?}"
    );
    {
        let seen = seen.0.lock().unwrap();
        assert_eq!(seen[0].0, "/hook");
        assert_eq!(seen[0].2, r#"{"version": "2.14.0"}"#);
        assert_eq!(seen[0].1.get("x-deploy-token").unwrap(), TOKEN);
    }
    // The journal's line for the request names the configured URL, and no secret.
    assert_eq!(summary, format!("POST https://{addr}/hook"));
    let key_body = f.client.key_pem.lines().nth(1).unwrap();
    for text in [summary, format!("{:?}", setup.actions)] {
        assert!(!text.contains(TOKEN) && !text.contains(key_body), "{text}");
    }
    // The rollback check has the rollback action's settings.
    poll_source(&setup, config::ROLLBACK_CHECK).await.unwrap();
}

#[tokio::test]
async fn notifications_take_tls_settings_too() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("gonogo test root");
    let ca_file = write(dir.path(), "ca.pem", &ca.pem());
    let (addr, seen) = serve(&ca.server(&["chat.internal"]), None).await;
    let load = |tls: &str| {
        let text = format!("{RELEASE}\n[notify.chat]\nurl = \"https://{addr}/hook\"\n{tls}\n");
        config::load_with_env(&text, "release.toml", &HashMap::new()).unwrap()
    };
    let client = gonogo::actions::client_builder()
        .no_proxy()
        .build()
        .unwrap();
    let vars = notice_vars("canary entered", "stage_entered", None, &Vars::new());

    let plain = load("");
    let err = announce(&client, &plain.notify[0], &vars)
        .await
        .unwrap_err();
    assert!(
        err.contains("TLS: the server's certificate is not signed"),
        "{err}"
    );
    let tls = format!(
        r#"tls = {{ ca = "{}", server_name = "chat.internal" }}"#,
        path(&ca_file)
    );
    announce(&client, &load(&tls).notify[0], &vars)
        .await
        .unwrap();
    assert_eq!(seen.count(), 1);
}
