//! The release `config::load` makes of demo.toml, built by hand: URLs, queries and pointers
//! are read from the demo config itself; bakes, intervals and persistence are shortened.

use gonogo::core::condition::{ConditionSpec, Persistence, Relative, Threshold, Unit};
use gonogo::core::gate::{GateCheck, GateSpec, Tier};
use gonogo::core::plan::{Plan, Stage};
use gonogo::demo::demo_config;
use gonogo::setup::{
    ActionSpec, BodyKind, Extract, ReleaseInfo, Setup, SignalSpec, SourceKind, SourceSpec,
};
use std::collections::BTreeMap;
use std::time::Duration;

const INTERVAL: Duration = Duration::from_millis(300);
const STALE: Duration = Duration::from_secs(5);

/// The demo config's text, read the way a config file is, to take its URLs, queries and pointers.
struct Demo(toml::Value);

impl Demo {
    fn new(url: &str) -> Self {
        Demo(toml::from_str(&demo_config(url)).expect("the demo config is TOML"))
    }
    fn str(&self, path: &[&str]) -> String {
        let mut v = &self.0;
        for key in path {
            v = match key.parse::<usize>() {
                Ok(i) => &v[i],
                Err(_) => &v[*key],
            };
        }
        v.as_str()
            .unwrap_or_else(|| panic!("{path:?} is a string"))
            .to_string()
    }
}

fn source(name: &str, kind: SourceKind, url: String, signals: Vec<(usize, Extract)>) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind,
        url,
        method: "GET".into(),
        headers: vec![],
        body: None,
        interval: INTERVAL,
        timeout: Duration::from_secs(2),
        stale_after: STALE,
        signals,
        tls: None,
    }
}

fn percent() -> Unit {
    Unit {
        suffix: "%".into(),
        scale: 100.0,
        decimals: 2,
    }
}

fn value_gate(name: &str, tier: Tier, signal: usize, expect: &str) -> GateSpec {
    GateSpec {
        id: name.to_lowercase().replace(' ', "_"),
        name: name.into(),
        tier,
        check: GateCheck::Value {
            signal,
            expect: vec![expect.into()],
            stale_after: STALE,
        },
        verify: None,
    }
}

fn action(name: &str, url: String) -> ActionSpec {
    ActionSpec {
        name: name.into(),
        method: "POST".into(),
        url,
        headers: vec![],
        body: Some(r#"{"release": "{{release}}", "reason": "{{reason}}"}"#.into()),
        body_kind: BodyKind::Json,
        idempotent: false,
        timeout: Duration::from_secs(2),
        tls: None,
    }
}

/// What `config::load` makes of demo.toml, with bakes, intervals and persistence shortened.
pub fn demo_setup(url: &str) -> Setup {
    let d = Demo::new(url);
    let canary_errors = d.str(&["conditions", "0", "query"]);
    let baseline_errors = d.str(&["conditions", "1", "baseline", "query"]);
    let p95 = d.str(&["conditions", "2", "query"]);
    let health = d.str(&["conditions", "3", "query"]);
    let prom = |q: &str| Extract::PromQuery(q.to_string());
    let ptr = |p: String| Extract::Pointer(p);
    let sources = vec![
        source(
            "prometheus",
            SourceKind::Prometheus,
            d.str(&["sources", "prometheus", "url"]),
            vec![
                (0, prom(&canary_errors)),
                (1, prom(&baseline_errors)),
                (2, prom(&p95)),
                (3, prom(&health)),
            ],
        ),
        source(
            "github",
            SourceKind::Http,
            d.str(&["sources", "github", "url"]),
            vec![
                (4, ptr(d.str(&["gates", "0", "pointer"]))),
                (5, ptr(d.str(&["gates", "2", "pointer"]))),
            ],
        ),
        source(
            "unleash",
            SourceKind::Http,
            d.str(&["sources", "unleash", "url"]),
            vec![
                (6, ptr(d.str(&["gates", "1", "pointer"]))),
                (7, ptr(d.str(&["observed_traffic", "pointer"]))),
            ],
        ),
        source(
            "rollback-check",
            SourceKind::Http,
            d.str(&["actions", "rollback", "check", "url"]),
            vec![],
        ),
    ];
    let signals = sources
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.signals.iter().map(move |(_, extract)| SignalSpec {
                source: i,
                extract: extract.clone(),
            })
        })
        .collect();
    let stages = [1.0, 5.0, 10.0, 25.0, 50.0, 100.0]
        .iter()
        .map(|&traffic| Stage {
            name: if traffic == 1.0 {
                "canary".into()
            } else {
                format!("{traffic}%")
            },
            traffic,
            bake: Duration::from_secs(2),
            overrides: BTreeMap::new(),
            failure_limit: None,
        })
        .collect();
    let condition = |id: &str, label: &str, value, max, warn, persistence, unit| ConditionSpec {
        id: id.into(),
        label: label.into(),
        value,
        threshold: Threshold {
            max,
            min: None,
            warn,
        },
        relative: None,
        persistence,
        unit,
        stale_after: STALE,
        min_traffic: None,
        observe: false,
        compare: None,
    };
    let for_1s = Persistence::For(Duration::from_secs(1));
    let ms = Unit {
        suffix: "ms".into(),
        scale: 1000.0,
        decimals: 0,
    };
    let conditions = vec![
        condition(
            "error_rate",
            "Canary error rate",
            0,
            Some(0.02),
            Some(0.01),
            for_1s,
            percent(),
        ),
        ConditionSpec {
            relative: Some(Relative {
                baseline: 1,
                factor: 2.0,
                offset: 0.002,
            }),
            ..condition(
                "errors_vs_baseline",
                "Errors vs baseline",
                0,
                None,
                None,
                Persistence::Samples(3),
                percent(),
            )
        },
        condition(
            "p95_latency",
            "Canary p95 latency",
            2,
            Some(0.4),
            Some(0.3),
            for_1s,
            ms,
        ),
        condition(
            "failed_health_checks",
            "Failed health checks",
            3,
            Some(0.0),
            None,
            Persistence::Immediate,
            Unit::default(),
        ),
    ];
    let gates = vec![
        value_gate("CI green", Tier::Must, 4, "success"),
        value_gate("Release flag on", Tier::Must, 6, "true"),
        value_gate(
            "Change ticket linked",
            Tier::Should,
            5,
            "CHG-4821 checkout v2",
        ),
        GateSpec {
            id: "rollback_path".into(),
            name: "Rollback path verified".into(),
            tier: Tier::Must,
            check: GateCheck::Reachable {
                source: 3,
                within: STALE,
            },
            verify: None,
        },
        GateSpec {
            id: "monitors_live".into(),
            name: "Monitors live".into(),
            tier: Tier::Must,
            check: GateCheck::MonitorsLive,
            verify: None,
        },
    ];
    Setup {
        release: ReleaseInfo {
            name: "checkout-api".into(),
            version: "2.14.0".into(),
            environment: "production".into(),
            commit: Some("9f2c1ab".into()),
        },
        plan: Plan { stages },
        sources,
        signals,
        conditions,
        gates,
        observed_traffic: Some(7),
        checklist: vec![],
        keys: Default::default(),
        notify: vec![],
        actions: vec![
            action("promote", d.str(&["actions", "promote", "url"])),
            action("rollback", d.str(&["actions", "rollback", "url"])),
        ],
        journal: std::env::temp_dir().join("gonogo-demo-test.jsonl"),
        shared_journal: None,
        operator: "tester".into(),
        ascii: false,
        bell: true,
        theme: Default::default(),
        automation: Default::default(),
    }
}
