//! How a condition, gate or observed traffic takes its value from its source: `query` (with
//! `select` or `aggregate`) for prometheus, `query` alone for datadog, `pointer` or `jq` for http,
//! `field` for the others; `map` for any of them. Keys that do not fit the source's kind are
//! reported, saying which to use instead.

use super::checks::{Ctx, quoted};
use super::path::KeyPath;
use super::schema::Pick;
use super::sources::SourceInfo;
use crate::setup::{Aggregate, Extract, SourceKind};
use crate::sources::providers::Values;
use crate::sources::providers::fields::FieldDoc;
use crate::sources::query;

/// "a prometheus", "an http", "an unleash": for "source `x` is … source".
pub fn a_kind(kind: SourceKind) -> String {
    let label = kind.label();
    // "http" is said letter by letter: an aitch-tee-tee-pee source.
    let article = if label.starts_with(['a', 'e', 'i', 'o', 'u']) || label == "http" {
        "an"
    } else {
        "a"
    };
    format!("{article} {label}")
}

impl Ctx<'_> {
    /// The signal for `pick` from `source`, added to `signals`; `None` when the source is
    /// unknown or the pick does not fit it (reported).
    pub fn signal(
        &mut self,
        at: &KeyPath,
        source: Option<(&str, &SourceInfo)>,
        pick: Pick,
        signals: &mut super::signals::Signals,
    ) -> Option<crate::core::reading::SignalId> {
        let source = source?;
        let extract = self.extract(at, source, pick)?;
        Some(signals.add(source.1.id, extract))
    }

    /// The extract for `pick` from the source `(name, info)`; `None` after reporting why.
    pub fn extract(
        &mut self,
        at: &KeyPath,
        source: (&str, &SourceInfo),
        pick: Pick,
    ) -> Option<Extract> {
        let (name, info) = source;
        let kind = info.kind?;
        let values = kind.provider().values;
        let (own, wanted) = values.keys();
        let given = [
            ("query", pick.query.is_some()),
            ("pointer", pick.pointer.is_some()),
            ("jq", pick.jq.is_some()),
            ("field", pick.field.is_some()),
            ("select", pick.select.is_some()),
            ("aggregate", pick.aggregate.is_some()),
        ];
        let mut stray = false;
        for (key, _) in given.iter().filter(|(k, g)| *g && !own.contains(k)) {
            stray = true;
            let problem = format!(
                "`{key}` does not apply: source `{name}` is {} source — use {wanted}",
                a_kind(kind)
            );
            self.report.problem(&at.key(key), problem);
        }
        let value = match values {
            Values::Query => self.prom(at, name, pick.query, pick.select, pick.aggregate, stray),
            Values::Json => self.json_pick(at, name, pick.pointer, pick.jq, stray),
            Values::OwnQuery(what) => self.own_query(at, name, kind, what, pick.query, stray),
            Values::Fields(fields) => self.field(at, name, kind, fields, pick.field, stray),
        }?;
        Some(match pick.map {
            Some(map) if !map.is_empty() => Extract::Mapped(
                Box::new(value),
                map.into_iter().map(|(from, to)| (from, to.0)).collect(),
            ),
            _ => value,
        })
    }

    fn prom(
        &mut self,
        at: &KeyPath,
        name: &str,
        query: Option<String>,
        select: Option<std::collections::BTreeMap<String, String>>,
        aggregate: Option<String>,
        stray: bool,
    ) -> Option<Extract> {
        let aggregate = match aggregate {
            None => Some(None),
            Some(a) => {
                use strum::VariantNames;
                self.choice(&at.key("aggregate"), Some(&a), Aggregate::VARIANTS, "")
                    .and_then(|l| l.parse::<Aggregate>().ok())
                    .map(Some)
            }
        };
        let select: Vec<(String, String)> = select.unwrap_or_default().into_iter().collect();
        let query = match query {
            // The stray key's message already says which key to use.
            None if stray => None,
            None => {
                let expected = format!("a PromQL query (source `{name}` is a prometheus source)");
                self.report.missing(&at.key("query"), expected);
                None
            }
            Some(q) if q.trim().is_empty() => {
                self.report
                    .invalid(&at.key("query"), quoted(&q), "a PromQL query (not empty)");
                None
            }
            Some(q) => Some(q),
        };
        let (query, aggregate) = (query?, aggregate?);
        Some(if select.is_empty() && aggregate.is_none() {
            Extract::PromQuery(query)
        } else {
            Extract::PromSeries {
                query,
                select,
                aggregate,
            }
        })
    }

    /// A provider's own query (`Values::OwnQuery`), kept as a query text.
    fn own_query(
        &mut self,
        at: &KeyPath,
        name: &str,
        kind: SourceKind,
        what: &str,
        query: Option<String>,
        stray: bool,
    ) -> Option<Extract> {
        match query {
            None if stray => None,
            None => {
                let expected = format!("{what} (source `{name}` is {} source)", a_kind(kind));
                self.report.missing(&at.key("query"), expected);
                None
            }
            Some(q) if q.trim().is_empty() => {
                let expected = format!("{what} (not empty)");
                self.report.invalid(&at.key("query"), quoted(&q), expected);
                None
            }
            Some(q) => Some(Extract::PromQuery(q)),
        }
    }

    fn json_pick(
        &mut self,
        at: &KeyPath,
        name: &str,
        pointer: Option<String>,
        jq: Option<String>,
        stray: bool,
    ) -> Option<Extract> {
        match (pointer, jq) {
            (Some(_), Some(_)) => {
                self.report
                    .problem(&at.key("jq"), "set either `pointer` or `jq`, not both");
                None
            }
            (None, None) if stray => None,
            (None, None) => {
                let expected = format!(
                    "a JSON Pointer such as \"/data/0/value\", or a jq program in `jq` (source \
                     `{name}` is an http source)"
                );
                self.report.missing(&at.key("pointer"), expected);
                None
            }
            (Some(p), None) => self
                .pointer(&at.key("pointer"), &p)
                .then_some(Extract::Pointer(p)),
            (None, Some(program)) => self
                .jq(&at.key("jq"), &program)
                .then_some(Extract::Jq(program)),
        }
    }

    /// A jq program that compiles.
    pub fn jq(&mut self, path: &KeyPath, program: &str) -> bool {
        match query::check(program) {
            Ok(()) if !program.trim().is_empty() => true,
            Ok(()) => {
                self.report
                    .invalid(path, quoted(program), "a jq program (not empty)");
                false
            }
            Err(why) => {
                self.report
                    .invalid(path, quoted(program), format!("a jq program: {why}"));
                false
            }
        }
    }

    fn field(
        &mut self,
        at: &KeyPath,
        name: &str,
        kind: SourceKind,
        fields: &[FieldDoc],
        field: Option<String>,
        stray: bool,
    ) -> Option<Extract> {
        let fields: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        let expected = format!(
            "one of the fields of {} source: {} (source `{name}`)",
            a_kind(kind),
            fields.join(", ")
        );
        match field {
            None if stray => None,
            None => {
                self.report.missing(&at.key("field"), expected);
                None
            }
            Some(f) if fields.contains(&f.as_str()) => Some(Extract::Field(f)),
            Some(f) => {
                self.report.invalid(&at.key("field"), quoted(&f), expected);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles() {
        assert_eq!(a_kind(SourceKind::Http), "an http");
        assert_eq!(a_kind(SourceKind::Prometheus), "a prometheus");
        assert_eq!(a_kind(SourceKind::Alertmanager), "an alertmanager");
        assert_eq!(a_kind(SourceKind::Unleash), "an unleash");
        assert_eq!(a_kind(SourceKind::GithubActions), "a github-actions");
        assert_eq!(a_kind(SourceKind::LaunchDarkly), "a launchdarkly");
    }
}
