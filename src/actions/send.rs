//! Sending a webhook without ever doing the action twice. A request is resent automatically
//! only when it provably never reached the target (no connection was made); after it may have
//! arrived (a timeout, a dropped connection, a 5xx) it is resent only if the target honours
//! the `Idempotency-Key`. A 4xx is never resent.

use super::outcome::{Outcome, excerpt};
use super::request::{Request, target};
use crate::tls::TlsSpec;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use std::time::{Duration, Instant};

/// How long to keep retrying, and how fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// No new attempt starts after this long since the first.
    pub deadline: Duration,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            deadline: Duration::from_secs(20),
            first_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
        }
    }
}

/// Most of a response body that is read; the rest is dropped unread.
pub const BODY_CAP: usize = 64 * 1024;

/// What one attempt came to.
enum Attempt {
    /// No connection was made: the target never saw the request.
    NotConnected(String),
    /// Sent, or possibly sent, with no response.
    Lost {
        error: String,
        timed_out: bool,
    },
    Answered {
        status: u16,
        excerpt: String,
    },
    /// The request could not be put together; nothing was sent.
    Unsendable(String),
}

/// Send `req` with `Idempotency-Key: <action_id>` on every attempt. Returns the outcome and
/// the number of attempts made.
pub async fn send(
    client: &reqwest::Client,
    req: &Request,
    action_id: &str,
    idempotent: bool,
    timeout: Duration,
    policy: &RetryPolicy,
) -> (Outcome, u32) {
    let Ok(key) = HeaderValue::from_str(action_id) else {
        let outcome = Outcome::Failed {
            status: None,
            latency: Duration::ZERO,
            reason: "the action id cannot be sent as an Idempotency-Key header; nothing was sent"
                .into(),
            excerpt: String::new(),
        };
        return (outcome, 0);
    };
    // An action with its own TLS settings has its own client, built for this request.
    let own;
    let client = match &req.tls {
        None => client,
        Some(tls) => match tls_client(tls, &req.url) {
            Ok(c) => {
                own = c;
                &own
            }
            Err(e) => {
                let outcome = Outcome::Failed {
                    status: None,
                    latency: Duration::ZERO,
                    reason: format!("the TLS settings cannot be used: {e}; nothing was sent"),
                    excerpt: String::new(),
                };
                return (outcome, 0);
            }
        },
    };
    let host = target(req);
    let check = format!("check {host} for the action before confirming again");
    let first = Instant::now();
    let mut backoff = policy.first_backoff;
    let mut attempts = 0;
    // Whether an earlier attempt may have reached the target.
    let mut maybe_sent = false;
    loop {
        attempts += 1;
        let started = Instant::now();
        let attempt = attempt(client, req, &key, timeout).await;
        let latency = started.elapsed();
        let time_left = first.elapsed() + backoff < policy.deadline;
        let tries = if attempts > 1 {
            format!(" (after {attempts} attempts)")
        } else {
            String::new()
        };
        let unknown = |status, reason: String, excerpt| Outcome::Unknown {
            status,
            latency,
            reason,
            what_to_check: check.clone(),
            excerpt,
        };
        let outcome = match attempt {
            Attempt::Answered { status, excerpt } if (200..300).contains(&status) => {
                Outcome::Succeeded {
                    status,
                    latency,
                    excerpt,
                }
            }
            Attempt::Answered { status, excerpt } if status >= 500 => {
                if idempotent && time_left {
                    maybe_sent = true;
                    wait(&mut backoff, policy).await;
                    continue;
                }
                unknown(
                    Some(status),
                    format!(
                        "HTTP {status} after the request was sent{tries} — the target may or \
                         may not have acted"
                    ),
                    excerpt,
                )
            }
            // A 303 after a POST says the action was done; a 307 says go elsewhere. Either
            // way the redirect is not followed (a redirect could carry a secret header to
            // another host), and nobody can tell from here whether the target acted.
            Attempt::Answered { status, excerpt } if (300..400).contains(&status) => unknown(
                Some(status),
                format!(
                    "HTTP {status}, a redirect, not followed — the target may or may not have acted"
                ),
                excerpt,
            ),
            Attempt::Answered { status, excerpt } if maybe_sent => unknown(
                Some(status),
                format!(
                    "HTTP {status} on a retry{tries}; an earlier attempt may have reached the \
                     target"
                ),
                excerpt,
            ),
            Attempt::Answered { status, excerpt } => Outcome::Failed {
                status: Some(status),
                latency,
                reason: refusal(status),
                excerpt,
            },
            Attempt::Lost { error, timed_out } => {
                if idempotent && time_left {
                    maybe_sent = true;
                    wait(&mut backoff, policy).await;
                    continue;
                }
                let what = if timed_out {
                    format!("timeout after {}", humantime::format_duration(timeout))
                } else {
                    format!("connection lost after the request was sent ({error})")
                };
                unknown(
                    None,
                    format!("{what}{tries} — the target may or may not have acted"),
                    String::new(),
                )
            }
            Attempt::Unsendable(error) => Outcome::Failed {
                status: None,
                latency,
                reason: format!("the request could not be built: {error}; nothing was sent"),
                excerpt: String::new(),
            },
            Attempt::NotConnected(error) => {
                // A certificate refused now is refused again: only a config change helps.
                if time_left && !error.starts_with("TLS: ") {
                    wait(&mut backoff, policy).await;
                    continue;
                }
                if maybe_sent {
                    unknown(
                        None,
                        format!(
                            "could not connect: {error}{tries}; an earlier attempt may have \
                             reached the target"
                        ),
                        String::new(),
                    )
                } else {
                    Outcome::Failed {
                        status: None,
                        latency,
                        reason: format!(
                            "could not connect: {error} ({attempts} attempts over {:.1}s); the \
                             action was never received",
                            first.elapsed().as_secs_f64()
                        ),
                        excerpt: String::new(),
                    }
                }
            }
        };
        return (outcome, attempts);
    }
}

async fn wait(backoff: &mut Duration, policy: &RetryPolicy) {
    tokio::time::sleep(*backoff).await;
    *backoff = (*backoff * 2).min(policy.max_backoff);
}

fn refusal(status: u16) -> String {
    match status {
        400..500 => format!("HTTP {status}: the target refused the request"),
        _ => format!("HTTP {status}: not a success"),
    }
}

/// The client actions should be sent with: redirects are never followed, so a header holding a
/// secret cannot be carried to a host the config did not name, and a POST is never replayed
/// elsewhere. Add timeouts per request, not here.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("gonogo/", env!("CARGO_PKG_VERSION")))
}

pub fn client() -> reqwest::Result<reqwest::Client> {
    client_builder().build()
}

/// The client for an action (or notification) with its own CA, client certificate or server
/// name, sending to `url`'s host.
pub fn tls_client(tls: &TlsSpec, url: &reqwest::Url) -> Result<reqwest::Client, String> {
    crate::tls::configure(client_builder(), tls, url)?
        .build()
        .map_err(|e| crate::tls::causes(&e))
}

async fn attempt(
    client: &reqwest::Client,
    req: &Request,
    key: &HeaderValue,
    timeout: Duration,
) -> Attempt {
    let url = crate::tls::target(&req.url, req.tls.as_deref());
    let mut builder = client.request(req.method.clone(), url).timeout(timeout);
    for (name, value) in &req.headers {
        if name.eq_ignore_ascii_case("idempotency-key") {
            continue;
        }
        let Ok(mut value) = HeaderValue::from_str(value.expose()) else {
            return Attempt::Unsendable(format!("header `{name}` cannot be sent"));
        };
        value.set_sensitive(true);
        builder = builder.header(name.as_str(), value);
    }
    builder = builder.header("Idempotency-Key", key.clone());
    if let Some(ct) = req.content_type {
        builder = builder.header(CONTENT_TYPE, ct);
    }
    if let Some(body) = &req.body {
        builder = builder.body(body.clone());
    }
    let mut response = match builder.send().await {
        Ok(r) => r,
        Err(e) if e.is_builder() => return Attempt::Unsendable(describe(e)),
        Err(e) if e.is_connect() => return Attempt::NotConnected(describe(e)),
        Err(e) => {
            let timed_out = e.is_timeout();
            return Attempt::Lost {
                error: describe(e),
                timed_out,
            };
        }
    };
    let status = response.status().as_u16();
    // The status decides; a body that fails or times out midway keeps what arrived.
    let mut body = Vec::new();
    while body.len() < BODY_CAP {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk[..chunk.len().min(BODY_CAP - body.len())])
            }
            Ok(None) | Err(_) => break,
        }
    }
    Attempt::Answered {
        status,
        excerpt: excerpt(&body),
    }
}

/// The error's causes on one line, without the URL (its query may carry a token) and without
/// the generic wrappers ("error sending request", "client error (Connect)").
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&dyn std::error::Error> = Some(&e);
    while let Some(err) = next {
        let text = err.to_string();
        let generic =
            text.starts_with("error sending request") || text.starts_with("client error (");
        if !generic && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    if let Some(why) = parts.last().and_then(|p| crate::tls::refusal(p)) {
        why
    } else if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}
