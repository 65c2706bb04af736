//! `[[conditions]]`: stop conditions, with their baseline, minimum traffic and statistical
//! comparison.

use super::{Dur, Expected};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub id: Option<String>,
    pub label: Option<String>,
    pub source: Option<String>,
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub map: Option<BTreeMap<String, Expected>>,
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub warn: Option<f64>,
    #[serde(rename = "for")]
    pub for_: Option<Dur>,
    pub samples: Option<i64>,
    pub unit: Option<String>,
    pub scale: Option<f64>,
    pub decimals: Option<i64>,
    pub baseline: Option<Baseline>,
    pub min_traffic: Option<MinTraffic>,
    pub observe: Option<bool>,
    pub compare: Option<Compare>,
    pub critical: Option<bool>,
}

/// `min_traffic = { query = '…', min = 500, unit = "requests" }`: the canary's traffic, read
/// from the condition's source, below which the condition is unknown.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinTraffic {
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub min: Option<f64>,
    pub unit: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub factor: Option<f64>,
    pub offset: Option<f64>,
}

/// `compare = { test = "mann-whitney", max_effect = 1.5, alpha = 0.05, min_samples = 30 }`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    pub test: Option<String>,
    pub max_effect: Option<f64>,
    pub alpha: Option<f64>,
    pub min_samples: Option<i64>,
    pub window: Option<i64>,
    pub worse: Option<String>,
}
