//! Realistic states for the benches, reached as the cockpit reaches them: the built-in demo's
//! config (with extra stop conditions), its answers read by the real extractors, and every
//! observation fed through the real `app::update`.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use gonogo::app::{self, Msg, State};
use gonogo::core::reading::{Observation, Outcome, Reading, SignalId};
use gonogo::core::record::Context;
use gonogo::setup::{Extract, Setup};
use gonogo::sources::providers::prometheus;
use serde_json::{Value, json};
use std::fmt::Write;
use std::time::Duration;

/// 2025-03-14 13:00:00 UTC plus `secs`.
pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_741_957_200 + secs, 0).unwrap()
}

/// The demo release with `extra` more stop conditions on its Prometheus source.
pub fn demo_setup(extra: usize) -> Setup {
    let mut text = gonogo::demo::demo_config("http://127.0.0.1:9");
    for i in 0..extra {
        write!(
            text,
            "\n[[conditions]]\nid = \"extra_{i}\"\nlabel = \"Extra signal {i}\"\n\
             source = \"prometheus\"\nquery = 'sum(rate(extra_{i}_total[1m]))'\n\
             max = 100\nwarn = 80\ndecimals = 1\n"
        )
        .unwrap();
    }
    gonogo::config::load_str(&text, "bench.toml")
        .unwrap_or_else(|e| panic!("the bench config does not load: {e}"))
}

/// `sources` Prometheus sources polled every second, `per_source` stop conditions on each,
/// and the demo's stages: the scale of the budget (200 sources, 1,000 conditions).
pub fn scale_setup(sources: usize, per_source: usize) -> Setup {
    let mut text = String::from(
        "[release]\nname = \"scale\"\nversion = \"1.0.0\"\nenvironment = \"production\"\n\
         [[stages]]\ntraffic = 10\nbake = \"10m\"\n[[stages]]\ntraffic = 100\nbake = \"10m\"\n",
    );
    for s in 0..sources {
        write!(
            text,
            "[sources.s{s}]\nkind = \"prometheus\"\nurl = \"http://127.0.0.1:9\"\n\
             interval = \"1s\"\ntimeout = \"800ms\"\n"
        )
        .unwrap();
    }
    for s in 0..sources {
        for c in 0..per_source {
            write!(
                text,
                "[[conditions]]\nid = \"c{s}_{c}\"\nlabel = \"Signal {c} of s{s}\"\n\
                 source = \"s{s}\"\nquery = 'sum(rate(m{c}_total[1m]))'\nmax = 100\n"
            )
            .unwrap();
        }
    }
    gonogo::config::load_str(&text, "scale.toml")
        .unwrap_or_else(|e| panic!("the scale config does not load: {e}"))
}

/// A cockpit on `setup`, started at `t(start)` at stage `stage` entered at `t(entered)`, with
/// nothing of its bake verified yet.
pub fn cockpit(setup: Setup, start: i64, stage: usize, entered: i64) -> Cockpit {
    let context = Context {
        operator: "ana".into(),
        host: "ops-1".into(),
        release: setup.release.name.clone(),
        version: setup.release.version.clone(),
        environment: setup.release.environment.clone(),
    };
    let none = Duration::ZERO;
    let journal = app::stage_journal(&setup, &context, stage, t(entered), t(start), none);
    let seq = vec![0; setup.sources.len()];
    let boot = app::Boot {
        setup,
        context,
        journal: &journal,
        local_offset: FixedOffset::east_opt(3600).unwrap(),
        read_only: false,
    };
    let (state, _) = boot.start(t(start));
    Cockpit { state, seq }
}

pub struct Cockpit {
    pub state: State,
    seq: Vec<u64>,
}

/// Small deterministic wobble, so sparklines and trends have something to show.
fn wobble(i: i64) -> f64 {
    [0.0, 0.3, -0.2, 0.5, 0.1, -0.4, 0.2, -0.1][i.rem_euclid(8) as usize]
}

/// A Prometheus instant-query answer holding `value`.
pub fn prometheus_body(value: f64) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [{"metric": {}, "value": [1741957200.123, value.to_string()]}],
        },
    }))
    .unwrap()
}

/// The GitHub Actions runs document the demo serves.
pub fn github_doc() -> Value {
    json!({
        "total_count": 1,
        "workflow_runs": [{
            "id": 9_210_034_118u64,
            "name": "ci",
            "head_branch": "main",
            "head_sha": "9f2c1ab",
            "display_title": "CHG-4821 checkout v2",
            "event": "push",
            "status": "completed",
            "conclusion": "success",
            "run_number": 1287,
            "run_attempt": 1,
            "html_url": "https://github.com/acme/checkout-api/actions/runs/9210034118",
            "run_started_at": "2025-03-14T12:53:00Z",
        }],
    })
}

/// The Unleash feature document the demo serves, at `rollout` percent.
pub fn unleash_doc(rollout: f64) -> Value {
    json!({
        "name": "checkout-v2",
        "type": "release",
        "enabled": true,
        "environments": [{
            "name": "production",
            "enabled": true,
            "strategies": [{
                "name": "flexibleRollout",
                "parameters": {"rollout": rollout.to_string(), "stickiness": "default", "groupId": "checkout-v2"},
            }],
        }],
    })
}

/// What a query's series reads at second `at`: the demo's four, or a steady extra signal.
fn series_value(query: &str, at: i64) -> f64 {
    if query.contains("histogram_quantile") {
        0.182 + 0.02 * wobble(at / 2 + 3)
    } else if query.contains("probe_success") {
        0.0
    } else if query.contains(r#"track="baseline""#) {
        0.004
    } else if query.contains(r#"track="canary""#) {
        0.0042 + 0.0008 * wobble(at / 2)
    } else {
        40.0 + 5.0 * wobble(at)
    }
}

impl Cockpit {
    /// The observation one poll of `source` at second `at` makes, its answers read by the
    /// real extractors.
    pub fn observation(&mut self, source: usize, at: i64, rollout: f64) -> Observation {
        let spec = &self.state.setup.sources[source];
        let doc = if spec.url.contains("/actions/runs") {
            github_doc()
        } else {
            unleash_doc(rollout)
        };
        let readings: Vec<(SignalId, Reading)> = spec
            .signals
            .iter()
            .map(|(sig, how)| {
                let reading = match how {
                    Extract::PromQuery(q) => {
                        let body = prometheus_body(series_value(q, at));
                        let result = prometheus::parse_response(reqwest::StatusCode::OK, &body)
                            .expect("a valid answer");
                        prometheus::pick(&result, &[], None)
                    }
                    Extract::Pointer(p) => gonogo::sources::pick::pointer(&doc, p),
                    other => unreachable!("the bench release reads no {other:?}"),
                };
                (*sig, reading)
            })
            .collect();
        self.seq[source] += 1;
        Observation {
            source,
            seq: self.seq[source],
            at: t(at),
            latency: Duration::from_millis(20 + source as u64 * 7),
            outcome: Outcome::Readings(readings),
        }
    }

    /// Poll every source that is due at each second from `from` to `to`, as the pollers would
    /// (each at its configured interval), with a tick at every second.
    pub fn run(&mut self, from: i64, to: i64, rollout: f64) {
        for s in from..=to {
            for source in 0..self.state.setup.sources.len() {
                let every = self.state.setup.sources[source].interval.as_secs().max(1) as i64;
                if s.rem_euclid(every) == 0 {
                    let o = self.observation(source, s, rollout);
                    app::update(&mut self.state, Msg::Observation(o), t(s));
                }
            }
            app::update(&mut self.state, Msg::Tick, t(s));
        }
    }
}

/// The demo release at 10% with 10-minute bakes, 5m48s into its bake, the last 3 minutes
/// with every source answering healthily: HOLD, 04:12 left, the screen an operator watches
/// most. `extra` stop conditions beyond the demo's four.
pub fn baking(extra: usize) -> Cockpit {
    let mut setup = demo_setup(extra);
    for stage in &mut setup.plan.stages {
        stage.bake = Duration::from_secs(600);
    }
    let mut c = cockpit(setup, -180, 2, -348);
    c.run(-180, 0, 10.0);
    c
}
