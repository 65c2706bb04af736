//! `[[gates]]` and `[observed_traffic]`: evidence before promote, and the live traffic share.

use super::{Dur, Expected};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub name: Option<String>,
    pub tier: Option<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub map: Option<BTreeMap<String, Expected>>,
    pub expect: Option<Vec<Expected>>,
    pub stale_after: Option<Dur>,
    pub within: Option<Dur>,
    pub verify: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    pub source: Option<String>,
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub map: Option<BTreeMap<String, Expected>>,
}
