//! Where each key sits in the file. The `config` crate and `toml::Value` forget positions, so
//! the raw text is parsed once more with `toml::de::DeTable`, whose keys and values carry byte
//! spans, and every key path is mapped to its line.

use super::path::KeyPath;
use std::collections::HashMap;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Default)]
pub struct Spans {
    lines: HashMap<KeyPath, usize>,
}

/// Line (1-based) and column (1-based, in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Spans {
    /// Map every key of a document that parsed; `toml::de::Error` is left to the caller.
    pub fn of(text: &str) -> Result<Spans, toml::de::Error> {
        let doc = DeTable::parse(text)?;
        let mut spans = Spans::default();
        spans.walk_table(text, doc.get_ref(), &KeyPath::root());
        Ok(spans)
    }

    fn walk_table(&mut self, text: &str, table: &DeTable<'_>, at: &KeyPath) {
        for (key, value) in table.iter() {
            let path = at.key(key.get_ref());
            self.lines
                .insert(path.clone(), line_col(text, key.span().start).0);
            self.walk_value(text, value.get_ref(), &path);
        }
    }

    fn walk_value(&mut self, text: &str, value: &DeValue<'_>, at: &KeyPath) {
        match value {
            DeValue::Table(t) => self.walk_table(text, t, at),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = at.index(i);
                    // For `[[stages]]` the span of an element is its header line.
                    self.lines
                        .insert(path.clone(), line_col(text, item.span().start).0);
                    self.walk_value(text, item.get_ref(), &path);
                }
            }
            _ => {}
        }
    }

    /// The line of `path`, or of its nearest ancestor the file spells out.
    pub fn line(&self, path: &KeyPath) -> Option<usize> {
        path.ancestors().find_map(|p| self.lines.get(&p).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keys_and_table_elements_to_lines() {
        let text = "[release]\nname = \"x\"\n\n[[stages]]\ntraffic = 1\n\n[[stages]]\nbake = \"1m\"\nthresholds = { err = { max = 1 } }\n";
        let s = Spans::of(text).unwrap();
        let stages = KeyPath::root().key("stages");
        assert_eq!(s.line(&KeyPath::root().key("release").key("name")), Some(2));
        assert_eq!(s.line(&stages.index(0).key("traffic")), Some(5));
        assert_eq!(s.line(&stages.index(1)), Some(7));
        assert_eq!(
            s.line(&stages.index(1).key("thresholds").key("err").key("max")),
            Some(9)
        );
        // Not in the file: the nearest ancestor's line.
        assert_eq!(s.line(&stages.index(1).key("traffic")), Some(7));
        assert_eq!(line_col("a = 1\nbé = = 2", 12), (2, 6));
    }
}
