//! The one HTTP client every source shares: rustls, pooled connections, the proxy from the
//! environment, a timeout per request, a cap on how much of a body is read, and a limit on how
//! many requests are out at once to each host. A source with its own TLS settings (a private
//! CA, a client certificate, a server name) gets a client of its own, built once and kept,
//! that still shares the per-host limit with every other source.

use super::error::SourceError;
use crate::secret::Secret;
use crate::setup::SourceSpec;
use crate::tls::TlsSpec;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Bodies larger than this fail the poll instead of filling memory.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Requests in flight at once to one host (scheme, host and port), as browsers limit
/// connections per origin. A release with many queries does not open a burst of connections
/// to one Prometheus; the rest of its queries wait their turn. There is no cap across hosts:
/// a host that hangs holds only its own turns, so it cannot make the other hosts' sources
/// wait (and go stale); the total is at most this many per host the config names.
pub const DEFAULT_PER_HOST: usize = 4;

#[derive(Debug, Clone)]
pub struct SourceClient {
    http: reqwest::Client,
    limit: usize,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    per_host: usize,
    /// The clients built for TLS settings, by settings and host.
    with_tls: Arc<Mutex<Vec<TlsClient>>>,
    /// The TLS settings `http` was built with.
    tls: Option<Arc<TlsSpec>>,
}

type TlsClient = (Arc<TlsSpec>, String, reqwest::Client);

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("gonogo/", env!("CARGO_PKG_VERSION")))
        .pool_idle_timeout(Duration::from_secs(90))
}

/// A finished answer: its status and its body, read in full (within the cap).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: reqwest::StatusCode,
    /// The answer's headers (a rate limit's reset time, for one).
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

/// One request a source makes. Header values stay secret until the request is built.
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    pub headers: &'a [(String, Secret)],
    pub body: Option<Body<'a>>,
    pub timeout: Duration,
}

pub enum Body<'a> {
    Raw(&'a str),
    Form(&'a [(&'a str, &'a str)]),
}

impl SourceClient {
    pub fn new() -> Result<Self, SourceError> {
        Self::with_limits(DEFAULT_BODY_LIMIT, DEFAULT_PER_HOST)
    }

    /// A client that reads at most `limit` bytes of any body.
    pub fn with_limit(limit: usize) -> Result<Self, SourceError> {
        Self::with_limits(limit, DEFAULT_PER_HOST)
    }

    /// A client that reads at most `limit` bytes of any body and has at most `per_host`
    /// requests out at once to any one host (at least one).
    pub fn with_limits(limit: usize, per_host: usize) -> Result<Self, SourceError> {
        let per_host = per_host.max(1);
        let http = builder()
            .build()
            .map_err(|e| SourceError::Request(format!("HTTP client: {}", e)))?;
        Ok(SourceClient {
            http,
            limit,
            hosts: Arc::default(),
            per_host,
            with_tls: Arc::default(),
            tls: None,
        })
    }

    /// The client for `spec`: this one, or, when the source has TLS settings of its own, one
    /// built for them (once, then reused) that shares this one's per-host turns.
    pub fn for_source(&self, spec: &SourceSpec) -> Result<SourceClient, SourceError> {
        let Some(tls) = &spec.tls else {
            return Ok(self.clone());
        };
        let url = reqwest::Url::parse(&spec.url)
            .map_err(|e| SourceError::Request(format!("bad URL: {e}")))?;
        let host = url.host_str().unwrap_or_default().to_string();
        let mut built = self.with_tls.lock().unwrap_or_else(|e| e.into_inner());
        let found = built
            .iter()
            .find(|(t, h, _)| (Arc::ptr_eq(t, tls) || t == tls) && *h == host)
            .map(|(_, _, c)| c.clone());
        let http = match found {
            Some(c) => c,
            None => {
                let c = crate::tls::configure(builder(), tls, &url)
                    .and_then(|b| b.build().map_err(|e| crate::tls::causes(&e)))
                    .map_err(|e| SourceError::Request(format!("TLS settings: {e}")))?;
                built.push((tls.clone(), host, c.clone()));
                c
            }
        };
        Ok(SourceClient {
            http,
            tls: Some(tls.clone()),
            ..self.clone()
        })
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    pub fn per_host(&self) -> usize {
        self.per_host
    }

    /// The turns of one host, shared by every request to it.
    fn turns(&self, url: &str) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(origin(url))
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    /// Send the request and read its body, all within the request's timeout. Waiting for a
    /// turn (when `per_host` requests to the same host are already out) does not count against
    /// the timeout: a source is not called slow because others were.
    pub async fn fetch(&self, req: Request<'_>) -> Result<Fetched, SourceError> {
        let _turn = self
            .turns(req.url)
            .acquire_owned()
            .await
            .map_err(|_| SourceError::Request("HTTP client closed".into()))?;
        let timeout = req.timeout;
        match tokio::time::timeout(timeout, self.fetch_inner(req)).await {
            Ok(result) => result,
            Err(_) => Err(SourceError::Timeout(timeout)),
        }
    }

    async fn fetch_inner(&self, req: Request<'_>) -> Result<Fetched, SourceError> {
        let method = reqwest::Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| SourceError::Request(format!("bad method {:?}", req.method)))?;
        let builder = match &self.tls {
            None => self.http.request(method, req.url),
            Some(tls) => {
                let url = reqwest::Url::parse(req.url)
                    .map_err(|e| SourceError::Request(format!("bad URL: {e}")))?;
                self.http
                    .request(method, crate::tls::target(&url, Some(tls)))
            }
        };
        let mut builder = builder.headers(header_map(req.headers)?);
        if !req.query.is_empty() {
            builder = builder.query(req.query);
        }
        builder = match req.body {
            None => builder,
            Some(Body::Raw(text)) => builder.body(text.to_string()),
            Some(Body::Form(fields)) => builder.form(fields),
        };
        let mut response = builder
            .send()
            .await
            .map_err(|e| SourceError::from_reqwest(e, req.timeout))?;
        if response
            .content_length()
            .is_some_and(|n| n > self.limit as u64)
        {
            return Err(SourceError::TooLarge(self.limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| SourceError::from_reqwest(e, req.timeout))?
        {
            if body.len() + chunk.len() > self.limit {
                return Err(SourceError::TooLarge(self.limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status: response.status(),
            headers: response.headers().clone(),
            body,
        })
    }
}

/// What requests share turns by: `scheme://host:port` (the port filled in from the scheme),
/// without user, path or query. A URL that does not parse is its own origin (its request fails
/// on its own anyway).
pub fn origin(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}:{}",
            u.scheme(),
            u.host_str().unwrap_or_default(),
            u.port_or_known_default().unwrap_or_default()
        ),
        Err(_) => url.to_string(),
    }
}

/// The source's headers, values marked sensitive so no debug print of the request shows them.
fn header_map(headers: &[(String, Secret)]) -> Result<HeaderMap, SourceError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| SourceError::Request(format!("bad header name {name:?}")))?;
        // The value is a secret: say which header is wrong, never what it holds.
        let mut value = HeaderValue::from_str(value.expose())
            .map_err(|_| SourceError::Request(format!("bad value for header {name}")))?;
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_share_turns_by_scheme_host_and_port() {
        assert_eq!(
            origin("http://prom.internal:9090/api/v1/query?query=up"),
            "http://prom.internal:9090"
        );
        assert_eq!(
            origin("https://user:pw@api.example/x"),
            "https://api.example:443"
        );
        assert_eq!(
            origin("https://api.example:443/y"),
            origin("https://api.example/x")
        );
        assert_ne!(
            origin("http://api.example/x"),
            origin("https://api.example/x")
        );
        assert_ne!(
            origin("http://127.0.0.1:9090/"),
            origin("http://127.0.0.1:9091/")
        );
    }

    #[test]
    fn each_host_has_its_own_turns() {
        let client = SourceClient::with_limits(DEFAULT_BODY_LIMIT, 2).unwrap();
        let a = client.turns("http://a.example/q");
        let _held = (a.try_acquire().unwrap(), a.try_acquire().unwrap());
        assert!(
            client
                .turns("http://a.example/other")
                .try_acquire()
                .is_err()
        );
        assert!(client.turns("http://b.example/q").try_acquire().is_ok());
    }

    #[test]
    fn a_source_with_tls_settings_has_its_own_client_but_shares_the_turns() {
        let client = SourceClient::with_limits(DEFAULT_BODY_LIMIT, 1).unwrap();
        let tls = Arc::new(TlsSpec {
            ca: None,
            ca_only: false,
            identity: None,
            server_name: Some("prometheus.internal".into()),
        });
        let spec = SourceSpec {
            name: "prom".into(),
            kind: crate::setup::SourceKind::Prometheus,
            url: "https://10.0.0.7:9090".into(),
            method: "GET".into(),
            headers: vec![],
            body: None,
            interval: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
            stale_after: Duration::from_secs(30),
            signals: vec![],
            tls: Some(tls),
        };
        let own = client.for_source(&spec).unwrap();
        assert!(own.tls.is_some() && client.tls.is_none());
        let _held = client.turns(&spec.url).try_acquire_owned().unwrap();
        assert!(own.turns(&spec.url).try_acquire().is_err());
        // Built once, then reused for every poll.
        client.for_source(&spec).unwrap();
        assert_eq!(client.with_tls.lock().unwrap().len(), 1);
        let plain = SourceSpec { tls: None, ..spec };
        assert!(client.for_source(&plain).unwrap().tls.is_none());
    }
}
