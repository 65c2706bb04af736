//! What the rollout controllers share (Argo Rollouts, Flagger): one object of theirs, read
//! through the Kubernetes API at `GET {url}/apis/{group}/{version}/namespaces/{namespace}/
//! {plural}/{name}`, the way operators reach it from inside a cluster — the API server at
//! `https://kubernetes.default.svc`, the pod's service-account token
//! (`auth = { bearer = { file = "/var/run/secrets/kubernetes.io/serviceaccount/token" } }`)
//! and the cluster's CA (`tls = { ca = "…/serviceaccount/ca.crt" }`), through the secret
//! references and TLS settings every source has.
//!
//! The kubelet rotates a projected token's file under a running pod, so the secrets of these
//! sources that come from files (the token) are read again on each poll; the config's load
//! reads them once first, to report a missing file then. A file that cannot be read at a
//! poll fails that poll.
//!
//! The API server refuses with a `Status` object (`{"kind": "Status", "message": …,
//! "reason": "NotFound", "code": 404}`), whose message the shared error reading shows. An
//! answer that is not the object asked (another kind, name or namespace), or one the
//! controller has not written a status into yet, is a bad answer, never a value.

use super::fields::Fields;
use super::keys::Key;
use super::{Api, answer, fields};
use crate::config::Given;
use crate::setup::{ReleaseInfo, SourceSpec};
use crate::sources::Polled;
use crate::sources::client::SourceClient;
use crate::sources::error::SourceError;
use serde_json::{Map, Value};

/// The API server as a pod sees it.
pub const API: &str = "https://kubernetes.default.svc";

pub static NAMESPACE: Key = Key::text("namespace", "the object's namespace (default: \"default\")");

pub static NAME: Key = Key::text("name", "the object's name");

/// A custom resource's API group, version and plural (`argoproj.io`, `v1alpha1`, `rollouts`).
pub struct Resource {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    /// `kind` of the object (`Rollout`).
    pub kind: &'static str,
}

impl Resource {
    /// `/apis/{group}/{version}/namespaces/{namespace}/{plural}/{name}`, from `namespace`
    /// (default "default", as kubectl's) and `name`, both with the release's placeholders.
    pub fn request(&self, given: &mut Given, release: &ReleaseInfo) -> Option<Api> {
        let namespace = given
            .optional(&NAMESPACE, release)
            .map(|n| n.unwrap_or_else(|| "default".to_string()));
        let name = given
            .required(&NAME, &format!("the {}'s name", self.kind))
            .and_then(|n| given.fill(&NAME, &n, release));
        let (namespace, name) = (namespace?, name?);
        let path = [
            "apis",
            self.group,
            self.version,
            "namespaces",
            &namespace,
            self.plural,
            &name,
        ];
        Some(Api::at(path))
    }

    /// The object's `status` when `doc` is the object `url` asks for and has one.
    pub fn status<'a>(
        &self,
        doc: &'a Value,
        url: &str,
    ) -> Result<&'a Map<String, Value>, SourceError> {
        let bad = |what: String| Err(SourceError::Unexpected(what));
        if doc["kind"] == "Status" {
            let said = doc["message"].as_str().unwrap_or("no message");
            return bad(format!("a Status, not a {}: {said}", self.kind));
        }
        if doc["kind"].as_str() != Some(self.kind) {
            return bad(format!(
                "not a {}: kind is {}",
                self.kind,
                shown(&doc["kind"])
            ));
        }
        let (namespace, name) = asked(url);
        let meta = &doc["metadata"];
        if meta["name"].as_str() != Some(name.as_str()) {
            return bad(format!(
                "not the {} {name:?}: got {}",
                self.kind,
                shown(&meta["name"])
            ));
        }
        // A namespaced object's answer names its namespace; one that names another is not it.
        if let Some(ns) = meta["namespace"].as_str()
            && ns != namespace
        {
            return bad(format!("not in namespace {namespace:?}: got {ns:?}"));
        }
        match doc["status"].as_object() {
            Some(s) if !s.is_empty() => Ok(s),
            _ => bad(format!(
                "the {} has no status yet (is its controller running?)",
                self.kind
            )),
        }
    }
}

/// One GET of the object, with the secrets from files read again (a rotated token), its
/// answer read by `read` into fields.
pub async fn poll(
    client: &SourceClient,
    spec: &SourceSpec,
    read: fn(&Value, &str) -> Result<Fields, SourceError>,
) -> Polled {
    let headers: Result<Vec<_>, String> = spec
        .headers
        .iter()
        .map(|(name, value)| Ok((name.clone(), value.reread()?)))
        .collect();
    let fields = match headers {
        Ok(headers) => answer::get_json(client, &spec.url, &headers, spec.timeout)
            .await
            .and_then(|doc| read(&doc, &spec.url)),
        Err(why) => Err(SourceError::Request(why)),
    };
    fields::polled(spec, fields)
}

/// The namespace and the name a URL `…/namespaces/{namespace}/{plural}/{name}` asks for.
fn asked(url: &str) -> (String, String) {
    let name = fields::last_segment(url).unwrap_or_default();
    let namespace = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            let segs: Vec<String> = u.path_segments()?.map(String::from).collect();
            let at = segs.iter().rposition(|s| s == "namespaces")?;
            segs.get(at + 1).cloned()
        })
        .map(|n| {
            percent_encoding::percent_decode_str(&n)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    (namespace, name)
}

fn shown(v: &Value) -> String {
    v.as_str().map_or("none".to_string(), |n| format!("{n:?}"))
}

/// A whole number of a status, as a reading's number; `None` when absent or not one.
pub fn count(v: &Value) -> Option<f64> {
    v.as_u64().map(|n| n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ROLLOUTS: Resource = Resource {
        group: "argoproj.io",
        version: "v1alpha1",
        plural: "rollouts",
        kind: "Rollout",
    };
    const URL: &str = "https://kubernetes.default.svc/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/checkout";

    fn object(kind: &str, name: &str, namespace: &str) -> Value {
        json!({"kind": kind, "metadata": {"name": name, "namespace": namespace},
               "status": {"currentStepIndex": 0}})
    }

    fn refusal(doc: &Value) -> String {
        ROLLOUTS.status(doc, URL).unwrap_err().to_string()
    }

    #[test]
    fn only_the_object_asked_has_a_status() {
        assert!(
            ROLLOUTS
                .status(&object("Rollout", "checkout", "shop"), URL)
                .is_ok()
        );
        assert_eq!(
            refusal(&object("Deployment", "checkout", "shop")),
            "unexpected response: not a Rollout: kind is \"Deployment\""
        );
        assert_eq!(
            refusal(&object("Rollout", "cart", "shop")),
            "unexpected response: not the Rollout \"checkout\": got \"cart\""
        );
        assert_eq!(
            refusal(&object("Rollout", "checkout", "default")),
            "unexpected response: not in namespace \"shop\": got \"default\""
        );
        let status = json!({"kind": "Status", "status": "Failure", "message": "forbidden",
                            "reason": "Forbidden", "code": 403});
        assert_eq!(
            refusal(&status),
            "unexpected response: a Status, not a Rollout: forbidden"
        );
        for empty in [json!(null), json!({})] {
            let mut doc = object("Rollout", "checkout", "shop");
            doc["status"] = empty;
            assert_eq!(
                refusal(&doc),
                "unexpected response: the Rollout has no status yet (is its controller running?)"
            );
        }
    }
}
