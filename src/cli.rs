//! Command-line interface.

use clap::{Args, Parser, Subcommand};
use gonogo::headless::Format;
use std::path::PathBuf;
use std::time::Duration;

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
        /// For a pull request's checks, where the secrets are not: a secret that cannot be read
        /// (variable unset or empty, file missing or empty) is a note naming it, not an error.
        /// Exit 0 when the config is valid apart from its secrets, 2 on any other problem.
        #[arg(long)]
        no_secrets: bool,
    },
    /// Evaluate the release once and exit with the verdict's code: for deploy pipelines.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// One timestamped line per change (verdict, stage, breach, source, action), for logs.
    Watch(WatchArgs),
    /// Figures from audit journals: outcomes, frequency, lead time, failure rate, restore time.
    Report(ReportArgs),
    /// Replay a past window from Prometheus history: when each condition would have warned
    /// and breached, and the verdict over time, to tune thresholds and persistence.
    Backtest(BacktestArgs),
    /// Read, verify and (after a crash mid-write) repair the audit journal.
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
    /// Write the release's records from the shared journal (PostgreSQL) as a file journal, and
    /// verify it: an auditor then needs no database (`audit verify --journal FILE`).
    Export {
        #[command(flatten)]
        at: JournalAt,
        /// The file to write (JSON Lines, the file journal's format).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Create the shared journal's tables (as a role that may) and print the GRANTs the roles
    /// that run cockpits and readers need, so they need no CREATE.
    Init {
        #[command(flatten)]
        at: JournalAt,
        /// The role that runs cockpits, for the GRANTs printed.
        #[arg(long, value_name = "ROLE", default_value = "gonogo_cockpit")]
        role: String,
        /// The role that only reads (audit, report, check, watch, --read-only).
        #[arg(long, value_name = "ROLE", default_value = "gonogo_reader")]
        reader: String,
    },
    /// Set aside a last line a crash cut short, and journal it, so the chain goes on.
    ///
    /// Moves the torn bytes to a file next to the journal (nothing is deleted) and appends a
    /// record saying what was set aside: line, byte count, SHA-256 and where they went.
    /// Refuses damage anywhere else, and a journal a running cockpit holds.
    Repair {
        #[command(flatten)]
        at: JournalAt,
    },
}

/// Which journal: `--journal FILE`, else the one `--config` names (a file, or the release's
/// records in the shared journal), else the default path.
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
    /// No bell when the verdict turns ROLLBACK ADVISED or an outcome becomes unknown (also
    /// `[cockpit] bell = false`).
    #[arg(long, global = true)]
    pub no_bell: bool,
    /// The palette: high-contrast draws bright colours, bold states and nothing that matters
    /// in grey (also `[cockpit] theme`).
    #[arg(long, global = true, value_name = "NAME", value_parser = clap::builder::PossibleValuesParser::new(gonogo::setup::ThemeName::NAMES))]
    pub theme: Option<String>,
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
    /// Arm automation for this run: what `[automation]` names, or auto-rollback alone.
    #[arg(long)]
    pub armed: bool,
    #[command(flatten)]
    pub ui: UiArgs,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// When the simulated canary starts to regress, counted from start.
    #[arg(long, global = true, default_value = "70s", value_parser = humantime::parse_duration)]
    pub regress_after: std::time::Duration,
    /// How long the simulated deploy system takes to answer promote and rollback (past the
    /// action timeout of 10s the outcome is unknown).
    #[arg(long, global = true, default_value = "0s", value_parser = humantime::parse_duration)]
    pub webhook_delay: std::time::Duration,
    /// How long the simulated regression lasts before it ends by itself (default: until a
    /// rollback).
    #[arg(long, global = true, value_parser = humantime::parse_duration)]
    pub regress_for: Option<std::time::Duration>,
    /// The simulated Prometheus answers 503 for this long from start (a blind start).
    #[arg(long, global = true, default_value = "0s", value_parser = humantime::parse_duration)]
    pub prometheus_down_for: std::time::Duration,
    /// Every stage's bake time, instead of the demo config's 30s.
    #[arg(long, global = true, value_parser = humantime::parse_duration)]
    pub bake: Option<std::time::Duration>,
    /// Arm auto-rollback: the demo's error rate is marked critical, so the regression rolls
    /// back by itself after a countdown (veto with x).
    #[arg(long)]
    pub armed: bool,
    /// The countdown before an armed action, instead of the demo config's 30s.
    #[arg(long, value_parser = humantime::parse_duration)]
    pub countdown: Option<std::time::Duration>,
    #[command(flatten)]
    pub ui: UiArgs,
    /// Without a command: the full-screen cockpit.
    #[command(subcommand)]
    pub headless: Option<DemoCommand>,
}

pub const EXIT_CODES: &str = "Exit codes:
  0  GO or COMPLETE
  1  internal error (the check could not be made)
  2  config error, or a bad command line
  3  HOLD
  4  NO-GO UNTIL VERIFIED (also when a source did not answer within --wait)
  5  ROLLBACK ADVISED";

#[derive(Debug, Args, Clone)]
pub struct CheckOptionArgs {
    /// How long to wait for every source's first answer; a source still silent then counts as
    /// down (its conditions unknown: NO-GO UNTIL VERIFIED).
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    pub wait: Duration,
    /// Keep observing this long before evaluating, so persistence rules (`for`, `samples`) can
    /// confirm a breach and short bakes can finish. Default: evaluate at the first answers.
    #[arg(long, default_value = "0s", value_parser = humantime::parse_duration)]
    pub observe: Duration,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// The release config (TOML).
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,
    #[command(flatten)]
    pub check: CheckOptionArgs,
    #[command(flatten)]
    pub ui: UiArgs,
}

#[derive(Debug, Args, Clone)]
pub struct WatchArgs {
    /// The release config (TOML).
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,
    /// Lines instead of the full-screen cockpit (also the case when stdout is not a terminal
    /// or with --format json; on a terminal, without --plain, the cockpit opens read-only).
    #[arg(long)]
    pub plain: bool,
    /// `json`: JSON Lines, one object per change.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Drive the release without a screen, with the automation armed: what `[automation]`
    /// names, or auto-rollback alone. Takes the journal as a cockpit does; each countdown can
    /// be vetoed from a cockpit following the journal. Always lines, never the cockpit.
    #[arg(long, conflicts_with = "read_only")]
    pub armed: bool,
    #[command(flatten)]
    pub ui: UiArgs,
}

#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Audit journals to read (several may follow one --journal, or repeat it).
    #[arg(long = "journal", value_name = "FILE", required_unless_present = "config", num_args = 1..)]
    pub journal: Vec<PathBuf>,
    /// A config whose `[cockpit] journal` is the shared journal (PostgreSQL): every release
    /// in it is read, with any --journal files.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// No colours in the charts (also when NO_COLOR is set and not empty, or stdout is not a
    /// terminal).
    #[arg(long)]
    pub no_color: bool,
}

/// `gonogo demo check` and `gonogo demo watch`: the headless commands against the simulator.
#[derive(Debug, Subcommand, Clone)]
pub enum DemoCommand {
    /// `gonogo check` against the simulator (try --observe 40s for GO, or --regress-after 5s
    /// with --observe 20s for ROLLBACK ADVISED).
    #[command(after_help = EXIT_CODES)]
    Check(CheckOptionArgs),
    /// `gonogo watch --plain` against the simulator, until Ctrl-C (`demo --armed watch`:
    /// `gonogo watch --armed`, which rolls the regression back by itself).
    Watch {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Args, Clone)]
pub struct BacktestArgs {
    /// The release config (TOML).
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,
    /// Start of the window: RFC 3339 (2026-11-22T09:00:00Z), `now`, or a time ago (-1h).
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub from: String,
    /// End of the window, as --from.
    #[arg(
        long,
        value_name = "WHEN",
        default_value = "now",
        allow_hyphen_values = true
    )]
    pub to: String,
    /// The range queries' step: one value of each condition per step.
    #[arg(long, default_value = "15s", value_parser = humantime::parse_duration)]
    pub step: Duration,
    /// The stage the release was at over the window: its name, share (5%) or number (#2).
    /// Default: where the config's journal says (stage entries in the window too), else the
    /// first.
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
