//! `gonogo audit verify`: walk the chain and name the first line that does not fit.

use super::{JournalError, lines};
use std::fs::File;
use std::path::Path;

/// Check every record's `prev` against the hash of the line before it. Returns how many
/// records were verified, or the first line where the chain breaks (an edit, a deletion, an
/// insertion or a line that is not a record), or a last line cut short by a crash
/// ([`JournalError::Torn`], which `audit repair` mends). A missing file is an error here.
pub fn verify(path: &Path) -> Result<usize, JournalError> {
    let io_err = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !lines::check_regular(path)? {
        return Err(io_err(std::io::ErrorKind::NotFound.into()));
    }
    let file = File::open(path).map_err(io_err)?;
    let scan = lines::scan(&file, path, true)?;
    match scan.torn {
        Some(torn) => Err(JournalError::Torn {
            path: path.to_path_buf(),
            torn,
        }),
        None => Ok(scan.records.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Journal;
    use super::*;
    use crate::core::record::{Context, Event, Record};
    use chrono::Utc;

    fn journal_with(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let (mut j, _) = Journal::open(&path).unwrap();
        for i in 0..n {
            let mut r = Record::new(Utc::now(), Event::StageEntered, Context::default());
            r.detail = Some(format!("record {i}"));
            j.append(&r).unwrap();
        }
        (dir, path)
    }

    fn edit(path: &Path, f: impl FnOnce(&mut Vec<String>)) {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        f(&mut lines);
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }

    /// The line and problem of a verify error, or the count.
    fn outcome(path: &Path) -> Result<usize, (usize, String)> {
        verify(path).map_err(|e| match e {
            JournalError::Corrupt { line, problem, .. } => (line, problem),
            JournalError::Torn { torn, .. } => (torn.line, "torn".into()),
            other => (0, other.to_string()),
        })
    }

    #[test]
    fn an_intact_journal_verifies() {
        let (_d, path) = journal_with(4);
        assert_eq!(outcome(&path), Ok(4));
    }

    #[test]
    fn an_edited_line_is_named() {
        let (_d, path) = journal_with(4);
        edit(&path, |l| l[1] = l[1].replace("record 1", "record X"));
        assert_eq!(
            outcome(&path),
            Err((
                3,
                "breaks the chain: line 2 was changed or removed, or this line was inserted".into()
            ))
        );
    }

    #[test]
    fn a_deleted_line_is_detected() {
        let (_d, path) = journal_with(4);
        edit(&path, |l| {
            l.remove(2);
        });
        assert!(matches!(outcome(&path), Err((3, _))));
        let (_d, path) = journal_with(3);
        edit(&path, |l| {
            l.remove(0);
        });
        assert!(matches!(outcome(&path), Err((1, _))));
    }

    #[test]
    fn a_garbage_line_is_named() {
        let (_d, path) = journal_with(2);
        edit(&path, |l| l.push("{not json".into()));
        assert!(matches!(outcome(&path), Err((3, p)) if p.starts_with("is not a journal record")));
    }

    #[test]
    fn a_torn_last_line_is_told_from_damage_in_the_middle() {
        let (_d, path) = journal_with(3);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, b"{\"ts\":\"2026-").unwrap();
        let e = verify(&path).unwrap_err();
        assert_eq!(outcome(&path), Err((4, "torn".into())));
        let text = e.to_string();
        assert!(
            text.contains("line 4 is cut short (12 bytes, no newline"),
            "{text}"
        );
        assert!(text.contains("gonogo audit repair --journal"), "{text}");
        // The same bytes with a newline after them, or with a record after them, are damage.
        std::io::Write::write_all(&mut f, b"\n").unwrap();
        assert!(matches!(outcome(&path), Err((4, p)) if p.starts_with("is not a journal record")));
    }

    #[test]
    fn a_device_a_directory_or_a_huge_line_is_refused_without_reading_it_all() {
        let e = verify(Path::new("/dev/zero")).unwrap_err().to_string();
        assert_eq!(
            e,
            "journal /dev/zero is a character device, not a regular file: not a gonogo journal"
        );
        let dir = tempfile::tempdir().unwrap();
        assert!(
            verify(dir.path())
                .unwrap_err()
                .to_string()
                .contains("a directory")
        );
        let big = dir.path().join("big.jsonl");
        std::fs::write(&big, vec![b'x'; 3 << 20]).unwrap();
        assert_eq!(
            verify(&big).unwrap_err().to_string(),
            format!(
                "journal {}: line 1 is longer than 1 MiB: not a gonogo journal",
                big.display()
            )
        );
    }
}
