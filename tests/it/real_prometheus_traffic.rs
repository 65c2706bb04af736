//! Minimum evidence against a real Prometheus: a canary serving a trickle of requests has an
//! error ratio, but too little traffic behind it. The condition stays unknown — "not enough
//! traffic: … of 500 requests" — the verdict fails closed and the bake earns nothing; once
//! the canary serves enough, the same condition is OK and the stage bakes.

use crate::support::cockpit;
use crate::support::peers;
use crate::support::shared;

use cockpit::{Cockpit, ok, unknown_because, verdict_is};
use gonogo::core::condition::CondState;
use gonogo::core::verdict::VerdictKind;
use shared::RELEASE;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TEST: &str = "real_prometheus_traffic";

/// The canary's request counter, growing at `rate` requests a second between scrapes.
struct Requests {
    rate: f64,
    total: f64,
    last: Instant,
}

impl Requests {
    fn exposition(&mut self) -> String {
        self.total += self.rate * self.last.elapsed().as_secs_f64();
        self.last = Instant::now();
        format!(
            "# TYPE http_requests_total counter\n\
             http_requests_total{{track=\"canary\"}} {}\n\
             # TYPE canary_error_ratio gauge\n\
             canary_error_ratio 0.001\n",
            self.total
        )
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
query = 'canary_error_ratio'
max = 0.02
min_traffic = {{ query = 'sum(increase(http_requests_total{{track="canary"}}[5s]))', min = 500 }}

[actions.rollback]
url = "http://{exporter}/rollback"
check = {{ url = "http://{exporter}/ok", interval = "1s", timeout = "500ms" }}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canary_with_too_little_traffic_stays_unknown() {
    let Some(bin) = peers::binary(&["prometheus"], "prometheus", TEST) else {
        return;
    };
    let requests = Arc::new(Mutex::new(Requests {
        rate: 2.0,
        total: 0.0,
        last: Instant::now(),
    }));
    let exporter = peers::exporter({
        let requests = requests.clone();
        move || requests.lock().unwrap().exposition()
    })
    .await;
    let prometheus = peers::prometheus(&bin, std::slice::from_ref(&exporter)).await;
    let setup = gonogo::config::load_str(&config(&prometheus.url, &exporter), "traffic.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = Cockpit::start(setup);

    // Two requests a second: about ten in the 5 s window, far from 500.
    c.until(
        "the trickle to be read as too little",
        unknown_because(0, "not enough traffic: "),
    )
    .await;
    let why = c.condition(0).why.clone().unwrap();
    assert!(why.ends_with(" of 500 requests"), "{why}");
    // However long it runs on a trickle: unknown, NO-GO, nothing verified.
    let until = Instant::now() + Duration::from_secs(6);
    while Instant::now() < until {
        c.step().await;
        let s = &c.state;
        assert_eq!(
            s.release.eval.conditions[0].state,
            CondState::Unknown,
            "{}",
            c.describe()
        );
        assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
        let verified = s.release.eval.bake.as_ref().map(|b| b.verified);
        assert_eq!(verified, Some(Duration::ZERO), "{}", c.describe());
    }
    let evidence = c.condition(0).evidence.clone().unwrap();
    assert!(!evidence.enough && evidence.traffic.is_some_and(|n| n < 500.0));

    // Four hundred a second: some 2,000 in the window, and the same error ratio now counts.
    requests.lock().unwrap().rate = 400.0;
    c.until("enough traffic: OK and baking", |s| {
        ok(0)(s) && verdict_is(VerdictKind::Hold)(s)
    })
    .await;
    assert!(c.condition(0).evidence.as_ref().is_some_and(|e| e.enough));
    drop(prometheus);
}
