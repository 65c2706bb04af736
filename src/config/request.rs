//! The request a source polls, from its keys and the release: the URL as given (prometheus), an
//! http source's URL and body with their `{{var}}` placeholders filled, or the API URL a
//! provider builds from its own keys (`repo`, `commit`, `flag`, `matchers`, …). Keys given to
//! a kind that does not read them are reported.

use super::checks::{Ctx, quoted};
use super::path::KeyPath;
use super::pick::a_kind;
use super::schema;
use crate::actions::{TemplateError, Vars, render_body, render_url};
use crate::setup::{BodyKind, Extract, ReleaseInfo, SourceKind};
use crate::sources::providers::keys::{Key, Keys};
use crate::sources::providers::{self, ApiFn, PROVIDERS, Request};
use reqwest::Url;

/// What a provider's checks see of a source's table, and where they report its problems:
/// each problem names the key it is about.
pub struct Given<'a, 'c> {
    ctx: &'a mut Ctx<'c>,
    at: &'a KeyPath,
    keys: &'a Keys,
}

impl<'a, 'c> Given<'a, 'c> {
    pub(super) fn new(ctx: &'a mut Ctx<'c>, at: &'a KeyPath, keys: &'a Keys) -> Self {
        Given { ctx, at, keys }
    }

    pub fn text(&self, key: &Key) -> Option<&'a str> {
        self.keys.text(key)
    }

    pub fn texts(&self, key: &Key) -> Option<&'a [String]> {
        self.keys.texts(key)
    }

    /// The key's value, reported when it is absent or empty.
    pub fn required(&mut self, key: &Key, expected: &str) -> Option<String> {
        let value = self.text(key).map(str::to_string);
        self.ctx.required(&self.at.key(key.name), value, expected)
    }

    /// `value` (the key's) with the release's placeholders filled, as plain text.
    pub fn fill(&mut self, key: &Key, value: &str, release: &ReleaseInfo) -> Option<String> {
        fill(self.ctx, &self.at.key(key.name), value, release)
    }

    /// The key's value filled, `Some(None)` when it is not given; `None` after a problem.
    pub fn optional(&mut self, key: &Key, release: &ReleaseInfo) -> Option<Option<String>> {
        match self.text(key) {
            Some(v) => self.fill(key, v, release).map(Some),
            None => Some(None),
        }
    }

    pub fn invalid(&mut self, key: &Key, value: &str, expected: &str) {
        let at = self.at.key(key.name);
        self.ctx.report.invalid(&at, quoted(value), expected);
    }

    /// Item `i` of an array key is not what it should be.
    pub fn invalid_item(&mut self, key: &Key, i: usize, value: &str, expected: &str) {
        let at = self.at.key(key.name).index(i);
        self.ctx.report.invalid(&at, quoted(value), expected);
    }

    pub fn problem(&mut self, key: &Key, problem: &str) {
        self.ctx.report.problem(&self.at.key(key.name), problem);
    }

    pub fn missing(&mut self, key: &Key, expected: &str) {
        self.ctx.report.missing(&self.at.key(key.name), expected);
    }

    /// A JSON Pointer (RFC 6901), reported when it is not one.
    pub fn pointer(&mut self, key: &Key, pointer: &str) -> bool {
        self.ctx.pointer(&self.at.key(key.name), pointer)
    }

    /// A jq program that compiles, reported when it does not.
    pub fn jq(&mut self, key: &Key, program: &str) -> bool {
        self.ctx.jq(&self.at.key(key.name), program)
    }
}

/// Report keys given for a kind that does not read them, and what its API refuses.
pub fn stray_keys(ctx: &mut Ctx, at: &KeyPath, kind: SourceKind, raw: &schema::Source) {
    let provider = kind.provider();
    if let Some(why) = provider.refuses_bearer
        && raw.auth.as_ref().is_some_and(|a| a.bearer.is_some())
    {
        ctx.report.problem(&at.key("auth").key("bearer"), why);
    }
    for &name in provider.required_headers {
        let given = raw
            .headers
            .as_ref()
            .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case(name)));
        if !given {
            let expected = format!(
                "the {name} header: {} sends it on every request (e.g. {{ env = \"…\" }})",
                provider.name
            );
            ctx.report.missing(&at.key("headers").key(name), expected);
        }
    }
    for &key in providers::KEY_ORDER.iter().filter(|k| raw.keys.has(k)) {
        if !provider.reads(key) {
            let readers: Vec<&str> = PROVIDERS
                .iter()
                .filter(|p| p.reads(key))
                .map(|p| p.name)
                .collect();
            let problem = format!(
                "only for {} sources (source is {} source)",
                readers.join(" and "),
                a_kind(kind)
            );
            ctx.report.problem(&at.key(key), problem);
        }
    }
    if let Some(gets) = provider.request.gets() {
        let takers: Vec<&str> = PROVIDERS
            .iter()
            .filter(|p| p.request.gets().is_none())
            .map(|p| p.name)
            .collect();
        let why = format!(
            "only for {} sources ({} source {gets})",
            takers.join(" and "),
            a_kind(kind)
        );
        for (key, given) in [
            ("method", raw.method.is_some()),
            ("body", raw.body.is_some()),
        ] {
            if given {
                ctx.report.problem(&at.key(key), why.clone());
            }
        }
    }
}

/// A check for errors inside a 2xx answer, from the keys of whichever provider defines one
/// (http: `error_pointer` or `error_jq`); checked whatever the source's kind.
pub fn error_check(ctx: &mut Ctx, at: &KeyPath, keys: &Keys) -> Option<Extract> {
    let mut given = Given::new(ctx, at, keys);
    PROVIDERS
        .iter()
        .filter_map(|p| p.error_check)
        .find_map(|check| check(&mut given))
}

/// The release's values for placeholders; `commit` only when the release has one. Not
/// `Vars::from_release`, which gives actions a `null` commit: a source URL cannot be built
/// without one, so the name is left out and the template error says to set `release.commit`.
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

/// The URL a source polls. `base` is the checked `url` (or the kind's default).
pub fn url(
    ctx: &mut Ctx,
    at: &KeyPath,
    kind: SourceKind,
    base: String,
    keys: &Keys,
    release: &ReleaseInfo,
) -> Option<String> {
    match kind.provider().request {
        Request::Base => Some(base),
        Request::Template => template_url(ctx, at, &base, release),
        Request::Api(build) => api_url(ctx, at, build, &base, keys, release),
    }
}

/// An http source's URL with its placeholders filled (each value encoded as one URL part).
fn template_url(ctx: &mut Ctx, at: &KeyPath, url: &str, release: &ReleaseInfo) -> Option<String> {
    match render_url(url, &vars(release)) {
        Ok(u) => Some(u),
        Err(e) => {
            ctx.report.problem(&at.key("url"), template_problem(e));
            None
        }
    }
}

/// The body a source sends: for a provider that sends what config gives, its placeholders
/// filled — as JSON values in a JSON body (a value full of quotes keeps it valid), as plain
/// text otherwise. Any other kind has no body (one given is reported as a stray key).
pub fn body(
    ctx: &mut Ctx,
    at: &KeyPath,
    kind: SourceKind,
    body: Option<&String>,
    release: &ReleaseInfo,
) -> Option<Option<String>> {
    let Some(body) = body.filter(|_| kind.provider().request.gets().is_none()) else {
        return Some(body.cloned());
    };
    let body_kind = if body.trim_start().starts_with(['{', '[']) {
        BodyKind::Json
    } else {
        BodyKind::None
    };
    match render_body(body, body_kind, &vars(release)) {
        Ok(b) => Some(Some(b)),
        Err(e) => {
            ctx.report.problem(&at.key("body"), template_problem(e));
            None
        }
    }
}

/// The API URL a provider builds under `base`: its path segments appended, its query pairs
/// added, and a fragment (never sent) when it keeps something there.
fn api_url(
    ctx: &mut Ctx,
    at: &KeyPath,
    build: ApiFn,
    base: &str,
    keys: &Keys,
    release: &ReleaseInfo,
) -> Option<String> {
    let mut url = Url::parse(base.trim_end_matches('/')).ok()?;
    let api = build(&mut Given::new(ctx, at, keys), release)?;
    if let Some(fragment) = &api.fragment {
        url.set_fragment(Some(fragment));
    }
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(&api.path);
    if !api.query.is_empty() {
        url.query_pairs_mut().extend_pairs(&api.query);
    }
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use crate::sources::providers::KEY_ORDER;

    /// The keys a source may hold are the common ones and the providers' (in `KEY_ORDER`, whose
    /// order the providers' tests keep); a stray key names the kinds that read it.
    #[test]
    fn source_keys_are_listed_and_checked_as_before() {
        let text = "[release]\nname = \"a\"\nversion = \"1\"\nenvironment = \"p\"\n\
                    [[stages]]\ntraffic = 100\nbake = \"1m\"\n\
                    [sources.a]\nkind = \"gitlab\"\nproject = \"p\"\ncommit = \"c\"\n\
                    reop = \"a/b\"\nflag = \"f\"\n";
        let e = crate::config::load_str(text, "x.toml")
            .unwrap_err()
            .to_string();
        let want = [
            format!(
                "x.toml:12: sources.a.reop: unknown key (did you mean `repo`?) — expected one \
                 of: kind, url, interval, timeout, stale_after, method, body, headers, auth, \
                 {}, tls",
                KEY_ORDER.join(", ")
            ),
            "x.toml:13: sources.a.flag: only for unleash and launchdarkly sources (source is a \
             gitlab source)"
                .into(),
        ];
        assert_eq!(e, want.join("\n"));
    }
}
