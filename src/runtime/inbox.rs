//! What a cockpit following the journal asks the driving cockpit to journal for it. Observers
//! never write the file journal (the driver holds it, so the hash chain has one writer), yet
//! a veto of an armed countdown, and the hold it becomes, must reach the process about to
//! act, be it a cockpit or `gonogo watch --armed` on a runner at night.
//!
//! So an observer leaves each such record beside the journal, in
//! `<journal>.inbox/<millis>-<pid>-<n>.json` (one record, written whole by a rename). The
//! driver looks once a second; it journals each record as written (the observer's name,
//! time and reason, chained after its own), follows it as it follows any record (the veto
//! stops the countdown, the hold holds), and removes the file. Only the records an observer
//! may ask for are taken: `auto_vetoed` and `hold_placed` of the driver's own release.

use crate::core::record::{Context, Event, Record};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The records an observer may ask the driver to journal: stopping the machine is anyone's to
/// do; everything else is the driver's.
pub fn may_post(r: &Record) -> bool {
    matches!(r.event, Event::AutoVetoed | Event::HoldPlaced)
}

/// Orders this process's posts within one millisecond, and keeps two from sharing a name.
static POSTED: AtomicU64 = AtomicU64::new(0);

/// The inbox beside one file journal.
#[derive(Debug)]
pub struct Inbox {
    dir: PathBuf,
}

/// What the driver took from the inbox at one look.
#[derive(Debug, Default, PartialEq)]
pub struct Taken {
    /// To journal and follow, oldest first.
    pub records: Vec<Record>,
    /// Files set aside, with why: not a record, not one an observer may ask for, or another
    /// release's.
    pub refused: Vec<String>,
}

impl Inbox {
    pub fn beside(journal: &Path) -> Inbox {
        let mut dir = journal.as_os_str().to_owned();
        dir.push(".inbox");
        Inbox {
            dir: PathBuf::from(dir),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Leave `record` for the driver: whole or not at all (written aside, then renamed).
    pub fn post(&self, record: &Record) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let n = POSTED.fetch_add(1, Ordering::Relaxed);
        let name = format!(
            "{:013}-{}-{n:04}.json",
            chrono::Utc::now().timestamp_millis(),
            std::process::id()
        );
        let path = self.dir.join(name);
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let bytes = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)
    }

    /// Take what observers left for the release of `ctx`, oldest first, removing each file.
    /// A missing inbox is an empty one; a file half written (still `.tmp`) waits for the
    /// next look.
    pub fn take(&self, ctx: &Context) -> Taken {
        let mut taken = Taken::default();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return taken;
        };
        let mut names: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        for path in names {
            let read = std::fs::read(&path);
            // Removed before it is journaled: a record is never journaled twice (a crash in
            // between loses it, and the observer sees no veto in the journal).
            if std::fs::remove_file(&path).is_err() {
                continue;
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let record = match read.map(|b| serde_json::from_slice::<Record>(&b)) {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => {
                    taken
                        .refused
                        .push(format!("{name}: not a journal record ({e})"));
                    continue;
                }
                Err(e) => {
                    taken.refused.push(format!("{name}: {e}"));
                    continue;
                }
            };
            if !may_post(&record) {
                let event = serde_json::to_value(record.event).unwrap_or_default();
                taken.refused.push(format!(
                    "{name}: {} is journaled by the driving cockpit only",
                    event.as_str().unwrap_or("?")
                ));
            } else if !same_release(&record.context, ctx) {
                taken.refused.push(format!(
                    "{name}: for {} {} ({}), not this release",
                    record.context.release, record.context.version, record.context.environment
                ));
            } else {
                taken.records.push(record);
            }
        }
        taken
    }
}

fn same_release(a: &Context, b: &Context) -> bool {
    a.release == b.release && a.version == b.version && a.environment == b.environment
}

#[cfg(test)]
#[path = "inbox_tests.rs"]
mod tests;
