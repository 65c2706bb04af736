//! `gonogo audit show|verify|export` on the shared journal a config names: the release's own
//! chain, read the way the file journal is read.

use crate::cli::JournalAt;
use crate::refused;
use chrono::{DateTime, Utc};
use gonogo::config;
use gonogo::journal::{self, postgres};
use gonogo::secret::Secret;
use std::path::Path;
use std::process::ExitCode;

/// The shared journal and chain `at`'s config names, or `None` for a file journal
/// (`--journal FILE` always names a file).
pub fn shared_of(at: &JournalAt) -> Result<Option<(Secret, postgres::Chain)>, ExitCode> {
    let (None, Some(c)) = (&at.journal, &at.config) else {
        return Ok(None);
    };
    let outline = config::load_file_noting_secrets(c)
        .checked
        .map_err(refused)?;
    if outline.shared_unread {
        eprintln!(
            "gonogo: {}: the shared journal's URL could not be read (set the variable or file `[cockpit] journal` names)",
            c.display()
        );
        return Err(ExitCode::from(2));
    }
    Ok(outline.shared_journal.zip(outline.chain))
}

fn named(chain: &postgres::Chain) -> String {
    format!(
        "shared journal, release {} ({})",
        chain.release, chain.environment
    )
}

pub fn show(url: &Secret, chain: &postgres::Chain, since: Option<DateTime<Utc>>) -> ExitCode {
    match postgres::read(url, Some(chain)) {
        Ok(records) => {
            if records.is_empty() {
                println!("{}: no records", named(chain));
            }
            for r in records.iter().filter(|r| since.is_none_or(|s| r.ts >= s)) {
                println!("{}", journal::format_record(r));
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

pub fn verify(url: &Secret, chain: &postgres::Chain) -> ExitCode {
    match postgres::verify(url, Some(chain)) {
        Ok(n) => {
            println!("{}: ok — {n} records, chain intact", named(chain));
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

/// Write the chain as a file journal at `to`, verified with the file journal's verifier.
pub fn export(url: &Secret, chain: &postgres::Chain, to: &Path) -> ExitCode {
    match postgres::export(url, chain, to) {
        Ok(n) => {
            println!(
                "{}: {n} records written to {}; verified — ok, chain intact (`gonogo audit verify --journal {}`)",
                named(chain),
                to.display(),
                to.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

fn failed(e: &journal::JournalError) -> ExitCode {
    eprintln!("gonogo: {e}");
    ExitCode::from(1)
}
