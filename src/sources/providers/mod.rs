//! The providers: the APIs a source reads (`kind = "github-actions"`). Each has a folder with
//! everything about it — the keys it reads and their checks, its default URL and headers, how
//! its request is built, how its answer is read, the fields it offers and what they mean, its
//! README snippet and its test fixtures — and one entry in `PROVIDERS`, which the config and
//! the pollers iterate. A `SourceKind` is a handle to an entry.
//!
//! Adding a provider: its folder (a `mod.rs` with its `PROVIDER`, a `README.md` with its row
//! and snippet for the README's providers section, and its `fixtures/`), and a line in
//! `PROVIDERS` here (and in `KEY_ORDER`, for a key no provider read before).

pub mod alertmanager;
mod answer;
pub mod argo_rollouts;
pub mod datadog;
pub mod fields;
pub mod flagger;
mod flags;
mod git;
pub mod github_actions;
pub mod github_checks;
pub mod gitlab;
pub mod http;
pub mod keys;
mod kube;
pub mod launchdarkly;
pub mod prometheus;
#[cfg(test)]
mod tests;
pub mod unleash;

use crate::config::Given;
use crate::setup::{Extract, ReleaseInfo, SourceKind, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::SourceClient;
use crate::sources::error::SourceError;
use fields::{FieldDoc, Fields};
use futures_util::future::BoxFuture;
use keys::Key;

/// Every provider, in the order config lists the kinds (`expected one of: prometheus, …`).
pub const PROVIDERS: &[&Provider] = &[
    &prometheus::PROVIDER,
    &http::PROVIDER,
    &alertmanager::PROVIDER,
    &github_actions::PROVIDER,
    &github_checks::PROVIDER,
    &gitlab::PROVIDER,
    &unleash::PROVIDER,
    &launchdarkly::PROVIDER,
    &datadog::PROVIDER,
    &argo_rollouts::PROVIDER,
    &flagger::PROVIDER,
];

/// The names of the providers' keys, in the order "unknown key — expected one of: …" lists
/// them (the order they came in). A provider's new key goes at the end.
pub const KEY_ORDER: &[&str] = &[
    "error_pointer",
    "error_jq",
    "matchers",
    "repo",
    "workflow",
    "event",
    "commit",
    "ref",
    "project",
    "flag",
    "environment",
    "required",
    "lookback",
    "namespace",
    "name",
];

/// One API a source can read.
#[derive(Debug)]
pub struct Provider {
    /// The name config uses: `kind = "github-actions"`.
    pub name: &'static str,
    /// The keys it reads beyond those every source has.
    pub keys: &'static [&'static Key],
    /// Where its API lives unless `url` says otherwise (a SaaS API).
    pub default_url: Option<&'static str>,
    /// Headers its API asks every client to send, added unless the source sets its own.
    pub default_headers: &'static [(&'static str, &'static str)],
    /// Why `auth = { bearer = … }` does not fit its API, when it does not.
    pub refuses_bearer: Option<&'static str>,
    /// Headers every request must carry (matched without case), checked when the config
    /// loads: an API that takes its keys in headers of its own (Datadog).
    pub required_headers: &'static [&'static str],
    pub request: Request,
    /// Where an answer reports an error inside a 2xx, from the source's keys.
    pub error_check: Option<fn(&mut Given) -> Option<Extract>>,
    /// How conditions and gates take a value from it.
    pub values: Values,
    pub poll: Poll,
}

impl Provider {
    /// What most providers are: a GET of an API URL built from their keys, its answer read
    /// into named fields; no default URL or headers, no error check, any `auth`.
    pub const fn fields(
        name: &'static str,
        keys: &'static [&'static Key],
        request: ApiFn,
        fields: &'static [FieldDoc],
        poll: Poll,
    ) -> Provider {
        Provider {
            name,
            keys,
            default_url: None,
            default_headers: &[],
            refuses_bearer: None,
            required_headers: &[],
            request: Request::Api(request),
            error_check: None,
            values: Values::Fields(fields),
            poll,
        }
    }

    /// Whether it reads the source key `name`.
    pub fn reads(&self, name: &str) -> bool {
        self.keys.iter().any(|k| k.name == name)
    }
}

/// What a source of the provider asks of its server.
#[derive(Debug, Clone, Copy)]
pub enum Request {
    /// `url` is the server's base URL; each poll runs GET queries under it.
    Base,
    /// `url`, `method` and `body` as given, their `{{var}}` placeholders filled.
    Template,
    /// A GET of the API URL the provider builds under `url` from its keys and the release.
    Api(ApiFn),
}

impl Request {
    /// How its source asks, for "`method` is only for …": `None` when it sends what is given.
    pub fn gets(self) -> Option<&'static str> {
        match self {
            Request::Base => Some("runs GET queries"),
            Request::Template => None,
            Request::Api(_) => Some("sends GET requests"),
        }
    }
}

/// Builds a provider's API URL from the source's keys; `None` after reporting why not.
pub type ApiFn = fn(&mut Given, &ReleaseInfo) -> Option<Api>;

/// An API URL under the source's base URL: path segments (each encoded as one), query pairs,
/// and a fragment, which is never sent (a place to keep what the poll needs to know).
#[derive(Debug, Default)]
pub struct Api {
    pub path: Vec<String>,
    pub query: Vec<(String, String)>,
    pub fragment: Option<String>,
}

impl Api {
    pub fn at<const N: usize>(path: [&str; N]) -> Self {
        Api {
            path: path.map(str::to_string).to_vec(),
            ..Api::default()
        }
    }

    pub fn query(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        self.query.push((key.to_string(), value.into()));
        self
    }
}

/// How a condition or gate picks a value from a source of the provider.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    /// A PromQL query per signal (`query`, with `select` or `aggregate` for several series).
    Query,
    /// One JSON document per poll, a value picked by `pointer` or `jq`.
    Json,
    /// A query per signal that must answer one series (no `select` or `aggregate`: the query
    /// aggregates itself); the text says what a query is, for config's messages.
    OwnQuery(&'static str),
    /// The named fields the provider reads out of its answer (`field = "status"`).
    Fields(&'static [FieldDoc]),
}

impl Values {
    /// The keys that pick a value, and how an error names them.
    pub fn keys(self) -> (&'static [&'static str], &'static str) {
        match self {
            Values::Query => (&["query", "select", "aggregate"], "`query`"),
            Values::Json => (&["pointer", "jq"], "`pointer` or `jq`"),
            Values::OwnQuery(_) => (&["query"], "`query`"),
            Values::Fields(_) => (&["field"], "`field`"),
        }
    }
}

/// How a poll goes.
#[derive(Debug, Clone, Copy)]
pub enum Poll {
    /// One GET of the source's URL; the JSON answer read into fields (with the URL asked).
    Answer(fn(&serde_json::Value, &str) -> Result<Fields, SourceError>),
    /// Requests of its own.
    Own(PollFn),
}

pub type PollFn = for<'a> fn(&'a SourceClient, &'a SourceSpec) -> BoxFuture<'a, Polled>;

/// The key some provider declares by this name.
pub fn key(name: &str) -> Option<&'static Key> {
    PROVIDERS
        .iter()
        .flat_map(|p| p.keys.iter().copied())
        .find(|k| k.name == name)
}

impl SourceKind {
    /// Every kind, in the table's order.
    pub const ALL: [SourceKind; PROVIDERS.len()] = {
        let mut all = [SourceKind::of(PROVIDERS[0]); PROVIDERS.len()];
        let mut i = 1;
        while i < all.len() {
            all[i] = SourceKind::of(PROVIDERS[i]);
            i += 1;
        }
        all
    };
}
