mod cli;

use clap::Parser;
use cli::{AuditCommand, Cli, Command, JournalAt, RunArgs, UiArgs};
use color_eyre::eyre::{Result, bail, eyre};
use gonogo::setup::Setup;
use gonogo::{config, demo, journal, runtime};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .install()
    {
        eprintln!("gonogo: {e}");
    }
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            runtime::restore_terminal();
            eprintln!("gonogo: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        None => run(cli.run),
        Some(Command::Run(args)) => run(args),
        Some(Command::Demo(args)) => demo(args),
        Some(Command::Validate { config }) => Ok(validate(&config)),
        Some(Command::Audit {
            command: AuditCommand::Verify { at },
        }) => audit_verify(at),
        Some(Command::Audit {
            command: AuditCommand::Show { at, since },
        }) => audit_show(at, since),
    }
}

/// Load a config, printing every problem plainly (before any terminal takeover).
fn load(path: &Path) -> Result<Setup, ExitCode> {
    config::load_file(path).map_err(|errors| {
        eprintln!("{errors}");
        ExitCode::from(2)
    })
}

fn validate(path: &Path) -> ExitCode {
    match load(path) {
        Ok(setup) => {
            println!(
                "{}: ok — {} stages, {} sources, {} conditions, {} gates",
                path.display(),
                setup.plan.stages.len(),
                setup.sources.len(),
                setup.conditions.len(),
                setup.gates.len()
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

fn run(args: RunArgs) -> Result<ExitCode> {
    let Some(path) = args.config.as_deref() else {
        bail!("no config given: `gonogo --config release.toml`, or try `gonogo demo`");
    };
    let mut setup = match load(path) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    if let Some(j) = &args.ui.journal {
        setup.journal = j.clone();
    }
    cockpit(setup, &args.ui)
}

fn demo(args: cli::DemoArgs) -> Result<ExitCode> {
    let rt = runtime_builder()?;
    rt.block_on(async {
        let scenario = demo::Scenario {
            regress_after: args.regress_after,
            webhook_delay: args.webhook_delay,
            ..demo::Scenario::default()
        };
        let sim = demo::start(scenario).await?;
        let text = demo::demo_config(&sim.url);
        let mut setup = config::load_str(&text, "demo.toml (built in)")
            .map_err(|e| eyre!("the built-in demo config is invalid:\n{e}"))?;
        // A fresh journal per demo run, so every demo starts at the first stage.
        setup.journal = args.ui.journal.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("gonogo-demo-{}.jsonl", std::process::id()))
        });
        let journal_path = setup.journal.clone();
        let code = cockpit_async(setup, &args.ui).await?;
        eprintln!("demo journal: {}", journal_path.display());
        drop(sim);
        Ok(code)
    })
}

fn runtime_builder() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

fn cockpit(setup: Setup, ui: &UiArgs) -> Result<ExitCode> {
    runtime_builder()?.block_on(cockpit_async(setup, ui))
}

async fn cockpit_async(setup: Setup, ui: &UiArgs) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() {
        bail!(
            "stdout is not a terminal: the cockpit draws full screen and needs one (run it in a terminal, or check a config with `gonogo validate`)"
        );
    }
    let _log = init_logging(ui.log_file.as_deref())?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let options = runtime::Options {
        read_only: ui.read_only,
        color: !(ui.no_color || no_color),
        ascii: ui.ascii,
    };
    runtime::run(setup, options).await?;
    Ok(ExitCode::SUCCESS)
}

fn journal_path(at: JournalAt) -> Result<std::path::PathBuf, ExitCode> {
    Ok(match (at.journal, at.config) {
        (Some(j), _) => j,
        (None, Some(c)) => load(&c)?.journal,
        (None, None) => config::default_journal_path(),
    })
}

fn audit_show(at: JournalAt, since: Option<String>) -> Result<ExitCode> {
    let path = match journal_path(at) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let since = match since.map(|s| journal::parse_since(&s, chrono::Utc::now())) {
        Some(Err(e)) => bail!(e),
        Some(Ok(t)) => Some(t),
        None => None,
    };
    let records = journal::read(&path)?;
    if records.is_empty() {
        println!("{}: no records", path.display());
    }
    for r in records.iter().filter(|r| since.is_none_or(|s| r.ts >= s)) {
        println!("{}", journal::format_record(r));
    }
    Ok(ExitCode::SUCCESS)
}

fn audit_verify(at: JournalAt) -> Result<ExitCode> {
    let path = match journal_path(at) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    match journal::verify(&path) {
        Ok(n) => {
            println!("{}: ok — {n} records, chain intact", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("{}: {e}", path.display());
            Ok(ExitCode::from(1))
        }
    }
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
