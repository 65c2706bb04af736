//! Every integration test in one binary: one module per area, and `support` for what they
//! share (servers, the real binary in tmux, configs). One binary links once, and the real
//! servers (Prometheus, VictoriaMetrics, Unleash) start once for all of them, on first use.
//!
//! Run one area with `cargo test --test it tty_` (a name filter), or one test by its path.

mod support;

mod action_examples;
mod actions_webhooks;
mod armed_watch_demo;
mod audit_journal;
mod backfill_prometheus;
mod backtest_prometheus;
mod config_errors;
mod demo_simulator;
mod headless_check;
mod headless_outcome;
mod headless_report;
mod headless_watch;
mod headless_watch_armed;
mod readme_examples;
mod real_alertmanager;
mod real_prometheus;
mod real_prometheus_compare;
mod real_prometheus_traffic;
mod real_unleash;
mod real_victoriametrics;
mod shared_journal;
mod shared_journal_cli;
mod shared_journal_driver;
mod shared_journal_init;
mod shared_journal_outage;
mod shared_journal_presence;
mod shared_journal_veto;
mod sources_datadog;
mod sources_failures;
mod sources_http;
mod sources_per_host;
mod sources_presets;
mod sources_presets_github;
mod sources_provider_configs;
mod sources_rollouts;
mod sources_scheduling;
mod tls;
mod tls_config;
mod tty_armed;
mod tty_armed_watch;
mod tty_attention;
mod tty_bake;
mod tty_catchup;
mod tty_demo;
mod tty_driver;
mod tty_evidence;
mod tty_focus;
mod tty_incident;
mod tty_keys;
mod tty_log;
mod tty_outcome;
mod tty_screen;
mod tty_shared_driver;
mod tty_shared_outage;
mod tty_shared_veto;
mod tty_shared_wheel;
mod url_secrets;
mod validate_keys;
mod validate_no_secrets;
