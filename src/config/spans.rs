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

/// Where each line of a text starts, so a key's line is a binary search rather than a count of
/// the newlines before it (a count per key made a 1,000-condition file take 270 ms to load).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn of(text: &str) -> LineStarts {
        let breaks = text.match_indices('\n').map(|(i, _)| i + 1);
        LineStarts(std::iter::once(0).chain(breaks).collect())
    }

    /// The line (1-based) holding byte `offset`.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

impl Spans {
    /// Map every key of a document that parsed; `toml::de::Error` is left to the caller.
    pub fn of(text: &str) -> Result<Spans, toml::de::Error> {
        let doc = DeTable::parse(text)?;
        let mut spans = Spans::default();
        spans.walk_table(&LineStarts::of(text), doc.get_ref(), &KeyPath::root());
        Ok(spans)
    }

    fn walk_table(&mut self, lines: &LineStarts, table: &DeTable<'_>, at: &KeyPath) {
        for (key, value) in table.iter() {
            let path = at.key(key.get_ref());
            self.lines
                .insert(path.clone(), lines.line(key.span().start));
            self.walk_value(lines, value.get_ref(), &path);
        }
    }

    fn walk_value(&mut self, lines: &LineStarts, value: &DeValue<'_>, at: &KeyPath) {
        match value {
            DeValue::Table(t) => self.walk_table(lines, t, at),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = at.index(i);
                    // For `[[stages]]` the span of an element is its header line.
                    self.lines
                        .insert(path.clone(), lines.line(item.span().start));
                    self.walk_value(lines, item.get_ref(), &path);
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
    fn a_line_found_by_search_is_the_line_counted() {
        let text = "a = 1\n\n[b]\nc = \"é\"\n  d = 2\nlast";
        let lines = LineStarts::of(text);
        for offset in 0..=text.len() {
            assert_eq!(
                lines.line(offset),
                line_col(text, offset).0,
                "offset {offset}"
            );
        }
    }

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
