//! Which other cockpits follow the same journal. Observers must not write the journal, so
//! each cockpit keeps a small file beside it instead: `<journal>.watchers/<user@host>.<pid>`,
//! rewritten every `BEAT` with the time, removed on a clean exit. A file older than three
//! beats is ignored, so a cockpit killed with -9 ages out. Read off the draw path; the app
//! hears of it only when the list changes, so an idle cockpit draws nothing for it.

use crate::app::Msg;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc::Sender;

/// How often a cockpit rewrites its file.
pub const BEAT: Duration = Duration::from_secs(10);
/// How often it looks at the others' (a directory of a few small files).
const LOOK: Duration = Duration::from_secs(5);
/// Past this age a file is a cockpit that went away without removing it.
const GONE: Duration = Duration::from_secs(3 * BEAT.as_secs());

/// One cockpit's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Beat {
    /// `user@host`.
    who: String,
    /// The operator's cockpit drives (the header names it so, from the journal); observers
    /// watch.
    driving: bool,
    at: DateTime<Utc>,
}

/// This cockpit's presence beside `journal`.
#[derive(Debug, Clone)]
pub struct Presence {
    dir: PathBuf,
    own: PathBuf,
    who: String,
    driving: bool,
}

impl Presence {
    pub fn new(journal: &Path, who: &str, driving: bool) -> Presence {
        let mut dir = journal.as_os_str().to_owned();
        dir.push(".watchers");
        let dir = PathBuf::from(dir);
        let safe: String = who
            .chars()
            .map(|c| if c == '/' || c == '\\' { '_' } else { c })
            .collect();
        let own = dir.join(format!("{safe}.{}", std::process::id()));
        Presence {
            dir,
            own,
            who: who.to_string(),
            driving,
        }
    }

    /// Write this cockpit's file (whole, by a rename, so a reader never sees half of it).
    pub fn beat(&self, now: DateTime<Utc>) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let beat = Beat {
            who: self.who.clone(),
            driving: self.driving,
            at: now,
        };
        let mut tmp = self.own.clone().into_os_string();
        tmp.push(".tmp");
        std::fs::write(&tmp, serde_json::to_vec(&beat)?)?;
        std::fs::rename(&tmp, &self.own)
    }

    /// The other cockpits watching now, `user@host`, sorted: not this one, not the driving
    /// one, none whose file is older than three beats.
    pub fn watching(&self, now: DateTime<Utc>) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut who: Vec<String> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| *p != self.own && p.extension().is_none_or(|x| x != "tmp"))
            .filter_map(|p| serde_json::from_slice::<Beat>(&std::fs::read(p).ok()?).ok())
            .filter(|b| !b.driving && crate::core::since(now, b.at) <= GONE)
            .map(|b| b.who)
            .collect();
        who.sort();
        who
    }

    /// Remove this cockpit's file: it leaves cleanly.
    pub fn leave(&self) {
        let _ = std::fs::remove_file(&self.own);
    }
}

/// Beat every `BEAT` and look every `LOOK`; send the list when it changes.
pub async fn run(presence: Presence, tx: Sender<Msg>) {
    let mut last: Option<Vec<String>> = None;
    let mut beaten: Option<std::time::Instant> = None;
    loop {
        let due = beaten.is_none_or(|b| b.elapsed() >= BEAT);
        let p = presence.clone();
        let Ok(list) = tokio::task::spawn_blocking(move || {
            let now = Utc::now();
            if due {
                // A directory that cannot be written (a read-only place) leaves this cockpit
                // unlisted; it still lists the others.
                let _ = p.beat(now);
            }
            p.watching(now)
        })
        .await
        else {
            return;
        };
        if due {
            beaten = Some(std::time::Instant::now());
        }
        if last.as_ref() != Some(&list) {
            if tx.send(Msg::Watchers(list.clone())).await.is_err() {
                return;
            }
            last = Some(list);
        }
        tokio::time::sleep(LOOK).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lists_the_other_watchers_and_a_silent_one_ages_out() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        let now = Utc::now();
        let ana = Presence::new(&journal, "ana@ops1", true);
        let bo = Presence::new(&journal, "bo@ops2", false);
        let mut cy = Presence::new(&journal, "cy@ops3", false);
        // Two cockpits of one process in a test: tell them apart by file.
        cy.own.set_extension("other");
        for p in [&ana, &bo, &cy] {
            p.beat(now).unwrap();
        }
        assert!(dir.path().join("journal.jsonl.watchers").is_dir());
        assert_eq!(ana.watching(now), ["bo@ops2", "cy@ops3"]);
        // The driver is named from the journal, not listed as watching.
        assert_eq!(bo.watching(now), ["cy@ops3"]);
        // cy was killed: its file stays, and ages out after three beats.
        let later = now + chrono::TimeDelta::seconds(31);
        bo.beat(later).unwrap();
        assert_eq!(ana.watching(later), ["bo@ops2"]);
        // bo quits cleanly.
        bo.leave();
        assert_eq!(ana.watching(later), Vec::<String>::new());
    }
}
