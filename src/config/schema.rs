//! The file's shape, as serde reads it. Every field is optional here: what is required, and
//! every rule between fields, is checked while building, so that one run reports all problems
//! instead of stopping at the first missing key.

use crate::sources::providers::keys::{KeyValue, Keys, Shape};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

pub type Headers = BTreeMap<String, TextOrSecret>;

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
pub struct Cockpit {
    pub journal: Option<JournalAt>,
    pub operator: Option<String>,
    pub ascii: Option<bool>,
    pub bell: Option<bool>,
    pub theme: Option<String>,
}

/// `[automation]`: what may act by itself, after a countdown a person may veto.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Automation {
    pub rollback: Option<bool>,
    pub promote: Option<bool>,
    pub countdown: Option<Dur>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub name: Option<String>,
    pub tier: Option<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub map: Option<BTreeMap<String, Expected>>,
    pub expect: Option<Vec<Expected>>,
    pub stale_after: Option<Dur>,
    pub within: Option<Dur>,
    pub verify: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    pub source: Option<String>,
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub map: Option<BTreeMap<String, Expected>>,
}

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

/// How a condition, gate or observed traffic takes its value from its source: the keys it
/// may use, gathered from whichever table they were written in.
#[derive(Debug, Default)]
pub struct Pick {
    pub query: Option<String>,
    pub pointer: Option<String>,
    pub jq: Option<String>,
    pub field: Option<String>,
    pub select: Option<BTreeMap<String, String>>,
    pub aggregate: Option<String>,
    pub map: Option<BTreeMap<String, Expected>>,
}

/// The `Pick` keys of a table that has them (a condition, a baseline, a gate, observed
/// traffic), with `map` given separately since a baseline has none.
macro_rules! pick_of {
    ($raw:expr, $map:expr) => {
        $crate::config::schema::Pick {
            query: $raw.query,
            pointer: $raw.pointer,
            jq: $raw.jq,
            field: $raw.field,
            select: $raw.select,
            aggregate: $raw.aggregate,
            map: $map,
        }
    };
}
pub(super) use pick_of;

/// `{ env = "NAME" }` or `{ file = "path" }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    pub env: Option<String>,
    pub file: Option<String>,
}

/// A header value: plain text, or a reference to a secret.
#[derive(Debug)]
pub enum TextOrSecret {
    Text(String),
    Secret(SecretRef),
}

impl<'de> Deserialize<'de> for TextOrSecret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text_or_table(
            d,
            "a string, or { env = \"NAME\" } or { file = \"path\" }",
            TextOrSecret::Text,
            TextOrSecret::Secret,
        )
    }
}

/// A value that is either a string (`text` makes it) or a table (`table` makes it).
fn text_or_table<'de, D, T, M>(
    d: D,
    expecting: &'static str,
    text: fn(String) -> T,
    table: fn(M) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    M: Deserialize<'de>,
{
    struct V<T, M>(&'static str, fn(String) -> T, fn(M) -> T);
    impl<'de, T, M: Deserialize<'de>> Visitor<'de> for V<T, M> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
            Ok((self.1)(s.to_string()))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            M::deserialize(de::value::MapAccessDeserializer::new(map)).map(self.2)
        }
    }
    d.deserialize_any(V(expecting, text, table))
}

/// `[cockpit] journal`: a file's path, or `{ postgres = { env = "NAME" } }` for the shared
/// journal, whose URL is a secret.
#[derive(Debug)]
pub enum JournalAt {
    Path(String),
    Shared(SharedJournal),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedJournal {
    pub postgres: Option<TextOrSecret>,
}

impl<'de> Deserialize<'de> for JournalAt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text_or_table(
            d,
            "a path, or { postgres = { env = \"NAME\" } }",
            JournalAt::Path,
            JournalAt::Shared,
        )
    }
}

/// A humane duration: `"30s"`, `"10m"`, `"1h30m"`.
///
/// Parsed by `humantime` here rather than through `humantime-serde`, whose visitor expects only
/// "a duration" and does not trim: its errors would lose the examples of `DURATION_EXPECTED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub Duration);

pub const DURATION_EXPECTED: &str = "a duration like \"30s\", \"10m\" or \"1h30m\"";

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(DURATION_EXPECTED)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                humantime::parse_duration(s.trim())
                    .map(Dur)
                    .map_err(|_| E::invalid_value(Unexpected::Str(s), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// One of a gate's expected values, kept as the text a reading is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected(pub String);

impl<'de> Deserialize<'de> for Expected {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Expected;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Expected(s.to_string()))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
                Ok(Expected(b.to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                Ok(Expected(n.to_string()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                Ok(Expected(n.to_string()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
                Ok(Expected(crate::core::reading::format_number(n)))
            }
        }
        d.deserialize_any(V)
    }
}
