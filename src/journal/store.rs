//! The journal a cockpit writes: the file (one person, the default) or the shared journal on
//! PostgreSQL. Both chain every record to the one before it and return from `append` only
//! once it is durable (fsynced, or committed), so the journal-before-webhook rule holds for
//! either.

use super::postgres::{Chain, Shared};
use super::{Journal, JournalError};
use crate::core::record::Record;
use crate::setup::Setup;

pub enum Store {
    File(Journal),
    /// Boxed: the connection is large beside the file's handle.
    Shared(Box<Shared>),
}

impl Store {
    /// Open the journal `setup` names, and read back its records (the shared journal's: those
    /// of this release and environment).
    pub fn open(setup: &Setup) -> Result<(Store, Vec<Record>), JournalError> {
        match &setup.shared_journal {
            None => Journal::open(&setup.journal).map(|(j, r)| (Store::File(j), r)),
            Some(url) => {
                let chain = chain_of(setup);
                // The client runs its own runtime: it may not start inside the caller's.
                std::thread::scope(|s| s.spawn(|| Shared::open(url, &chain)).join())
                    .map_err(|_| JournalError::Database("opening panicked".into()))?
                    .map(|(j, r)| (Store::Shared(Box::new(j)), r))
            }
        }
    }

    /// Chain and write one record; on return it is on disk, or committed.
    pub fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        match self {
            Store::File(j) => j.append(record),
            Store::Shared(j) => j.append(record),
        }
    }
}

/// The chain `setup`'s release writes to.
pub fn chain_of(setup: &Setup) -> Chain {
    Chain {
        release: setup.release.name.clone(),
        environment: setup.release.environment.clone(),
    }
}

/// Read the records of `setup`'s journal without writing: the file's, or the shared journal's
/// of this release and environment.
pub fn read(setup: &Setup) -> Result<Vec<Record>, JournalError> {
    match &setup.shared_journal {
        None => super::read(&setup.journal),
        Some(url) => {
            let chain = chain_of(setup);
            std::thread::scope(|s| s.spawn(|| super::postgres::read(url, Some(&chain))).join())
                .map_err(|_| JournalError::Database("reading panicked".into()))?
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    fn load(journal: &str, vars: &[(&str, &str)]) -> Result<crate::setup::Setup, String> {
        let text = include_str!("../app/testkit.toml")
            .replace(r#"journal = "/dev/null""#, &format!("journal = {journal}"));
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        crate::config::load_with_env(&text, "release.toml", &vars).map_err(|e| e.to_string())
    }

    #[test]
    fn a_postgres_journal_reads_its_url_as_a_secret_and_never_prints_it() {
        let url = "postgres://ana:hunter2@db.internal/gonogo";
        let setup = load(
            r#"{ postgres = { env = "GONOGO_DB" } }"#,
            &[("GONOGO_DB", url)],
        )
        .unwrap();
        assert_eq!(setup.shared_journal.as_ref().map(|s| s.expose()), Some(url));
        assert!(!format!("{setup:?}").contains("hunter2"));
        assert_eq!(super::chain_of(&setup).release, "checkout");
        // A path stays the file journal.
        let file = load(r#""/var/lib/gonogo/j.jsonl""#, &[]).unwrap();
        assert_eq!(file.shared_journal, None);
    }

    #[test]
    fn a_postgres_journal_without_its_url_is_refused_with_the_key() {
        let unset = load(r#"{ postgres = { env = "GONOGO_DB" } }"#, &[]).unwrap_err();
        assert!(unset.contains("cockpit.journal.postgres"), "{unset}");
        assert!(unset.contains("GONOGO_DB is not set"), "{unset}");
        let literal = load(r#"{ postgres = "postgres://a:b@h/d" }"#, &[]).unwrap_err();
        assert!(!literal.contains("a:b@h"), "{literal}");
        assert!(literal.contains("literal secret"), "{literal}");
        let empty = load("{}", &[]).unwrap_err();
        assert!(empty.contains("names its database"), "{empty}");
    }
}
