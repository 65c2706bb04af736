//! `gonogo audit show`, `verify` and `repair` on a journal file (a shared journal is
//! handed to shared_audit.rs).

use crate::cli::JournalAt;
use crate::{refused, shared_audit};
use color_eyre::eyre::{Result, bail};
use gonogo::{config, journal};
use std::io::Write;
use std::process::ExitCode;

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

pub fn audit_show(at: JournalAt, since: Option<String>) -> Result<ExitCode> {
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

pub fn audit_verify(at: JournalAt) -> Result<ExitCode> {
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

pub fn audit_repair(at: JournalAt) -> Result<ExitCode> {
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
