//! `gonogo report`: figures from audit journals — releases and their outcome, deployment
//! frequency, lead time, time per stage, change failure rate, time to restore, overrides, and
//! what armed automation did (automatic actions, vetoes, arming changes).

pub mod automation;
mod chart;
pub mod figures;
pub mod release;
mod text;

pub use figures::{Figures, compute, merge};
pub use release::{Outcome, ReleaseFigures};

use super::Format;
use crate::journal;
use color_eyre::eyre::{Result, bail};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub journals: Vec<PathBuf>,
    /// The shared journal (PostgreSQL), every release in it.
    pub shared: Option<crate::secret::Secret>,
    pub format: Format,
    /// Colour the charts (only ever repeats what the characters say).
    pub color: bool,
}

/// Read every journal (a missing or unreadable one is an error, never silently empty).
pub fn read_all(paths: &[PathBuf]) -> Result<Vec<crate::core::record::Record>> {
    let mut all = Vec::new();
    for p in paths {
        if !p.exists() {
            bail!("journal {}: no such file", p.display());
        }
        all.extend(journal::read(p)?);
    }
    Ok(merge(all))
}

pub fn report(options: &ReportOptions, out: &mut impl Write) -> Result<()> {
    let mut records = read_all(&options.journals)?;
    let mut names: Vec<String> = options
        .journals
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if let Some(url) = &options.shared {
        records.extend(journal::postgres::read(url, None)?);
        records = merge(records);
        names.push("the shared journal (PostgreSQL)".into());
    }
    let f = compute(names, &records);
    match options.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &f)?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            out.write_all(text::render(&f).as_bytes())?;
            out.write_all(automation::render(&f.automation).as_bytes())?;
            out.write_all(chart::render(&f, options.color).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}
