//! The layers: the file, then `GONOGO_*` environment overrides.
//!
//! The `config` crate collects the overrides (`GONOGO_RELEASE__VERSION=2.15.0` becomes
//! `release.version`), but the merge into the document is done here, on a `toml::Table`,
//! because `config`'s own merge (a builder with a file source and an `Environment` source,
//! checked against 0.15) would change what the file says:
//! - it lowercases the variable's key, so `GONOGO_SOURCES__API__HEADERS__X-TRACE` would add a
//!   header `x-trace` beside the file's `X-Trace` instead of replacing it; here keys from the
//!   environment match the file's keys regardless of case and keep the file's spelling;
//! - it reads `stages.0.traffic` as a key `"0"`, which turns the whole `[[stages]]` array into
//!   a table rather than setting the first stage's traffic;
//! - with parsing on, it reads `inf` and `NaN` as numbers (`infer` below keeps them text);
//! - its values remember a source name only, and an error must point at the file's line or
//!   at the variable that set the value.

use super::error::{ConfigErrors, EnvValue, Report};
use super::path::KeyPath;
use super::secret_ref::Secrets;
use super::spans::{Spans, line_col};
use config::Source;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// What the loader reads from its surroundings: variables (for overrides, secret refs and
/// defaults) and the directory relative paths start from.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    /// Apply `GONOGO_*` overrides.
    pub overrides: bool,
    /// Relative `file` secret refs and the journal path are taken from here.
    pub base_dir: Option<PathBuf>,
    /// Whether a secret that cannot be read is an error (the default) or a note.
    pub secrets: Secrets,
}

impl Env {
    pub fn new(vars: HashMap<String, String>, overrides: bool, base_dir: Option<PathBuf>) -> Self {
        Env {
            vars,
            overrides,
            base_dir,
            secrets: Secrets::Required,
        }
    }

    /// A snapshot of the process environment (variables that are not Unicode are skipped).
    pub fn process(overrides: bool, base_dir: Option<PathBuf>) -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        Env::new(vars, overrides, base_dir)
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// `path` as written, or under `base_dir` when relative; a leading `~/` means `$HOME`.
    pub fn resolve(&self, path: &str) -> PathBuf {
        if let (Some(rest), Some(home)) = (path.strip_prefix("~/"), self.var("HOME")) {
            return Path::new(home).join(rest);
        }
        match &self.base_dir {
            Some(dir) if Path::new(path).is_relative() => dir.join(path),
            _ => PathBuf::from(path),
        }
    }
}

/// Parse `text`, apply the overrides, and return the document with a report that knows lines.
pub fn layered(text: &str, origin: &str, env: &Env) -> Result<(Table, Report), ConfigErrors> {
    let syntax = |e: toml::de::Error| {
        let (line, col) = e.span().map_or((None, None), |s| {
            let (l, c) = line_col(text, s.start);
            (Some(l), Some(c))
        });
        let at = col.map(|c| format!(" at column {c}")).unwrap_or_default();
        let mut message = e.message().trim().to_string();
        if let Some(key) = e
            .span()
            .and_then(|s| text.get(s))
            .filter(|k| message == "duplicate key" && !k.is_empty())
        {
            message = format!("duplicate key `{key}`");
        }
        ConfigErrors::whole_file(origin, line, format!("invalid TOML{at}: {message}"))
    };
    let spans = Spans::of(text).map_err(syntax)?;
    let doc: Table = toml::from_str(text).map_err(syntax)?;
    let mut root = Value::Table(doc);
    let overrides = if env.overrides {
        collect_overrides(env)
    } else {
        Vec::new()
    };
    let mut from_env = HashMap::new();
    let mut misplaced = Vec::new();
    for (key, raw) in overrides {
        let var = format!("GONOGO_{}", key.replace('.', "__").to_uppercase());
        let segs: Vec<&str> = key.split('.').collect();
        match set(&mut root, &segs, infer(&raw), KeyPath::root()) {
            Ok(path) => {
                from_env.insert(path, EnvValue { var, raw });
            }
            Err((path, why)) => misplaced.push((path, var, why)),
        }
    }
    // `set` only ever replaces values below the root, so the root is still a table.
    let doc = match root {
        Value::Table(t) => t,
        _ => Table::new(),
    };
    let mut report = Report::new(spans, from_env);
    for (path, var, why) in misplaced {
        report.problem(&path, format!("{var} cannot be applied: {why}"));
    }
    Ok((doc, report))
}

/// `GONOGO_A__B=v` as `("a.b", "v")`, sorted. Variables without `__` (such as a
/// `GONOGO_CONFIG` the command line may read) cannot name a key and are left alone.
fn collect_overrides(env: &Env) -> Vec<(String, String)> {
    let source = config::Environment::with_prefix("GONOGO")
        .prefix_separator("_")
        .separator("__")
        .source(Some(env.vars.clone().into_iter().collect()));
    let Ok(map) = source.collect() else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = map
        .into_iter()
        .filter(|(k, _)| k.contains('.'))
        .filter_map(|(k, v)| Some((k, v.into_string().ok()?)))
        .collect();
    out.sort();
    out
}

/// An environment value as TOML would read it; `raw` is kept to retry as a string.
fn infer(raw: &str) -> Value {
    match raw {
        "true" => Value::Boolean(true),
        "false" => Value::Boolean(false),
        _ => {
            if let Ok(i) = raw.parse::<i64>() {
                Value::Integer(i)
            } else if let Some(f) = raw
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && raw.contains(|c: char| c.is_ascii_digit()))
            {
                Value::Float(f)
            } else {
                Value::String(raw.to_string())
            }
        }
    }
}

/// Put `value` at `segs` below `node`, creating tables on the way; keys match the file's
/// case-insensitively and a number selects an element of an array. Returns the path as the
/// file spells it, or the path of what is in the way with why.
fn set(
    node: &mut Value,
    segs: &[&str],
    value: Value,
    at: KeyPath,
) -> Result<KeyPath, (KeyPath, String)> {
    let Some((first, rest)) = segs.split_first() else {
        *node = value;
        return Ok(at);
    };
    match node {
        Value::Table(t) => {
            let name = t
                .keys()
                .find(|k| k.eq_ignore_ascii_case(first))
                .cloned()
                .unwrap_or_else(|| first.to_string());
            let path = at.key(&name);
            let child = t.entry(name).or_insert_with(|| Value::Table(Table::new()));
            set(child, rest, value, path)
        }
        Value::Array(items) => match first.parse::<usize>().ok().filter(|n| *n < items.len()) {
            Some(n) => set(&mut items[n], rest, value, at.index(n)),
            None => {
                let why = format!(
                    "the file has no {at}[{first}] ({} in all, counted from 0)",
                    items.len()
                );
                Err((at, why))
            }
        },
        _ => {
            let why = format!("{at} is not a table");
            Err((at, why))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(
            vars.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            true,
            None,
        )
    }

    #[test]
    fn overrides_keep_the_files_spelling_and_reach_into_arrays() {
        let text = "[release]\nversion = \"1\"\n[sources.api.headers]\nX-Trace = \"a\"\n[[stages]]\ntraffic = 1\n";
        let e = env(&[
            ("GONOGO_RELEASE__VERSION", "2.15.0"),
            ("GONOGO_SOURCES__API__HEADERS__X-TRACE", "b"),
            ("GONOGO_STAGES__0__TRAFFIC", "5"),
            ("GONOGO_CONFIG", "elsewhere.toml"),
            ("OTHER__VAR", "x"),
        ]);
        let (doc, report) = layered(text, "t.toml", &e).unwrap();
        assert_eq!(doc["release"]["version"].as_str(), Some("2.15.0"));
        assert_eq!(
            doc["sources"]["api"]["headers"]["X-Trace"].as_str(),
            Some("b")
        );
        assert_eq!(doc["stages"][0]["traffic"].as_integer(), Some(5));
        assert!(doc.get("config").is_none());
        let bad = env(&[
            ("GONOGO_STAGES__3__BAKE", "1m"),
            ("GONOGO_RELEASE__VERSION__X", "y"),
        ]);
        let err = layered(text, "t.toml", &bad)
            .unwrap()
            .1
            .finish("t.toml")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.toml:2: release.version: GONOGO_RELEASE__VERSION__X cannot be applied: release.version is not a table\n\
             t.toml:5: stages: GONOGO_STAGES__3__BAKE cannot be applied: the file has no stages[3] (1 in all, counted from 0)"
        );
        let p = KeyPath::root().key("stages").index(0).key("traffic");
        assert_eq!(
            report.env_value(&p).unwrap().var,
            "GONOGO_STAGES__0__TRAFFIC"
        );
    }

    #[test]
    fn without_overrides_the_environment_is_ignored() {
        let mut e = env(&[("GONOGO_RELEASE__VERSION", "9")]);
        e.overrides = false;
        let (doc, _) = layered("[release]\nversion = \"1\"\n", "t.toml", &e).unwrap();
        assert_eq!(doc["release"]["version"].as_str(), Some("1"));
    }

    #[test]
    fn a_syntax_error_names_line_and_column() {
        let err = layered("a = 1\n[release]\nname = = 2\n", "t.toml", &env(&[])).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("t.toml:3: invalid TOML at column 8"),
            "{text}"
        );
    }

    #[test]
    fn values_from_the_environment_read_as_toml_would() {
        assert_eq!(infer("true"), Value::Boolean(true));
        assert_eq!(infer("5"), Value::Integer(5));
        assert_eq!(infer("0.5"), Value::Float(0.5));
        assert_eq!(infer("2.15.0"), Value::String("2.15.0".into()));
        assert_eq!(infer("inf"), Value::String("inf".into()));
    }
}
