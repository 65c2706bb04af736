//! The audit journal: append-only JSON Lines, each record carrying the SHA-256 of the line
//! before it, flushed to disk (fsync) before `append` returns.

mod attempt;
mod lines;
pub mod postgres;
mod postgres_audit;
pub mod postgres_follow;
pub mod postgres_init;
pub mod postgres_lease;
pub mod postgres_presence;
pub mod postgres_schema;
pub mod postgres_veto;
pub mod postgres_wheel;
mod repair;
mod show;
pub mod store;
mod tail;
mod verify;
pub mod vetoes;

pub use attempt::{Attempt, Splitter, attempts, is_rollback};
pub use lines::{MAX_LINE, Torn};
pub use repair::{Repaired, repair};
pub use show::{format_record, parse_since};
pub use store::{Store, chain_of};
pub use tail::Tail;
pub use verify::verify;

use crate::core::driver::{Driver, driver};
use crate::core::record::Record;
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// SHA-256 of one journal line (without its newline), as lowercase hex.
pub fn line_hash(line: &str) -> String {
    hex::encode(Sha256::digest(line.as_bytes()))
}

/// The `prev` of the first record: the hash of nothing.
pub fn genesis_hash() -> String {
    line_hash("")
}

/// An open journal, held exclusively: a second cockpit on the same file is refused, so two
/// writers can never interleave and break the chain.
pub struct Journal {
    file: File,
    path: PathBuf,
    last_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "journal {path} is in use by another gonogo cockpit ({}); watch with --read-only, or give this one its own journal",
        held_by(holder.as_ref())
    )]
    Locked {
        path: PathBuf,
        /// Who holds it, as the journal's latest operator start without a stop says.
        holder: Option<Driver>,
    },
    /// A line that is not a record, or (for `audit verify`) does not continue the chain;
    /// `problem` reads after "line N": "is longer than 1 MiB: not a gonogo journal".
    #[error("journal {path}: line {line} {problem}")]
    Corrupt {
        path: PathBuf,
        line: usize,
        problem: String,
    },
    /// Another cockpit drives this release on the shared journal.
    #[error("this release is driven from another cockpit: {0}")]
    Driven(postgres_lease::Holder),
    /// The shared journal (PostgreSQL) failed: in the server's words, never with its URL.
    #[error("shared journal: {0}")]
    Database(String),
    #[error("journal {path} is {kind}, not a regular file: not a gonogo journal")]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error(
        "journal {path}: line {line} is cut short ({bytes} bytes, no newline, not a record): a write was interrupted (a crash?). Run `gonogo audit repair --journal {path}` to set those bytes aside in a file next to the journal and record that in the journal; then start again",
        bytes = torn.bytes.len(),
        line = torn.line
    )]
    Torn { path: PathBuf, torn: Torn },
}

/// "ana@ops1 since 2026-12-02 13:03:00 UTC", or that the journal does not say.
fn held_by(holder: Option<&Driver>) -> String {
    holder.map_or_else(
        || "the journal does not say whose: no operator start without a stop".into(),
        |d| {
            format!(
                "{} since {}",
                d.who,
                d.since.format("%Y-%m-%d %H:%M:%S UTC")
            )
        },
    )
}

/// The refusal of a journal another cockpit holds, naming who holds it as the journal says:
/// read, never guessed, so a journal that names nobody is reported as such.
fn locked(file: &File, path: &Path) -> JournalError {
    let holder = lines::scan(file, path, false)
        .ok()
        .and_then(|scan| driver(&scan.records));
    JournalError::Locked {
        path: path.to_path_buf(),
        holder,
    }
}

impl Journal {
    /// Open (creating it and its directory if needed) and read back every record.
    pub fn open(path: &Path) -> Result<(Journal, Vec<Record>), JournalError> {
        let io_err = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io_err)?;
        }
        lines::check_regular(path)?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(locked(&file, path));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(e)),
        }
        let scan = lines::scan(&file, path, false)?;
        if let Some(torn) = scan.torn {
            return Err(JournalError::Torn {
                path: path.to_path_buf(),
                torn,
            });
        }
        if scan.unterminated {
            // The last record lacks only its newline: complete it, or the next would join it.
            file.write_all(b"\n")
                .and_then(|()| file.sync_data())
                .map_err(io_err)?;
        }
        let (records, last_hash) = (scan.records, scan.last_hash);
        Ok((
            Journal {
                file,
                path: path.to_path_buf(),
                last_hash,
            },
            records,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Chain, write and fsync one record. On return the record is on disk.
    pub fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        let mut record = record.clone();
        record.prev = self.last_hash.clone();
        let line = serde_json::to_string(&record).map_err(|e| JournalError::Io {
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        let mut bytes = line.clone().into_bytes();
        bytes.push(b'\n');
        self.file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data())
            .map_err(|source| JournalError::Io {
                path: self.path.clone(),
                source,
            })?;
        self.last_hash = line_hash(&line);
        Ok(())
    }
}

/// Read a journal without taking it (for observers, `audit` commands, `report` and tests).
/// A missing file has no records. A last line cut short is left out: it may be a record
/// still being written by the cockpit that owns the journal; that cockpit (or `audit verify`)
/// reports it when it is torn for good.
pub fn read(path: &Path) -> Result<Vec<Record>, JournalError> {
    read_with_end(path).map(|(records, _)| records)
}

/// [`read`], and the byte offset where the records read end: where a [`Tail`] goes on, so a
/// record being written while this reads is neither lost nor read twice.
pub fn read_with_end(path: &Path) -> Result<(Vec<Record>, u64), JournalError> {
    if !lines::check_regular(path)? {
        return Ok((Vec::new(), 0));
    }
    match File::open(path) {
        Ok(file) => lines::scan(&file, path, false).map(|scan| (scan.records, scan.end)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((Vec::new(), 0)),
        Err(source) => Err(JournalError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::{Context, Event};
    use chrono::{TimeZone, Utc};

    fn record(secs: i64, event: Event) -> Record {
        Record::new(
            Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap(),
            event,
            Context {
                operator: "ana".into(),
                release: "checkout".into(),
                ..Default::default()
            },
        )
    }

    #[test]
    fn appends_survive_a_reopen_and_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/journal.jsonl");
        {
            let (mut j, records) = Journal::open(&path).unwrap();
            assert!(records.is_empty());
            j.append(&record(0, Event::CockpitStarted)).unwrap();
            j.append(&record(1, Event::StageEntered)).unwrap();
        }
        let (mut j, records) = Journal::open(&path).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].prev, genesis_hash());
        assert_eq!(records[1].event, Event::StageEntered);
        j.append(&record(2, Event::CockpitStopped)).unwrap();
        drop(j);
        assert_eq!(verify(&path).unwrap(), 3);
    }

    #[test]
    fn a_whole_last_record_without_its_newline_is_completed_not_torn() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        {
            let (mut j, _) = Journal::open(&path).unwrap();
            j.append(&record(0, Event::CockpitStarted)).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.trim_end()).unwrap();
        let (mut j, records) = Journal::open(&path).unwrap();
        assert_eq!(records.len(), 1);
        j.append(&record(1, Event::StageEntered)).unwrap();
        drop(j);
        assert_eq!(verify(&path).unwrap(), 2);
    }

    #[test]
    fn an_observer_goes_on_from_the_end_of_the_last_whole_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let (mut j, _) = Journal::open(&path).unwrap();
        j.append(&record(0, Event::CockpitStarted)).unwrap();
        let whole = std::fs::metadata(&path).unwrap().len();
        // A record half written when the observer reads: left out, and read by the tail.
        let line = serde_json::to_string(&record(1, Event::StageEntered)).unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&line.as_bytes()[..20]).unwrap();
        let (records, end) = read_with_end(&path).unwrap();
        assert_eq!((records.len(), end), (1, whole));
        f.write_all(&line.as_bytes()[20..]).unwrap();
        f.write_all(b"\n").unwrap();
        let events: Vec<Event> = Tail::new(path.clone(), end)
            .poll()
            .iter()
            .map(|r| r.event)
            .collect();
        assert_eq!(events, vec![Event::StageEntered]);
    }

    #[test]
    fn a_second_cockpit_cannot_take_the_same_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let (mut first, _) = Journal::open(&path).unwrap();
        let refusal = |path: &Path| match Journal::open(path) {
            Err(e @ JournalError::Locked { .. }) => e.to_string(),
            other => panic!("expected Locked, got {:?}", other.map(|_| ())),
        };
        assert!(refusal(&path).contains("(the journal does not say whose"));
        let mut started = record(0, Event::CockpitStarted);
        started.context.host = "ops1".into();
        first.append(&started).unwrap();
        assert!(
            refusal(&path).contains("(ana@ops1 since 2023-11-14 22:13:20 UTC)"),
            "{}",
            refusal(&path)
        );
        // Observers may still read it.
        assert_eq!(read(&path).unwrap().len(), 1);
    }
}
