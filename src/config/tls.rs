//! `tls = { ca, ca_only, cert, key, server_name }` of a source, an action, the rollback check or
//! a notification: every file read and every certificate parsed at load, so a bad file is
//! reported with its key now, not by the first poll. Nothing here prints a key.

use super::checks::{Ctx, quoted};
use super::path::KeyPath;
use super::pem::{self, Block};
use super::schema::Tls;
use crate::secret::Secret;
use crate::tls::TlsSpec;
use std::sync::Arc;

const CA_EXPECTED: &str = "a PEM file of one or more CA certificates";
const CERT_EXPECTED: &str = "a PEM file of the client certificate";
const KEY_EXPECTED: &str = "the client certificate's private key in PEM, as { file = \"client.key\" } or { env = \"NAME\" }";
const KEY_LABELS: [&str; 3] = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

impl Ctx<'_> {
    /// The TLS settings at `at` (a `tls` key), for requests to `url` as configured (`None`
    /// when the URL is a secret or has errors of its own). `None` when there are none or they
    /// have errors (reported).
    pub fn tls(
        &mut self,
        at: &KeyPath,
        raw: Option<&Tls>,
        url: Option<&str>,
    ) -> Option<Arc<TlsSpec>> {
        let raw = raw?;
        let mut ok = true;
        if url.is_some_and(|u| {
            u.get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        }) {
            self.report.problem(
                at,
                "TLS settings are for https:// URLs, and this URL is http://",
            );
            ok = false;
        }
        let ca = match &raw.ca {
            Some(path) => {
                let ca = self.certificates(&at.key("ca"), path, CA_EXPECTED);
                ok &= ca.is_some();
                ca
            }
            None => None,
        };
        let ca_only = raw.ca_only.unwrap_or(false);
        if ca_only && raw.ca.is_none() {
            self.report.error(
                &at.key("ca_only"),
                "only the CA of ca would be trusted, but ca is not set",
                Some("true".into()),
                Some("ca = \"path/to/ca.pem\" beside it".into()),
            );
            ok = false;
        }
        let identity = match (&raw.cert, &raw.key) {
            (None, None) => None,
            (Some(_), None) => {
                self.report.missing(&at.key("key"), KEY_EXPECTED);
                ok = false;
                None
            }
            (None, Some(_)) => {
                self.report
                    .missing(&at.key("cert"), format!("{CERT_EXPECTED}, to go with key"));
                ok = false;
                None
            }
            (Some(cert), Some(key)) => {
                let cert = self.certificates(&at.key("cert"), cert, CERT_EXPECTED);
                let key = self
                    .secret_only(&at.key("key"), key)
                    .and_then(|k| self.private_key(&at.key("key"), &k));
                let identity = match (cert, key) {
                    (Some(c), Some(k)) => Some(Secret::new(pem::encode(c.iter().chain([&k])))),
                    _ => None,
                };
                let identity = identity.filter(|id| match identity_works(id) {
                    Ok(()) => true,
                    Err(why) => {
                        self.report.problem(&at.key("key"), why);
                        false
                    }
                });
                // A key not read (`Secrets::Noted`) leaves everything else checked.
                ok &= identity.is_some() || self.report.was_noted(&at.key("key"));
                identity
            }
        };
        let server_name = raw.server_name.as_ref().and_then(|name| {
            let valid = server_name_ok(name);
            if !valid {
                self.report.invalid(
                    &at.key("server_name"),
                    quoted(name),
                    "the DNS name the server's certificate is issued for, e.g. \"prometheus.internal\" (no scheme, port or path)",
                );
                ok = false;
            }
            valid.then(|| name.to_ascii_lowercase())
        });
        if !ok {
            return None;
        }
        let spec = TlsSpec {
            ca: ca.map(|c| pem::encode(&c)),
            ca_only,
            identity,
            server_name,
        };
        // The same building the requests do, all settings together: anything rustls refuses
        // is found now.
        let probe = reqwest::Url::parse("https://localhost/").expect("a valid URL");
        let built = crate::tls::configure(reqwest::Client::builder(), &spec, &probe)
            .and_then(|b| b.build().map_err(|e| crate::tls::causes(&e)));
        if let Err(e) = built {
            self.report
                .problem(at, format!("these TLS settings cannot be used: {e}"));
            return None;
        }
        Some(Arc::new(spec))
    }

    /// The certificates of the PEM file at `path`, each one parsed.
    fn certificates(&mut self, at: &KeyPath, path: &str, expected: &str) -> Option<Vec<Block>> {
        let full = self.env.resolve(path);
        let value = Some(quoted(path));
        let (text, der) = match std::fs::read(&full) {
            // DER is binary and starts with an ASN.1 SEQUENCE (0x30).
            Ok(bytes) => (
                String::from_utf8_lossy(&bytes).into_owned(),
                bytes.first() == Some(&0x30) && std::str::from_utf8(&bytes).is_err(),
            ),
            Err(e) => {
                let why = format!("cannot read {}: {e}", full.display());
                self.report.error(at, why, value, Some(expected.into()));
                return None;
            }
        };
        let blocks = match pem::blocks(&text) {
            Ok(b) => b,
            Err(why) => {
                let why = format!("{} is not PEM: {why}", full.display());
                self.report.error(at, why, value, Some(expected.into()));
                return None;
            }
        };
        if blocks.iter().any(|b| b.label.contains("PRIVATE KEY")) {
            let why = format!(
                "{} holds a private key: give the key on its own, as key = {{ file = \"…\" }} (it is a secret)",
                full.display()
            );
            self.report.error(at, why, value, Some(expected.into()));
            return None;
        }
        let certs: Vec<Block> = blocks
            .into_iter()
            .filter(|b| b.label == "CERTIFICATE")
            .collect();
        if certs.is_empty() {
            let hint = if der {
                " (it looks like DER: convert it with openssl x509 -inform der -in FILE -out FILE.pem)"
            } else {
                ""
            };
            let why = format!(
                "{} is not PEM: no -----BEGIN CERTIFICATE----- block in it{hint}",
                full.display()
            );
            self.report.error(at, why, value, Some(expected.into()));
            return None;
        }
        for (i, cert) in certs.iter().enumerate() {
            if let Err(e) = parses(cert) {
                let which = match certs.len() {
                    1 => String::new(),
                    n => format!(" (certificate {} of {n})", i + 1),
                };
                let why = format!("{}{which} does not parse: {e}", full.display());
                self.report.error(at, why, value, Some(expected.into()));
                return None;
            }
        }
        Some(certs)
    }

    /// The one private key block of a key secret. Errors name the key path only.
    fn private_key(&mut self, at: &KeyPath, key: &Secret) -> Option<Block> {
        let expected = Some(KEY_EXPECTED.to_string());
        let blocks = match pem::blocks(key.expose()) {
            Ok(b) => b,
            Err(why) => {
                self.report
                    .error(at, format!("the key is not PEM: {why}"), None, expected);
                return None;
            }
        };
        if blocks.iter().any(|b| b.label == "ENCRYPTED PRIVATE KEY") {
            self.report.error(at, "the key is encrypted: give it decrypted (openssl pkey -in key.pem -out plain.pem), kept safe as a secret file", None, expected);
            return None;
        }
        let mut keys: Vec<Block> = blocks
            .into_iter()
            .filter(|b| KEY_LABELS.contains(&b.label.as_str()))
            .collect();
        match keys.len() {
            1 => keys.pop(),
            0 => {
                let why = "the key is not PEM: no -----BEGIN PRIVATE KEY----- block in it";
                self.report.error(at, why, None, expected);
                None
            }
            n => {
                let why = format!("the key holds {n} private keys, not one");
                self.report.error(at, why, None, expected);
                None
            }
        }
    }
}

/// Whether rustls can read the certificate (as a trust anchor, which parses all of it).
fn parses(cert: &Block) -> Result<(), String> {
    let der = reqwest::Certificate::from_der(&cert.der).map_err(|e| crate::tls::causes(&e))?;
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(der)
        .build()
        .map(drop)
        .map_err(|e| {
            let why = crate::tls::causes(&e);
            why.strip_prefix("invalid peer certificate: ")
                .map_or(why.clone(), str::to_string)
        })
}

/// Whether rustls takes the certificate and key as a client identity: it checks that the
/// key is the certificate's.
fn identity_works(identity: &Secret) -> Result<(), String> {
    let built = reqwest::Identity::from_pem(identity.expose().as_bytes()).and_then(|id| {
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .identity(id)
            .build()
    });
    match built {
        Ok(_) => Ok(()),
        Err(e) => {
            let why = crate::tls::causes(&e);
            if why.contains("InconsistentKeys")
                || why.contains("KeyMismatch")
                || why.contains("do not match")
            {
                Err("the key does not belong to the certificate in cert".into())
            } else {
                // rustls's words about the key never hold the key itself.
                Err(format!(
                    "the certificate and key cannot be used together: {why}"
                ))
            }
        }
    }
}

/// A DNS name a URL can carry as its host, not an address.
fn server_name_ok(name: &str) -> bool {
    if name.is_empty() || name.contains([':', '/', '@', '?', '#', ' ']) {
        return false;
    }
    match reqwest::Url::parse(&format!("https://{name}/")) {
        Ok(u) => {
            name.parse::<std::net::IpAddr>().is_err()
                && u.host_str().is_some_and(|h| h.eq_ignore_ascii_case(name))
        }
        Err(_) => false,
    }
}
