//! TLS the way companies run it, per source and per action: a private CA, a client certificate
//! (mTLS) and a server name override. There is no switch that turns verification off: a
//! certificate is always checked against the trusted roots and against a name.
//!
//! The server name override sends the request to the URL's address but verifies the
//! certificate for `server_name` (it is also the SNI and the `Host` header): the request's URL
//! is given `server_name` as its host, and the client resolves that name to the URL's own host.

use crate::secret::Secret;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{ClientBuilder, Url};
use std::sync::Arc;

/// A source's or an action's TLS settings, read and checked when the config is loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsSpec {
    /// PEM text of the CA certificates to trust, added to the public roots.
    pub ca: Option<String>,
    /// Trust only `ca`, not the public roots.
    pub ca_only: bool,
    /// The client certificate chain and its private key, PEM, one after the other. A secret:
    /// it prints as `[redacted]`.
    pub identity: Option<Secret>,
    /// The name the server's certificate must carry, when the URL names another host.
    pub server_name: Option<String>,
}

/// The URL's host as a resolver takes it (an IPv6 address without its brackets).
fn bare_host(url: &Url) -> Option<String> {
    url.host_str()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string())
}

/// `builder` with the settings of `tls`, for requests to `url`'s host. Checking a
/// certificate that does not parse or a key that does not match happens in `build()`.
pub fn configure(
    mut builder: ClientBuilder,
    tls: &TlsSpec,
    url: &Url,
) -> Result<ClientBuilder, String> {
    if let Some(ca) = &tls.ca {
        let certs = reqwest::Certificate::from_pem_bundle(ca.as_bytes())
            .map_err(|e| format!("the CA certificates: {}", causes(&e)))?;
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
        if tls.ca_only {
            builder = builder.tls_built_in_root_certs(false);
        }
    }
    if let Some(identity) = &tls.identity {
        let identity = reqwest::Identity::from_pem(identity.expose().as_bytes())
            .map_err(|e| format!("the client certificate and key: {}", causes(&e)))?;
        builder = builder.identity(identity);
    }
    if let Some(name) = &tls.server_name {
        let host = bare_host(url).ok_or_else(|| "the URL has no host".to_string())?;
        // A proxy would be asked for `server_name`, not for the URL's address.
        builder = builder.no_proxy().dns_resolver(Arc::new(ConnectTo {
            name: name.to_ascii_lowercase(),
            host,
        }));
    }
    Ok(builder)
}

/// The URL a request is sent to: with `server_name` as its host when one is set (the client
/// built by `configure` resolves it to the URL's own host). The journal and the screen show
/// the URL as configured.
pub fn target(url: &Url, tls: Option<&TlsSpec>) -> Url {
    let mut url = url.clone();
    if let Some(name) = tls.and_then(|t| t.server_name.as_deref()) {
        // Checked at load: a DNS name that a URL can hold.
        let _ = url.set_host(Some(name));
    }
    url
}

/// Resolves `name` to the addresses of `host`, and any other name as the system does.
struct ConnectTo {
    name: String,
    host: String,
}

impl Resolve for ConnectTo {
    fn resolve(&self, name: Name) -> Resolving {
        let target = if name.as_str().eq_ignore_ascii_case(&self.name) {
            self.host.clone()
        } else {
            name.as_str().to_string()
        };
        Box::pin(async move {
            let addrs: Vec<_> = tokio::net::lookup_host((target.as_str(), 0))
                .await?
                .collect();
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// A TLS handshake's failure in words an operator can act on, from rustls's text (the
/// innermost cause of a client error); `None` when it is not one.
pub fn refusal(cause: &str) -> Option<String> {
    let words = if let Some(why) = cause.strip_prefix("invalid peer certificate: ") {
        if why.starts_with("UnknownIssuer") {
            "the server's certificate is not signed by a trusted CA (for a private CA, set tls.ca)"
                .to_string()
        } else if why.starts_with("certificate not valid for name")
            || why.starts_with("NotValidForName")
        {
            "the server's certificate is not issued for this host name (set tls.server_name to the name it is for)"
                .to_string()
        } else if why.starts_with("certificate expired") || why.starts_with("Expired") {
            "the server's certificate has expired".to_string()
        } else {
            format!("the server's certificate is refused: {}", short(why))
        }
    } else if let Some(alert) = cause.strip_prefix("received fatal alert: ") {
        if alert.starts_with("CertificateRequired") {
            "the server requires a client certificate (set tls.cert and tls.key)".to_string()
        } else {
            format!("the server ended the handshake: {}", short(alert))
        }
    } else {
        return None;
    };
    Some(format!("TLS: {words}"))
}

/// At most the first 60 characters, on one line.
fn short(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// An error and its causes on one line, each said once.
pub fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        if text != "builder error" && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_goes_to_the_server_name_only_when_one_is_set() {
        let url = Url::parse("https://127.0.0.1:9443/api/v1/query?query=up").unwrap();
        assert_eq!(target(&url, None), url);
        let tls = TlsSpec {
            ca: None,
            ca_only: false,
            identity: None,
            server_name: Some("prometheus.internal".into()),
        };
        assert_eq!(
            target(&url, Some(&tls)).as_str(),
            "https://prometheus.internal:9443/api/v1/query?query=up"
        );
        let v6 = Url::parse("https://[::1]:9443/").unwrap();
        assert_eq!(bare_host(&v6).as_deref(), Some("::1"));
    }

    #[test]
    fn the_key_never_shows_in_a_debug_print() {
        let tls = TlsSpec {
            ca: None,
            ca_only: false,
            identity: Some(Secret::new("-----BEGIN PRIVATE KEY-----\nhunter2")),
            server_name: None,
        };
        assert!(!format!("{tls:?}").contains("hunter2"));
    }
}
