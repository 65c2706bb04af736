//! `[sources.<name>]`: where readings come from, and how to reach it (headers, auth, TLS).

use super::Dur;
use super::TextOrSecret;
use crate::sources::providers::keys::{KeyValue, Keys, Shape};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

pub type Headers = BTreeMap<String, TextOrSecret>;

/// A `[sources.<name>]` table: the keys every source has, and those its provider reads.
#[derive(Debug, Default)]
pub struct Source {
    pub kind: Option<String>,
    pub url: Option<String>,
    pub interval: Option<Dur>,
    pub timeout: Option<Dur>,
    pub stale_after: Option<Dur>,
    pub method: Option<String>,
    pub body: Option<String>,
    pub headers: Option<Headers>,
    pub auth: Option<Auth>,
    pub tls: Option<Tls>,
    /// The keys providers read (`repo`, `matchers`, …), each by the shape its provider declares.
    pub keys: Keys,
}

/// The keys every source table has, in the order "unknown key" lists them: these, the
/// provider keys, then `tls`.
const SOURCE_KEYS: [&str; 9] = [
    "kind",
    "url",
    "interval",
    "timeout",
    "stale_after",
    "method",
    "body",
    "headers",
    "auth",
];

/// Every key a source table may hold, for "unknown key — expected one of: …".
fn source_keys() -> &'static [&'static str] {
    static ALL: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let providers = crate::sources::providers::KEY_ORDER.iter().copied();
        SOURCE_KEYS
            .into_iter()
            .chain(providers)
            .chain(["tls"])
            .collect()
    });
    &ALL
}

/// By hand rather than derived, as the provider keys are not fields: they come from the
/// providers' table. Key by key in the table's order, so errors come as a derived one's would.
impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Source;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("struct Source")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut s = Source::default();
                while let Some(name) = map.next_key::<String>()? {
                    match name.as_str() {
                        "kind" => s.kind = Some(map.next_value()?),
                        "url" => s.url = Some(map.next_value()?),
                        "interval" => s.interval = Some(map.next_value()?),
                        "timeout" => s.timeout = Some(map.next_value()?),
                        "stale_after" => s.stale_after = Some(map.next_value()?),
                        "method" => s.method = Some(map.next_value()?),
                        "body" => s.body = Some(map.next_value()?),
                        "headers" => s.headers = Some(map.next_value()?),
                        "auth" => s.auth = Some(map.next_value()?),
                        "tls" => s.tls = Some(map.next_value()?),
                        other => {
                            let Some(key) = crate::sources::providers::key(other) else {
                                return Err(de::Error::unknown_field(other, source_keys()));
                            };
                            let value = match key.shape {
                                Shape::Text => KeyValue::Text(map.next_value()?),
                                Shape::Texts => KeyValue::Texts(map.next_value()?),
                            };
                            s.keys.insert(key, value);
                        }
                    }
                }
                Ok(s)
            }
        }
        d.deserialize_struct("Source", &[], V)
    }
}

/// `tls = { ca = "ca.pem", cert = "client.pem", key = { file = "client.key" },
/// server_name = "prometheus.internal" }`: a private CA, a client certificate, a server name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// A PEM file of one or more CA certificates, trusted beside the public roots.
    pub ca: Option<String>,
    /// Trust only `ca`, not the public roots.
    pub ca_only: Option<bool>,
    /// A PEM file of the client certificate (and any intermediates).
    pub cert: Option<String>,
    /// The client certificate's private key, PEM: a secret reference.
    pub key: Option<TextOrSecret>,
    /// The name to verify the server's certificate for, when the URL names another host.
    pub server_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub bearer: Option<TextOrSecret>,
    pub basic: Option<Basic>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basic {
    pub username: Option<String>,
    pub password: Option<TextOrSecret>,
}
