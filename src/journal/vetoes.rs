//! A veto from a cockpit that may not write the journal. An observer of a file journal holds
//! no lock on it, so it cannot append; yet stopping an armed action is anyone's to do. It
//! leaves its `auto_vetoed` and `hold_placed` records as files beside the journal,
//! `<journal>.vetoes/<nanos>-<pid>-<n>.json`, and the cockpit that drives the journal takes
//! them, journals them (with the observer's name on them) and acts on them, within a second.
//! A file is written whole (by a rename) and removed once taken.

use crate::core::record::{Event, Record};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The kinds of record a veto file may carry: anything else in one is ignored.
pub fn is_veto(r: &Record) -> bool {
    matches!(r.event, Event::AutoVetoed | Event::HoldPlaced)
}

/// `<journal>.vetoes`
pub fn dir(journal: &Path) -> PathBuf {
    let mut dir = journal.as_os_str().to_owned();
    dir.push(".vetoes");
    PathBuf::from(dir)
}

/// Leave `record` for the driving cockpit. Files sort in the order they were left.
pub fn put(journal: &Path, record: &Record) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = dir(journal);
    std::fs::create_dir_all(&dir)?;
    let nanos = record.ts.timestamp_nanos_opt().unwrap_or_default();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = format!("{nanos:020}-{:010}-{n:06}.json", std::process::id());
    let tmp = dir.join(format!(".{name}.tmp"));
    let text = serde_json::to_string(record).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, dir.join(name))
}

/// Take every veto record left beside `journal`, oldest first, removing their files. A file
/// that is not a veto record is removed too: nothing else belongs there.
pub fn take(journal: &Path) -> Vec<Record> {
    let Ok(entries) = std::fs::read_dir(dir(journal)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let record = std::fs::read_to_string(&f)
            .ok()
            .and_then(|t| serde_json::from_str::<Record>(&t).ok());
        // Removed before it is acted on: a veto is taken once, never twice.
        if std::fs::remove_file(&f).is_ok()
            && let Some(r) = record.filter(is_veto)
        {
            out.push(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Context;
    use chrono::{TimeZone, Utc};

    #[test]
    fn vetoes_left_beside_the_journal_are_taken_once_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let veto = Record::new(at, Event::AutoVetoed, Context::default());
        let hold = Record::new(at, Event::HoldPlaced, Context::default());
        let other = Record::new(at, Event::StageEntered, Context::default());
        for r in [&veto, &hold, &other] {
            put(&journal, r).unwrap();
        }
        let taken: Vec<Event> = take(&journal).iter().map(|r| r.event).collect();
        assert_eq!(taken, [Event::AutoVetoed, Event::HoldPlaced]);
        assert!(take(&journal).is_empty());
        assert_eq!(std::fs::read_dir(super::dir(&journal)).unwrap().count(), 0);
    }
}
