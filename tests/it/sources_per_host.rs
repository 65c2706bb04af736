//! One host that hangs must not starve the others: twelve queries to a Prometheus that never
//! answers (each cut off at 4s) beside a healthy source polled every second. Real pollers
//! against two servers on 127.0.0.1, their messages fed to `app::update`.

use crate::support::cockpit;

use crate::support::flaky;

use cockpit::{Cockpit, ok};
use flaky::{API, API_RATE, Answer, PROM, Server, serve};
use gonogo::app::{SourceStatus, State};
use gonogo::core::condition::ConditionSpec;
use gonogo::core::reading::Outcome;
use gonogo::setup::{Extract, SignalSpec};
use std::time::Duration;
use tokio::time::Instant;

const QUERIES: usize = 12;

/// The healthy source (`api`, condition 0, listed first) on one server, polled every second
/// and stale after 3s; a Prometheus with twelve queries on another server that hangs.
fn setup(healthy: &str, hanging: &str) -> gonogo::setup::Setup {
    let mut s = flaky::setup(healthy);
    let api = &mut s.sources[API];
    api.interval = Duration::from_secs(1);
    api.stale_after = Duration::from_secs(3);
    s.conditions[API_RATE].stale_after = Duration::from_secs(3);

    let prom = &mut s.sources[PROM];
    prom.url = hanging.to_string();
    prom.interval = Duration::from_secs(5);
    prom.timeout = Duration::from_secs(4);
    prom.signals.clear();
    s.signals.truncate(1);
    let template: ConditionSpec = s.conditions.pop().unwrap();
    for i in 0..QUERIES {
        let extract = Extract::PromQuery(format!("canary_error_ratio{{shard=\"{i}\"}}"));
        let sig = s.signals.len();
        s.signals.push(SignalSpec {
            source: PROM,
            extract: extract.clone(),
        });
        s.sources[PROM].signals.push((sig, extract));
        s.conditions.push(ConditionSpec {
            id: format!("shard_{i}"),
            label: format!("Shard {i} errors"),
            value: sig,
            ..template.clone()
        });
    }
    s
}

fn headline(s: &State) -> String {
    s.release
        .eval
        .verdict
        .reasons
        .first()
        .map(|r| r.text.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_host_does_not_starve_a_healthy_one() {
    let healthy = serve(Server::new()).await;
    let stuck = Server::new();
    stuck.set(PROM, Answer::Slow);
    let hanging = serve(stuck).await;
    let mut c = Cockpit::start(setup(&healthy, &hanging));
    c.until("the healthy source answers", ok(API_RATE)).await;

    // Throughout: the healthy source answers on time and its value is fresh, and the verdict
    // never blames it. Until the hanging source's first poll has timed out (three rounds of
    // four queries at 4s each) and the healthy one has answered five more times after that.
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut after = 0;
    while after < 5 {
        assert!(Instant::now() < deadline, "{}", c.describe());
        if c.step().await {
            let last = c.observations.last().unwrap();
            let timed_out = c
                .observations
                .iter()
                .any(|o| o.source == PROM && matches!(o.outcome, Outcome::Failed(_)));
            if last.source == API && timed_out {
                after += 1;
            }
        }
        let s = &c.state;
        assert!(
            ok(API_RATE)(s) && s.release.eval.sources[API].status == SourceStatus::Ok,
            "the healthy source stays fresh beside the hanging one: {}",
            c.describe()
        );
        assert!(
            !headline(s).contains("API error rate"),
            "the verdict never blames the healthy source: {}",
            c.describe()
        );
    }
    assert!(
        headline(&c.state).contains("prometheus: timeout after 4s"),
        "the headline names the hanging source: {}",
        c.describe()
    );
}
