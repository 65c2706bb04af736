//! A query language for what a JSON Pointer cannot say: the last element of an array, a count,
//! a filter, an aggregate, a string turned into a number.
//!
//! The language is jq, run by `jaq` (a jq implementation in Rust). Why jq rather than JMESPath:
//! operators already write jq to poke at these APIs with `curl … | jq`, so a program can be
//! tried at a shell before it goes in the config; jq converts strings to numbers (`tonumber`)
//! and aggregates (`add`, `length`, `max_by`) where JMESPath needs extensions; and jaq is
//! maintained and pure Rust. jq's standard filters are all there but `env` and `$ENV`: a
//! program's output is drawn on screen, so it must not be able to read a token from the
//! environment.
//!
//! Everything jaq-specific stays in this file: `check` a program when the config is loaded,
//! `run` it over a document. jaq's values are not `Send`, so a program is compiled and run
//! inside one synchronous call.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data};
use jaq_json::Val;
use jaq_std::ValT as _;
use serde_json::Value;

/// More outputs than this are not collected (one is wanted; two say it is ambiguous).
const MAX_OUTPUTS: usize = 8;

/// One value a program gave, as much as a reading needs of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    /// An array, with its length.
    List(usize),
    Object,
}

/// Parse and compile a program; the error names what is wrong and where.
pub fn check(code: &str) -> Result<(), String> {
    compile(code).map(|_| ())
}

/// Run `code` over `doc`: its outputs (at most a few), or its error.
pub fn run(code: &str, doc: &Value) -> Result<Vec<Output>, String> {
    let filter = compile(code)?;
    let input = to_val(doc)?;
    let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
    let mut out = Vec::new();
    // Not `jaq_core::unwrap_valr`: it ends the whole process when a program calls `halt`.
    for result in filter.id.run((ctx, input)) {
        match result {
            Ok(v) => out.push(output(&v)),
            Err(exn) => {
                return Err(match exn.get_err() {
                    Ok(e) => format!("jq error: {}", clip(&e.to_string())),
                    Err(exn) => match exn.get_halt() {
                        Ok(code) => format!("jq program halted (exit code {code})"),
                        Err(_) => "jq program stopped unexpectedly".to_string(),
                    },
                });
            }
        }
        if out.len() >= MAX_OUTPUTS {
            break;
        }
    }
    Ok(out)
}

type Filter = jaq_core::Filter<data::JustLut<Val>>;

fn compile(code: &str) -> Result<Filter, String> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs().chain(std_funs()).chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let program = File { code, path: () };
    let modules = loader.load(&arena, program).map_err(|errs| {
        let mut words = Vec::new();
        for (_, err) in errs {
            match err {
                jaq_core::load::Error::Io(e) => {
                    words.extend(e.into_iter().map(|(_, why)| why));
                }
                jaq_core::load::Error::Lex(e) => words.extend(
                    e.into_iter()
                        .map(|(want, at)| expected(code, want.as_str(), at)),
                ),
                jaq_core::load::Error::Parse(e) => words.extend(
                    e.into_iter()
                        .map(|(want, at)| expected(code, want.as_str(), at)),
                ),
            }
        }
        words.join("; ")
    })?;
    Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errs| {
            errs.into_iter()
                .flat_map(|(_, e)| e)
                .map(|(name, what)| format!("undefined {} `{name}`", what.as_str()))
                .collect::<Vec<_>>()
                .join("; ")
        })
}

/// jq's standard filters, less what would reach outside the program: `env` would hand it the
/// process environment, tokens included, and `stderr` would write over the terminal the
/// cockpit draws on (it does what `debug` does instead: nothing, here).
fn std_funs() -> impl Iterator<Item = jaq_core::native::Fun<data::JustLut<Val>>> {
    let kept = jaq_std::funs().filter(|f| f.0 != "env" && f.0 != "stderr_empty");
    let quiet_stderr = jaq_std::funs()
        .filter(|f| f.0 == "debug_empty")
        .map(|(_, arity, run)| ("stderr_empty", arity, run));
    kept.chain(quiet_stderr)
}

/// "expected closing bracket at column 9" (`at` is a slice of `code`).
fn expected(code: &str, want: &str, at: &str) -> String {
    let offset = (at.as_ptr() as usize).saturating_sub(code.as_ptr() as usize);
    if offset <= code.len() && !at.is_empty() {
        let column = code[..offset].chars().count() + 1;
        format!("expected {want} at column {column}")
    } else {
        format!("expected {want} at the end")
    }
}

fn to_val(doc: &Value) -> Result<Val, String> {
    let text = doc.to_string();
    jaq_json::read::parse_single(text.as_bytes()).map_err(|e| format!("jq input: {e}"))
}

fn output(v: &Val) -> Output {
    match v {
        Val::Null => Output::Null,
        Val::Bool(b) => Output::Bool(*b),
        Val::Num(_) => Output::Number(v.as_f64().unwrap_or(f64::NAN)),
        Val::TStr(s) | Val::BStr(s) => Output::Text(String::from_utf8_lossy(s).into_owned()),
        Val::Arr(a) => Output::List(a.len()),
        Val::Obj(_) => Output::Object,
    }
}

fn clip(s: &str) -> String {
    crate::core::reading::clip(s, 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "builds": [
                {"number": 41, "state": "passed", "duration": "12.5"},
                {"number": 42, "state": "failed", "duration": "30"},
                {"number": 43, "state": "running", "duration": null}
            ]
        })
    }

    fn one(code: &str) -> Output {
        let out = run(code, &doc()).unwrap();
        assert_eq!(out.len(), 1, "{code}: {out:?}");
        out.into_iter().next().unwrap()
    }

    #[test]
    fn the_things_a_pointer_cannot_say() {
        assert_eq!(one(".builds[-1].number"), Output::Number(43.0));
        assert_eq!(one(".builds | length"), Output::Number(3.0));
        assert_eq!(
            one(r#"[.builds[] | select(.state == "failed")] | length"#),
            Output::Number(1.0)
        );
        assert_eq!(
            one("[.builds[].duration | values | tonumber] | add"),
            Output::Number(42.5)
        );
        assert_eq!(
            one(".builds | max_by(.number) | .state"),
            Output::Text("running".into())
        );
        assert_eq!(
            one(".builds[0].duration | tonumber | floor"),
            Output::Number(12.0)
        );
        assert_eq!(one(".builds"), Output::List(3));
        assert_eq!(one(".builds[0]"), Output::Object);
        assert_eq!(one(".nothing"), Output::Null);
    }

    #[test]
    fn several_or_no_outputs_are_all_reported() {
        assert_eq!(run(".builds[].number", &doc()).unwrap().len(), 3);
        assert_eq!(run("empty", &doc()).unwrap(), vec![]);
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(
            check(".builds[0"),
            Err("expected closing bracket at the end".into())
        );
        assert_eq!(
            check(".a | frobnicate"),
            Err("undefined filter `frobnicate`".into())
        );
        let e = run(".builds | tonumber", &doc()).unwrap_err();
        assert!(e.starts_with("jq error: "), "{e}");
    }

    #[test]
    fn regexes_work_and_halting_is_just_an_end() {
        assert_eq!(
            one(r#"[.builds[] | select(.state | test("^fail"))] | length"#),
            Output::Number(1.0)
        );
        assert_eq!(
            run("halt", &doc()),
            Err("jq program halted (exit code 0)".into())
        );
        assert!(run(r#""bye" | halt_error"#, &doc()).is_err());
    }

    #[test]
    fn the_environment_is_out_of_reach() {
        assert!(check("env").is_err());
        assert!(check("$ENV.HOME").is_err());
    }
}
