//! A real VictoriaMetrics (Debian's `victoria-metrics`), started once for this binary, behind
//! the `prometheus` preset: samples pushed through its import API reach the cockpit through
//! instant queries, a regression flips the verdict and back, and what VictoriaMetrics answers
//! differently from Prometheus (scalars as one-series vectors, NaN dropped, its error status
//! and message) is read the same way: a value, or unknown with a reason.

use crate::support::canary;
use crate::support::cockpit;
use crate::support::shared;

use canary::{BROKEN, Behaviour, HEALTHY};
use cockpit::{Cockpit, ok, verdict_is};
use gonogo::core::condition::CondState;
use gonogo::core::reading::{Outcome, Reading};
use gonogo::core::verdict::VerdictKind;
use gonogo::setup::Setup;
use gonogo::sources::{SourceClient, poll};
use shared::{RELEASE, free_port, get, on_exit, on_path, require, scratch_dir, spawn};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

const TEST: &str = "real_victoriametrics";

static VM: OnceLock<Option<String>> = OnceLock::new();

/// The shared server's URL, started by the first caller.
fn victoria() -> Option<&'static str> {
    VM.get_or_init(start).as_deref()
}

fn start() -> Option<String> {
    let bin = require(
        on_path("victoria-metrics"),
        TEST,
        "no `victoria-metrics` on PATH; install the Debian package `victoria-metrics` \
         (scripts/test does)",
    )?;
    let started = Instant::now();
    let dir = scratch_dir("gonogo-vm-");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let log = dir.join("server.log");
    let mut cmd = Command::new(bin);
    cmd.arg(format!("-httpListenAddr={addr}"))
        .arg(format!("-storageDataPath={}", dir.join("data").display()))
        // Instant queries look at "now" rather than 30s ago (the default), so a test need not
        // wait half a minute for what it pushed. Operators keep the default and see values
        // 30s late; the preset does not care which.
        .arg("-search.latencyOffset=0s")
        .arg("-loggerLevel=ERROR");
    let mut child = spawn(cmd, &log);
    on_exit(&format!(
        "kill {} 2>/dev/null; sleep 1; rm -rf '{}'",
        child.id(),
        dir.display()
    ));
    shared::wait_for("victoria-metrics", &mut child, &log, || {
        get(&addr, "/health", &[]).is_some_and(|(s, _)| s == 200)
    });
    let line = format!(
        "{TEST}: victoria-metrics ready in {:.1}s\n",
        started.elapsed().as_secs_f64()
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    Some(format!("http://{addr}"))
}

/// Push samples in the Prometheus text format (a sample may carry its timestamp in ms).
async fn import(vm: &str, lines: &str) {
    let res = reqwest::Client::new()
        .post(format!("{vm}/api/v1/import/prometheus"))
        .body(lines.to_string())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "import: {}", res.status());
}

/// Every 250ms, the counters, a latency histogram and two pods' gauges, as a scrape would.
fn pusher(vm: String, behaviour: Arc<Mutex<Behaviour>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let (mut ok, mut errors, mut fast, mut slow) = (0.0, 0.0, 0.0, 0.0);
        let mut last = Instant::now();
        loop {
            let b = *behaviour.lock().unwrap();
            let n = 200.0 * last.elapsed().as_secs_f64();
            last = Instant::now();
            errors += n * b.error_ratio;
            ok += n * (1.0 - b.error_ratio);
            fast += n * (1.0 - b.slow);
            slow += n * b.slow;
            let t = r#"test="flip",track="canary""#;
            let h = "http_request_duration_seconds_bucket";
            let lines = format!(
                "http_requests_total{{{t},code=\"200\"}} {ok}\n\
                 http_requests_total{{{t},code=\"500\"}} {errors}\n\
                 {h}{{{t},le=\"0.05\"}} {fast}\n\
                 {h}{{{t},le=\"0.5\"}} {fast}\n\
                 {h}{{{t},le=\"1\"}} {all}\n\
                 {h}{{{t},le=\"+Inf\"}} {all}\n\
                 checkout_inflight{{{t},pod=\"canary-1\"}} 3\n\
                 checkout_inflight{{{t},pod=\"canary-2\"}} 7\n",
                all = fast + slow
            );
            import(&vm, &lines).await;
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
}

fn load(vm: &str, body: &str) -> Setup {
    let text = format!(
        r#"
{RELEASE}
[sources.vm]
kind = "prometheus"
url = "{vm}"
interval = "500ms"
stale_after = "10s"
{body}
"#
    );
    gonogo::config::load_str(&text, "vm.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_metrics_from_victoriametrics_flip_the_verdict() {
    let Some(vm) = victoria() else { return };
    let behaviour = Arc::new(Mutex::new(HEALTHY));
    let push = pusher(vm.to_string(), behaviour.clone());
    let setup = load(
        vm,
        r#"
[[conditions]]
id = "error_ratio"
source = "vm"
query = 'sum(rate(http_requests_total{test="flip",code=~"5.."}[5s])) / sum(rate(http_requests_total{test="flip"}[5s]))'
max = 0.02

[[conditions]]
id = "p95"
source = "vm"
query = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{test="flip"}[5s])))'
max = 0.4

[[conditions]]
id = "inflight_canary_2"
source = "vm"
query = 'checkout_inflight{test="flip"}'
select = { pod = "canary-2" }
max = 100

[[conditions]]
id = "inflight_total"
source = "vm"
query = 'checkout_inflight{test="flip"}'
aggregate = "sum"
max = 100

[[gates]]
name = "Per pod needs a choice"
tier = "optional"
source = "vm"
query = 'checkout_inflight{test="flip"}'
expect = [0]
"#,
    );
    let mut c = Cockpit::start(setup);
    c.until("healthy canary metrics: every condition OK", |s| {
        (0..4).all(|i| ok(i)(s))
    })
    .await;
    let ratio = c.condition(0).value.unwrap();
    assert!((0.003..0.007).contains(&ratio), "error ratio 0.5%: {ratio}");
    let p95 = c.condition(1).value.unwrap();
    assert!(p95 <= 0.05, "p95 in the fast requests' bucket: {p95}");
    canary::pods_picked(&c, "vm");

    *behaviour.lock().unwrap() = BROKEN;
    c.until("the regression advises rollback", |s| {
        s.release.eval.conditions[0].state == CondState::Breached
            && s.release.eval.conditions[1].state == CondState::Breached
            && verdict_is(VerdictKind::RollbackAdvised)(s)
    })
    .await;

    *behaviour.lock().unwrap() = HEALTHY;
    c.until("healthy again, without a restart", |s| {
        (0..4).all(|i| ok(i)(s)) && !verdict_is(VerdictKind::RollbackAdvised)(s)
    })
    .await;
    push.abort();
}

/// What each condition's query reads in one poll, by condition id.
async fn readings(setup: &Setup) -> Vec<(String, Reading)> {
    let polled = poll(&SourceClient::new().unwrap(), &setup.sources[0]).await;
    let Outcome::Readings(list) = polled.outcome else {
        panic!("the source failed as a whole: {:?}", polled.outcome)
    };
    setup
        .conditions
        .iter()
        .map(|c| {
            let r = list.iter().find(|(s, _)| *s == c.value).unwrap().1.clone();
            (c.id.clone(), r)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_victoriametrics_answers_differently_is_a_value_or_unknown() {
    let Some(vm) = victoria() else { return };
    let now_ms = chrono::Utc::now().timestamp_millis();
    let ten_minutes_ago = now_ms - 600_000;
    import(
        vm,
        &format!(
            "edge_gauge{{test=\"edge\"}} 4\n\
             edge_zero{{test=\"edge\"}} 0\n\
             edge_old{{test=\"edge\"}} 1 {ten_minutes_ago}\n"
        ),
    )
    .await;
    let condition = |id: &str, query: &str| {
        format!("[[conditions]]\nid = \"{id}\"\nsource = \"vm\"\nquery = '{query}'\nmax = 100\n")
    };
    let setup = load(
        vm,
        &[
            condition("scalar", "scalar(sum(edge_gauge{test=\"edge\"}))"),
            condition("arithmetic", "1 + 1"),
            condition("gauge", "edge_gauge{test=\"edge\"}"),
            condition("bad_query", "sum(rate(edge_gauge[5m]"),
            condition("unknown_function", "no_such_function(edge_gauge)"),
            condition("empty", "nothing_here{test=\"edge\"}"),
            condition(
                "nan",
                "sum(edge_zero{test=\"edge\"}) / sum(edge_zero{test=\"edge\"})",
            ),
            condition("old", "edge_old{test=\"edge\"}"),
        ]
        .concat(),
    );
    // Pushed samples become searchable within a few seconds.
    let deadline = Instant::now() + cockpit::DEADLINE;
    let got = loop {
        let got = readings(&setup).await;
        if got[2].1 == Reading::Number(4.0) || Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let missing = |id: &str| -> String {
        match &got.iter().find(|(i, _)| i == id).unwrap().1 {
            Reading::Missing(why) => why.clone(),
            other => panic!("{id}: {other:?} is a value, not unknown"),
        }
    };
    // VictoriaMetrics answers scalar expressions as a vector of one series without labels.
    assert_eq!(got[0].1, Reading::Number(4.0), "{got:?}");
    assert_eq!(got[1].1, Reading::Number(2.0), "{got:?}");
    assert_eq!(got[2].1, Reading::Number(4.0), "{got:?}");
    // Its errors come with HTTP 422 and errorType "422" (said once), the cause wrapped in a long prefix
    // that repeats the query: the reason shows the cause.
    let bad = missing("bad_query");
    assert!(
        bad.starts_with("HTTP 422: ") && !bad.contains("error when executing"),
        "{bad}"
    );
    let unknown = missing("unknown_function");
    assert_eq!(unknown, "HTTP 422: unknown func \"no_such_function\"");
    assert_eq!(missing("empty"), "no data: empty result");
    // Prometheus answers 0/0 with NaN; VictoriaMetrics drops the series: unknown either way.
    assert_eq!(missing("nan"), "no data: empty result");
    // A series that stopped ten minutes ago is not a current value.
    assert_eq!(missing("old"), "no data: empty result");
}
