//! The one HTTP client every source shares: rustls, pooled connections, the proxy from the
//! environment, a timeout per request, a cap on how much of a body is read, and a limit on how
//! many requests are out at once across all sources.

use super::error::SourceError;
use crate::secret::Secret;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Bodies larger than this fail the poll instead of filling memory.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Requests in flight at once, across every source. A release with many queries does not
/// open a burst of connections to one Prometheus; the rest wait their turn.
pub const DEFAULT_CONCURRENCY: usize = 8;

#[derive(Debug, Clone)]
pub struct SourceClient {
    http: reqwest::Client,
    limit: usize,
    permits: Arc<Semaphore>,
    concurrency: usize,
}

/// A finished answer: its status and its body, read in full (within the cap).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: reqwest::StatusCode,
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
        Self::with_limits(DEFAULT_BODY_LIMIT, DEFAULT_CONCURRENCY)
    }

    /// A client that reads at most `limit` bytes of any body.
    pub fn with_limit(limit: usize) -> Result<Self, SourceError> {
        Self::with_limits(limit, DEFAULT_CONCURRENCY)
    }

    /// A client that reads at most `limit` bytes of any body and has at most `concurrency`
    /// requests out at once (at least one).
    pub fn with_limits(limit: usize, concurrency: usize) -> Result<Self, SourceError> {
        let concurrency = concurrency.max(1);
        let http = reqwest::Client::builder()
            .user_agent(concat!("gonogo/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| SourceError::Request(format!("HTTP client: {}", e)))?;
        Ok(SourceClient {
            http,
            limit,
            permits: Arc::new(Semaphore::new(concurrency)),
            concurrency,
        })
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Send the request and read its body, all within the request's timeout. Waiting for a
    /// turn (when `concurrency` requests are already out) does not count against the timeout:
    /// a source is not called slow because others were.
    pub async fn fetch(&self, req: Request<'_>) -> Result<Fetched, SourceError> {
        let _turn = self
            .permits
            .acquire()
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
        let mut builder = self
            .http
            .request(method, req.url)
            .headers(header_map(req.headers)?);
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
            .map_err(|e| SourceError::from_reqwest(&e, req.timeout))?;
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
            .map_err(|e| SourceError::from_reqwest(&e, req.timeout))?
        {
            if body.len() + chunk.len() > self.limit {
                return Err(SourceError::TooLarge(self.limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status: response.status(),
            body,
        })
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
