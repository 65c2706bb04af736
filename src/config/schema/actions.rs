//! `[actions.<name>]`: the webhooks behind promote, rollback and custom actions.

use super::{Dur, Headers, Tls};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub method: Option<String>,
    pub url: Option<String>,
    pub headers: Option<Headers>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    pub idempotent: Option<bool>,
    pub timeout: Option<Dur>,
    pub check: Option<Check>,
    pub tls: Option<Tls>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub url: Option<String>,
    pub method: Option<String>,
    pub interval: Option<Dur>,
    pub timeout: Option<Dur>,
    pub headers: Option<Headers>,
    /// Default: the rollback action's.
    pub tls: Option<Tls>,
}
