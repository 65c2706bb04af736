//! A real Alertmanager: an alert posted to it (`POST /api/v2/alerts`) blocks the release, an
//! alert the matchers do not select does not, and a silence turns the blocking alert into a
//! silenced one, shown as such, and the release may go on.

use crate::support::cockpit;
use crate::support::peers;
use crate::support::shared;

use axum::Router;
use axum::routing::get;
use chrono::{Duration as Span, SecondsFormat, Utc};
use cockpit::{Cockpit, gate_is, verdict_is};
use gonogo::core::condition::CondState;
use gonogo::core::gate::GateState;
use gonogo::core::verdict::VerdictKind;
use serde_json::json;
use shared::RELEASE;

const TEST: &str = "real_alertmanager";

fn config(alertmanager: &str, check: &str) -> String {
    format!(
        r#"
{RELEASE}
[sources.alerts]
kind = "alertmanager"
url = "{alertmanager}"
interval = "300ms"
matchers = ['severity="critical"', 'service="checkout-api"']

[[conditions]]
id = "critical_alerts"
label = "Critical alerts firing"
source = "alerts"
field = "firing"
max = 0
decimals = 0

[[gates]]
name = "No critical alert firing"
source = "alerts"
field = "firing"
expect = [0]

[[gates]]
name = "Firing alerts"
tier = "optional"
source = "alerts"
field = "names"
expect = ["none"]

[[gates]]
name = "Silenced or inhibited"
tier = "optional"
source = "alerts"
field = "suppressed"
expect = ["none"]

[actions.rollback]
url = "{check}/rollback"
check = {{ url = "{check}/ok", interval = "1s", timeout = "500ms" }}
"#
    )
}

fn at(offset_minutes: i64) -> String {
    (Utc::now() + Span::minutes(offset_minutes)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn post(url: &str, body: serde_json::Value) -> serde_json::Value {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert!(status.is_success(), "{url}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

fn alert(name: &str, severity: &str) -> serde_json::Value {
    json!({
        "labels": {"alertname": name, "severity": severity, "service": "checkout-api"},
        "annotations": {"summary": format!("{name} on checkout-api")},
        "startsAt": at(0),
        "endsAt": at(30),
        "generatorURL": "http://prometheus.internal.example/graph"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_posted_to_alertmanager_blocks_the_release_until_silenced() {
    let Some(bin) = peers::binary(
        &["prometheus-alertmanager", "alertmanager"],
        "prometheus-alertmanager",
        TEST,
    ) else {
        return;
    };
    let am = peers::alertmanager(&bin).await;
    let check = {
        let app = Router::new().route("/ok", get(|| async { "{}" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    };
    let setup = gonogo::config::load_str(&config(&am.url, &check), "real.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Cockpit::start(setup);

    c.until("no alerts: HOLD", |s| {
        verdict_is(VerdictKind::Hold)(s)
            && gate_is("No critical alert firing", GateState::Holds, "0")(s)
    })
    .await;

    // A warning for the same service is not what the matchers select.
    let alerts = format!("{}/api/v2/alerts", am.url);
    post(&alerts, json!([alert("CheckoutSlowQueries", "warning")])).await;
    post(
        &alerts,
        json!([alert("CheckoutErrorBudgetBurn", "critical")]),
    )
    .await;
    c.until(
        "the critical alert advises rollback and blocks promotes",
        |s| {
            verdict_is(VerdictKind::RollbackAdvised)(s)
                && s.release.eval.conditions[0].state == CondState::Breached
                && gate_is(
                    "No critical alert firing",
                    GateState::Fails,
                    "1 (expected 0)",
                )(s)
                && gate_is(
                    "Firing alerts",
                    GateState::Fails,
                    "CheckoutErrorBudgetBurn (expected none)",
                )(s)
        },
    )
    .await;
    assert_eq!(
        c.condition(0).value,
        Some(1.0),
        "the warning is not counted"
    );

    // Someone silences it: shown as silenced, no longer firing.
    let silence = json!({
        "matchers": [
            {"name": "alertname", "value": "CheckoutErrorBudgetBurn", "isRegex": false, "isEqual": true}
        ],
        "startsAt": at(0),
        "endsAt": at(30),
        "createdBy": "gonogo test",
        "comment": "known issue, fix rolling out"
    });
    post(&format!("{}/api/v2/silences", am.url), silence).await;
    c.until(
        "the silenced alert blocks nothing and is shown as silenced",
        |s| {
            verdict_is(VerdictKind::Hold)(s)
                && gate_is("No critical alert firing", GateState::Holds, "0")(s)
                && gate_is(
                    "Silenced or inhibited",
                    GateState::Fails,
                    "silenced: CheckoutErrorBudget",
                )(s)
        },
    )
    .await;
    drop(am);
}
