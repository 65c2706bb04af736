//! The request a source polls, from its keys and the release: an http source's URL with its
//! `{{var}}` placeholders filled, or the API URL a preset builds from `repo`, `commit`,
//! `flag`, `environment`, `matchers` and so on. Keys meant for another kind are reported.

use super::checks::{Ctx, quoted};
use super::path::KeyPath;
use super::pick::a_kind;
use super::schema;
use crate::actions::{TemplateError, Vars, render_body, render_url};
use crate::setup::{BodyKind, ReleaseInfo, SourceKind};
use crate::sources::providers::alertmanager;
use reqwest::Url;

use SourceKind::*;

/// Keys only some kinds read, and which.
const ONLY_FOR: &[(&str, &[SourceKind])] = &[
    ("error_pointer", &[Http]),
    ("error_jq", &[Http]),
    ("matchers", &[Alertmanager]),
    ("repo", &[GithubActions, GithubChecks]),
    ("workflow", &[GithubActions]),
    ("event", &[GithubActions]),
    ("commit", &[GithubActions, GithubChecks, Gitlab]),
    ("ref", &[GithubActions, GithubChecks, Gitlab]),
    ("required", &[GithubChecks]),
    ("project", &[Gitlab, Unleash, LaunchDarkly]),
    ("flag", &[Unleash, LaunchDarkly]),
    ("environment", &[Unleash, LaunchDarkly]),
];

/// Where a SaaS API lives unless `url` says otherwise (a GitHub Enterprise or self-managed
/// GitLab server, a LaunchDarkly relay).
pub fn default_url(kind: SourceKind) -> Option<&'static str> {
    match kind {
        GithubActions | GithubChecks => Some("https://api.github.com"),
        Gitlab => Some("https://gitlab.com"),
        LaunchDarkly => Some("https://app.launchdarkly.com"),
        _ => None,
    }
}

/// Headers a provider's API asks every client to send, added unless the source sets its own:
/// GitHub's media type and REST API version, LaunchDarkly's API version (without it, the
/// version the access token was created with answers).
pub fn default_headers(kind: SourceKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        GithubActions | GithubChecks => &[
            ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", "2022-11-28"),
        ],
        LaunchDarkly => &[("LD-API-Version", "20240415")],
        _ => &[],
    }
}

/// Report keys given for a kind that does not read them.
pub fn stray_keys(ctx: &mut Ctx, at: &KeyPath, kind: SourceKind, raw: &schema::Source) {
    let given = [
        ("error_pointer", raw.error_pointer.is_some()),
        ("error_jq", raw.error_jq.is_some()),
        ("matchers", raw.matchers.is_some()),
        ("repo", raw.repo.is_some()),
        ("workflow", raw.workflow.is_some()),
        ("event", raw.event.is_some()),
        ("commit", raw.commit.is_some()),
        ("ref", raw.git_ref.is_some()),
        ("project", raw.project.is_some()),
        ("flag", raw.flag.is_some()),
        ("environment", raw.environment.is_some()),
        ("required", raw.required.is_some()),
    ];
    if kind == LaunchDarkly && raw.auth.as_ref().is_some_and(|a| a.bearer.is_some()) {
        ctx.report.problem(
            &at.key("auth").key("bearer"),
            "LaunchDarkly takes the access token itself as the Authorization value, without \
             \"Bearer\": use headers = { Authorization = { env = \"…\" } }",
        );
    }
    for (key, _) in given.iter().filter(|(_, g)| *g) {
        let kinds = ONLY_FOR
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&[][..], |(_, kinds)| *kinds);
        if !kinds.contains(&kind) {
            let names: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
            ctx.report.problem(
                &at.key(key),
                format!(
                    "only for {} sources (source is {} source)",
                    names.join(" and "),
                    a_kind(kind)
                ),
            );
        }
    }
}

/// The release's values for placeholders; `commit` only when the release has one.
fn vars(release: &ReleaseInfo) -> Vars {
    let v = Vars::new()
        .with("release", release.name.as_str())
        .with("version", release.version.as_str())
        .with("environment", release.environment.as_str());
    match &release.commit {
        Some(c) => v.with("commit", c.as_str()),
        None => v,
    }
}

fn template_problem(e: TemplateError) -> String {
    match e {
        TemplateError::Unknown { name, .. } if name == "commit" => {
            "uses {{commit}}, but the release has no commit: set release.commit".into()
        }
        other => other.to_string(),
    }
}

/// A value that may hold placeholders, filled as plain text.
fn fill(ctx: &mut Ctx, at: &KeyPath, value: &str, release: &ReleaseInfo) -> Option<String> {
    match render_body(value, BodyKind::None, &vars(release)) {
        Ok(v) if v.trim().is_empty() => {
            ctx.report
                .invalid(at, quoted(value), "a value that is not empty");
            None
        }
        Ok(v) => Some(v),
        Err(e) => {
            ctx.report.problem(at, template_problem(e));
            None
        }
    }
}

/// An http source's URL with its placeholders filled (each value encoded as one URL part).
pub fn http_url(ctx: &mut Ctx, at: &KeyPath, url: &str, release: &ReleaseInfo) -> Option<String> {
    match render_url(url, &vars(release)) {
        Ok(u) => Some(u),
        Err(e) => {
            ctx.report.problem(&at.key("url"), template_problem(e));
            None
        }
    }
}

/// An http source's body with its placeholders filled: as JSON values in a JSON body (a
/// value full of quotes keeps it valid), as plain text otherwise.
pub fn http_body(ctx: &mut Ctx, at: &KeyPath, body: &str, release: &ReleaseInfo) -> Option<String> {
    let kind = if body.trim_start().starts_with(['{', '[']) {
        BodyKind::Json
    } else {
        BodyKind::None
    };
    match render_body(body, kind, &vars(release)) {
        Ok(b) => Some(b),
        Err(e) => {
            ctx.report.problem(&at.key("body"), template_problem(e));
            None
        }
    }
}

/// The URL a preset polls. `base` is the checked `url` (or the kind's default).
pub fn preset_url(
    ctx: &mut Ctx,
    at: &KeyPath,
    kind: SourceKind,
    base: &str,
    raw: &schema::Source,
    release: &ReleaseInfo,
) -> Option<String> {
    let mut url = Url::parse(base.trim_end_matches('/')).ok()?;
    let mut path: Vec<String> = Vec::new();
    let mut query: Vec<(String, String)> = Vec::new();
    match kind {
        Alertmanager => {
            path.extend(["api", "v2", "alerts"].map(String::from));
            query.extend(
                alertmanager::STATES
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string())),
            );
            for (i, m) in raw.matchers.iter().flatten().enumerate() {
                if matcher_ok(m) {
                    query.push(("filter".into(), m.trim().to_string()));
                } else {
                    ctx.report.invalid(
                        &at.key("matchers").index(i),
                        quoted(m),
                        "a label matcher such as severity=\"critical\" (=, !=, =~ or !~)",
                    );
                }
            }
        }
        GithubActions => {
            let repo = owner_name(ctx, at, raw);
            let workflow = match &raw.workflow {
                Some(w) => fill(ctx, &at.key("workflow"), w, release).map(Some),
                None => Some(None),
            };
            let event = match &raw.event {
                Some(e) => fill(ctx, &at.key("event"), e, release).map(Some),
                None => Some(None),
            };
            let which = commit_or_ref(ctx, at, raw, release, "head_sha", "branch");
            let ((owner, name), workflow, (key, value), event) = (repo?, workflow?, which?, event?);
            path.extend(["repos".into(), owner, name, "actions".into()]);
            if let Some(w) = workflow {
                path.extend(["workflows".into(), w]);
            }
            path.push("runs".into());
            query.push((key.into(), value));
            if let Some(e) = event {
                query.push(("event".into(), e));
            }
            query.push(("per_page".into(), "100".into()));
        }
        GithubChecks => {
            let repo = owner_name(ctx, at, raw);
            let which = commit_or_ref(ctx, at, raw, release, "commit", "ref");
            let required = required_checks(ctx, at, raw);
            let ((owner, name), (_, git_ref), required) = (repo?, which?, required?);
            path.extend(["repos".into(), owner, name, "commits".into(), git_ref]);
            path.push("check-runs".into());
            query.push(("per_page".into(), "100".into()));
            // Not sent: the preset reads the names back from the URL it polls.
            if !required.is_empty() {
                let mut names = Url::parse("x:").ok()?;
                names
                    .query_pairs_mut()
                    .extend_pairs(required.iter().map(|r| ("required", r)));
                url.set_fragment(names.query());
            }
        }
        Gitlab => {
            let project = ctx
                .required(
                    &at.key("project"),
                    raw.project.clone(),
                    "the project's id or path, e.g. 278964 or \"acme/checkout\"",
                )
                .and_then(|p| fill(ctx, &at.key("project"), &p, release));
            let which = commit_or_ref(ctx, at, raw, release, "sha", "ref");
            let (project, (key, value)) = (project?, which?);
            path.extend(["api".into(), "v4".into(), "projects".into(), project]);
            path.push("pipelines".into());
            query.push((key.into(), value));
            query.extend([("order_by", "id"), ("sort", "desc")].map(|(k, v)| (k.into(), v.into())));
        }
        Unleash => {
            let (project, flag, env) = flag_keys(ctx, at, raw, release)?;
            path.extend(["api", "admin", "projects"].map(String::from));
            path.extend([project, "features".into(), flag, "environments".into(), env]);
        }
        LaunchDarkly => {
            let (project, flag, env) = flag_keys(ctx, at, raw, release)?;
            path.extend(["api", "v2", "flags"].map(String::from));
            path.extend([project, flag]);
            query.push(("env".into(), env));
        }
        Prometheus | Http => return Some(base.to_string()),
    }
    url.path_segments_mut().ok()?.pop_if_empty().extend(&path);
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(&query);
    }
    Some(url.to_string())
}

/// `repo = "owner/name"`, split.
fn owner_name(ctx: &mut Ctx, at: &KeyPath, raw: &schema::Source) -> Option<(String, String)> {
    let repo = ctx.required(&at.key("repo"), raw.repo.clone(), "\"owner/name\"")?;
    match repo.split('/').collect::<Vec<_>>().as_slice() {
        [owner, name] if !owner.is_empty() && !name.is_empty() => {
            Some((owner.to_string(), name.to_string()))
        }
        _ => {
            ctx.report
                .invalid(&at.key("repo"), quoted(&repo), "\"owner/name\"");
            None
        }
    }
}

/// `required = ["build", "ci/jenkins"]`: check names, none empty (an empty list: all count).
fn required_checks(ctx: &mut Ctx, at: &KeyPath, raw: &schema::Source) -> Option<Vec<String>> {
    let mut ok = true;
    for (i, name) in raw.required.iter().flatten().enumerate() {
        if name.trim().is_empty() {
            let expected = "a check run's name or a status context, e.g. \"build\"";
            ctx.report
                .invalid(&at.key("required").index(i), quoted(name), expected);
            ok = false;
        }
    }
    ok.then(|| raw.required.clone().unwrap_or_default())
}

/// `commit` (default: the release's) or `ref`, as the API's query parameter.
fn commit_or_ref(
    ctx: &mut Ctx,
    at: &KeyPath,
    raw: &schema::Source,
    release: &ReleaseInfo,
    commit_key: &'static str,
    ref_key: &'static str,
) -> Option<(&'static str, String)> {
    match (&raw.commit, &raw.git_ref) {
        (Some(_), Some(_)) => {
            ctx.report
                .problem(&at.key("ref"), "set either commit or ref, not both");
            None
        }
        (Some(c), None) => Some((commit_key, fill(ctx, &at.key("commit"), c, release)?)),
        (None, Some(r)) => Some((ref_key, fill(ctx, &at.key("ref"), r, release)?)),
        (None, None) => match &release.commit {
            Some(c) => Some((commit_key, c.clone())),
            None => {
                ctx.report.missing(
                    &at.key("commit"),
                    "the commit whose CI counts: set release.commit, or commit or ref here",
                );
                None
            }
        },
    }
}

/// A flag preset's project (default "default"), flag and environment (default: the release's).
fn flag_keys(
    ctx: &mut Ctx,
    at: &KeyPath,
    raw: &schema::Source,
    release: &ReleaseInfo,
) -> Option<(String, String, String)> {
    let project = match &raw.project {
        Some(p) => fill(ctx, &at.key("project"), p, release),
        None => Some("default".to_string()),
    };
    let flag = ctx
        .required(&at.key("flag"), raw.flag.clone(), "the flag's name or key")
        .and_then(|f| fill(ctx, &at.key("flag"), &f, release));
    let env = match &raw.environment {
        Some(e) => fill(ctx, &at.key("environment"), e, release),
        None => Some(release.environment.clone()),
    };
    Some((project?, flag?, env?))
}

/// `name="value"`, `name!="value"`, `name=~"re"`, `name!~"re"` (the value may be unquoted).
fn matcher_ok(m: &str) -> bool {
    let m = m.trim();
    let name_end = m
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(m.len());
    let (name, rest) = m.split_at(name_end);
    let starts_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest = rest.trim_start();
    let value = ["=~", "!~", "!=", "="]
        .iter()
        .find_map(|op| rest.strip_prefix(op));
    starts_ok && value.is_some_and(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::matcher_ok;

    #[test]
    fn matchers() {
        for ok in [
            "severity=\"critical\"",
            "service = \"checkout\"",
            "alertname=~\"Checkout.*\"",
            "env!=staging",
            "team!~\"a|b\"",
        ] {
            assert!(matcher_ok(ok), "{ok}");
        }
        for bad in ["severity", "=\"x\"", "9x=\"y\"", "a=", "a ~ b"] {
            assert!(!matcher_ok(bad), "{bad}");
        }
    }
}
