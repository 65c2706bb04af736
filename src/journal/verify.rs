//! `gonogo audit verify`: walk the chain and name the first line that does not fit.

use super::{genesis_hash, line_hash};
use crate::core::record::Record;
use std::io::{BufRead, BufReader};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read {0}")]
    Unreadable(String),
    #[error("line {line}: {problem}")]
    BadLine { line: usize, problem: String },
}

/// Check every record's `prev` against the hash of the line before it. Returns how many
/// records were verified, or the first line where the chain breaks (an edit, a deletion, an
/// insertion or a line that is not a record).
pub fn verify(path: &Path) -> Result<usize, VerifyError> {
    let file = std::fs::File::open(path)
        .map_err(|e| VerifyError::Unreadable(format!("{}: {e}", path.display())))?;
    let mut expected = genesis_hash();
    let mut count = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let n = i + 1;
        let line = line.map_err(|e| VerifyError::Unreadable(format!("{}: {e}", path.display())))?;
        let record: Record = serde_json::from_str(&line).map_err(|e| VerifyError::BadLine {
            line: n,
            problem: format!("not a journal record ({e})"),
        })?;
        if record.prev != expected {
            return Err(VerifyError::BadLine {
                line: n,
                problem: if n == 1 {
                    "the first record does not start the chain (lines before it were removed?)"
                        .into()
                } else {
                    format!(
                        "chain broken: line {} was changed or removed, or this line was inserted",
                        n - 1
                    )
                },
            });
        }
        expected = line_hash(&line);
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::super::Journal;
    use super::*;
    use crate::core::record::{Context, Event};
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

    #[test]
    fn an_intact_journal_verifies() {
        let (_d, path) = journal_with(4);
        assert_eq!(verify(&path), Ok(4));
    }

    #[test]
    fn an_edited_line_is_named() {
        let (_d, path) = journal_with(4);
        edit(&path, |l| l[1] = l[1].replace("record 1", "record X"));
        assert_eq!(
            verify(&path),
            Err(VerifyError::BadLine {
                line: 3,
                problem: "chain broken: line 2 was changed or removed, or this line was inserted"
                    .into()
            })
        );
    }

    #[test]
    fn a_deleted_line_is_detected() {
        let (_d, path) = journal_with(4);
        edit(&path, |l| {
            l.remove(2);
        });
        assert!(matches!(
            verify(&path),
            Err(VerifyError::BadLine { line: 3, .. })
        ));
        let (_d, path) = journal_with(3);
        edit(&path, |l| {
            l.remove(0);
        });
        assert!(matches!(
            verify(&path),
            Err(VerifyError::BadLine { line: 1, .. })
        ));
    }

    #[test]
    fn a_garbage_line_is_named() {
        let (_d, path) = journal_with(2);
        edit(&path, |l| l.push("{not json".into()));
        assert!(matches!(
            verify(&path),
            Err(VerifyError::BadLine { line: 3, .. })
        ));
    }
}
