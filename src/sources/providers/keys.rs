//! The keys a provider reads from its source table, beyond those every source has (`kind`,
//! `url`, `interval`, `headers`, `auth`, `tls`, …): each declared once, by the provider that
//! reads it (or beside the providers that share it), with its shape and meaning. Config decodes
//! them by their shape and reports any given to a provider that does not read them.

/// One key of a `[sources.<name>]` table that a provider reads.
#[derive(Debug, PartialEq, Eq)]
pub struct Key {
    /// As written in the config: `repo`, `matchers`.
    pub name: &'static str,
    pub shape: Shape,
    /// What it says, for whoever reads the provider's code or docs.
    pub meaning: &'static str,
}

impl Key {
    /// A key whose value is a string.
    pub const fn text(name: &'static str, meaning: &'static str) -> Key {
        Key {
            name,
            shape: Shape::Text,
            meaning,
        }
    }

    /// A key whose value is an array of strings.
    pub const fn texts(name: &'static str, meaning: &'static str) -> Key {
        Key {
            name,
            shape: Shape::Texts,
            meaning,
        }
    }
}

/// What a key's value is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string: `repo = "acme/checkout"`.
    Text,
    /// An array of strings: `matchers = ['severity="critical"']`.
    Texts,
}

/// A key's value as decoded by its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    Text(String),
    Texts(Vec<String>),
}

/// The provider keys a source table holds, each decoded by its shape.
#[derive(Debug, Default)]
pub struct Keys(Vec<(&'static Key, KeyValue)>);

impl Keys {
    pub fn insert(&mut self, key: &'static Key, value: KeyValue) {
        self.0.push((key, value));
    }

    /// Whether the table holds a key of this name (whichever provider declares it).
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k.name == name)
    }

    pub fn text(&self, key: &Key) -> Option<&str> {
        match self.get(key)? {
            KeyValue::Text(t) => Some(t),
            KeyValue::Texts(_) => None,
        }
    }

    pub fn texts(&self, key: &Key) -> Option<&[String]> {
        match self.get(key)? {
            KeyValue::Texts(t) => Some(t),
            KeyValue::Text(_) => None,
        }
    }

    fn get(&self, key: &Key) -> Option<&KeyValue> {
        self.0
            .iter()
            .find(|(k, _)| k.name == key.name)
            .map(|(_, v)| v)
    }
}
