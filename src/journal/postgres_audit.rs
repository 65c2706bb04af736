//! Reading the shared journal whole: every chain or one, its records, the check of its chains,
//! and the export of one chain as a file journal.

use super::JournalError;
use super::postgres::{Chain, connect, db_error, lines, lines_after, parse};
use super::{genesis_hash, line_hash};
use crate::core::record::Record;
use crate::secret::Secret;
use postgres::Client;

/// Every chain in the journal, or only `only`'s.
fn chains(client: &mut Client, only: Option<&Chain>) -> Result<Vec<Chain>, JournalError> {
    if let Some(c) = only {
        return Ok(vec![c.clone()]);
    }
    let rows = client
        .query(
            "SELECT release, environment FROM gonogo_chain ORDER BY release, environment",
            &[],
        )
        .map_err(|e| db_error(&e))?;
    Ok(rows
        .iter()
        .map(|r| Chain {
            release: r.get(0),
            environment: r.get(1),
        })
        .collect())
}

/// Read one chain's records, and the position of its last: where a follower goes on.
pub fn read_with_end(url: &Secret, chain: &Chain) -> Result<(Vec<Record>, i64), JournalError> {
    let mut client = connect(url)?;
    let rows = lines_after(&mut client, chain, 0)?;
    let end = rows.last().map_or(0, |(seq, _)| *seq);
    let lines: Vec<String> = rows.into_iter().map(|(_, l)| l).collect();
    Ok((parse(&lines)?, end))
}

/// Read the records of one chain, or of all, without writing (no tables are created).
pub fn read(url: &Secret, only: Option<&Chain>) -> Result<Vec<Record>, JournalError> {
    let mut client = connect(url)?;
    let mut all = Vec::new();
    for chain in chains(&mut client, only)? {
        all.extend(parse(&lines(&mut client, &chain)?)?);
    }
    all.sort_by_key(|r| r.ts);
    Ok(all)
}

/// Walk every chain (or `only`'s): each record's `prev` is the hash of the line before it in
/// its chain, and the head names the last. Returns how many records were verified.
pub fn verify(url: &Secret, only: Option<&Chain>) -> Result<usize, JournalError> {
    let mut client = connect(url)?;
    let mut count = 0;
    for chain in chains(&mut client, only)? {
        let lines = lines(&mut client, &chain)?;
        let records = parse(&lines)?;
        let mut prev = genesis_hash();
        for (i, (line, record)) in lines.iter().zip(&records).enumerate() {
            if record.prev != prev {
                return Err(JournalError::Database(format!(
                    "release {} ({}): record {} does not continue the chain (an edit, a deletion or an insertion)",
                    chain.release,
                    chain.environment,
                    i + 1
                )));
            }
            prev = line_hash(line);
        }
        let head = client
            .query_opt(
                "SELECT hash FROM gonogo_chain WHERE release = $1 AND environment = $2",
                &[&chain.release, &chain.environment],
            )
            .map_err(|e| db_error(&e))?
            .map_or_else(genesis_hash, |r| r.get(0));
        if head != prev {
            return Err(JournalError::Database(format!(
                "release {} ({}): the chain's head does not name its last record (records deleted at the end?)",
                chain.release, chain.environment
            )));
        }
        count += records.len();
    }
    Ok(count)
}

/// Write one chain as a file journal (JSON Lines, the same lines) at `to`, then verify that
/// file with the file journal's verifier. Returns how many records it holds.
pub fn export(url: &Secret, chain: &Chain, to: &std::path::Path) -> Result<usize, JournalError> {
    let mut client = connect(url)?;
    let lines = lines(&mut client, chain)?;
    let mut text = String::new();
    for line in &lines {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(to, text).map_err(|source| JournalError::Io {
        path: to.to_path_buf(),
        source,
    })?;
    super::verify(to)
}
