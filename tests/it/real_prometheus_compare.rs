//! Canary against baseline through a real Prometheus: an exporter serves both tracks' request
//! counters and latency histograms; the canary is made worse than its baseline while staying
//! under the absolute limits. The absolute conditions still pass; the relative one and both
//! statistical ones (the error ratio, and the p95 from `histogram_quantile` over `_bucket`
//! series, compared as quantile samples) fail.

use crate::support::cockpit::{Cockpit, verdict_is};
use crate::support::peers;
use crate::support::shared::RELEASE;
use axum::Router;
use axum::routing::get;
use gonogo::core::compare::Outcome;
use gonogo::core::condition::{CondState, ConditionStatus};
use gonogo::core::verdict::VerdictKind;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const TEST: &str = "real_prometheus_compare";

/// Latency buckets (upper bounds in seconds).
const BUCKETS: [f64; 5] = [0.05, 0.1, 0.25, 0.5, 1.0];

/// How a track serves: its error ratio, and the share of requests taking `slow_s` (the rest
/// take 30 ms).
#[derive(Clone, Copy)]
struct Behaviour {
    error_ratio: f64,
    slow: f64,
    slow_s: f64,
}

/// p95 ≈ 75 ms, 0.5% errors.
const GOOD: Behaviour = Behaviour {
    error_ratio: 0.005,
    slow: 0.1,
    slow_s: 0.08,
};

/// p95 ≈ 225 ms (under the absolute 400 ms), 1.5% errors (under the absolute 2%).
const WORSE: Behaviour = Behaviour {
    error_ratio: 0.015,
    slow: 0.3,
    slow_s: 0.2,
};

#[derive(Default)]
struct Track {
    ok: f64,
    errors: f64,
    /// Cumulative count per bucket, then +Inf.
    buckets: [f64; 6],
}

struct Exporter {
    canary: Behaviour,
    last: Instant,
    scrapes: usize,
    tracks: [Track; 2],
}

/// A different multiplier each scrape, so the rates vary as real ones do.
fn wobble(k: usize) -> f64 {
    [1.0, 1.2, 0.85, 1.1, 0.9, 1.15, 0.95, 1.05][k % 8]
}

impl Exporter {
    fn exposition(&mut self) -> String {
        let dt = self.last.elapsed().as_secs_f64();
        self.last = Instant::now();
        self.scrapes += 1;
        let mut out = String::new();
        out.push_str("# TYPE http_requests_total counter\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for (i, (name, b)) in [("canary", self.canary), ("baseline", GOOD)]
            .into_iter()
            .enumerate()
        {
            let t = &mut self.tracks[i];
            let n = 200.0 * dt;
            let w = wobble(self.scrapes + 3 * i);
            let errors = n * b.error_ratio * w;
            t.errors += errors;
            t.ok += n - errors;
            let slow = n * (b.slow * w).min(1.0);
            for (j, le) in BUCKETS.iter().enumerate() {
                t.buckets[j] += (n - slow) + if *le >= b.slow_s { slow } else { 0.0 };
            }
            t.buckets[5] += n;
            let l = format!("track=\"{name}\"");
            writeln!(out, "http_requests_total{{{l},code=\"200\"}} {}", t.ok).unwrap();
            writeln!(out, "http_requests_total{{{l},code=\"500\"}} {}", t.errors).unwrap();
            for (j, le) in BUCKETS.iter().enumerate() {
                let v = t.buckets[j];
                writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{l},le=\"{le}\"}} {v}"
                )
                .unwrap();
            }
            let v = t.buckets[5];
            writeln!(
                out,
                "http_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {v}"
            )
            .unwrap();
        }
        out
    }
}

async fn serve(exporter: Arc<Mutex<Exporter>>) -> String {
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let e = exporter.clone();
            async move {
                let body = e.lock().unwrap().exposition();
                ([("content-type", "text/plain; version=0.0.4")], body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn ratio(track: &str) -> String {
    format!(
        r#"sum(rate(http_requests_total{{track="{track}",code=~"5.."}}[5s])) / sum(rate(http_requests_total{{track="{track}"}}[5s]))"#
    )
}

fn p95(track: &str) -> String {
    format!(
        r#"histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{track="{track}"}}[5s])))"#
    )
}

fn config(prometheus: &str) -> String {
    let (cr, br, cp, bp) = (
        ratio("canary"),
        ratio("baseline"),
        p95("canary"),
        p95("baseline"),
    );
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
source = "prometheus"
query = '{cr}'
max = 0.02

[[conditions]]
id = "errors_vs_baseline"
source = "prometheus"
query = '{cr}'
baseline = {{ query = '{br}', factor = 1.5 }}

[[conditions]]
id = "errors_compared"
source = "prometheus"
query = '{cr}'
baseline = {{ query = '{br}' }}
compare = {{ max_effect = 1.5, alpha = 0.05, min_samples = 10 }}

[[conditions]]
id = "p95_compared"
source = "prometheus"
query = '{cp}'
baseline = {{ query = '{bp}' }}
compare = {{ max_effect = 1.5, alpha = 0.05, min_samples = 10 }}
critical = true

[[conditions]]
id = "p95"
source = "prometheus"
query = '{cp}'
max = 0.4
"#
    )
}

fn outcome(s: &ConditionStatus) -> Option<Outcome> {
    s.compare.as_ref().map(|c| c.outcome)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worse_canary_fails_relative_and_statistical_conditions_but_not_absolute_ones() {
    let Some(bin) = peers::binary(&["prometheus"], "prometheus", TEST) else {
        return;
    };
    let exporter = Arc::new(Mutex::new(Exporter {
        canary: GOOD,
        last: Instant::now(),
        scrapes: 0,
        tracks: Default::default(),
    }));
    let addr = serve(exporter.clone()).await;
    let prometheus = peers::prometheus(&bin, std::slice::from_ref(&addr)).await;
    let setup = gonogo::config::load_str(&config(&prometheus.url), "compare.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Cockpit::start(setup);

    c.until(
        "the canary like its baseline passes both comparisons",
        |s| {
            let st = &s.release.eval.conditions;
            outcome(&st[2]) == Some(Outcome::Pass) && outcome(&st[3]) == Some(Outcome::Pass)
        },
    )
    .await;
    let p95 = c.condition(4).value.unwrap();
    assert!(
        (0.05..0.1).contains(&p95),
        "p95 in the (50ms, 100ms] bucket: {p95}"
    );

    exporter.lock().unwrap().canary = WORSE;
    c.until("the worse canary fails the comparisons", |s| {
        let st = &s.release.eval.conditions;
        outcome(&st[2]) == Some(Outcome::Fail)
            && st[3].state == CondState::Breached
            && st[1].state == CondState::Breached
    })
    .await;
    assert!(
        verdict_is(VerdictKind::RollbackAdvised)(&c.state),
        "{}",
        c.describe()
    );
    for i in [0, 4] {
        assert_eq!(
            c.condition(i).state,
            CondState::Ok,
            "absolute: {}",
            c.describe()
        );
    }
    let p95 = c.condition(3).compare.clone().unwrap();
    assert!(
        p95.p.unwrap() < 0.05 && p95.effect.unwrap() > 1.5,
        "{p95:?}"
    );
    drop(prometheus);
}
