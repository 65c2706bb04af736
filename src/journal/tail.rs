//! Follow a journal another cockpit writes: the records appended since the last look.
//! Only whole lines are read; a line still being written waits for the next look.

use crate::core::record::Record;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

pub struct Tail {
    path: PathBuf,
    offset: u64,
}

impl Tail {
    /// Start following `path` at byte `offset` (what was already read).
    pub fn new(path: PathBuf, offset: u64) -> Self {
        Tail { path, offset }
    }

    /// Records appended since the last call. A missing file yields none; a file that shrank
    /// (replaced or truncated) is followed from its new end.
    pub fn poll(&mut self) -> Vec<Record> {
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return Vec::new();
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len < self.offset {
            self.offset = len;
            return Vec::new();
        }
        if len == self.offset || file.seek(SeekFrom::Start(self.offset)).is_err() {
            return Vec::new();
        }
        let mut bytes = Vec::new();
        if file.read_to_end(&mut bytes).is_err() {
            return Vec::new();
        }
        let Some(end) = bytes.iter().rposition(|b| *b == b'\n') else {
            return Vec::new();
        };
        self.offset += end as u64 + 1;
        String::from_utf8_lossy(&bytes[..end])
            .lines()
            .filter_map(|l| serde_json::from_str::<Record>(l).ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::{Context, Event};
    use chrono::Utc;
    use std::io::Write;

    fn line(event: Event) -> String {
        serde_json::to_string(&Record::new(Utc::now(), event, Context::default())).unwrap()
    }

    #[test]
    fn reads_only_new_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mut f = std::fs::File::create(&path).unwrap();
        writeln!(f, "{}", line(Event::CockpitStarted)).unwrap();
        let start = std::fs::metadata(&path).unwrap().len();
        let mut tail = Tail::new(path.clone(), start);
        assert!(tail.poll().is_empty());
        let half = line(Event::Override);
        write!(f, "{}", &half[..10]).unwrap();
        assert!(tail.poll().is_empty(), "a partial line waits");
        writeln!(f, "{}", &half[10..]).unwrap();
        writeln!(f, "{}", line(Event::ActionRequested)).unwrap();
        let events: Vec<Event> = tail.poll().iter().map(|r| r.event).collect();
        assert_eq!(events, vec![Event::Override, Event::ActionRequested]);
        assert!(tail.poll().is_empty());
    }
}
