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
                let who = format!("{}@{}", setup.operator, crate::host::name());
                // The client runs its own runtime: it may not start inside the caller's.
                std::thread::scope(|s| s.spawn(|| Shared::drive(url, &chain, &who)).join())
                    .map_err(|_| JournalError::Database("opening panicked".into()))?
                    .map(|(j, r)| (Store::Shared(Box::new(j)), r))
            }
        }
    }

    /// How often the journal's connection is looked at while nothing is written: a local
    /// read of the socket, never a query.
    pub fn watches(&self) -> Option<std::time::Duration> {
        match self {
            Store::File(_) => None,
            Store::Shared(_) => Some(std::time::Duration::from_secs(1)),
        }
    }

    /// Whether the journal can still be written: an error says the wheel or the database
    /// was lost (and a lost connection is opened again).
    pub fn watch(&mut self) -> Result<(), JournalError> {
        match self {
            Store::File(_) => Ok(()),
            Store::Shared(j) => j.watch(),
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

/// Where a reader of a journal goes on: the file's byte offset after the last whole record,
/// or the shared chain's position of its last record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    File(u64),
    Shared(i64),
}

/// Read the records of `setup`'s journal without writing (the file's, or the shared journal's
/// of this release and environment), and where a follower goes on.
pub fn read_with_end(setup: &Setup) -> Result<(Vec<Record>, End), JournalError> {
    match &setup.shared_journal {
        None => super::read_with_end(&setup.journal).map(|(r, end)| (r, End::File(end))),
        Some(url) => {
            let chain = chain_of(setup);
            // The client runs its own runtime: it may not start inside the caller's.
            std::thread::scope(|s| {
                s.spawn(|| super::postgres::read_with_end(url, &chain))
                    .join()
            })
            .map_err(|_| JournalError::Database("reading panicked".into()))?
            .map(|(r, end)| (r, End::Shared(end)))
        }
    }
}

/// What another cockpit appends, for a reader that looks now and then (`watch`): the file's
/// tail, or the records a shared journal's follower has delivered since the last look.
pub enum Follow {
    File(super::Tail),
    Shared(std::sync::mpsc::Receiver<Vec<Record>>),
}

impl Follow {
    pub fn start(setup: &Setup, end: End) -> Follow {
        match (&setup.shared_journal, end) {
            (Some(url), End::Shared(seq)) => {
                let (tx, rx) = std::sync::mpsc::channel();
                let deliver = move |records| tx.send(records).is_ok();
                let lost = super::postgres_follow::logged;
                super::postgres_follow::spawn(url.clone(), chain_of(setup), seq, deliver, lost);
                Follow::Shared(rx)
            }
            (_, End::File(offset)) => Follow::File(super::Tail::new(setup.journal.clone(), offset)),
            (None, End::Shared(_)) => Follow::File(super::Tail::new(setup.journal.clone(), 0)),
        }
    }

    /// The records appended since the last call; never waits.
    pub fn poll(&mut self) -> Vec<Record> {
        match self {
            Follow::File(tail) => tail.poll(),
            Follow::Shared(rx) => rx.try_iter().flatten().collect(),
        }
    }
}

/// Where a cockpit that may not write the journal (an observer, a watcher of the shared
/// journal) leaves its veto and hold for the one that drives: files beside the file journal
/// (src/journal/vetoes.rs), or the shared journal's inbox table (src/journal/postgres_veto.rs).
/// The driver takes either the same way and journals them in the vetoer's name.
pub enum Vetoes {
    File(std::path::PathBuf),
    Shared(super::postgres_veto::Outbox),
}

/// How an error leaving a veto for the driver begins: the watcher's screen then takes the veto
/// and its hold back.
pub const VETO_LOST: &str = "veto not delivered";

impl Vetoes {
    /// For `setup`'s journal; `tell` hears how a veto sent on later went (the shared journal's:
    /// its write is off the caller's thread).
    pub fn start(setup: &Setup, tell: impl FnMut(Result<(), String>) + Send + 'static) -> Vetoes {
        match &setup.shared_journal {
            None => Vetoes::File(setup.journal.clone()),
            Some(url) => Vetoes::Shared(super::postgres_veto::Outbox::start(url.clone(), tell)),
        }
    }

    /// Leave `record` (a veto or a hold; anything else is not left): `Some` when it is known at
    /// once whether it was left, `None` when `tell` hears it later.
    pub fn leave(&self, record: &Record) -> Option<Result<(), String>> {
        if !super::vetoes::is_veto(record) {
            return Some(Err(
                "only a veto or a hold may be left for the driver".into()
            ));
        }
        match self {
            Vetoes::File(journal) => {
                Some(super::vetoes::put(journal, record).map_err(|e| format!("{VETO_LOST}: {e}")))
            }
            Vetoes::Shared(outbox) => (!outbox.leave(record.clone()))
                .then(|| Err(format!("{VETO_LOST}: its sender stopped"))),
        }
    }
}

/// What the journal is, for a line that names it: the file's path, or "the shared journal".
pub fn name(setup: &Setup) -> String {
    match &setup.shared_journal {
        None => setup.journal.display().to_string(),
        Some(_) => "the shared journal (PostgreSQL)".into(),
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
