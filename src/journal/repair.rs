//! `gonogo audit repair`: continue after a crash left the journal's last line cut short.
//!
//! A torn last line (no newline, not a record) is what an interrupted write leaves. Repair
//! moves those bytes to a file next to the journal (never deleting them), truncates the
//! journal to its last whole record, and appends a record saying what was set aside — the
//! line, the byte count, the SHA-256 of the bytes and where they went — chained to the last
//! whole record, so `audit verify` passes again and the cockpit starts. Damage anywhere else
//! (a line in the middle that is not a record, a broken chain) is not a torn write: repair
//! refuses it and changes nothing.

use super::{JournalError, Torn, lines};
use crate::core::record::{Context, Event, Record};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What a repair did.
#[derive(Debug, Clone, PartialEq)]
pub struct Repaired {
    pub torn: Torn,
    /// The file the torn bytes were moved to.
    pub aside: PathBuf,
    /// SHA-256 (hex) of the torn bytes.
    pub sha256: String,
    /// The record appended, as written.
    pub record: Record,
}

/// Set a torn last line aside and journal it, as `operator` on this host. `Ok(None)` when
/// the journal is whole (nothing is changed). The journal must not be open in a cockpit.
pub fn repair(
    path: &Path,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<Option<Repaired>, JournalError> {
    let io_err = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !lines::check_regular(path)? {
        return Err(io_err(io::ErrorKind::NotFound.into()));
    }
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .open(path)
        .map_err(io_err)?;
    if file.try_lock().is_err() {
        return Err(super::locked(&file, path));
    }
    let scan = lines::scan(&file, path, true)?;
    let Some(torn) = scan.torn else {
        return Ok(None);
    };
    let sha256 = hex::encode(Sha256::digest(&torn.bytes));
    let aside = set_aside(path, &torn.bytes, now).map_err(io_err)?;
    file.set_len(torn.offset)
        .and_then(|()| file.sync_all())
        .map_err(io_err)?;

    let last = scan.records.last();
    let mut record = Record::new(
        now,
        Event::JournalRepaired,
        Context {
            operator: operator.to_string(),
            host: crate::host::name(),
            ..last.map(|r| r.context.clone()).unwrap_or_default()
        },
    );
    record.attempt = last.and_then(|r| r.attempt.clone());
    record.reason = Some(
        "a write was interrupted (a crash?): the torn last line is kept aside, not deleted".into(),
    );
    record.detail = Some(format!(
        "line {} cut short ({} bytes, no newline, SHA-256 {sha256}) set aside to {}",
        torn.line,
        torn.bytes.len(),
        aside.display()
    ));
    record.prev = scan.last_hash;
    let line = serde_json::to_string(&record).map_err(|e| io_err(io::Error::other(e)))?;
    file.write_all(format!("{line}\n").as_bytes())
        .and_then(|()| file.sync_data())
        .map_err(io_err)?;
    Ok(Some(Repaired {
        torn,
        aside,
        sha256,
        record,
    }))
}

/// Write `bytes` to a new file next to the journal, `<name>.torn-<UTC time>` (with `-2`, `-3`
/// … when taken), on disk before the journal is changed.
fn set_aside(path: &Path, bytes: &[u8], now: DateTime<Utc>) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "journal".into());
    let stem = format!("{name}.torn-{}", now.format("%Y%m%dT%H%M%SZ"));
    for n in 1..1000 {
        let file_name = if n == 1 {
            stem.clone()
        } else {
            format!("{stem}-{n}")
        };
        let aside = path.with_file_name(file_name);
        match OpenOptions::new().write(true).create_new(true).open(&aside) {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                if let Some(dir) = aside.parent().filter(|d| !d.as_os_str().is_empty()) {
                    File::open(dir)?.sync_all()?;
                }
                return Ok(aside);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{stem}: every name up to -999 is taken"
    )))
}

#[cfg(test)]
mod tests {
    use super::super::{Journal, verify};
    use super::*;
    use chrono::TimeZone;

    fn journal(n: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let (mut j, _) = Journal::open(&path).unwrap();
        for i in 0..n {
            let mut r = Record::new(Utc::now(), Event::StageEntered, Context::default());
            r.attempt = Some("a-7".into());
            r.detail = Some(format!("record {i}"));
            j.append(&r).unwrap();
        }
        (dir, path)
    }

    fn append(path: &Path, bytes: &[u8]) {
        let mut f = OpenOptions::new().append(true).open(path).unwrap();
        f.write_all(bytes).unwrap();
    }

    #[test]
    fn a_torn_last_line_is_set_aside_and_journaled_and_the_chain_goes_on() {
        let (_d, path) = journal(2);
        let torn = b"{\"ts\":\"2026-11-22T09:30:00Z\",\"event\":\"act";
        append(&path, torn);
        assert!(matches!(
            Journal::open(&path),
            Err(JournalError::Torn { .. })
        ));
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 31, 0).unwrap();
        let done = repair(&path, "ana", now).unwrap().unwrap();
        assert_eq!(done.torn.line, 3);
        assert_eq!(std::fs::read(&done.aside).unwrap(), torn);
        assert_eq!(
            done.aside.file_name().unwrap(),
            "journal.jsonl.torn-20261122T093100Z"
        );
        assert_eq!(done.sha256, hex::encode(Sha256::digest(torn)));
        let detail = done.record.detail.clone().unwrap();
        assert!(
            detail.starts_with(&format!(
                "line 3 cut short ({} bytes, no newline, SHA-256 {})",
                torn.len(),
                done.sha256
            )),
            "{detail}"
        );
        assert_eq!(done.record.attempt.as_deref(), Some("a-7"));
        assert_eq!(verify(&path).unwrap(), 3);
        let (_j, records) = Journal::open(&path).unwrap();
        assert_eq!(records[2].event, Event::JournalRepaired);
        assert_eq!(records[2].context.operator, "ana");
        // Nothing left to repair; a second run changes nothing.
        drop(_j);
        assert_eq!(repair(&path, "ana", now).unwrap(), None);
        assert_eq!(verify(&path).unwrap(), 3);
    }

    #[test]
    fn damage_in_the_middle_is_refused_and_nothing_changes() {
        let (_d, path) = journal(3);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen("record 1", "record X", 1);
        std::fs::write(&path, format!("{edited}{{\"torn")).unwrap();
        let before = std::fs::read(&path).unwrap();
        let e = repair(&path, "ana", Utc::now()).unwrap_err();
        assert!(matches!(e, JournalError::Corrupt { line: 3, .. }), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // A whole line that is not a record, even the last, is not a torn write either.
        let (_d, path) = journal(2);
        append(&path, b"garbage\n");
        assert!(matches!(
            repair(&path, "ana", Utc::now()),
            Err(JournalError::Corrupt { line: 3, .. })
        ));
    }

    #[test]
    fn a_journal_open_in_a_cockpit_is_not_repaired() {
        let (_d, path) = journal(1);
        let (_cockpit, _) = Journal::open(&path).unwrap();
        assert!(matches!(
            repair(&path, "ana", Utc::now()),
            Err(JournalError::Locked { .. })
        ));
    }
}
