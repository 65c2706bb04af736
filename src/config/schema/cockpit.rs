//! `[cockpit]` and `[automation]`: how this cockpit runs, and what may act by itself.

use super::values::text_or_table;
use super::{Dur, TextOrSecret};
use serde::{Deserialize, Deserializer};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cockpit {
    pub journal: Option<JournalAt>,
    pub operator: Option<String>,
    pub ascii: Option<bool>,
    pub bell: Option<bool>,
    pub theme: Option<String>,
}

/// `[automation]`: what may act by itself, after a countdown a person may veto.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Automation {
    pub rollback: Option<bool>,
    pub promote: Option<bool>,
    pub countdown: Option<Dur>,
}

/// `[cockpit] journal`: a file's path, or `{ postgres = { env = "NAME" } }` for the shared
/// journal, whose URL is a secret.
#[derive(Debug)]
pub enum JournalAt {
    Path(String),
    Shared(SharedJournal),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedJournal {
    pub postgres: Option<TextOrSecret>,
}

impl<'de> Deserialize<'de> for JournalAt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text_or_table(
            d,
            "a path, or { postgres = { env = \"NAME\" } }",
            JournalAt::Path,
            JournalAt::Shared,
        )
    }
}
