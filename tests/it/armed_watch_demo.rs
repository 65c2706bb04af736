//! `gonogo watch --armed` against the demo simulator: the canary regresses, the critical error
//! rate stays breached, and after the countdown the headless driver rolls back by itself — or
//! a veto left by a cockpit following the journal stops it. Real binary, real HTTP on
//! 127.0.0.1, no terminal.

use crate::headless_watch::Watch;
use crate::support::headless::run;

use gonogo::core::autopilot::Policy;
use gonogo::core::record::{AutoMark, Context, Event, Record};
use gonogo::demo::{Scenario, Simulator};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(90);

/// The simulator, served by a runtime of its own while the test blocks on the binary.
pub(crate) struct Demo {
    pub(crate) sim: Simulator,
    _rt: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

impl Demo {
    /// The demo release regressing `regress_after` from start, its countdown `countdown`.
    pub(crate) fn start(regress_after: Duration, countdown: &str) -> Demo {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let scenario = Scenario {
            regress_after,
            ramp: Duration::from_secs(1),
            ..Scenario::default()
        };
        let sim = rt.block_on(gonogo::demo::start(scenario)).unwrap();
        let text = gonogo::demo::demo_config(&sim.url).replace(
            r#"countdown = "30s""#,
            &format!(r#"countdown = "{countdown}""#),
        );
        assert!(text.contains(countdown), "the demo config has no countdown");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("demo.toml"), text).unwrap();
        Demo { sim, _rt: rt, dir }
    }

    pub(crate) fn config(&self) -> PathBuf {
        self.dir.path().join("demo.toml")
    }

    pub(crate) fn journal(&self) -> PathBuf {
        self.dir.path().join("journal.jsonl")
    }

    pub(crate) fn watch(&self) -> Watch {
        let (config, journal) = (self.config(), self.journal());
        Watch::start(&[
            "watch",
            "--config",
            config.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
            "--armed",
            "--format",
            "json",
        ])
    }

    pub(crate) fn rollbacks(&self) -> u32 {
        self.sim.state().rollbacks
    }
}

pub(crate) fn json(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

fn is(kind: &str) -> impl Fn(&str) -> bool + '_ {
    move |l| json(l)["kind"] == kind
}

pub(crate) fn records(journal: &Path) -> Vec<Record> {
    gonogo::journal::read(journal).unwrap()
}

/// Poll until `want` holds; fail with `what` after the deadline.
fn eventually<T>(what: &str, mut want: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(x) = want() {
            return x;
        }
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn armed_watch_rolls_the_regressed_canary_back_by_itself_once() {
    let demo = Demo::start(Duration::from_secs(8), "3s");
    let mut w = demo.watch();
    let countdown = json(&w.until("with the countdown", |l| {
        let v = json(l);
        v["kind"] == "armed" && v["automatic"]["policy"] == "auto-rollback"
    }));
    let text = countdown["text"].as_str().unwrap();
    assert!(
        text.starts_with("auto-rollback in 3 s: Canary error rate: "),
        "{text}"
    );
    let requested = json(&w.until("with the automatic request", is("action_requested")));
    assert_eq!(requested["automatic"]["policy"], "auto-rollback");
    let evidence = requested["automatic"]["evidence"][0].as_str().unwrap();
    assert!(evidence.starts_with("Canary error rate: "), "{evidence}");
    assert!(
        requested["text"]
            .as_str()
            .unwrap()
            .contains("rollback requested AUTOMATICALLY on"),
        "{requested}"
    );
    // The request's record was on disk before the simulator saw it; its outcome follows.
    let journal = demo.journal();
    eventually("the rollback's success journaled", || {
        records(&journal)
            .iter()
            .any(|r| r.event == Event::ActionSucceeded)
            .then_some(())
    });
    assert_eq!(demo.rollbacks(), 1, "{:?}", demo.sim.state().hooks);
    let (status, lines, stderr) = w.stop("TERM");
    assert_eq!(status.code(), Some(0), "{stderr}\n{}", lines.join("\n"));
    // Still exactly one: the rolled-back release is nothing to act on.
    assert_eq!(demo.rollbacks(), 1);

    let all = records(&journal);
    let requested: Vec<&Record> = all
        .iter()
        .filter(|r| r.event == Event::ActionRequested)
        .collect();
    assert_eq!(requested.len(), 1);
    let auto = requested[0].auto.as_ref().expect("journaled as automatic");
    assert_eq!(auto.policy, Policy::AutoRollback);
    assert_eq!(auto.countdown_s, 3);
    assert!(
        auto.evidence[0].starts_with("Canary error rate: "),
        "{auto:?}"
    );
    assert_eq!(all.last().map(|r| r.event), Some(Event::CockpitStopped));

    let j = journal.to_str().unwrap();
    let show = run(&["audit", "show", "--journal", j]);
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(
        show.lines().any(|l| l.contains("action requested")
            && l.contains("AUTOMATIC auto-rollback (Canary error rate: ")
            && l.contains("after a 3 s countdown")),
        "{show}"
    );
    let report = run(&["report", "--journal", j, "--format", "json"]);
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["releases"][0]["outcome"], "rolled_back");
    assert_eq!(report["releases"][0]["automatic"], 1);
    let automatic: Vec<&Value> = report["automation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["happened"] == "automatic")
        .collect();
    assert_eq!(automatic.len(), 1);
    assert_eq!(automatic[0]["policy"], "auto-rollback");
    let text = run(&["report", "--journal", j]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("rollback AUTOMATICALLY: auto-rollback"),
        "{text}"
    );
    let verify = run(&["audit", "verify", "--journal", j]);
    assert!(verify.status.success());
}

/// A veto as a cockpit following the journal makes it: `auto_vetoed` with what it stops,
/// then the hold it becomes, left beside the journal (observers never write it).
fn veto_from_a_follower(journal: &Path, auto: AutoMark, reason: &str) {
    let ctx = Context {
        operator: "ana".into(),
        host: "ops1".into(),
        release: "checkout-api".into(),
        version: "2.14.0".into(),
        environment: "production".into(),
    };
    let now = chrono::Utc::now();
    let mut vetoed = Record::new(now, Event::AutoVetoed, ctx.clone());
    vetoed.auto = Some(auto);
    vetoed.reason = Some(reason.into());
    let mut hold = Record::new(now, Event::HoldPlaced, ctx);
    hold.reason = Some(reason.into());
    hold.hold_until = Some(now + chrono::Duration::minutes(15));
    gonogo::journal::vetoes::put(journal, &vetoed).unwrap();
    gonogo::journal::vetoes::put(journal, &hold).unwrap();
}

#[test]
fn a_veto_from_a_follower_during_the_countdown_stops_the_rollback() {
    let demo = Demo::start(Duration::from_secs(8), "20s");
    let mut w = demo.watch();
    let countdown = json(&w.until("with the countdown", |l| {
        let v = json(l);
        v["kind"] == "armed" && v["automatic"]["policy"] == "auto-rollback"
    }));
    let seen = Instant::now();
    let auto: AutoMark = serde_json::from_value(countdown["automatic"].clone()).unwrap();
    veto_from_a_follower(&demo.journal(), auto, "the spike is the load test");

    let vetoed = json(&w.until("with the veto", |l| json(l)["vetoed"].is_string()));
    assert_eq!(vetoed["vetoed"], "the spike is the load test");
    assert_eq!(vetoed["operator"], "ana");
    assert!(
        vetoed["text"]
            .as_str()
            .unwrap()
            .contains("vetoed by ana@ops1: \"the spike is the load test\""),
        "{vetoed}"
    );
    w.until("with the hold", is("hold"));
    // Past where the countdown would have run out, with time to spare: nothing was sent.
    let past = Duration::from_secs(20 + 5).saturating_sub(seen.elapsed());
    std::thread::sleep(past);
    assert_eq!(demo.rollbacks(), 0, "{:?}", demo.sim.state().hooks);
    let (status, lines, _) = w.stop("INT");
    assert_eq!(status.code(), Some(0));
    assert!(
        !lines.iter().any(|l| json(l)["kind"] == "action_requested"),
        "{}",
        lines.join("\n")
    );
    let all = records(&demo.journal());
    let vetoed = all
        .iter()
        .find(|r| r.event == Event::AutoVetoed)
        .expect("the veto journaled by the driver");
    assert_eq!(vetoed.context.operator, "ana");
    assert_eq!(vetoed.reason.as_deref(), Some("the spike is the load test"));
    assert!(all.iter().any(|r| r.event == Event::HoldPlaced));
    assert!(!all.iter().any(|r| r.event == Event::ActionRequested));
    let show = run(&[
        "audit",
        "show",
        "--journal",
        demo.journal().to_str().unwrap(),
    ]);
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(
        show.lines().any(|l| l.contains("auto vetoed")
            && l.contains("ana@ops1")
            && l.contains("vetoed auto-rollback (Canary error rate: ")),
        "{show}"
    );
}
