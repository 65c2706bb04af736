//! Values several tables share: secret references, durations, expected values.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
use std::fmt;
use std::time::Duration;

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
pub(super) fn text_or_table<'de, D, T, M>(
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
