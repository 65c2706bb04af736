mod cli;
mod shared_audit;

use clap::Parser;
use cli::{AuditCommand, Cli, Command, DemoCommand, JournalAt, RunArgs, UiArgs};
use color_eyre::eyre::{Result, bail, eyre};
use gonogo::headless::{self, Format};
use gonogo::setup::Setup;
use gonogo::{config, demo, journal, runtime};
use std::io::{IsTerminal, Write};
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
        // A reader that stopped reading (`| head`) is no failure of ours: stop quietly.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            runtime::restore_terminal();
            eprintln!("gonogo: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Whether writing failed because the reader of stdout went away.
fn broken_pipe(e: &color_eyre::eyre::Report) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        None => run(cli.run),
        Some(Command::Run(args)) => run(args),
        Some(Command::Demo(args)) => demo(args),
        Some(Command::Validate { config, no_secrets }) => Ok(if no_secrets {
            validate_noting_secrets(&config)
        } else {
            validate(&config)
        }),
        Some(Command::Check(args)) => check(args),
        Some(Command::Watch(args)) => watch(args),
        Some(Command::Report(args)) => report(args),
        Some(Command::Backtest(args)) => backtest(args),
        Some(Command::Audit {
            command: AuditCommand::Verify { at },
        }) => audit_verify(at),
        Some(Command::Audit {
            command: AuditCommand::Show { at, since },
        }) => audit_show(at, since),
        Some(Command::Audit {
            command: AuditCommand::Repair { at },
        }) => audit_repair(at),
        Some(Command::Audit {
            command: AuditCommand::Export { at, to },
        }) => Ok(shared_audit::export(&at, &to)),
        Some(Command::Audit {
            command: AuditCommand::Init { at, role, reader },
        }) => Ok(shared_audit::init(&at, &role, &reader)),
    }
}

/// Load a config, printing every problem plainly (before any terminal takeover).
fn load(path: &Path) -> Result<Setup, ExitCode> {
    config::load_file(path).map_err(refused)
}

fn refused(errors: config::ConfigErrors) -> ExitCode {
    eprintln!("{errors}");
    ExitCode::from(2)
}

fn validate(path: &Path) -> ExitCode {
    match load(path) {
        Ok(setup) => {
            let counts = config::Counts::of(&setup);
            println!("{}: ok — {counts}", path.display());
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// `validate --no-secrets`: the errors as `validate` prints them, then a note naming each
/// secret that could not be read; exit 0 when there is nothing but notes.
fn validate_noting_secrets(path: &Path) -> ExitCode {
    let got = config::load_file_noting_secrets(path);
    let unread = got.notes.0.errors.len();
    let outline = got.checked.map_err(refused);
    if unread > 0 {
        eprintln!("{}", got.notes);
    }
    let outline = match outline {
        Ok(o) => o,
        Err(code) => return code,
    };
    let verdict = match unread {
        0 => "ok".to_string(),
        1 => "ok apart from 1 secret not read (the cockpit, check and watch need it)".into(),
        n => format!("ok apart from {n} secrets not read (the cockpit, check and watch need them)"),
    };
    let counts = outline
        .counts
        .map(|c| format!(" — {c}"))
        .unwrap_or_default();
    println!("{}: {verdict}{counts}", path.display());
    ExitCode::SUCCESS
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
        setup.shared_journal = None;
    }
    if args.armed {
        arm(&mut setup)?;
    }
    cockpit(setup, &args.ui)
}

fn demo(args: cli::DemoArgs) -> Result<ExitCode> {
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
fn runtime_builder() -> Result<tokio::runtime::Runtime> {
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

fn check(args: cli::CheckArgs) -> Result<ExitCode> {
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

fn watch(args: cli::WatchArgs) -> Result<ExitCode> {
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

fn report(args: cli::ReportArgs) -> Result<ExitCode> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let shared = match shared_audit::for_report(args.config.as_deref()) {
        Ok(url) => url,
        Err(code) => return Ok(code),
    };
    let options = headless::ReportOptions {
        journals: args.journal,
        shared,
        format: args.format,
        color: !(args.no_color || no_color) && std::io::stdout().is_terminal(),
    };
    headless::report(&options, &mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

fn backtest(args: cli::BacktestArgs) -> Result<ExitCode> {
    let setup = match load(&args.config) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let options = headless::BacktestOptions {
        from: args.from,
        to: args.to,
        step: args.step,
        stage: args.stage,
        format: args.format,
    };
    let (prepared, window) = match headless::backtest::plan(setup, &options, chrono::Utc::now()) {
        Ok(p) => p,
        Err(why) => {
            eprintln!("gonogo backtest: {why}");
            return Ok(ExitCode::from(2));
        }
    };
    runtime_builder()?.block_on(headless::backtest(
        &prepared,
        &window,
        options.format,
        &mut std::io::stdout().lock(),
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn journal_path(at: JournalAt) -> Result<std::path::PathBuf, ExitCode> {
    journal_and_operator(at).map(|(path, _)| path)
}

/// The journal `at` names, and who acts on it: the config's operator, else `$USER`, else the
/// OS account.
fn journal_and_operator(at: JournalAt) -> Result<(std::path::PathBuf, String), ExitCode> {
    let user = || gonogo::host::operator(std::env::var("USER").ok().as_deref());
    Ok(match (at.journal, at.config) {
        (Some(j), None) => (j, user()),
        (j, Some(c)) => {
            // Reading a journal sends nothing: a source's secret that is not there is no error.
            let outline = config::load_file_noting_secrets(&c)
                .checked
                .map_err(refused)?;
            (j.unwrap_or(outline.journal), outline.operator)
        }
        (None, None) => (config::default_journal_path(), user()),
    })
}

fn audit_show(at: JournalAt, since: Option<String>) -> Result<ExitCode> {
    let since = match since.map(|s| journal::parse_since(&s, chrono::Utc::now())) {
        Some(Err(e)) => bail!(e),
        Some(Ok(t)) => Some(t),
        None => None,
    };
    if let Some(code) = shared_audit::on_shared(&at, |u, c| shared_audit::show(u, c, since)) {
        return Ok(code);
    }
    let path = match journal_path(at) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let (records, end) = journal::read_with_end(&path)?;
    let mut out = std::io::stdout().lock();
    if records.is_empty() {
        writeln!(out, "{}: no records", path.display())?;
    }
    for r in records.iter().filter(|r| since.is_none_or(|s| r.ts >= s)) {
        writeln!(out, "{}", journal::format_record(r))?;
    }
    out.flush()?;
    let len = std::fs::metadata(&path).map_or(end, |m| m.len());
    if len > end {
        eprintln!(
            "gonogo: {}: the last {} bytes are not a whole record and are not shown (a write in progress, or cut short by a crash: `gonogo audit verify` tells which)",
            path.display(),
            len - end
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn audit_verify(at: JournalAt) -> Result<ExitCode> {
    if let Some(code) = shared_audit::on_shared(&at, shared_audit::verify) {
        return Ok(code);
    }
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
            eprintln!("gonogo: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn audit_repair(at: JournalAt) -> Result<ExitCode> {
    if let Some(code) = shared_audit::on_shared(&at, shared_audit::repair) {
        return Ok(code);
    }
    let (path, operator) = match journal_and_operator(at) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    match journal::repair(&path, &operator, chrono::Utc::now()) {
        Ok(None) => {
            println!(
                "{}: nothing to repair, the last line is whole",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(Some(done)) => {
            println!(
                "{}: line {} ({} bytes, SHA-256 {}) set aside to {}; journaled as line {} by {operator}",
                path.display(),
                done.torn.line,
                done.torn.bytes.len(),
                done.sha256,
                done.aside.display(),
                done.torn.line
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ journal::JournalError::Locked { .. }) => {
            eprintln!("gonogo: {e}; stop that cockpit, then repair");
            Ok(ExitCode::from(1))
        }
        Err(e @ journal::JournalError::Corrupt { .. }) => {
            eprintln!(
                "gonogo: {e}\nnot repaired: only a torn last line (no newline, not a record) is what a crash leaves; damage before it is an edit or a disk fault. Keep this file as evidence (`gonogo audit verify` names the line) and give the cockpit a new journal (--journal)"
            );
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            eprintln!("gonogo: {e}");
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
