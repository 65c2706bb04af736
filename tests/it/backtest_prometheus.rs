//! `gonogo backtest` against a real Prometheus (Debian's `prometheus`, started once for this
//! binary) holding a recorded past hour: the hour is written as OpenMetrics and turned into
//! TSDB blocks by `promtool tsdb create-blocks-from openmetrics` before the server starts on
//! them. In that hour the canary's error ratio is over its limit from minute 37 to 45 and has
//! no samples from minute 12 to 25; the condition breaches after `for = "2m"`, at minute 39.
//! And the command line's errors, which need no server.

use crate::support::headless::{json_of, release_head, run};
use crate::support::shared::{self, on_path, require, scratch_dir};
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use std::fmt::Write;
use std::process::Command;
use std::sync::OnceLock;

const TEST: &str = "backtest_prometheus";

/// The recorded hour's start (a whole minute, 90 minutes before the server started) and the
/// server's URL.
static PROMETHEUS: OnceLock<Option<(DateTime<Utc>, String)>> = OnceLock::new();

fn minute(start: DateTime<Utc>, m: i64) -> DateTime<Utc> {
    start + TimeDelta::minutes(m)
}

/// The recorded hour as OpenMetrics, a sample every 15 s from 10 minutes before it (so its
/// first step has data) to 10 minutes after.
fn recording(start: DateTime<Utc>) -> String {
    let mut text = String::from("# TYPE bt_error_ratio gauge\n");
    for s in (-600..=4200).step_by(15) {
        let m = s as f64 / 60.0;
        if (12.0..25.0).contains(&m) {
            continue;
        }
        let value = if (37.0..45.0).contains(&m) {
            0.05
        } else {
            0.001
        };
        let t = start.timestamp() + s;
        let _ = writeln!(text, "bt_error_ratio{{track=\"canary\"}} {value} {t}");
    }
    text.push_str("# EOF\n");
    text
}

fn prometheus() -> Option<&'static (DateTime<Utc>, String)> {
    PROMETHEUS.get_or_init(start).as_ref()
}

fn start() -> Option<(DateTime<Utc>, String)> {
    let why = "no `prometheus` or `promtool` on PATH; install the Debian package `prometheus` (scripts/test does)";
    let bin = require(on_path("prometheus"), TEST, why)?;
    let promtool = require(on_path("promtool"), TEST, why)?;
    let now = Utc::now();
    let start = now.with_second(0).unwrap().with_nanosecond(0).unwrap() - TimeDelta::minutes(90);
    let dir = scratch_dir("gonogo-backtest-");
    let data = dir.join("data");
    std::fs::write(dir.join("hour.om"), recording(start)).unwrap();
    let made = Command::new(promtool)
        .args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"])
        .arg(dir.join("hour.om"))
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "promtool: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    std::fs::write(
        dir.join("prometheus.yml"),
        "global:\n  scrape_interval: 1m\n",
    )
    .unwrap();
    let (addr, _, _) = shared::start_prometheus(&bin, &dir);
    Some((start, format!("http://{addr}")))
}

/// One condition on the recorded series, one on an HTTP source (not replayable).
fn config(prometheus: &str) -> String {
    format!(
        r#"{head}
[sources.prometheus]
kind = "prometheus"
url = "{prometheus}"
interval = "15s"

[sources.app]
kind = "http"
url = "http://127.0.0.1:9/health"

[[conditions]]
id = "errors"
label = "Canary error ratio"
source = "prometheus"
query = 'bt_error_ratio{{track="canary"}}'
max = 0.02
for = "2m"
unit = "%"
scale = 100

[[conditions]]
id = "health"
label = "Failed health checks"
source = "app"
pointer = "/failed"
max = 0
"#,
        head = release_head()
    )
}

fn written(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("release.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[test]
fn a_recorded_hour_breaches_at_the_right_minute() {
    let Some((start, url)) = prometheus() else {
        return;
    };
    let (_dir, config) = written(&config(url));
    let (from, to) = (rfc3339(*start), rfc3339(minute(*start, 60)));
    let args = [
        "backtest", "--config", &config, "--from", &from, "--to", &to,
    ];
    let out = run(&[&args[..], &["--format", "json"]].concat());
    assert!(out.status.success(), "{out:?}");
    let json = json_of(&out);
    let c = &json["stages"][0]["conditions"][0];
    assert_eq!(c["id"], "errors", "{json:#}");
    assert_eq!(
        c["first_breach"]["at"],
        rfc3339(minute(*start, 39)),
        "{json:#}"
    );
    assert_eq!(
        c["first_warn"]["at"],
        rfc3339(minute(*start, 37)),
        "{json:#}"
    );
    assert_eq!(c["breaches"], 1, "{json:#}");
    // The last sample before the gap is 11:45; Prometheus looks back 5 minutes for it, then
    // nothing until 25:00: unknown 17:00–25:00, give or take a step.
    let unknown = c["unknown_seconds"].as_u64().unwrap();
    assert!(
        (450..=495).contains(&unknown),
        "unknown {unknown}s: {json:#}"
    );
    let codes: Vec<&str> = json["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "hold",
            "go",
            "no_go",
            "go",
            "hold",
            "rollback_advised",
            "hold",
            "go"
        ],
        "{json:#}"
    );
    assert_eq!(json["not_replayable"][0]["id"], "health", "{json:#}");

    let text = run(&args);
    let text = String::from_utf8_lossy(&text.stdout);
    let at = minute(*start, 39).format("%H:%M:%S").to_string();
    assert!(
        text.contains(&format!(
            "Canary error ratio breached at {at}: 5.00% above max"
        )),
        "{text}"
    );
    assert!(
        text.contains("Failed health checks: reads app (http), which has no history to check"),
        "{text}"
    );
}

#[test]
fn bad_flags_are_refused_naming_flag_value_and_what_was_expected() {
    let (_dir, config) = written(&config("http://127.0.0.1:9"));
    let refused = |extra: &[&str]| {
        let out = run(&[&["backtest", "--config", &config][..], extra].concat());
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let e = refused(&["--from", "yesterday"]);
    assert!(
        e.starts_with("gonogo backtest: --from \"yesterday\": expected an RFC 3339 time"),
        "{e}"
    );
    let e = refused(&["--from", "-1h", "--to", "-2h"]);
    assert!(e.contains("is not before --to \"-2h\""), "{e}");
    let e = refused(&["--from", "-1h", "--stage", "50%"]);
    assert!(e.contains("--stage \"50%\": no such stage"), "{e}");
    let e = refused(&["--from", "-30d", "--step", "1s"]);
    assert!(e.contains("Prometheus answers at most 11000"), "{e}");
    let e = refused(&["--from", "-1h", "--step", "soon"]);
    assert!(e.contains("--step"), "{e}");
}

#[test]
fn help_lists_backtest() {
    let out = run(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("backtest"), "{help}");
}
