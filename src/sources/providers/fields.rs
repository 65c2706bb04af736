//! Named fields: how most providers are read. Each is a thin layer over the shared client: one
//! GET of the URL config built (with the release's commit, flag, environment or label matchers
//! in it), then a pure function from the JSON answer to named values, which conditions and
//! gates pick with `field = "…"`. A provider that asks more than one thing (GitHub checks)
//! makes its own requests and reads them into fields the same way.

use super::answer;
use crate::core::reading::Reading;
use crate::setup::{Extract, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::SourceClient;
use crate::sources::error::SourceError;
use serde_json::Value;

/// What one answer of a provider's API says: its named values, and notes for the log.
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

/// A field a provider offers, with what it means (for config errors and the docs).
pub type FieldDoc = (&'static str, &'static str);

/// One GET of the source's URL, its answer read by `read` into fields, and the signals' values
/// taken from them.
pub async fn poll(
    client: &SourceClient,
    spec: &SourceSpec,
    read: fn(&Value, &str) -> Result<Fields, SourceError>,
) -> Polled {
    let fields = answer::get_json(client, &spec.url, &spec.headers, spec.timeout)
        .await
        .and_then(|doc| read(&doc, &spec.url));
    polled(spec, fields)
}

/// Each signal's value from the fields a poll read, or the poll's failure.
pub fn polled(spec: &SourceSpec, fields: Result<Fields, SourceError>) -> Polled {
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

/// The last path segment of a URL, percent-decoded: the environment a provider asked for.
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

/// The state words CI providers report, whatever the provider calls them.
pub mod ci {
    pub const QUEUED: &str = "queued";
    pub const IN_PROGRESS: &str = "in_progress";
    pub const SUCCESS: &str = "success";
    pub const FAILURE: &str = "failure";
}
