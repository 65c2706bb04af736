//! Launching a release: the cockpit (`run`, `demo`), and the headless `check` and `watch`,
//! on the runtime they share.

use crate::cli::{self, DemoCommand, RunArgs, UiArgs};
use crate::load;
use color_eyre::eyre::{Result, bail, eyre};
use gonogo::headless::{self, Format};
use gonogo::setup::Setup;
use gonogo::{config, demo, runtime};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: RunArgs) -> Result<ExitCode> {
    let Some(path) = args.config.as_deref() else {
        bail!("no config given: `gonogo --config release.toml`, or try `gonogo demo`");
    };
    let mut setup = match load(path) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    if let Some(j) = &args.ui.journal {
        setup.journal = j.clone();
        setup.shared_journal = None;
    }
    if args.armed {
        arm(&mut setup)?;
    }
    cockpit(setup, &args.ui)
}

pub fn demo(args: cli::DemoArgs) -> Result<ExitCode> {
    let rt = runtime_builder()?;
    rt.block_on(async {
        let scenario = demo::Scenario {
            regress_after: args.regress_after,
            regress_for: args.regress_for,
            webhook_delay: args.webhook_delay,
            prometheus_down_for: args.prometheus_down_for,
            ..demo::Scenario::default()
        };
        let sim = demo::start(scenario).await?;
        let mut text = demo::demo_config(&sim.url);
        if let Some(bake) = args.bake {
            let bake = humantime::format_duration(bake)
                .to_string()
                .replace(' ', "");
            text = text.replace(r#"bake = "30s""#, &format!("bake = \"{bake}\""));
        }
        if let Some(c) = args.countdown {
            let c = humantime::format_duration(c).to_string().replace(' ', "");
            text = text.replace(r#"countdown = "30s""#, &format!("countdown = \"{c}\""));
        }
        let mut setup = config::load_str(&text, "demo.toml (built in)")
            .map_err(|e| eyre!("the built-in demo config is invalid:\n{e}"))?;
        if args.armed {
            arm(&mut setup)?;
        }
        // A fresh journal per demo run, so every demo starts at the first stage.
        setup.journal = args.ui.journal.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("gonogo-demo-{}.jsonl", std::process::id()))
        });
        let journal_path = setup.journal.clone();
        let code = match &args.headless {
            None => {
                let code = cockpit_async(setup, &args.ui).await?;
                if journal_path.exists() {
                    eprintln!("demo journal: {}", journal_path.display());
                }
                code
            }
            Some(DemoCommand::Check(c)) => check_async(setup, c).await?,
            // Armed, the headless driver rolls the simulated canary back by itself.
            Some(DemoCommand::Watch { format }) if args.armed => {
                let options = headless::WatchOptions {
                    format: *format,
                    armed: Some(true),
                };
                watch_with(setup, options).await?
            }
            Some(DemoCommand::Watch { format }) => watch_plain(setup, *format).await?,
        };
        drop(sim);
        Ok(code)
    })
}

/// `--armed`: arm what `[automation]` names, or auto-rollback alone; refused when
/// auto-rollback would have no critical condition to act on.
fn arm(setup: &mut Setup) -> Result<()> {
    let armed = gonogo::app::arming(setup.automation.armed);
    if armed.rollback && !setup.conditions.iter().any(|c| c.critical) {
        bail!(
            "--armed: auto-rollback acts only on a condition marked critical = true, and the \
             config marks none; mark the condition that must roll back by itself (in \
             [[conditions]]), or arm auto-promote alone with [automation] promote = true"
        );
    }
    setup.automation.armed = armed;
    Ok(())
}

/// Two threads: the cockpit's loop (keys, `update`, drawing) runs on the one that calls
/// `block_on`; polls, webhooks and timers run on the single worker. A terminal write that
/// blocks (a stalled SSH link) does not stop polls or a webhook in flight, and parsing a large
/// answer does not delay a key. A second worker only added wake-ups: with 1,000 queries a
/// second the cockpit cost 12 % of a core with two workers and 9 % with one.
pub fn runtime_builder() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?)
}

fn cockpit(setup: Setup, ui: &UiArgs) -> Result<ExitCode> {
    runtime_builder()?.block_on(cockpit_async(setup, ui))
}

async fn cockpit_async(setup: Setup, ui: &UiArgs) -> Result<ExitCode> {
    let _log = init_logging(ui.log_file.as_deref())?;
    if !std::io::stdout().is_terminal() {
        // No escape codes into a file or pipe: the same release, one line per change.
        eprintln!(
            "gonogo: stdout is not a terminal, so no full-screen cockpit: writing one line per change (read-only) until SIGINT or SIGTERM; run in a terminal for the cockpit, or use `gonogo watch --plain` or `gonogo check` on purpose"
        );
        return watch_plain(setup, Format::Text).await;
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let options = runtime::Options {
        read_only: ui.read_only,
        color: !(ui.no_color || no_color),
        ascii: ui.ascii,
        bell: !ui.no_bell,
        theme: ui
            .theme
            .as_deref()
            .and_then(gonogo::setup::ThemeName::parse),
    };
    runtime::run(setup, options).await?;
    Ok(ExitCode::SUCCESS)
}

/// The config, with `--journal` in place of the configured journal.
fn load_for(path: &Path, ui: &UiArgs) -> Result<Setup, ExitCode> {
    let mut setup = load(path)?;
    if let Some(j) = &ui.journal {
        setup.journal = j.clone();
        setup.shared_journal = None;
    }
    Ok(setup)
}

pub fn check(args: cli::CheckArgs) -> Result<ExitCode> {
    let setup = match load_for(&args.config, &args.ui) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let _log = init_logging(args.ui.log_file.as_deref())?;
    runtime_builder()?.block_on(check_async(setup, &args.check))
}

async fn check_async(setup: Setup, args: &cli::CheckOptionArgs) -> Result<ExitCode> {
    let options = headless::CheckOptions {
        wait: args.wait,
        observe: args.observe,
        format: args.format,
    };
    let exit = headless::check(setup, &options, &mut std::io::stdout().lock()).await?;
    Ok(exit.into())
}

pub fn watch(args: cli::WatchArgs) -> Result<ExitCode> {
    let setup = match load_for(&args.config, &args.ui) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    // Armed, it drives the release headless: lines even on a terminal.
    if !args.plain && !args.armed && args.format == Format::Text && std::io::stdout().is_terminal()
    {
        // Watching on a terminal is the observer's cockpit; JSON Lines are always plain.
        let ui = UiArgs {
            read_only: true,
            ..args.ui
        };
        return cockpit(setup, &ui);
    }
    let _log = init_logging(args.ui.log_file.as_deref())?;
    let mut setup = setup;
    let mut armed = None;
    if args.armed {
        let configured = setup.automation.armed;
        arm(&mut setup)?;
        armed = Some(configured != setup.automation.armed);
    }
    let options = headless::WatchOptions {
        format: args.format,
        armed,
    };
    runtime_builder()?.block_on(watch_with(setup, options))
}

async fn watch_plain(setup: Setup, format: Format) -> Result<ExitCode> {
    let options = headless::WatchOptions {
        format,
        armed: None,
    };
    watch_with(setup, options).await
}

async fn watch_with(setup: Setup, options: headless::WatchOptions) -> Result<ExitCode> {
    headless::watch(setup, &options, &mut std::io::stdout().lock()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Diagnostics go to a file, never to the terminal the UI owns.
fn init_logging(path: Option<&Path>) -> Result<Option<()>> {
    let Some(path) = path else { return Ok(None) };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| eyre!("log file {}: {e}", path.display()))?;
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    Ok(Some(()))
}
