//! Command-line interface.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "gonogo",
    version,
    about = "A terminal release cockpit: live canary metrics, stop conditions, gates and one verdict",
    after_help = "Try it: gonogo demo"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Watch a release described by a config file (the default command).
    Run(RunArgs),
    /// Run the cockpit against the built-in simulator of a canary release.
    Demo(DemoArgs),
    /// Check a config file and print every problem found.
    Validate {
        #[arg(short, long, value_name = "FILE")]
        config: PathBuf,
    },
    /// Read the audit journal.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Print the journal, one readable line per record.
    Show {
        #[command(flatten)]
        at: JournalAt,
        /// Only records from this time on: `2h`, `30m`, or `2026-11-22T09:00:00Z`.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
    },
    /// Check the journal's hash chain and name the first bad line.
    Verify {
        #[command(flatten)]
        at: JournalAt,
    },
}

/// Which journal: `--journal FILE`, else the one `--config` names, else the default path.
#[derive(Debug, Args, Clone)]
pub struct JournalAt {
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct UiArgs {
    /// Observer mode: no actions, and the journal is read but never written.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Draw with ASCII symbols and borders only.
    #[arg(long, global = true)]
    pub ascii: bool,
    /// No colours (also when the NO_COLOR environment variable is set and not empty).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Write diagnostics to this file (filter with RUST_LOG); the terminal belongs to the UI.
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Use this audit journal instead of the configured one.
    #[arg(long, global = true, value_name = "FILE")]
    pub journal: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct RunArgs {
    /// The release config (TOML).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub ui: UiArgs,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// When the simulated canary starts to regress, counted from start.
    #[arg(long, default_value = "70s", value_parser = humantime::parse_duration)]
    pub regress_after: std::time::Duration,
    /// How long the simulated deploy system takes to answer promote and rollback (past the
    /// action timeout of 10s the outcome is unknown).
    #[arg(long, default_value = "0s", value_parser = humantime::parse_duration)]
    pub webhook_delay: std::time::Duration,
    #[command(flatten)]
    pub ui: UiArgs,
}
