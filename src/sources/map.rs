//! `map = { passing = "success", "2" = "failure" }`: a signal's value looked up, as text, in a
//! table. Done around the providers, so every kind of source maps the same way.

use super::Polled;
use crate::core::reading::{Outcome, Reading, SignalId};
use crate::setup::{Extract, SourceSpec};
use std::borrow::Cow;

pub type Maps = Vec<(SignalId, Vec<(String, String)>)>;

/// The spec as its provider must see it (maps taken off), and the maps to apply after.
pub fn split(spec: &SourceSpec) -> (Cow<'_, SourceSpec>, Maps) {
    if !spec
        .signals
        .iter()
        .any(|(_, e)| matches!(e, Extract::Mapped(..)))
    {
        return (Cow::Borrowed(spec), Vec::new());
    }
    let mut plain = spec.clone();
    let mut maps = Vec::new();
    for (sig, how) in &mut plain.signals {
        while let Extract::Mapped(inner, table) = how {
            maps.push((*sig, table.clone()));
            *how = (**inner).clone();
        }
    }
    // The innermost map applies first.
    maps.reverse();
    (Cow::Owned(plain), maps)
}

pub fn apply(polled: &mut Polled, maps: &Maps) {
    let Outcome::Readings(readings) = &mut polled.outcome else {
        return;
    };
    for (sig, table) in maps {
        for (s, reading) in readings.iter_mut() {
            if s == sig {
                *reading = mapped(reading, table);
            }
        }
    }
}

/// The reading's text looked up in the table; values not in it, and missing ones, pass as
/// they are.
pub fn mapped(reading: &Reading, table: &[(String, String)]) -> Reading {
    let Some(text) = reading.as_text() else {
        return reading.clone();
    };
    match table.iter().find(|(from, _)| *from == text) {
        Some((_, to)) => Reading::Text(to.clone()),
        None => reading.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<(String, String)> {
        [("passing", "success"), ("2", "failure"), ("true", "on")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn strings_numbers_and_booleans_map_as_text() {
        let t = table();
        assert_eq!(
            mapped(&Reading::Text("passing".into()), &t),
            Reading::Text("success".into())
        );
        assert_eq!(
            mapped(&Reading::Number(2.0), &t),
            Reading::Text("failure".into())
        );
        assert_eq!(mapped(&Reading::Bool(true), &t), Reading::Text("on".into()));
        assert_eq!(
            mapped(&Reading::Text("running".into()), &t),
            Reading::Text("running".into())
        );
        let missing = Reading::Missing("no value at /x".into());
        assert_eq!(mapped(&missing, &t), missing);
    }
}
