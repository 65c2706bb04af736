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

/// Run `command` on the shared journal `at` names: `None` when it names a file journal.
pub fn on_shared(
    at: &JournalAt,
    command: impl FnOnce(&Secret, &postgres::Chain) -> ExitCode,
) -> Option<ExitCode> {
    match shared_of(at) {
        Ok(Some((url, chain))) => Some(command(&url, &chain)),
        Ok(None) => None,
        Err(code) => Some(code),
    }
}

pub fn repair(_: &Secret, _: &postgres::Chain) -> ExitCode {
    eprintln!(
        "gonogo: a shared journal has no torn lines: each record is committed whole or not at all (`gonogo audit verify` checks its chain)"
    );
    ExitCode::from(1)
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

/// The shared journal `report --config` reads, if a config is given.
pub fn for_report(config: Option<&Path>) -> Result<Option<Secret>, ExitCode> {
    let Some(c) = config else { return Ok(None) };
    let at = JournalAt {
        journal: None,
        config: Some(c.to_path_buf()),
    };
    match shared_of(&at)? {
        Some((url, _)) => Ok(Some(url)),
        None => {
            eprintln!(
                "gonogo: report --config reads a shared journal; give a file journal with --journal"
            );
            Err(ExitCode::from(2))
        }
    }
}

/// Write the release's chain as a file journal at `to`, verified with the file journal's
/// verifier.
pub fn export(at: &JournalAt, to: &Path) -> ExitCode {
    let (url, chain) = match shared_of(at) {
        Ok(Some(shared)) => shared,
        Ok(None) => {
            eprintln!(
                "gonogo: export reads a shared journal: give --config with `[cockpit] journal = {{ postgres = … }}` (a file journal is its own export)"
            );
            return ExitCode::from(2);
        }
        Err(code) => return code,
    };
    match postgres::export(&url, &chain, to) {
        Ok(n) => {
            println!(
                "{}: {n} records written to {}; verified — ok, chain intact (`gonogo audit verify --journal {}`)",
                named(&chain),
                to.display(),
                to.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

/// Create the shared journal's tables, and print the GRANTs `role` (cockpits) and `reader`
/// need.
pub fn init(at: &JournalAt, role: &str, reader: &str) -> ExitCode {
    let url = match shared_of(at) {
        Ok(Some((url, _))) => url,
        Ok(None) => {
            eprintln!(
                "gonogo: init sets up a shared journal: give --config with `[cockpit] journal = {{ postgres = … }}` (a file journal needs no setting up)"
            );
            return ExitCode::from(2);
        }
        Err(code) => return code,
    };
    match journal::postgres_init::create(&url) {
        Ok(made) => {
            let did = if made.created {
                "created"
            } else {
                "already there"
            };
            println!(
                "shared journal: tables gonogo_chain, gonogo_record, gonogo_driver, gonogo_veto in schema {}: {did}",
                made.schema
            );
            print!(
                "{}",
                journal::postgres_init::grants(&made.schema, role, reader)
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
