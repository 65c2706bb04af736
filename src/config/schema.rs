//! The file's shape, as serde reads it. Every field is optional here: what is required, and
//! every rule between fields, is checked while building, so that one run reports all problems
//! instead of stopping at the first missing key.

mod actions;
mod cockpit;
mod conditions;
mod gates;
mod release;
mod sources;
mod values;

// Every table's struct at `schema::Name`, as when they were one file.
pub use actions::*;
pub use cockpit::*;
pub use conditions::*;
pub use gates::*;
pub use release::*;
pub use sources::*;
pub use values::*;

use std::collections::BTreeMap;

/// How a condition, gate or observed traffic takes its value from its source: the keys it
/// may use, gathered from whichever table they were written in.
#[derive(Debug, Default)]
pub struct Pick {
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub map: Option<BTreeMap<String, Expected>>,
}

/// The `Pick` keys of a table that has them (a condition, a baseline, a gate, observed
/// traffic), with `map` given separately since a baseline has none.
macro_rules! pick_of {
    ($raw:expr, $map:expr) => {
        $crate::config::schema::Pick {
            query: $raw.query,
            pointer: $raw.pointer,
            jq: $raw.jq,
            field: $raw.field,
            select: $raw.select,
            aggregate: $raw.aggregate,
            map: $map,
        }
    };
}
pub(super) use pick_of;
