//! Key paths as operators read them: `conditions[1].max`, `sources.github.headers."X-Api-Key"`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    pub fn key(&self, k: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn join(&self, rest: &KeyPath) -> Self {
        let mut p = self.clone();
        p.0.extend(rest.0.iter().cloned());
        p
    }

    /// This path, then each ancestor up to the root.
    pub fn ancestors(&self) -> impl Iterator<Item = KeyPath> + '_ {
        (0..=self.0.len())
            .rev()
            .map(|n| KeyPath(self.0[..n].to_vec()))
    }

    /// The path serde_path_to_error reports, in our terms.
    pub fn from_serde(path: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment;
        KeyPath(
            path.iter()
                .filter_map(|s| match s {
                    Segment::Seq { index } => Some(Seg::Index(*index)),
                    Segment::Map { key } | Segment::Enum { variant: key } => {
                        Some(Seg::Key(key.clone()))
                    }
                    Segment::Unknown => None,
                })
                .collect(),
        )
    }
}

fn is_bare(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if is_bare(k) {
                        f.write_str(k)?;
                    } else {
                        write!(f, "{k:?}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_the_file() {
        let p = KeyPath::root().key("conditions").index(1).key("max");
        assert_eq!(p.to_string(), "conditions[1].max");
        let h = KeyPath::root()
            .key("sources")
            .key("rollback check")
            .key("headers")
            .key("X-Api-Key");
        assert_eq!(
            h.to_string(),
            "sources.\"rollback check\".headers.X-Api-Key"
        );
        let all: Vec<String> = p.ancestors().map(|a| a.to_string()).collect();
        assert_eq!(
            all,
            ["conditions[1].max", "conditions[1]", "conditions", ""]
        );
    }
}
