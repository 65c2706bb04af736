mod audit;
mod cli;
mod launch;
mod shared_audit;

use audit::{audit_repair, audit_show, audit_verify};
use clap::Parser;
use cli::{AuditCommand, Cli, Command};
use color_eyre::eyre::Result;
use gonogo::headless;
use gonogo::setup::Setup;
use gonogo::{config, runtime};
use launch::{check, demo, run, runtime_builder, watch};
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
