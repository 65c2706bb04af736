//! A real Unleash: unleash-server from npm (pinned in tests/real_servers/) on a throwaway
//! PostgreSQL cluster from Debian, both on loopback, started once for this binary. Every
//! scenario runs against 8.2.0 (`unleash_8::…`, the version users report against) and 7.5.1
//! (`unleash_7::…`), the two servers started side by side.
//! The `unleash` preset reads what the admin API sets; the ready-made promote and rollback of
//! config/actions/unleash.toml, sent by gonogo's action code, change the flag, and the cockpit
//! sees it, as does `gonogo check`; a bad token or flag is a failure; and the recorded fixtures
//! still have the live answer's shape.

use crate::support::cockpit;
use crate::support::unleash_server;

use cockpit::{Cockpit, gate_is};
use gonogo::actions::{Outcome, RetryPolicy, Vars, build_request, send};
use gonogo::app::State;
use gonogo::core::gate::GateState;
use gonogo::core::reading::{Outcome as Polled, Reading};
use gonogo::setup::{Setup, SourceSpec};
use gonogo::sources::{SourceClient, poll};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;
use unleash_server::{TOKEN, Unleash, V7, V8, unleash};

/// Each scenario as a test against each locked server: `unleash_8::…` against 8.2.0 and
/// `unleash_7::…` against 7.5.1.
macro_rules! on_each_server {
    ($($scenario:ident),* $(,)?) => {
        on_each_server!(@on unleash_8, V8, $($scenario),*);
        on_each_server!(@on unleash_7, V7, $($scenario),*);
    };
    (@on $module:ident, $server:ident, $($scenario:ident),*) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    if let Some(u) = super::unleash(&super::$server) {
                        super::$scenario(u).await;
                    }
                }
            )*
        }
    };
}

on_each_server!(
    the_preset_reads_enabled_and_rollout_as_the_admin_api_sets_them,
    promote_and_rollback_from_the_ready_made_config_move_the_real_flag,
    a_bad_token_or_an_unknown_flag_is_a_failure_never_a_value,
    a_personal_access_token_reads_and_rolls_back,
    the_recorded_fixtures_have_the_live_answers_shape,
    check_on_the_ready_made_config_reads_the_live_stage,
);

fn load(file: &str, text: &str, env: &[(&str, String)]) -> Setup {
    let mut vars: HashMap<String, String> = [
        ("UNLEASH_TOKEN", TOKEN.to_string()),
        ("UNLEASH_ADMIN_TOKEN", TOKEN.to_string()),
        ("DEPLOY_HOOK_TOKEN", "unused".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    vars.extend(env.iter().map(|(k, v)| (k.to_string(), v.clone())));
    gonogo::config::load_with_env(text, file, &vars).unwrap_or_else(|e| panic!("{e}"))
}

fn config_text(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The latest reading of the observed traffic share.
fn rollout(s: &State) -> Option<&Reading> {
    let sig = s.setup.observed_traffic?;
    s.release.signals[sig].as_ref().map(|(_, r)| r)
}

fn rollout_is(v: f64) -> impl Fn(&State) -> bool {
    move |s| rollout(s) == Some(&Reading::Number(v))
}

fn flags(setup: &mut Setup) -> &mut SourceSpec {
    setup
        .sources
        .iter_mut()
        .find(|s| s.name == "flags")
        .unwrap()
}

/// config/providers/unleash.toml, reading `flag` from the real server.
fn provider(u: &Unleash, flag: &str) -> Setup {
    load(
        "unleash.toml",
        &config_text("config/providers/unleash.toml"),
        &[
            ("GONOGO_SOURCES__FLAGS__URL", u.url.clone()),
            ("GONOGO_SOURCES__FLAGS__FLAG", flag.to_string()),
            // Often, with room for a slow answer on a busy machine.
            ("GONOGO_SOURCES__FLAGS__INTERVAL", "1s".into()),
            ("GONOGO_SOURCES__FLAGS__TIMEOUT", "900ms".into()),
            (
                "GONOGO_ACTIONS__ROLLBACK__CHECK__URL",
                format!("{}/health", u.url),
            ),
        ],
    )
}

async fn the_preset_reads_enabled_and_rollout_as_the_admin_api_sets_them(u: &Unleash) {
    let flag = "read-flag";
    let strategy = u.new_flag(flag, "5").await;
    let mut c = Cockpit::start(provider(u, flag));
    c.until("5% in production, not development's 100%", |s| {
        rollout_is(5.0)(s) && gate_is("Release flag on", GateState::Holds, "true")(s)
    })
    .await;

    u.set_rollout(flag, "production", &strategy, "25").await;
    c.until("the admin API's 25%", rollout_is(25.0)).await;

    u.switch(flag, "production", false).await;
    c.until("off in production: 0% and the gate fails", |s| {
        rollout_is(0.0)(s)
            && gate_is("Release flag on", GateState::Fails, "false (expected true)")(s)
    })
    .await;

    u.switch(flag, "production", true).await;
    // A second rollout beside the first: nobody can tell the share they serve together.
    let second = json!({
        "name": "flexibleRollout",
        "parameters": {"rollout": "50", "stickiness": "default", "groupId": "other"}
    });
    let strategies = format!("{}/strategies", u.env_path(flag, "production"));
    u.call("POST", &strategies, Some(second)).await;
    c.until("two strategies together: the share is unknown", |s| {
        matches!(rollout(s), Some(Reading::Missing(why)) if why.contains("2 strategies together"))
    })
    .await;
}

async fn promote_and_rollback_from_the_ready_made_config_move_the_real_flag(u: &Unleash) {
    let flag = "checkout-v2";
    let strategy = u.new_flag(flag, "5").await;
    // Settings of the operator's that a promote must leave alone.
    let path = format!("{}/strategies/{strategy}", u.env_path(flag, "production"));
    let keep = json!([
        {"op": "replace", "path": "/parameters/stickiness", "value": "sessionId"},
        {"op": "add", "path": "/constraints/0", "value":
            {"contextName": "appName", "operator": "IN", "values": ["checkout"]}}
    ]);
    u.call("PATCH", &path, Some(keep)).await;
    // The file as shipped, pointed at this server and this flag's production strategy.
    let text = config_text("config/actions/unleash.toml")
        .replace("https://unleash.internal.example", &u.url)
        .replace("6b9e1c55-4e2a-4f0e-9b3a-2f1c1e0d9a11", &strategy);
    let mut setup = load("unleash.toml", &text, &[]);
    flags(&mut setup).interval = Duration::from_secs(1);
    flags(&mut setup).timeout = Duration::from_millis(900);
    let actions = setup.actions.clone();
    let release = setup.release.clone();
    let mut c = Cockpit::start(setup);
    c.until(
        "5% observed, the flag on and the rollback path verified",
        |s| {
            rollout_is(5.0)(s)
                && gate_is("Release flag on", GateState::Holds, "true")(s)
                && s.release
                    .eval
                    .gates
                    .iter()
                    .all(|g| g.state == GateState::Holds)
        },
    )
    .await;

    let act = |name: &'static str, to: Option<&'static str>| {
        let spec = actions.iter().find(|a| a.name == name).unwrap().clone();
        let mut vars = Vars::from_release(&release)
            .with("from_stage", "canary")
            .with("from_traffic", 5)
            .with("from_percent", "5")
            .with("reason", "bake passed")
            .with("operator", "ana")
            .with("verdict", "GO")
            .with("action", name)
            .with("action_id", format!("real-unleash-{name}"));
        if let Some(to) = to {
            vars.set("to_traffic", to.parse::<f64>().unwrap());
            vars.set("to_percent", to);
        }
        async move {
            let req = build_request(&spec, &vars).unwrap();
            let client = gonogo::actions::client().unwrap();
            let timeout = Duration::from_secs(10);
            let policy = RetryPolicy::default();
            let (outcome, _) = send(&client, &req, "id", spec.idempotent, timeout, &policy).await;
            assert!(
                matches!(outcome, Outcome::Succeeded { .. }),
                "{name}: {outcome:?}"
            );
        }
    };

    act("promote", Some("25")).await;
    c.until("the cockpit observes the promoted 25%", rollout_is(25.0))
        .await;
    let prod = u.env(flag, "production").await;
    let promoted = &prod["strategies"][0];
    assert_eq!(
        (
            &promoted["parameters"],
            &promoted["constraints"][0]["contextName"]
        ),
        (
            &json!({"groupId": flag, "rollout": "25", "stickiness": "sessionId"}),
            &json!("appName")
        ),
        "only the rollout changed"
    );

    act("rollback", None).await;
    c.until("the cockpit observes the rollback: off, 0%", |s| {
        rollout_is(0.0)(s)
            && gate_is("Release flag on", GateState::Fails, "false (expected true)")(s)
    })
    .await;

    let dev = u.env(flag, "development").await;
    assert_eq!(dev["enabled"], json!(true), "development is not touched");
    assert_eq!(dev["strategies"][0]["parameters"]["rollout"], json!("100"));
}

async fn a_bad_token_or_an_unknown_flag_is_a_failure_never_a_value(u: &Unleash) {
    u.new_flag("known-flag", "5").await;
    let client = SourceClient::new().unwrap();
    let failure = |mut setup: Setup| {
        let client = client.clone();
        async move {
            flags(&mut setup).timeout = Duration::from_secs(30);
            match poll(&client, flags(&mut setup)).await.outcome {
                Polled::Failed(why) => why,
                other => panic!("not a failure: {other:?}"),
            }
        }
    };
    let mut setup = provider(u, "known-flag");
    flags(&mut setup).headers[0].1 = gonogo::secret::Secret::new("*:*.not-a-token");
    let why = failure(setup).await;
    assert!(why.contains("401"), "{why}");

    let why = failure(provider(u, "no-such-flag")).await;
    assert!(why.contains("404"), "{why}");
}

/// The presets take "an admin or personal access token": a personal one (`user:…`) reads the
/// flag and sends the ready-made rollback as well as the admin token does.
async fn a_personal_access_token_reads_and_rolls_back(u: &Unleash) {
    let flag = "pat-flag";
    let strategy = u.new_flag(flag, "5").await;
    let pat = u.personal_access_token().await;
    assert!(
        pat.starts_with("user:"),
        "not a personal access token: {pat}"
    );
    let text = config_text("config/actions/unleash.toml")
        .replace("https://unleash.internal.example", &u.url)
        .replace("checkout-v2", flag)
        .replace("6b9e1c55-4e2a-4f0e-9b3a-2f1c1e0d9a11", &strategy);
    let mut setup = load("unleash.toml", &text, &[("UNLEASH_ADMIN_TOKEN", pat)]);
    flags(&mut setup).timeout = Duration::from_secs(30);
    let client = SourceClient::new().unwrap();
    let polled = poll(&client, flags(&mut setup)).await.outcome;
    assert!(
        matches!(&polled, Polled::Readings(r) if r.iter().any(|(_, r)| *r == Reading::Number(5.0))),
        "{polled:?}"
    );

    let spec = setup.actions.iter().find(|a| a.name == "rollback").unwrap();
    let vars = Vars::from_release(&setup.release).with("reason", "bad canary");
    let req = build_request(spec, &vars).unwrap();
    let client = gonogo::actions::client().unwrap();
    let timeout = Duration::from_secs(10);
    let policy = RetryPolicy::default();
    let (outcome, _) = send(&client, &req, "id", spec.idempotent, timeout, &policy).await;
    assert!(matches!(outcome, Outcome::Succeeded { .. }), "{outcome:?}");
    assert_eq!(u.env(flag, "production").await["enabled"], json!(false));
}

/// The fixtures the offline tests use were recorded from 8.2.0, and 7.5.1 answers in the same
/// shape; a fixture typed from memory (say with the environment as `name`) does not.
async fn the_recorded_fixtures_have_the_live_answers_shape(u: &Unleash) {
    u.new_flag("shape-flag", "5").await;
    let live = u.env("shape-flag", "production").await;
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    for name in [
        "unleash-rollout-5.json",
        "unleash-rollout-25.json",
        "unleash-disabled.json",
    ] {
        let path = format!(
            "{}/src/sources/providers/unleash/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let recorded: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(keys(&recorded), keys(&live), "{name}");
        assert_eq!(
            keys(&recorded["strategies"][0]),
            keys(&live["strategies"][0]),
            "{name}: a strategy"
        );
        assert_eq!(
            recorded["name"],
            json!("checkout-v2"),
            "{name}: name is the flag"
        );
        assert_eq!(live["name"], json!("shape-flag"));
        assert_eq!(recorded["environment"], live["environment"], "{name}");
    }
}

/// `gonogo check` on the shipped action config, as the issue ran it: it exited 4 ("no value at
/// /environments/0/…"); on a live 5% canary that has not baked yet it is HOLD, exit 3.
async fn check_on_the_ready_made_config_reads_the_live_stage(u: &Unleash) {
    let flag = "check-flag";
    let strategy = u.new_flag(flag, "5").await;
    let text = config_text("config/actions/unleash.toml")
        .replace("https://unleash.internal.example", &u.url)
        .replace("checkout-v2", flag)
        .replace("6b9e1c55-4e2a-4f0e-9b3a-2f1c1e0d9a11", &strategy);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("unleash.toml");
    std::fs::write(&config, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gonogo"))
        .args(["check", "--format", "json", "--wait", "60s", "--config"])
        .arg(&config)
        .env("UNLEASH_ADMIN_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    assert_eq!(
        (out.status.code(), &v["verdict"]),
        (Some(3), &json!("HOLD")),
        "{v:#}"
    );
    assert_eq!(v["stage"]["name"], json!("5%"), "{v:#}");
}
