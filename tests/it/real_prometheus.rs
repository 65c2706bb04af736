//! A real Prometheus, scraping an exporter this test serves: the canary's error ratio and
//! `histogram_quantile` p95 reach the cockpit, and a change in the exporter flips the verdict
//! to ROLLBACK ADVISED and back. Series are picked by label and aggregated by the cockpit, and
//! several series without a choice are unknown.

use crate::support::canary;
use crate::support::cockpit;
use crate::support::peers;
use crate::support::shared;

use canary::{BROKEN, Behaviour, HEALTHY};
use cockpit::{Cockpit, ok, verdict_is};
use gonogo::core::condition::CondState;
use gonogo::core::verdict::VerdictKind;
use shared::RELEASE;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const TEST: &str = "real_prometheus";

/// Latency buckets (upper bounds in seconds) for the request duration histogram.
const BUCKETS: [f64; 5] = [0.05, 0.1, 0.25, 0.5, 1.0];

struct Counters {
    behaviour: Behaviour,
    last: Instant,
    ok: f64,
    errors: f64,
    /// Cumulative count per bucket, then +Inf.
    buckets: [f64; 6],
    sum: f64,
}

impl Counters {
    fn new() -> Self {
        Counters {
            behaviour: HEALTHY,
            last: Instant::now(),
            ok: 0.0,
            errors: 0.0,
            buckets: [0.0; 6],
            sum: 0.0,
        }
    }

    /// 200 requests a second since the last scrape, as the behaviour says.
    fn advance(&mut self) {
        let dt = self.last.elapsed().as_secs_f64();
        self.last = Instant::now();
        let n = 200.0 * dt;
        let b = self.behaviour;
        self.errors += n * b.error_ratio;
        self.ok += n * (1.0 - b.error_ratio);
        // Fast requests take 40ms; slow ones 800ms.
        let (fast, slow) = (n * (1.0 - b.slow), n * b.slow);
        for (i, le) in BUCKETS.iter().enumerate() {
            self.buckets[i] +=
                if *le >= 0.04 { fast } else { 0.0 } + if *le >= 0.8 { slow } else { 0.0 };
        }
        self.buckets[5] += n;
        self.sum += fast * 0.04 + slow * 0.8;
    }

    fn exposition(&mut self) -> String {
        self.advance();
        let mut out = String::new();
        let labels = r#"track="canary""#;
        out.push_str("# HELP http_requests_total Requests served.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        writeln!(
            out,
            "http_requests_total{{{labels},code=\"200\"}} {}",
            self.ok
        )
        .unwrap();
        writeln!(
            out,
            "http_requests_total{{{labels},code=\"500\"}} {}",
            self.errors
        )
        .unwrap();
        out.push_str("# HELP http_request_duration_seconds Request latency.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for (i, le) in BUCKETS.iter().enumerate() {
            writeln!(
                out,
                "http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                self.buckets[i]
            )
            .unwrap();
        }
        writeln!(
            out,
            "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            self.buckets[5]
        )
        .unwrap();
        writeln!(
            out,
            "http_request_duration_seconds_sum{{{labels}}} {}",
            self.sum
        )
        .unwrap();
        writeln!(
            out,
            "http_request_duration_seconds_count{{{labels}}} {}",
            self.buckets[5]
        )
        .unwrap();
        out.push_str("# HELP checkout_inflight Requests in flight per pod.\n");
        out.push_str("# TYPE checkout_inflight gauge\n");
        out.push_str("checkout_inflight{pod=\"canary-1\",track=\"canary\"} 3\n");
        out.push_str("checkout_inflight{pod=\"canary-2\",track=\"canary\"} 7\n");
        out
    }
}

fn config(prometheus: &str, exporter: &str) -> String {
    format!(
        r#"
{RELEASE}
[sources.prometheus]
kind = "prometheus"
url = "{prometheus}"
interval = "500ms"
stale_after = "10s"

[[conditions]]
id = "error_ratio"
label = "Canary error ratio"
source = "prometheus"
query = 'sum(rate(http_requests_total{{track="canary",code=~"5.."}}[5s])) / sum(rate(http_requests_total{{track="canary"}}[5s]))'
max = 0.02

[[conditions]]
id = "p95"
label = "Canary p95 latency"
source = "prometheus"
query = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{track="canary"}}[5s])))'
max = 0.4

[[conditions]]
id = "inflight_canary_2"
label = "In flight on canary-2"
source = "prometheus"
query = 'checkout_inflight{{track="canary"}}'
select = {{ pod = "canary-2" }}
max = 100

[[conditions]]
id = "inflight_total"
label = "In flight on the canary"
source = "prometheus"
query = 'checkout_inflight{{track="canary"}}'
aggregate = "sum"
max = 100

[[gates]]
name = "Per pod needs a choice"
tier = "optional"
source = "prometheus"
query = 'checkout_inflight{{track="canary"}}'
expect = [0]

[actions.rollback]
url = "http://{exporter}/rollback"
check = {{ url = "http://{exporter}/ok", interval = "1s", timeout = "500ms" }}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_metrics_from_a_real_prometheus_flip_the_verdict() {
    let Some(bin) = peers::binary(&["prometheus"], "prometheus", TEST) else {
        return;
    };
    let counters = Arc::new(Mutex::new(Counters::new()));
    let exporter = peers::exporter({
        let counters = counters.clone();
        move || counters.lock().unwrap().exposition()
    })
    .await;
    let prometheus = peers::prometheus(&bin, std::slice::from_ref(&exporter)).await;
    let setup = gonogo::config::load_str(&config(&prometheus.url, &exporter), "real.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Cockpit::start(setup);

    c.until("healthy canary metrics: HOLD", |s| {
        (0..4).all(|i| ok(i)(s)) && verdict_is(VerdictKind::Hold)(s)
    })
    .await;
    let ratio = c.condition(0).value.unwrap();
    assert!(
        (0.003..0.007).contains(&ratio),
        "the error ratio is the exporter's 0.5%: {ratio}"
    );
    let p95 = c.condition(1).value.unwrap();
    assert!(
        (0.02..0.06).contains(&p95),
        "p95 lies in the 40ms requests' bucket (0, 50ms]: {p95}"
    );
    canary::pods_picked(&c, "prometheus");

    counters.lock().unwrap().behaviour = BROKEN;
    c.until("the regression advises rollback", |s| {
        s.release.eval.conditions[0].state == CondState::Breached
            && s.release.eval.conditions[1].state == CondState::Breached
            && verdict_is(VerdictKind::RollbackAdvised)(s)
    })
    .await;
    assert!(c.condition(0).value.unwrap() > 0.02, "{}", c.describe());
    assert!(c.condition(1).value.unwrap() > 0.4, "{}", c.describe());

    counters.lock().unwrap().behaviour = HEALTHY;
    c.until("healthy again: HOLD, without a restart", |s| {
        (0..4).all(|i| ok(i)(s)) && verdict_is(VerdictKind::Hold)(s)
    })
    .await;
    drop(prometheus);
}
