//! `gonogo audit init`: create the shared journal's tables once, as a role that may, and say
//! which privileges the roles that run cockpits and readers need, so those roles need no
//! `CREATE`. The wheel's advisory locks, `LISTEN`/`NOTIFY` and `pg_locks` need no grant.

use super::JournalError;
use super::postgres::{connect, db_error};
use super::postgres_schema::{TABLES, VETO_TABLE, init, tables_there};
use crate::secret::Secret;

/// What `init` found: whether it created the tables, and the schema they are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    pub created: bool,
    pub schema: String,
}

/// Create the tables unless they are there (under the advisory lock a first cockpit takes).
pub fn create(url: &Secret) -> Result<Made, JournalError> {
    let mut client = connect(url)?;
    let all = [TABLES.as_slice(), &[VETO_TABLE]].concat();
    let before = tables_there(&mut client, &all)?;
    init(&mut client)?;
    // A cockpit opening a journal goes on without the veto inbox; setting one up does not.
    if !tables_there(&mut client, &[VETO_TABLE])? {
        return Err(JournalError::Database(format!(
            "the veto inbox ({VETO_TABLE}) could not be created: this role may not create \
             tables in the journal's schema"
        )));
    }
    let schema: Option<String> = client
        .query_one(
            "SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.oid = to_regclass('gonogo_chain')",
            &[],
        )
        .map_err(|e| db_error(&e))?
        .get(0);
    Ok(Made {
        created: !before,
        schema: schema.unwrap_or_else(|| "public".into()),
    })
}

/// The statements that let `cockpit` run cockpits (drive and watch) and `reader` read
/// (`audit`, `report`, `check`, `watch`, `--read-only`) in `schema`.
pub fn grants(schema: &str, cockpit: &str, reader: &str) -> String {
    let q = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let (s, c, r) = (q(schema), q(cockpit), q(reader));
    format!(
        "-- a role that runs cockpits: appends records, moves a chain's head, takes the wheel\n\
         GRANT USAGE ON SCHEMA {s} TO {c};\n\
         GRANT SELECT, INSERT, UPDATE ON {s}.gonogo_chain TO {c};\n\
         GRANT SELECT, INSERT ON {s}.gonogo_record TO {c};\n\
         GRANT SELECT, INSERT, UPDATE, DELETE ON {s}.gonogo_driver TO {c};\n\
         -- the veto inbox: a watcher leaves its veto, the driver takes it (and its id's sequence)\n\
         GRANT SELECT, INSERT, DELETE ON {s}.gonogo_veto TO {c};\n\
         GRANT USAGE ON SEQUENCE {s}.gonogo_veto_id_seq TO {c};\n\
         -- a role that only reads: audit, report, check, watch, --read-only\n\
         GRANT USAGE ON SCHEMA {s} TO {r};\n\
         GRANT SELECT ON {s}.gonogo_chain, {s}.gonogo_record, {s}.gonogo_driver TO {r};\n"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn grants_never_give_a_cockpit_update_or_delete_on_records_and_quote_names() {
        let text = super::grants("releases", "on-call", "audit\"or");
        assert!(
            text.contains("GRANT SELECT, INSERT ON \"releases\".gonogo_record TO \"on-call\";")
        );
        assert!(!text.contains("UPDATE ON \"releases\".gonogo_record"));
        assert!(!text.contains("DELETE ON \"releases\".gonogo_record"));
        assert!(text.contains("TO \"audit\"\"or\";"), "{text}");
        // The veto inbox: watchers insert, the driver takes (and a reader has no part in it).
        assert!(
            text.contains(
                "GRANT SELECT, INSERT, DELETE ON \"releases\".gonogo_veto TO \"on-call\";"
            )
        );
        assert!(!text.contains("gonogo_veto TO \"audit"), "{text}");
    }
}
