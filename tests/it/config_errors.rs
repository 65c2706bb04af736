//! The config as an operator meets it: broken files paired with the exact messages they must
//! produce (tests/fixtures/config/*.toml and *.expected), the demo and the example loading,
//! defaults, and environment overrides.

use gonogo::config::{self, ConfigErrors};
use gonogo::core::condition::Persistence;
use gonogo::core::gate::{GateCheck, Tier};
use gonogo::setup::{BodyKind, Extract, Setup, SourceKind, ThemeName};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn fixture_env() -> HashMap<String, String> {
    vars(&[("HOME", "/home/op"), ("USER", "op")])
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config")
}

fn load(text: &str, env: &[(&str, &str)]) -> Result<Setup, ConfigErrors> {
    let mut all = fixture_env();
    all.extend(vars(env));
    config::load_with_env(text, "release.toml", &all)
}

fn errors_of(text: &str, env: &[(&str, &str)]) -> String {
    match load(text, env) {
        Ok(_) => panic!("expected errors, the config loaded"),
        Err(e) => e.to_string(),
    }
}

/// The smallest valid release config (shared with url_secrets.rs).
const MINIMAL: &str = include_str!("../fixtures/minimal.toml");

#[test]
fn every_broken_fixture_reports_exactly_its_expected_errors() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    names.sort();
    for required in [
        "syntax_error",
        "wrong_type",
        "unknown_key",
        "stages_out_of_order",
        "unknown_source",
        "missing_query",
        "literal_secret_header",
        "env_secret_missing",
        "bad_duration",
        "warn_above_max",
        "for_and_samples",
        "timeout_not_below_interval",
        "many_errors",
        "calendar_and_checklist",
        "url_credentials",
        "duplicate_stage_names",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "fixture {required}.toml is missing"
        );
    }
    let mut mismatches = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(fixtures().join(format!("{name}.toml"))).unwrap();
        let expected_file = fixtures().join(format!("{name}.expected"));
        let expected = std::fs::read_to_string(&expected_file)
            .unwrap_or_else(|_| panic!("{} is missing", expected_file.display()));
        let got = match config::load_with_env(&text, &format!("{name}.toml"), &fixture_env()) {
            Ok(_) => "(loaded without errors)".to_string(),
            Err(e) => e.to_string(),
        };
        if got.trim_end() != expected.trim_end() {
            mismatches.push(format!(
                "== {name}\n-- expected:\n{}\n-- got:\n{got}",
                expected.trim_end()
            ));
        }
    }
    assert!(mismatches.is_empty(), "\n{}", mismatches.join("\n"));
}

#[test]
fn many_errors_are_reported_at_once_each_with_its_line() {
    let text = std::fs::read_to_string(fixtures().join("many_errors.toml")).unwrap();
    let err = config::load_with_env(&text, "many_errors.toml", &fixture_env()).unwrap_err();
    let located: Vec<(Option<usize>, &str)> = err
        .errors
        .iter()
        .map(|e| (e.line, e.key.as_str()))
        .collect();
    for want in [
        (Some(1), "release.version"),
        (Some(10), "stages[1].traffic"),
        (Some(11), "stages[1].bake"),
        (Some(14), "sources.prometheus.kind"),
        (Some(19), "sources.github.url"),
        (Some(21), "sources.github.timeout"),
        (Some(22), "sources.github.auth.bearer"),
        (Some(25), "conditions[0].id"),
        (Some(28), "conditions[0].max"),
        (Some(30), "conditions[0].samples"),
        (Some(35), "gates[0].pointer"),
        (Some(36), "gates[0].expect"),
        (Some(37), "gates[0].tier"),
        (Some(41), "actions.rollback.tiemout"),
    ] {
        assert!(located.contains(&want), "{want:?} not among {located:?}");
    }
    let lines: Vec<usize> = err.errors.iter().map(|e| e.line.unwrap()).collect();
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]),
        "in file order: {lines:?}"
    );
    assert_eq!(
        err.to_string().lines().count(),
        err.errors.len(),
        "one line per error"
    );
}

#[test]
fn secret_values_never_reach_a_message() {
    for (fixture, secret) in [
        ("literal_secret_header", "hunter2"),
        ("many_errors", "ghp_not_for_printing"),
        ("url_credentials", "tok-not-for-printing"),
    ] {
        let text = std::fs::read_to_string(fixtures().join(format!("{fixture}.toml"))).unwrap();
        let err = config::load_with_env(&text, "x.toml", &fixture_env()).unwrap_err();
        assert!(!err.to_string().contains(secret), "{fixture}: {err}");
        assert!(!format!("{err:?}").contains(secret), "{fixture}: {err:?}");
    }
    // A header value that breaks the header is reported without showing it.
    let text = MINIMAL.replace(
        "url = \"http://127.0.0.1:9090\"",
        "url = \"http://127.0.0.1:9090\"\nheaders = { Authorization = { env = \"BAD_TOKEN\" } }",
    );
    let msg = errors_of(&text, &[("BAD_TOKEN", "Bearer abc\ndef")]);
    assert!(
        msg.contains("sources.prometheus.headers.Authorization: not a valid HTTP header value"),
        "{msg}"
    );
    assert!(!msg.contains("abc"), "{msg}");
}

#[test]
fn demo_loads_with_its_stages_sources_signals_and_gates() {
    let text = include_str!("../../config/demo.toml").replace("{{demo_url}}", "http://127.0.0.1:9");
    let setup = config::load_str(&text, "demo.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(setup.release.name, "checkout-api");
    assert_eq!(setup.release.commit.as_deref(), Some("9f2c1ab"));

    let stages: Vec<(&str, f64)> = setup
        .plan
        .stages
        .iter()
        .map(|s| (s.name.as_str(), s.traffic))
        .collect();
    assert_eq!(
        stages,
        [
            ("canary", 1.0),
            ("5%", 5.0),
            ("10%", 10.0),
            ("25%", 25.0),
            ("50%", 50.0),
            ("100%", 100.0)
        ]
    );
    assert!(
        setup
            .plan
            .stages
            .iter()
            .all(|s| s.bake == Duration::from_secs(30))
    );

    let sources: Vec<(&str, SourceKind)> = setup
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.kind))
        .collect();
    assert_eq!(
        sources,
        [
            ("github", SourceKind::Http),
            ("prometheus", SourceKind::Prometheus),
            (config::ROLLBACK_CHECK, SourceKind::Http),
            ("unleash", SourceKind::Http),
        ]
    );
    let prom = &setup.sources[1];
    assert_eq!(
        (prom.interval, prom.timeout, prom.stale_after),
        (secs(2), secs(1), secs(6))
    );
    let check = &setup.sources[2];
    assert_eq!(check.url, "http://127.0.0.1:9/hooks/rollback/check");
    assert_eq!(
        (check.method.as_str(), check.interval, check.stale_after),
        ("GET", secs(5), secs(15))
    );
    assert!(check.signals.is_empty());

    // Every signal is produced by exactly the source it names, with the right kind of extract.
    for (id, signal) in setup.signals.iter().enumerate() {
        let source = &setup.sources[signal.source];
        assert!(
            source.signals.contains(&(id, signal.extract.clone())),
            "signal {id}"
        );
        match (&signal.extract, source.kind) {
            (Extract::PromQuery(_), SourceKind::Prometheus)
            | (Extract::Pointer(_), SourceKind::Http) => {}
            other => panic!("signal {id} has {other:?}"),
        }
    }
    let listed: usize = setup.sources.iter().map(|s| s.signals.len()).sum();
    assert_eq!(listed, setup.signals.len());

    let ids: Vec<&str> = setup.conditions.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "error_rate",
            "errors_vs_baseline",
            "p95_latency",
            "failed_health_checks",
            "p95_vs_baseline"
        ]
    );
    let error_rate = &setup.conditions[0];
    assert_eq!(error_rate.threshold.max, Some(0.02));
    assert_eq!(error_rate.persistence, Persistence::For(secs(6)));
    assert_eq!(error_rate.stale_after, secs(6));
    assert_eq!(
        (error_rate.unit.suffix.as_str(), error_rate.unit.scale),
        ("%", 100.0)
    );
    let relative = &setup.conditions[1];
    // The same query is one signal, asked once per poll.
    assert_eq!(relative.value, error_rate.value);
    let rel = relative.relative.expect("baseline");
    assert_eq!((rel.factor, rel.offset), (2.0, 0.002));
    assert!(
        matches!(&setup.signals[rel.baseline].extract, Extract::PromQuery(q) if q.contains("baseline"))
    );
    assert_eq!(relative.persistence, Persistence::Samples(3));
    assert_eq!(setup.conditions[3].unit.decimals, 0);

    let gates: Vec<(&str, Tier)> = setup
        .gates
        .iter()
        .map(|g| (g.name.as_str(), g.tier))
        .collect();
    assert_eq!(
        gates,
        [
            ("CI green", Tier::Must),
            ("Release flag on", Tier::Must),
            ("Change ticket linked", Tier::Should),
            ("Release notes written", Tier::Should),
            ("On-call informed", Tier::Should),
            (config::ROLLBACK_VERIFIED, Tier::Must),
            (config::MONITORS_LIVE, Tier::Must),
        ]
    );
    match &setup.gates[1].check {
        GateCheck::Value {
            signal,
            expect,
            stale_after,
        } => {
            assert_eq!(expect, &["true".to_string()]);
            assert_eq!(*stale_after, secs(6), "the unleash source's");
            assert_eq!(
                setup.signals[*signal].extract,
                Extract::Pointer("/environments/0/enabled".into())
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(setup.gates[3].check, GateCheck::Checklist(0));
    assert_eq!(setup.gates[4].check, GateCheck::Checklist(1));
    assert_eq!(
        setup.checklist,
        ["Release notes written", "On-call informed"]
    );
    assert_eq!(
        setup.gates[5].check,
        GateCheck::Reachable {
            source: 2,
            within: secs(15)
        }
    );
    assert_eq!(setup.gates[6].check, GateCheck::MonitorsLive);

    let observed = setup.observed_traffic.expect("observed traffic");
    assert_eq!(
        setup.sources[setup.signals[observed].source].name,
        "unleash"
    );

    let actions: Vec<(&str, &str, BodyKind)> = setup
        .actions
        .iter()
        .map(|a| (a.name.as_str(), a.method.as_str(), a.body_kind))
        .collect();
    assert_eq!(
        actions,
        [
            ("promote", "POST", BodyKind::Json),
            ("rollback", "POST", BodyKind::Json)
        ]
    );
    assert!(
        setup
            .actions
            .iter()
            .all(|a| a.timeout == secs(10) && !a.idempotent)
    );
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn defaults_fill_what_the_file_leaves_out() {
    let setup = load(MINIMAL, &[("XDG_STATE_HOME", "/var/state")]).unwrap();
    let s = &setup.plan.stages[0];
    assert_eq!((s.name.as_str(), s.bake), ("100%", secs(600)));
    let p = &setup.sources[0];
    assert_eq!(
        (p.interval, p.timeout, p.stale_after),
        (secs(10), secs(5), secs(30))
    );
    assert_eq!(p.method, "GET");
    let c = &setup.conditions[0];
    assert_eq!(
        (c.label.as_str(), c.persistence),
        ("error_rate", Persistence::Immediate)
    );
    assert_eq!(
        (c.unit.suffix.as_str(), c.unit.scale, c.unit.decimals),
        ("", 1.0, 2)
    );
    assert_eq!(
        setup.journal,
        PathBuf::from("/var/state/gonogo/journal.jsonl")
    );
    assert_eq!(setup.operator, "op");
    assert!(!setup.ascii);
    assert!(setup.bell, "the bell is on unless silenced");
    assert_eq!(setup.theme, ThemeName::Default);
    assert_eq!(setup.observed_traffic, None);
    assert!(setup.actions.is_empty());
    // Without a rollback action, the rollback gate is there and fails.
    assert_eq!(
        setup.gates[0].check,
        GateCheck::Unconfigured("no rollback action configured".into())
    );

    let no_xdg = config::load_with_env(MINIMAL, "x.toml", &vars(&[("HOME", "/home/op")])).unwrap();
    assert_eq!(
        no_xdg.journal,
        PathBuf::from("/home/op/.local/state/gonogo/journal.jsonl")
    );
    // Without $USER, the account the process runs as.
    assert_eq!(no_xdg.operator, whoami::username().unwrap());

    // A short interval shortens the default timeout rather than tripping over it.
    let fast = MINIMAL.replace(
        "url = \"http://127.0.0.1:9090\"",
        "url = \"http://127.0.0.1:9090\"\ninterval = \"2s\"",
    );
    let fast = load(&fast, &[]).unwrap();
    assert_eq!(
        (fast.sources[0].timeout, fast.sources[0].stale_after),
        (secs(1), secs(6))
    );
}

#[test]
fn rollback_without_a_check_request_fails_its_gate() {
    let text =
        format!("{MINIMAL}\n[actions.rollback]\nurl = \"https://deploy.example/rollback\"\n");
    let setup = load(&text, &[]).unwrap();
    let gate = setup
        .gates
        .iter()
        .find(|g| g.name == config::ROLLBACK_VERIFIED)
        .unwrap();
    assert_eq!(
        gate.check,
        GateCheck::Unconfigured("rollback action has no check request".into())
    );
    assert_eq!(setup.sources.len(), 1, "no implicit check source");
    assert_eq!(setup.actions[0].body_kind, BodyKind::None);
}

#[test]
fn actions_encode_their_bodies_and_only_rollback_has_a_check() {
    let text = format!(
        "{MINIMAL}
[actions.pause]
url = \"https://deploy.example/pause?release={{{{release}}}}\"
body = \"reason={{{{reason}}}}\"
content_type = \"form\"
idempotent = true
timeout = \"3s\"
check = {{ url = \"https://deploy.example/ok\" }}
"
    );
    let msg = errors_of(&text, &[]);
    assert_eq!(
        msg,
        "release.toml:27: actions.pause.check: only the rollback action has a check request"
    );
    let ok = load(
        &text.replace("check = { url = \"https://deploy.example/ok\" }\n", ""),
        &[],
    )
    .unwrap();
    let a = &ok.actions[0];
    assert_eq!(
        (a.name.as_str(), a.method.as_str(), a.body_kind),
        ("pause", "POST", BodyKind::Form)
    );
    assert_eq!(a.url, "https://deploy.example/pause?release={{release}}");
    assert!(a.idempotent);
    assert_eq!(a.timeout, secs(3));
}

#[test]
fn stage_overrides_name_real_conditions_and_keep_warn_on_the_safe_side() {
    let text = MINIMAL.replace(
        "bake = \"10m\"",
        "bake = \"10m\"\nthresholds = { error_rate = { max = 0.05 }, eror_rate = { max = 1 } }",
    );
    let msg = errors_of(&text, &[]);
    assert_eq!(
        msg,
        "release.toml:10: stages[0].thresholds.eror_rate: no condition `eror_rate` — expected the id of a condition: error_rate"
    );
    let ok = load(&text.replace(", eror_rate = { max = 1 }", ""), &[]).unwrap();
    assert_eq!(ok.plan.stages[0].overrides["error_rate"].max, Some(0.05));

    let warn = MINIMAL
        .replace("max = 0.02", "max = 0.02\nwarn = 0.01")
        .replace(
            "bake = \"10m\"",
            "bake = \"10m\"\nthresholds = { error_rate = { max = 0.005 } }",
        );
    let msg = errors_of(&warn, &[]);
    assert!(
        msg.contains(
            "stages[0].thresholds.error_rate.warn: got 0.01 — expected less than max (0.005)"
        ),
        "{msg}"
    );
}

#[test]
fn overrides_from_the_environment_win_and_are_named_in_errors() {
    let text = MINIMAL.replace(
        "url = \"http://127.0.0.1:9090\"",
        "url = \"http://127.0.0.1:9090\"\nheaders = { X-Scope-OrgID = \"tenant-a\" }",
    );
    let setup = load(
        &text,
        &[
            ("GONOGO_RELEASE__VERSION", "2"),
            ("GONOGO_STAGES__0__BAKE", "1m"),
            (
                "GONOGO_SOURCES__PROMETHEUS__HEADERS__X-SCOPE-ORGID",
                "tenant-b",
            ),
            ("GONOGO_COCKPIT__ASCII", "true"),
            ("GONOGO_COCKPIT__BELL", "false"),
            ("GONOGO_COCKPIT__THEME", "high-contrast"),
            ("GONOGO_CONFIG", "ignored.toml"),
        ],
    )
    .unwrap();
    assert_eq!(
        setup.release.version, "2",
        "a number-like value stays text where text is wanted"
    );
    assert_eq!(setup.plan.stages[0].bake, secs(60));
    let headers: Vec<(&str, &str)> = setup.sources[0]
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.expose()))
        .collect();
    assert_eq!(
        headers,
        [("X-Scope-OrgID", "tenant-b")],
        "the file's spelling of the header is kept"
    );
    assert!(setup.ascii);
    assert!(!setup.bell);
    assert_eq!(setup.theme, ThemeName::HighContrast);

    let msg = errors_of(
        MINIMAL,
        &[
            ("GONOGO_CONDITIONS__0__MAX", "two percent"),
            ("GONOGO_RELEASE__BOGUS", "x"),
        ],
    );
    assert_eq!(
        msg,
        "release.toml: release.bogus: unknown key (set by GONOGO_RELEASE__BOGUS) — expected one of: name, version, environment, commit\n\
         release.toml: conditions[0].max: set by GONOGO_CONDITIONS__0__MAX, got \"two percent\" — expected a number (e.g. 0.02)"
    );
}

#[test]
fn load_file_applies_process_overrides_and_reads_secret_files_beside_it() {
    if !crate::support::alone::alone(
        "config_errors::load_file_applies_process_overrides_and_reads_secret_files_beside_it",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prom-token"), "s3cret\n").unwrap();
    let text = MINIMAL.replace(
        "url = \"http://127.0.0.1:9090\"",
        "url = \"http://127.0.0.1:9090\"\nauth = { bearer = { file = \"prom-token\" } }",
    );
    let path = dir.path().join("release.toml");
    std::fs::write(&path, text).unwrap();
    // SAFETY: this test runs alone in its process (see `alone`): nothing else reads the
    // environment meanwhile.
    unsafe { std::env::set_var("GONOGO_RELEASE__VERSION", "2.15.0") };
    let loaded = config::load_file(&path);
    unsafe { std::env::remove_var("GONOGO_RELEASE__VERSION") };
    let setup = loaded.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(setup.release.version, "2.15.0");
    let auth: Vec<(&str, &str)> = setup.sources[0]
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.expose()))
        .collect();
    assert_eq!(auth, [("Authorization", "Bearer s3cret")]);

    // Without the variable, the file's value stands.
    assert_eq!(config::load_file(&path).unwrap().release.version, "2.14.0");
    let missing = config::load_file(&dir.path().join("nope.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("nope.toml: cannot read the config file"),
        "{missing}"
    );
}

#[test]
fn example_documents_a_config_that_loads() {
    let text = include_str!("../../config/example.toml");
    let env = [
        ("PROMETHEUS_TOKEN", "prom-token"),
        ("GITHUB_TOKEN", "ghp-token"),
        ("UNLEASH_TOKEN", "unleash-token"),
        ("DEPLOY_HOOK_TOKEN", "hook-token"),
        ("DEPLOY_HOOK_PASSWORD", "hook-password"),
    ];
    let setup = load(text, &env).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(setup.release.name, "checkout-api");
    assert_eq!(setup.plan.stages.last().map(|s| s.traffic), Some(100.0));
    assert!(
        setup
            .gates
            .iter()
            .any(|g| matches!(g.check, GateCheck::Reachable { .. }))
    );
    // Each secret from the environment made it to a header, and none stayed unresolved.
    let all_headers: Vec<&str> = setup
        .sources
        .iter()
        .flat_map(|s| &s.headers)
        .chain(setup.actions.iter().flat_map(|a| &a.headers))
        .map(|(_, v)| v.expose())
        .collect();
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode("gonogo:hook-password");
    for want in [
        "Bearer prom-token".to_string(),
        "Bearer ghp-token".to_string(),
        "unleash-token".to_string(),
        "hook-token".to_string(),
        format!("Basic {basic}"),
    ] {
        assert!(
            all_headers.contains(&want.as_str()),
            "{want} not in the headers"
        );
    }
    // Without them, each reference is named.
    let msg = errors_of(text, &[]);
    for (var, _) in env {
        assert!(
            msg.contains(&format!("environment variable {var} is not set")),
            "{var}: {msg}"
        );
    }
}
