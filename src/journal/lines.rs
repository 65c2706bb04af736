//! Reading a journal file with bounds: only regular files, and lines of at most
//! [`MAX_LINE`] bytes, so a wrong path (`/dev/zero`, a FIFO, a disk image) is a clear error and
//! never an unbounded allocation.

use super::{JournalError, genesis_hash, line_hash};
use crate::core::record::Record;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// The longest line a journal may hold. Records are a few hundred bytes; a reason, a request
/// summary and the verdict's reasons together stay far below this.
pub const MAX_LINE: usize = 1 << 20;

/// Refuse what is not a regular file before opening it: opening a FIFO would wait for a
/// writer, and reading a device or a directory never ends or fails late. `Ok(false)` when
/// there is nothing at `path`.
pub(super) fn check_regular(path: &Path) -> Result<bool, JournalError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(JournalError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if meta.is_file() {
        return Ok(true);
    }
    Err(JournalError::NotAFile {
        path: path.to_path_buf(),
        kind: kind_of(&meta.file_type()),
    })
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// One line as it stands in the file, without its newline.
pub(super) struct RawLine {
    /// 1-based.
    pub number: usize,
    /// Where the line starts in the file.
    pub offset: u64,
    pub bytes: Vec<u8>,
    /// Ends with a newline (a line without one is the last, possibly cut short).
    pub terminated: bool,
}

/// Lines of at most [`MAX_LINE`] bytes; a longer one is an error as soon as it passes the
/// bound, so memory stays bounded whatever the file holds.
pub(super) struct Lines<R> {
    reader: R,
    number: usize,
    offset: u64,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Lines {
            reader,
            number: 0,
            offset: 0,
        }
    }

    pub fn next_line(&mut self, path: &Path) -> Result<Option<RawLine>, JournalError> {
        let io_err = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let start = self.offset;
        let mut bytes = Vec::new();
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_err(e)),
            };
            if buf.is_empty() {
                if bytes.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(self.line(start, bytes, false)));
            }
            let (take, newline) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            bytes.extend_from_slice(&buf[..take]);
            let used = take + usize::from(newline);
            self.reader.consume(used);
            self.offset += used as u64;
            if bytes.len() > MAX_LINE {
                return Err(JournalError::Corrupt {
                    path: path.to_path_buf(),
                    line: self.number + 1,
                    problem: "is longer than 1 MiB: not a gonogo journal".into(),
                });
            }
            if newline {
                return Ok(Some(self.line(start, bytes, true)));
            }
        }
    }

    fn line(&mut self, offset: u64, bytes: Vec<u8>, terminated: bool) -> RawLine {
        self.number += 1;
        RawLine {
            number: self.number,
            offset,
            bytes,
            terminated,
        }
    }
}

/// A last line cut short: no newline and not a record — what a crash in the middle of a
/// write leaves. It is reported, never read as a record, and never deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Torn {
    pub line: usize,
    /// Where the torn bytes start: the journal's length without them.
    pub offset: u64,
    pub bytes: Vec<u8>,
}

/// What a journal file holds, read to its end.
pub(super) struct Scan {
    pub records: Vec<Record>,
    /// The hash of the last record's line (the `prev` of the next one).
    pub last_hash: String,
    pub torn: Option<Torn>,
    /// The last record has no newline after it (a record must be completed before appending).
    pub unterminated: bool,
    /// Where what was read ends: after the last record (or empty line), before a torn line.
    pub end: u64,
}

/// Read every record of `file`. With `chain`, each record's `prev` must be the hash of the
/// line before it (what `audit verify` checks). An empty line is skipped; a line that is not a
/// record is an error naming it, unless it is the last one, unterminated: that one is `torn`.
pub(super) fn scan(file: &File, path: &Path, chain: bool) -> Result<Scan, JournalError> {
    let mut lines = Lines::new(BufReader::new(file));
    let mut out = Scan {
        records: Vec::new(),
        last_hash: genesis_hash(),
        torn: None,
        unterminated: false,
        end: 0,
    };
    let corrupt = |line: usize, problem: String| JournalError::Corrupt {
        path: path.to_path_buf(),
        line,
        problem,
    };
    while let Some(raw) = lines.next_line(path)? {
        let parsed = std::str::from_utf8(&raw.bytes)
            .map_err(|_| "is not UTF-8 text: not a gonogo journal".to_string())
            .and_then(|text| {
                if text.trim().is_empty() {
                    return Ok(None);
                }
                serde_json::from_str::<Record>(text)
                    .map(|r| Some((r, text)))
                    .map_err(|e| format!("is not a journal record ({e})"))
            });
        let (record, text) = match parsed {
            Ok(None) => {
                out.end = lines.offset;
                continue;
            }
            Ok(Some(pair)) => pair,
            Err(_) if !raw.terminated => {
                out.torn = Some(Torn {
                    line: raw.number,
                    offset: raw.offset,
                    bytes: raw.bytes,
                });
                break;
            }
            Err(problem) => return Err(corrupt(raw.number, problem)),
        };
        if chain && record.prev != out.last_hash {
            return Err(corrupt(raw.number, chain_problem(raw.number)));
        }
        out.last_hash = line_hash(text);
        out.unterminated = !raw.terminated;
        out.records.push(record);
        out.end = lines.offset;
    }
    Ok(out)
}

fn chain_problem(n: usize) -> String {
    if n == 1 {
        "does not start the chain (lines before it were removed?)".into()
    } else {
        format!(
            "breaks the chain: line {} was changed or removed, or this line was inserted",
            n - 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(bytes: &[u8]) -> Vec<(usize, u64, String, bool)> {
        let mut l = Lines::new(io::BufReader::with_capacity(4, bytes));
        let mut out = Vec::new();
        while let Some(r) = l.next_line(Path::new("j")).unwrap() {
            let text = String::from_utf8(r.bytes).unwrap();
            out.push((r.number, r.offset, text, r.terminated));
        }
        out
    }

    #[test]
    fn lines_carry_their_number_offset_and_newline() {
        assert_eq!(
            lines_of(b"ab\n\ncdefgh\nij"),
            vec![
                (1, 0, "ab".into(), true),
                (2, 3, "".into(), true),
                (3, 4, "cdefgh".into(), true),
                (4, 11, "ij".into(), false),
            ]
        );
        assert!(lines_of(b"").is_empty());
    }

    #[test]
    fn a_line_past_the_bound_is_an_error_naming_it() {
        let mut data = b"{}\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', MAX_LINE + 1));
        let mut l = Lines::new(io::BufReader::new(&data[..]));
        assert!(l.next_line(Path::new("j")).unwrap().is_some());
        let e = l.next_line(Path::new("j")).err().unwrap();
        assert_eq!(
            e.to_string(),
            "journal j: line 2 is longer than 1 MiB: not a gonogo journal"
        );
    }

    #[test]
    fn special_files_are_refused_by_kind() {
        let dir = tempfile::tempdir().unwrap();
        let e = check_regular(dir.path()).err().unwrap();
        assert!(
            e.to_string().contains("is a directory, not a regular file"),
            "{e}"
        );
        let e = check_regular(Path::new("/dev/zero")).err().unwrap();
        assert!(e.to_string().contains("a character device"), "{e}");
        assert!(!check_regular(&dir.path().join("none")).unwrap());
    }
}
