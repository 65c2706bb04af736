//! The config file into a `Setup`, with errors an operator can act on.
//!
//! Layers: the TOML file, then `GONOGO_*` environment overrides (`GONOGO_RELEASE__VERSION=2.15.0`
//! sets `release.version`; `__` separates keys, a number selects an array element:
//! `GONOGO_STAGES__0__BAKE=1m`). Secret references (`{ env = "NAME" }`, `{ file = "path" }`)
//! are resolved at load. Every problem is reported, each with the file, line, key path, value
//! and what was expected; see `config/example.toml` for every key.
//!
//! The steps: `layer` (parse, spans, overrides) → `decode` (serde, per table, collecting
//! errors) → `build` and its sections (`plan`, `sources`, `conditions`, `gates`, `actions`),
//! which check the rules between keys and assemble the `Setup`.

mod actions;
mod automation;
mod build;
mod calendar;
mod checks;
mod compare;
mod conditions;
mod decode;
mod error;
mod gates;
mod keys;
mod layer;
mod min_traffic;
mod noted;
mod notify;
mod path;
mod pem;
mod pick;
mod plan;
mod request;
mod schema;
mod secret_ref;
mod signals;
mod sources;
mod spans;
mod tls;

pub use error::{ConfigError, ConfigErrors, Notes};
pub use gates::{MONITORS_LIVE, ROLLBACK_VERIFIED};
pub use noted::{Counts, Outline, Unsecured, load_file_noting_secrets};
pub use request::Given;
pub use sources::ROLLBACK_CHECK;

use crate::setup::Setup;
use checks::Ctx;
use layer::Env;
use std::collections::HashMap;
use std::path::Path;

/// Where the journal lives when nothing says otherwise.
pub fn default_journal_path() -> std::path::PathBuf {
    build::default_journal(&layer::Env::process(false, None))
}

/// Load a config file, then apply `GONOGO_*` overrides from the process environment.
/// Relative paths in it (secret files, the journal) are taken from the file's directory.
pub fn load_file(path: &Path) -> Result<Setup, ConfigErrors> {
    let (text, origin, env) = read_file(path)?;
    load(&text, &origin, &env)
}

/// The file's text, its name for messages, and the process environment with overrides on and
/// relative paths taken from the file's directory.
fn read_file(path: &Path) -> Result<(String, String, Env), ConfigErrors> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors::whole_file(&origin, None, format!("cannot read the config file: {e}"))
    })?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf);
    Ok((text, origin, Env::process(true, base)))
}

/// Load config text as it is, without `GONOGO_*` overrides (the embedded demo uses this).
/// Secret references and defaults still read the process environment. `origin` names the
/// text in error messages.
pub fn load_str(text: &str, origin: &str) -> Result<Setup, ConfigErrors> {
    load(text, origin, &Env::process(false, None))
}

/// Load config text with `vars` standing in for the process environment, overrides included.
pub fn load_with_env(
    text: &str,
    origin: &str,
    vars: &HashMap<String, String>,
) -> Result<Setup, ConfigErrors> {
    load(text, origin, &Env::new(vars.clone(), true, None))
}

fn load(text: &str, origin: &str, env: &Env) -> Result<Setup, ConfigErrors> {
    let (doc, report) = layer::layered(text, origin, env)?;
    let mut ctx = Ctx { report, env };
    let setup = build::build(&doc, &mut ctx);
    ctx.report.finish(origin)?;
    // Every step that gives up reports why; reaching this without a setup is a defect.
    setup.ok_or_else(|| {
        ConfigErrors::whole_file(
            origin,
            None,
            "the config could not be assembled (a defect: please report it)".into(),
        )
    })
}
