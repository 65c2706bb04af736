//! Presets: the APIs operators already run, read by name. Each is a thin layer over the shared
//! client: one GET of the URL config built (with the release's commit, flag, environment or
//! label matchers in it), then a pure function from the JSON answer to named values, which
//! conditions and gates pick with `field = "…"`. GitHub checks asks two things of the same
//! commit (check runs and the combined status), both GETs at once, within one timeout.

use super::{alertmanager, answer, github_actions as github, github_checks, gitlab};
use super::{launchdarkly, unleash};
use crate::core::reading::Reading;
use crate::setup::{Extract, SourceKind, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::SourceClient;
use crate::sources::error::SourceError;
use serde_json::Value;

/// What one answer of a preset's API says: its named values, and notes for the log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub values: Vec<(&'static str, Reading)>,
    pub notes: Vec<String>,
}

impl Fields {
    pub fn set(&mut self, name: &'static str, reading: Reading) -> &mut Self {
        self.values.retain(|(n, _)| *n != name);
        self.values.push((name, reading));
        self
    }

    pub fn get(&self, name: &str) -> Option<&Reading> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, r)| r)
    }
}

/// A field a preset offers, with what it means (for config errors and the docs).
pub type FieldDoc = (&'static str, &'static str);

/// The fields `kind` offers; empty for kinds that are not presets.
pub fn fields_of(kind: SourceKind) -> &'static [FieldDoc] {
    match kind {
        SourceKind::Alertmanager => alertmanager::FIELDS,
        SourceKind::GithubActions => github::FIELDS,
        SourceKind::GithubChecks => github_checks::FIELDS,
        SourceKind::Gitlab => gitlab::FIELDS,
        SourceKind::Unleash => unleash::FIELDS,
        SourceKind::LaunchDarkly => launchdarkly::FIELDS,
        SourceKind::Prometheus | SourceKind::Http => &[],
    }
}

/// Read a preset's answer into its fields.
pub fn read(kind: SourceKind, doc: &Value, url: &str) -> Result<Fields, SourceError> {
    match kind {
        SourceKind::Alertmanager => alertmanager::read(doc),
        SourceKind::GithubActions => github::read(doc, url),
        SourceKind::Gitlab => gitlab::read(doc, url),
        SourceKind::Unleash => unleash::read(doc, url),
        SourceKind::LaunchDarkly => launchdarkly::read(doc, url),
        SourceKind::GithubChecks => Err(SourceError::Unexpected(
            "github-checks reads two answers".into(),
        )),
        SourceKind::Prometheus | SourceKind::Http => {
            Err(SourceError::Unexpected("not a preset source".into()))
        }
    }
}

pub async fn poll(client: &SourceClient, spec: &SourceSpec) -> Polled {
    let fields = match spec.kind {
        SourceKind::GithubChecks => github_checks::poll(client, spec).await,
        kind => answer::get_json(client, &spec.url, &spec.headers, spec.timeout)
            .await
            .and_then(|doc| read(kind, &doc, &spec.url)),
    };
    let fields = match fields {
        Ok(f) => f,
        Err(e) => return Polled::failed(e),
    };
    let readings = spec
        .signals
        .iter()
        .map(|(sig, how)| {
            let reading = match how {
                Extract::Field(name) => fields.get(name).cloned().unwrap_or_else(|| {
                    Reading::Missing(format!("{} has no field {name:?}", spec.kind.label()))
                }),
                _ => Reading::Missing(format!("a {} source reads fields", spec.kind.label())),
            };
            (*sig, reading)
        })
        .collect();
    let mut polled = Polled::readings(readings);
    polled.notes = fields.notes;
    polled
}

/// The last path segment of a URL, percent-decoded: the environment a preset asked for.
pub(crate) fn last_segment(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let seg = parsed.path_segments()?.rfind(|s| !s.is_empty())?;
    Some(
        percent_encoding::percent_decode_str(seg)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// A query parameter of a URL.
pub(crate) fn query_param(url: &str, name: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The state words CI presets report, whatever the provider calls them.
pub mod ci {
    pub const QUEUED: &str = "queued";
    pub const IN_PROGRESS: &str = "in_progress";
    pub const SUCCESS: &str = "success";
    pub const FAILURE: &str = "failure";
}
