//! `[release]` and `[[stages]]`: what is released, and the plan it goes out by.

use super::Dur;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    pub name: Option<String>,
    pub version: Option<String>,
    pub environment: Option<String>,
    pub commit: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub name: Option<String>,
    pub traffic: Option<f64>,
    pub bake: Option<Dur>,
    pub thresholds: Option<BTreeMap<String, Override>>,
    pub failure_limit: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub warn: Option<f64>,
}
