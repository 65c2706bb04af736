//! Flagger: one Canary, by namespace and name, through the Kubernetes API
//! (`GET /apis/flagger.app/v1beta1/namespaces/{namespace}/canaries/{name}`): the canary's
//! weight (usable as the observed stage while the analysis runs), the phase, the failed
//! checks and the iterations of its analysis.

use super::fields::{FieldDoc, Fields};
use super::keys::Key;
use super::kube::{self, NAME, NAMESPACE, Resource};
use super::{Api, Poll, Provider};
use crate::config::Given;
use crate::core::reading::Reading;
use crate::setup::{ReleaseInfo, SourceKind, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::SourceClient;
use crate::sources::error::SourceError;
use futures_util::future::BoxFuture;
use serde_json::{Map, Value};

/// Flagger: a Canary object.
pub static PROVIDER: Provider = Provider {
    default_url: Some(kube::API),
    ..Provider::fields("flagger", KEYS, request, FIELDS, Poll::Own(poll))
};

const KEYS: &[&Key] = &[&NAMESPACE, &NAME];

const CANARY: Resource = Resource {
    group: "flagger.app",
    version: "v1beta1",
    plural: "canaries",
    kind: "Canary",
};

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const Flagger: SourceKind = SourceKind::of(&PROVIDER);
}

fn request(given: &mut Given, release: &ReleaseInfo) -> Option<Api> {
    CANARY.request(given, release)
}

fn poll<'a>(client: &'a SourceClient, spec: &'a SourceSpec) -> BoxFuture<'a, Polled> {
    Box::pin(kube::poll(client, spec, read))
}

pub const FIELDS: &[FieldDoc] = &[
    (
        "weight",
        "percent of traffic on the canary during the analysis (status.canaryWeight); 0 before \
         it and after promotion or failure, so read it with phase",
    ),
    (
        "phase",
        "Initializing, Initialized, Waiting, Progressing, WaitingPromotion, Promoting, \
         Finalising, Succeeded, Failed, Terminating or Terminated",
    ),
    (
        "failed_checks",
        "the analysis's failed checks so far (status.failedChecks)",
    ),
    ("iterations", "the analysis's iterations so far"),
];

/// The phases Flagger reports (`pkg/apis/flagger/v1beta1/status.go`).
const PHASES: [&str; 11] = [
    "Initializing",
    "Initialized",
    "Waiting",
    "Progressing",
    "WaitingPromotion",
    "Promoting",
    "Finalising",
    "Succeeded",
    "Failed",
    "Terminating",
    "Terminated",
];

pub fn read(doc: &Value, url: &str) -> Result<Fields, SourceError> {
    let status = CANARY.status(doc, url)?;
    let mut f = Fields::default();
    let number = |name: &str| match status.get(name) {
        Some(v) => kube::count(v)
            .map(Reading::Number)
            .unwrap_or_else(|| Reading::Missing(format!("status.{name} is {v}, not a count"))),
        None => Reading::Missing(format!("no status.{name}")),
    };
    let weight = match number("canaryWeight") {
        Reading::Number(w) if w > 100.0 => {
            Reading::Missing(format!("canaryWeight {w} is not 0 to 100"))
        }
        r => r,
    };
    f.set("weight", weight);
    f.set("phase", phase(status));
    f.set("failed_checks", number("failedChecks"));
    f.set("iterations", number("iterations"));
    Ok(f)
}

/// `status.phase`, or else the reason of the `Promoted` condition, which Flagger sets to the
/// phase ("The `Promoted` status condition can have one of the following reasons:
/// Initialized, Waiting, Progressing, …", docs/gitbook/usage/how-it-works.md).
fn phase(status: &Map<String, Value>) -> Reading {
    let promoted = status
        .get("conditions")
        .and_then(Value::as_array)
        .and_then(|c| c.iter().find(|c| c["type"] == "Promoted"))
        .and_then(|c| c["reason"].as_str());
    match status
        .get("phase")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .or(promoted)
    {
        Some(p) if PHASES.contains(&p) => Reading::Text(p.to_string()),
        Some(p) => Reading::Missing(format!("phase {p:?} is not one Flagger reports")),
        None => Reading::Missing("no status.phase and no Promoted condition".into()),
    }
}

#[cfg(test)]
mod tests;
