//! Credentials written into URLs: `https://user:token@host/…` and `?access_token=…`.
//!
//! The config refuses both (`find`, at load): a URL is shown on screen, in the event log and in
//! the journal, and a secret in it would be too. Credentials go in `auth` or in headers, read
//! from the environment or a file. Wherever a URL is shown anyway, `redacted` and `host` take the
//! credentials out, so a URL that got in by another way still never shows one.
//!
//! Query parameters whose names say they hold a credential (compared by words, case and `-`,
//! `_`, `.` or camelCase aside):
//! - any word `token`, `secret`, `password`, `passwd`, `pwd`, `signature`, `sig`, `apikey`,
//!   `jwt`, `credential(s)`, `auth` or `authorization`: OAuth's `access_token` (RFC 6750), GitLab's
//!   `private_token` and `job_token`, `client_secret`, Azure SAS `sig`, S3 and GCS
//!   `X-Amz-Signature` / `X-Goog-Signature`, `X-Amz-Security-Token`, `auth_token`;
//! - `key` alone (Google APIs' `key=`) or `code` alone (an Azure Functions key), or a name
//!   ending in `key` after `api`, `access`, `private`, `client`, `app`, `auth`, `account` or
//!   `subscription` (`api_key`, `apiKey`, `access_key`, `subscription-key`).
//!
//! Names such as `author`, `keyword`, `sort_key` or `head_sha` are left alone.

/// A credential found in a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `user:password@` or `token@` before the host.
    UserInfo,
    /// A query parameter of this name (decoded).
    Query(String),
}

/// The first credential in `url`, if any.
pub fn find(url: &reqwest::Url) -> Option<Credential> {
    if !url.username().is_empty() || url.password().is_some() {
        return Some(Credential::UserInfo);
    }
    url.query_pairs()
        .map(|(name, _)| name)
        .find(|name| is_credential_param(name))
        .map(|name| Credential::Query(name.into_owned()))
}

/// Whether a query parameter of this name carries a credential (see the module's list).
pub fn is_credential_param(name: &str) -> bool {
    const WORDS: [&str; 13] = [
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "signature",
        "sig",
        "apikey",
        "jwt",
        "credential",
        "credentials",
        "auth",
        "authorization",
    ];
    const KEY_OWNERS: [&str; 8] = [
        "api",
        "access",
        "private",
        "client",
        "app",
        "auth",
        "account",
        "subscription",
    ];
    let words = words(name);
    if words.iter().any(|w| WORDS.contains(&w.as_str())) {
        return true;
    }
    match words.as_slice() {
        [only] => only == "key" || only == "code",
        [.., owner, last] => last == "key" && KEY_OWNERS.contains(&owner.as_str()),
        [] => false,
    }
}

/// `X-Amz-Signature` → `x amz signature`, `accessToken` → `access token`.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            out.extend((!cur.is_empty()).then(|| std::mem::take(&mut cur)));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    out.extend((!cur.is_empty()).then_some(cur));
    out
}

/// Where the host part of a URL (or URL template) starts and ends: after `scheme://`, up to
/// the path, query or fragment (a `\` counts as `/`, as browsers and `reqwest::Url` read it).
fn authority(url: &str) -> (usize, usize) {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '\\', '?', '#'])
        .map_or(url.len(), |i| start + i);
    (start, end)
}

/// `host` or `host:port`, without any `user:password@`.
pub fn host(url: &str) -> String {
    let (start, end) = authority(url);
    let auth = &url[start..end];
    auth.rsplit('@').next().unwrap_or(auth).to_string()
}

/// The URL as it may be shown: `user:password@` becomes `***@`, and the value of every query
/// parameter that carries a credential becomes `***`. Placeholders (`{{release}}`) stay.
pub fn redacted(url: &str) -> String {
    let (start, end) = authority(url);
    let mut out = url[..start].to_string();
    let auth = &url[start..end];
    match auth.rfind('@') {
        Some(at) => {
            out.push_str("***");
            out.push_str(&auth[at..]);
        }
        None => out.push_str(auth),
    }
    let rest = &url[end..];
    let (before_query, query_and_after) = match rest.find('?') {
        Some(q) => rest.split_at(q + 1),
        None => return out + rest,
    };
    out.push_str(before_query);
    let (query, fragment) = match query_and_after.find('#') {
        Some(h) => query_and_after.split_at(h),
        None => (query_and_after, ""),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded: String = reqwest::Url::parse(&format!("http://x/?{name}"))
                .ok()
                .and_then(|u| u.query_pairs().next().map(|(n, _)| n.into_owned()))
                .unwrap_or_else(|| name.to_string());
            if is_credential_param(&decoded) && !value.is_empty() {
                format!("{name}=***")
            } else {
                pair.to_string()
            }
        })
        .collect();
    out.push_str(&pairs.join("&"));
    out.push_str(fragment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(url: &str) -> Option<Credential> {
        find(&reqwest::Url::parse(url).unwrap())
    }

    #[test]
    fn userinfo_and_credential_queries_are_found() {
        assert_eq!(
            found("http://user:token@host/hook"),
            Some(Credential::UserInfo)
        );
        assert_eq!(
            found("https://ghp_abc@github.com/x"),
            Some(Credential::UserInfo)
        );
        assert_eq!(found("https://u:@h/"), Some(Credential::UserInfo));
        assert_eq!(
            found("https://h/x?service=a&access_token=abc"),
            Some(Credential::Query("access_token".into()))
        );
        assert_eq!(
            found("https://h/x?X-Amz-Signature=abc"),
            Some(Credential::Query("X-Amz-Signature".into()))
        );
        assert_eq!(found("https://h/x?head_sha=9f2c&per_page=5"), None);
        assert_eq!(found("https://h/x?author=ana&keyword=x&sort_key=a"), None);
        assert_eq!(found("https://h/x"), None);
    }

    #[test]
    fn credential_names_by_their_words() {
        for n in [
            "access_token",
            "token",
            "api_key",
            "apikey",
            "apiKey",
            "API-KEY",
            "key",
            "password",
            "secret",
            "client_secret",
            "signature",
            "sig",
            "private_token",
            "job_token",
            "auth",
            "auth_token",
            "accessToken",
            "subscription-key",
            "X-Amz-Security-Token",
            "jwt",
            "code",
        ] {
            assert!(is_credential_param(n), "{n}");
        }
        for n in [
            "author",
            "keyword",
            "sort_key",
            "head_sha",
            "per_page",
            "ref",
            "service",
            "q",
            "version",
            "tokenizer",
            "signed",
        ] {
            assert!(!is_credential_param(n), "{n}");
        }
    }

    #[test]
    fn shown_urls_keep_the_host_and_lose_the_secret() {
        assert_eq!(
            redacted("http://user:token@host:8080/hook"),
            "http://***@host:8080/hook"
        );
        assert_eq!(
            redacted("https://h/x?service={{release}}&access_token=abc&X-Api-Key=k#frag"),
            "https://h/x?service={{release}}&access_token=***&X-Api-Key=***#frag"
        );
        assert_eq!(redacted("https://h/x?a=1&b"), "https://h/x?a=1&b");
        assert_eq!(redacted("https://h"), "https://h");
        assert_eq!(host("http://user:token@host:8080/hook?x"), "host:8080");
        assert_eq!(
            host("https://{{env}}.deploy.example/x"),
            "{{env}}.deploy.example"
        );
        assert_eq!(host("https://a@b@host\\@x/y"), "host");
    }
}
