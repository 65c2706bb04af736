//! Keys the feature-flag providers share (Unleash, LaunchDarkly): which flag, in which project
//! and environment.

use super::keys::Key;
use crate::config::Given;
use crate::setup::ReleaseInfo;

pub static PROJECT: Key = Key::text("project", "the flag's project key (default: \"default\")");

pub static FLAG: Key = Key::text("flag", "the flag's name or key");

pub static ENVIRONMENT: Key = Key::text("environment", "the environment (default: the release's)");

/// The flag's project (default "default"), the flag, and the environment (default: the
/// release's).
pub fn flag_keys(given: &mut Given, release: &ReleaseInfo) -> Option<(String, String, String)> {
    let project = given
        .optional(&PROJECT, release)
        .map(|p| p.unwrap_or_else(|| "default".to_string()));
    let flag = given
        .required(&FLAG, "the flag's name or key")
        .and_then(|f| given.fill(&FLAG, &f, release));
    let env = given
        .optional(&ENVIRONMENT, release)
        .map(|e| e.unwrap_or_else(|| release.environment.clone()));
    Some((project?, flag?, env?))
}
