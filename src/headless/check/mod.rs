//! `gonogo check`: start the sources, wait until each has answered once (or `--wait` runs
//! out), evaluate once, print the verdict with its evidence, exit with the verdict's code.

#[cfg(test)]
mod canary_tests;
mod compare;
pub mod evidence;
#[cfg(test)]
mod tests;
mod text;

pub use evidence::Evidence;

use super::session::Session;
use super::{Exit, Format};
use crate::setup::Setup;
use chrono::Utc;
use color_eyre::eyre::Result;
use std::io::Write;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// How long to wait for every source's first answer.
    pub wait: Duration,
    /// Keep observing at least this long before evaluating (persistence rules need time).
    pub observe: Duration,
    pub format: Format,
}

/// Evaluate the release once: after each source answered or `wait` ran out, and not before
/// `observe` has passed. Everything the sources say meanwhile goes through the reducer.
pub async fn evaluate(setup: Setup, wait: Duration, observe: Duration) -> Result<Evidence> {
    let started = Instant::now();
    let answers_by = started + wait;
    let observed_by = started + observe;
    let mut session = Session::start(setup)?;
    loop {
        let now = Instant::now();
        let answered = session.all_answered() || now >= answers_by;
        if answered && now >= observed_by {
            break;
        }
        let until = if answered { observed_by } else { answers_by };
        // A tick at least once a second keeps timers and staleness current while observing.
        let until = until.min(now + Duration::from_secs(1));
        match tokio::time::timeout_at(until, session.rx.recv()).await {
            Ok(Some(msg)) => {
                session.feed(msg);
            }
            Ok(None) => break,
            Err(_) => {
                session.feed(crate::app::Msg::Tick);
            }
        }
    }
    // One evaluation at this instant, with everything that arrived so far.
    while let Ok(msg) = session.rx.try_recv() {
        session.feed(msg);
    }
    session.feed(crate::app::Msg::Tick);
    let mut evidence = evidence::from_state(&session.state, Utc::now(), started.elapsed(), wait);
    evidence.release.attempt = session.attempt.clone();
    Ok(evidence)
}

/// Run the check and print it to `out`; the exit code follows the verdict.
pub async fn check(setup: Setup, options: &CheckOptions, out: &mut impl Write) -> Result<Exit> {
    let evidence = evaluate(setup, options.wait, options.observe).await?;
    match options.format {
        Format::Text => out.write_all(text::render(&evidence).as_bytes())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &evidence)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(Exit::of(evidence.kind))
}
