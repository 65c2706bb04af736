//! Follow a journal another cockpit writes: the records appended since the last look.
//! Only whole lines are read; a line still being written waits for the next look. Each look
//! reads at most [`CHUNK`] bytes, and a line longer than [`MAX_LINE`] is skipped, not held.

use super::MAX_LINE;
use crate::core::record::Record;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

/// The most one look reads; the rest waits for the next.
const CHUNK: u64 = 4 * MAX_LINE as u64;

pub struct Tail {
    path: PathBuf,
    offset: u64,
}

impl Tail {
    /// Start following `path` at byte `offset` (what was already read).
    pub fn new(path: PathBuf, offset: u64) -> Self {
        Tail { path, offset }
    }

    /// Records appended since the last call. A missing file yields none, and so does what is
    /// not a regular file (a FIFO would block the open); a file that shrank (replaced or
    /// truncated) is followed from its new end.
    pub fn poll(&mut self) -> Vec<Record> {
        if !std::fs::metadata(&self.path).is_ok_and(|m| m.is_file()) {
            return Vec::new();
        }
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
        if file.take(CHUNK).read_to_end(&mut bytes).is_err() {
            return Vec::new();
        }
        let Some(end) = bytes.iter().rposition(|b| *b == b'\n') else {
            if bytes.len() > MAX_LINE {
                // Not a record: skip what was read; the rest of the line fails to parse later.
                self.offset += bytes.len() as u64;
            }
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

    #[test]
    fn a_line_past_the_bound_is_skipped_and_records_after_it_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mut f = std::fs::File::create(&path).unwrap();
        let mut tail = Tail::new(path.clone(), 0);
        f.write_all(&vec![b'x'; 5 * MAX_LINE]).unwrap();
        for _ in 0..3 {
            assert!(tail.poll().is_empty());
        }
        assert!(tail.offset <= 5 * MAX_LINE as u64);
        writeln!(f).unwrap();
        writeln!(f, "{}", line(Event::Override)).unwrap();
        let mut events = Vec::new();
        for _ in 0..4 {
            events.extend(tail.poll().into_iter().map(|r| r.event));
        }
        assert_eq!(events, vec![Event::Override]);
    }
}
