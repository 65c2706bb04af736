//! Argo Rollouts: one Rollout, by namespace and name, through the Kubernetes API
//! (`GET /apis/argoproj.io/v1alpha1/namespaces/{namespace}/rollouts/{name}`): the canary's
//! weight (usable as the observed stage), the current step, the phase, and whether it is
//! aborted or paused. The weight is the one the controller reports when traffic routing is
//! used, else the setWeight its steps say, as Argo Rollouts itself works it out
//! (`utils/replicaset/canary.go`, `GetCurrentSetWeight`).

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

/// Argo Rollouts: a Rollout object.
pub static PROVIDER: Provider = Provider {
    default_url: Some(kube::API),
    ..Provider::fields("argo-rollouts", KEYS, request, FIELDS, Poll::Own(poll))
};

const KEYS: &[&Key] = &[&NAMESPACE, &NAME];

const ROLLOUT: Resource = Resource {
    group: "argoproj.io",
    version: "v1alpha1",
    plural: "rollouts",
    kind: "Rollout",
};

impl SourceKind {
    #[allow(non_upper_case_globals)] // named as the kind it is, like an enum's variant
    pub const ArgoRollouts: SourceKind = SourceKind::of(&PROVIDER);
}

fn request(given: &mut Given, release: &ReleaseInfo) -> Option<Api> {
    ROLLOUT.request(given, release)
}

fn poll<'a>(client: &'a SourceClient, spec: &'a SourceSpec) -> BoxFuture<'a, Polled> {
    Box::pin(kube::poll(client, spec, read))
}

pub const FIELDS: &[FieldDoc] = &[
    (
        "weight",
        "percent of traffic on the canary: the traffic router's weight, else the current \
         step's setWeight; 0 when aborted, 100 when every step is done",
    ),
    ("step", "the current step's index (status.currentStepIndex)"),
    (
        "phase",
        "Healthy, Progressing, Paused or Degraded (status.phase)",
    ),
    (
        "aborted",
        "true or false: the update was aborted (status.abort)",
    ),
    (
        "paused",
        "true or false: paused by spec.paused, a pause step or the controller",
    ),
];

pub fn read(doc: &Value, url: &str) -> Result<Fields, SourceError> {
    let status = ROLLOUT.status(doc, url)?;
    let aborted = status.get("abort") == Some(&Value::Bool(true));
    let mut f = Fields::default();
    let weight = weight(doc, status, aborted, &mut f.notes);
    f.set("weight", weight);
    f.set(
        "step",
        match status.get("currentStepIndex").and_then(kube::count) {
            Some(i) => Reading::Number(i),
            None => Reading::Missing("no current step (status.currentStepIndex)".into()),
        },
    );
    f.set(
        "phase",
        match status.get("phase").and_then(Value::as_str) {
            Some(p) => Reading::Text(p.to_string()),
            None => Reading::Missing("no status.phase (reported since Argo Rollouts 1.0)".into()),
        },
    );
    f.set("aborted", Reading::Bool(aborted));
    let listed = |v: Option<&Value>| v.and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    let paused = doc["spec"]["paused"] == true
        || listed(status.get("pauseConditions"))
        || status.get("controllerPause") == Some(&Value::Bool(true));
    f.set("paused", Reading::Bool(paused));
    if let Some(m) = status.get("message").and_then(Value::as_str) {
        f.notes.push(format!("rollout: {m}"));
    }
    Ok(f)
}

/// The canary's share of traffic; unknown when the status is of an older spec, when the
/// rollout is no canary, or when the step index is not one of its steps.
fn weight(
    doc: &Value,
    status: &Map<String, Value>,
    aborted: bool,
    notes: &mut Vec<String>,
) -> Reading {
    let generation = doc["metadata"]["generation"].as_u64();
    // `observedGeneration` is a string in a Rollout's status ("429").
    let observed = status
        .get("observedGeneration")
        .and_then(|g| g.as_str().and_then(|s| s.parse().ok()).or(g.as_u64()));
    if let (Some(g), Some(o)) = (generation, observed)
        && g != o
    {
        return Reading::Missing(format!(
            "the controller has not seen generation {g} yet (status is of {o})"
        ));
    }
    if aborted {
        return Reading::Number(0.0);
    }
    let Some(canary) = doc["spec"]["strategy"]["canary"].as_object() else {
        return Reading::Missing("not a canary rollout: no weight".into());
    };
    // Weights count to the traffic router's maximum: 100 unless `maxTrafficWeight` says.
    let max = canary
        .get("trafficRouting")
        .and_then(|t| t["maxTrafficWeight"].as_f64())
        .unwrap_or(100.0);
    if let Some(w) = status
        .get("canary")
        .map(|c| &c["weights"]["canary"]["weight"])
        .and_then(Value::as_f64)
    {
        return percent(w, max);
    }
    if canary.contains_key("trafficRouting") {
        notes.push("the traffic router reports no weights yet: the weight is the step's".into());
    }
    let empty = Vec::new();
    let steps = canary
        .get("steps")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    if steps.is_empty() {
        return Reading::Number(100.0);
    }
    let Some(index) = status.get("currentStepIndex").and_then(Value::as_u64) else {
        return Reading::Missing("no current step (status.currentStepIndex)".into());
    };
    let index = index as usize;
    if index == steps.len() {
        // Every step done.
        return Reading::Number(100.0);
    }
    if index > steps.len() {
        return Reading::Missing(format!(
            "step index {index} is beyond the {} steps",
            steps.len()
        ));
    }
    // The last setWeight at or before the current step; none yet is 0.
    let set = steps[..=index]
        .iter()
        .rev()
        .find_map(|s| s.get("setWeight"))
        .map_or(Some(0.0), Value::as_f64);
    match set {
        Some(w) => percent(w, max),
        None => Reading::Missing("a setWeight that is not a number".into()),
    }
}

/// A weight out of `max`, in percent.
fn percent(w: f64, max: f64) -> Reading {
    if max > 0.0 && (0.0..=max).contains(&w) {
        Reading::Number(w * 100.0 / max)
    } else {
        Reading::Missing(format!("weight {w} is not 0 to {max}"))
    }
}

#[cfg(test)]
mod tests;
