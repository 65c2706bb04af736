//! Headless use: the same core and sources without the full-screen cockpit.
//!
//! - `check`: start the sources, wait for each to answer once, evaluate once, print the verdict
//!   with its evidence and exit with a code per verdict ([`Exit`]), for deploy pipelines.
//! - `watch`: one timestamped line per change (text or JSON Lines), for logs.
//! - `report`: figures over past releases from audit journals.
//! - `backtest`: a past window replayed from Prometheus history, to tune thresholds.
//!
//! Check and watch never take the journal: they read it (`journal::read`) and run the app
//! state read-only, so they can run beside an operator's cockpit.

pub mod backtest;
pub mod check;
mod exit;
pub mod report;
mod session;
mod table;
pub mod watch;

pub use backtest::{BacktestOptions, backtest};
pub use check::{CheckOptions, check};
pub use exit::Exit;
pub use report::{ReportOptions, report};
pub use watch::{WatchOptions, watch};

/// How headless output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people: aligned text.
    #[default]
    Text,
    /// For programs: JSON (`check`, `report`) or JSON Lines (`watch`).
    Json,
}
