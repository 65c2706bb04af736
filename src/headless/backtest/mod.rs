//! `gonogo backtest`: replay a past window through Prometheus range queries and say, per
//! stage and condition, what the verdict would have been and when, so thresholds and
//! persistence can be tuned on real history. The range reads are the bake backfill's
//! (`history::read`); the judging is the cockpit's own `update` (`replay`).

mod replay;
mod report;
mod stages;
#[cfg(test)]
mod tests;
mod window;

pub use replay::{Prepared, prepare, replay};
pub use report::{Backtest, ConditionReport, Moment, NotReplayable, StageReport, VerdictChange};
pub use window::{Window, parse_stage, parse_time, window};

use super::Format;
use crate::app::HistoryAsk;
use crate::core::bake::Span;
use crate::setup::Setup;
use crate::sources::SourceClient;
use chrono::{DateTime, Utc};
use color_eyre::eyre::{Result, WrapErr};
use std::io::Write;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct BacktestOptions {
    pub from: String,
    pub to: String,
    pub step: Duration,
    pub stage: Option<String>,
    pub format: Format,
}

/// The window and the replayable release from the command line, or what is wrong with it
/// (naming the flag, the value and what was expected).
pub fn plan(
    setup: Setup,
    options: &BacktestOptions,
    now: DateTime<Utc>,
) -> Result<(Prepared, Window), String> {
    let w = window(
        &options.from,
        &options.to,
        options.step,
        options.stage.as_deref(),
        &setup.plan,
        now,
    )?;
    let prepared = prepare(setup, w.step);
    if prepared.setup.conditions.is_empty() {
        let why: Vec<String> = prepared
            .not_replayable
            .iter()
            .map(|n| format!("{} {}", n.label, n.reason))
            .collect();
        return Err(if why.is_empty() {
            "nothing to replay: the config has no stop condition".into()
        } else {
            format!(
                "nothing to replay: no stop condition reads a Prometheus query ({})",
                why.join("; ")
            )
        });
    }
    Ok((prepared, w))
}

/// Read the window's history, replay it and write the report to `out`.
pub async fn backtest(
    prepared: &Prepared,
    window: &Window,
    format: Format,
    out: &mut impl Write,
) -> Result<Backtest> {
    let client = SourceClient::new().wrap_err("setting up the HTTP client")?;
    let ask = HistoryAsk {
        gap: Span {
            from: window.from,
            to: Some(window.to),
        },
        step: window.step,
        widened: false,
        signals: prepared.signals.clone(),
    };
    let answer = crate::history::read(&ask, &prepared.setup, &client).await;
    // The journal is only read, never taken: a cockpit may be driving it right now.
    let (journal, unread) = match window.stage {
        Some(_) => (Vec::new(), None),
        None => match crate::journal::read(&prepared.setup.journal) {
            Ok(records) => (records, None),
            Err(e) => (Vec::new(), Some(format!("journal not read: {e}"))),
        },
    };
    let mut found = replay(prepared, window, &answer.signals, &journal);
    found.notes.extend(unread);
    match format {
        Format::Text => out.write_all(report::text(&found).as_bytes())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &found)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(found)
}
