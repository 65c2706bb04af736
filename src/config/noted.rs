//! A config checked without needing its secrets (`Secrets::Noted`): `gonogo validate
//! --no-secrets` in a pull request, where the secrets are not, and `gonogo audit`, which only
//! needs the journal and the operator. A secret that cannot be read is a note; every other
//! problem is still an error. It never gives a `Setup`: what it could not read is missing.

use super::build;
use super::checks::Ctx;
use super::error::{ConfigErrors, Notes, Report};
use super::layer::{self, Env};
use super::secret_ref::Secrets;
use crate::setup::Setup;
use std::fmt;
use std::path::{Path, PathBuf};

/// The outcome: the secrets not read, and either what the config holds or its errors.
#[derive(Debug)]
pub struct Unsecured {
    pub notes: Notes,
    pub checked: Result<Outline, ConfigErrors>,
}

/// What a config valid apart from its secrets says, beyond them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub journal: PathBuf,
    /// The shared journal's URL, when `[cockpit] journal` is on PostgreSQL and it was read.
    pub shared_journal: Option<crate::secret::Secret>,
    /// `[cockpit] journal` is on PostgreSQL but its URL could not be read (a note says why).
    pub shared_unread: bool,
    /// The release's chain in the shared journal, when the release table is whole.
    pub chain: Option<crate::journal::postgres::Chain>,
    pub operator: String,
    /// `None` when a part cannot be assembled without its secret (a notification whose URL is
    /// one); its other keys are checked all the same.
    pub counts: Option<Counts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub stages: usize,
    pub sources: usize,
    pub conditions: usize,
    pub gates: usize,
}

impl Counts {
    pub fn of(setup: &Setup) -> Counts {
        Counts {
            stages: setup.plan.stages.len(),
            sources: setup.sources.len(),
            conditions: setup.conditions.len(),
            gates: setup.gates.len(),
        }
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} stages, {} sources, {} conditions, {} gates",
            self.stages, self.sources, self.conditions, self.gates
        )
    }
}

/// `load_file`, with secrets that cannot be read as notes.
pub fn load_file_noting_secrets(path: &Path) -> Unsecured {
    match super::read_file(path) {
        Ok((text, origin, env)) => load_noting(&text, &origin, env),
        Err(errors) => Unsecured {
            notes: Notes(ConfigErrors {
                origin: errors.origin.clone(),
                errors: Vec::new(),
            }),
            checked: Err(errors),
        },
    }
}

fn load_noting(text: &str, origin: &str, mut env: Env) -> Unsecured {
    env.secrets = Secrets::Noted;
    let notes = |errors| {
        Notes(ConfigErrors {
            origin: origin.to_string(),
            errors,
        })
    };
    let (doc, report) = match layer::layered(text, origin, &env) {
        Ok(layered) => layered,
        Err(errors) => {
            return Unsecured {
                notes: notes(Vec::new()),
                checked: Err(errors),
            };
        }
    };
    let mut ctx = Ctx { report, env: &env };
    let setup = build::build(&doc, &mut ctx);
    let noted = notes(ctx.report.take_notes());
    let checked = ctx.report.finish(origin).map(|()| {
        // `[cockpit]` on its own: it holds no secret, and is there when the setup is not.
        let mut alone = Ctx {
            report: Report::default(),
            env: &env,
        };
        let ((journal, shared_journal), operator, ..) =
            build::cockpit(&mut alone, doc.get("cockpit"));
        Outline {
            journal,
            shared_unread: shared_journal.is_none()
                && doc
                    .get("cockpit")
                    .and_then(|c| c.get("journal"))
                    .is_some_and(toml::Value::is_table),
            chain: setup.as_ref().map(crate::journal::chain_of),
            shared_journal,
            operator,
            counts: setup.as_ref().map(Counts::of),
        }
    });
    Unsecured {
        notes: noted,
        checked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const HEAD: &str = r#"
[release]
name = "checkout-api"
version = "2.14.0"
environment = "production"

[cockpit]
journal = "/var/lib/gonogo/journal.jsonl"
operator = "ci"

[[stages]]
traffic = 100
bake = "10m"

[sources.prometheus]
kind = "prometheus"
url = "https://prometheus.internal"
auth = { bearer = { env = "PROM_TOKEN" } }

[[conditions]]
id = "error_rate"
source = "prometheus"
query = "sum(rate(errors[1m]))"
max = 0.02

[actions.rollback]
url = "https://deploy.internal/hooks/rollback"
headers = { Authorization = { env = "DEPLOY_TOKEN" } }
"#;

    fn check(text: &str, vars: &[(&str, &str)]) -> Unsecured {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        load_noting(text, "release.toml", Env::new(vars, true, None))
    }

    #[test]
    fn secrets_not_there_are_notes_naming_key_and_variable() {
        let got = check(HEAD, &[]);
        assert_eq!(
            got.notes.to_string(),
            "release.toml:18: note: sources.prometheus.auth.bearer: environment variable PROM_TOKEN is not set\n\
             release.toml:28: note: actions.rollback.headers.Authorization: environment variable DEPLOY_TOKEN is not set"
        );
        let outline = got.checked.unwrap();
        assert_eq!(outline.journal, Path::new("/var/lib/gonogo/journal.jsonl"));
        assert_eq!(outline.operator, "ci");
        assert_eq!(
            outline.counts.unwrap().to_string(),
            "1 stages, 1 sources, 1 conditions, 2 gates"
        );
    }

    #[test]
    fn every_other_problem_is_still_an_error_and_values_are_never_shown() {
        let text = HEAD.replace("max = 0.02", "max = \"2%\"");
        // Present secrets are read and checked: a line break cannot go in a header.
        let got = check(&text, &[("PROM_TOKEN", "hunter2\nx"), ("DEPLOY_TOKEN", "")]);
        let errors = got.checked.unwrap_err().to_string();
        assert!(
            errors.contains("release.toml:24: conditions[0].max: got \"2%\""),
            "{errors}"
        );
        assert!(
            errors.contains("sources.prometheus.auth: not a valid HTTP header value"),
            "{errors}"
        );
        let notes = got.notes.to_string();
        assert_eq!(
            notes,
            "release.toml:28: note: actions.rollback.headers.Authorization: environment variable DEPLOY_TOKEN is empty"
        );
        assert!(!errors.contains("hunter2") && !notes.contains("hunter2"));
    }

    #[test]
    fn by_default_the_same_secrets_are_errors() {
        let vars = HashMap::new();
        let errors = super::super::load(HEAD, "release.toml", &Env::new(vars, true, None))
            .unwrap_err()
            .to_string();
        assert!(
            errors.contains("release.toml:18: sources.prometheus.auth.bearer: environment variable PROM_TOKEN is not set"),
            "{errors}"
        );
        assert_eq!(errors.lines().count(), 2, "{errors}");
    }

    #[test]
    fn a_part_whose_secret_is_not_read_still_has_its_other_keys_checked() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            r#"{HEAD}
[sources.ci]
kind = "http"
url = "https://ci.internal/api"
tls = {{ cert = "{dir}/client.pem", key = {{ file = "{dir}/client.key" }} }}
method = "GE T"

[notify.chat]
url = {{ env = "SLACK_WEBHOOK_URL" }}
content_type = "xml"
"#,
            dir = dir.path().display()
        );
        let got = check(&text, &[("PROM_TOKEN", "t"), ("DEPLOY_TOKEN", "t")]);
        let notes = got.notes.to_string();
        assert!(
            notes.contains("sources.ci.tls.key: cannot read secret file"),
            "{notes}"
        );
        assert!(
            notes.contains("notify.chat.url: environment variable SLACK_WEBHOOK_URL is not set"),
            "{notes}"
        );
        let errors = got.checked.unwrap_err().to_string();
        for want in [
            "sources.ci.tls.cert: cannot read",
            "sources.ci.method: got \"GE T\"",
            "notify.chat.content_type: got \"xml\"",
        ] {
            assert!(errors.contains(want), "{want} not in {errors}");
        }
    }
}
