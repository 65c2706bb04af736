//! Bad TLS settings are reported when the config is loaded, each naming the file, the line,
//! the key, the value and what was expected, and never the key's contents.

use crate::support::pki;
use crate::support::shared;

use gonogo::config;
use pki::{Ca, write};
use shared::RELEASE;
use std::collections::HashMap;
use std::path::Path;

/// A release with one http source, `api`, whose url and tls follow.
fn head() -> String {
    format!("{RELEASE}\n[sources.api]\nkind = \"http\"\n")
}

/// The errors of a config whose source `api` has `rest` after its kind (a url and tls).
fn errors(rest: &str, vars: &[(&str, &str)]) -> String {
    let text = format!("{}{rest}", head());
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    match config::load_with_env(&text, "release.toml", &vars) {
        Ok(_) => panic!("expected errors, the config loaded:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn source(tls: &str) -> String {
    format!("url = \"https://prom.internal/status\"\ntls = {tls}\n")
}

fn p(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn files_that_are_missing_or_not_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.pem");
    let e = errors(&source(&format!(r#"{{ ca = "{}" }}"#, p(&missing))), &[]);
    assert_eq!(
        e,
        format!(
            "release.toml:18: sources.api.tls.ca: cannot read {0}: No such file or directory (os error 2), got \"{0}\" — expected a PEM file of one or more CA certificates",
            p(&missing)
        )
    );

    let text = write(dir.path(), "notes.txt", "just some notes\n");
    let e = errors(&source(&format!(r#"{{ ca = "{}" }}"#, p(&text))), &[]);
    assert!(
        e.contains(&format!(
            "sources.api.tls.ca: {} is not PEM: no -----BEGIN CERTIFICATE----- block in it",
            p(&text)
        )),
        "{e}"
    );

    let der = dir.path().join("ca.der");
    std::fs::write(&der, [0x30, 0x82, 0x01, 0xff, 0x30, 0x82]).unwrap();
    let e = errors(&source(&format!(r#"{{ ca = "{}" }}"#, p(&der))), &[]);
    assert!(e.contains("no -----BEGIN CERTIFICATE----- block in it (it looks like DER: convert it with openssl x509 -inform der"), "{e}");

    // PEM armour around something that is not a certificate.
    let ca = Ca::new("root");
    let garbage = "-----BEGIN CERTIFICATE-----\nMIIBAAAAAAAAAAAA\n-----END CERTIFICATE-----\n";
    let two = write(dir.path(), "two.pem", &format!("{}{garbage}", ca.pem()));
    let e = errors(&source(&format!(r#"{{ ca = "{}" }}"#, p(&two))), &[]);
    assert!(
        e.contains(&format!(
            "sources.api.tls.ca: {} (certificate 2 of 2) does not parse: ",
            p(&two)
        )),
        "{e}"
    );

    let client = ca.client("gonogo");
    let both = write(
        dir.path(),
        "both.pem",
        &format!("{}{}", client.cert_pem, client.key_pem),
    );
    let key = write(dir.path(), "client.key", &client.key_pem);
    let e = errors(
        &source(&format!(
            r#"{{ cert = "{}", key = {{ file = "{}" }} }}"#,
            p(&both),
            p(&key)
        )),
        &[],
    );
    assert!(
        e.contains("sources.api.tls.cert: ") && e.contains("holds a private key"),
        "{e}"
    );
    assert!(!e.contains(client.key_pem.lines().nth(1).unwrap()), "{e}");
}

#[test]
fn a_client_certificate_needs_its_key_and_the_key_stays_secret() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("root");
    let client = ca.client("gonogo");
    let other = ca.client("someone else");
    let cert = write(dir.path(), "client.pem", &client.cert_pem);
    let key_line = client.key_pem.lines().nth(1).unwrap().to_string();

    let e = errors(
        &source(r#"{ key = { env = "CLIENT_KEY" } }"#),
        &[("CLIENT_KEY", &client.key_pem)],
    );
    assert_eq!(
        e,
        "release.toml:18: sources.api.tls.cert: missing — expected a PEM file of the client certificate, to go with key"
    );
    let e = errors(&source(&format!(r#"{{ cert = "{}" }}"#, p(&cert))), &[]);
    assert!(e.contains("sources.api.tls.key: missing — expected the client certificate's private key in PEM, as { file = \"client.key\" } or { env = \"NAME\" }"), "{e}");

    // Written into the file: refused, and not repeated.
    let literal = client.key_pem.replace('\n', "\\n");
    let e = errors(
        &source(&format!(
            r#"{{ cert = "{}", key = "{literal}" }}"#,
            p(&cert)
        )),
        &[],
    );
    assert!(
        e.contains("sources.api.tls.key: literal secret in the config file"),
        "{e}"
    );
    assert!(!e.contains(&key_line), "{e}");

    let e = errors(
        &source(&format!(
            r#"{{ cert = "{}", key = {{ env = "CLIENT_KEY" }} }}"#,
            p(&cert)
        )),
        &[("CLIENT_KEY", "hunter2")],
    );
    assert!(
        e.contains(
            "sources.api.tls.key: the key is not PEM: no -----BEGIN PRIVATE KEY----- block in it"
        ),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");

    let e = errors(
        &source(&format!(
            r#"{{ cert = "{}", key = {{ env = "CLIENT_KEY" }} }}"#,
            p(&cert)
        )),
        &[("CLIENT_KEY", &other.key_pem)],
    );
    assert!(
        e.contains("sources.api.tls.key: the key does not belong to the certificate in cert"),
        "{e}"
    );
    assert!(!e.contains(other.key_pem.lines().nth(1).unwrap()), "{e}");
}

#[test]
fn verification_cannot_be_turned_off_anywhere() {
    for (rest, key) in [
        (source("{ insecure = true }"), "sources.api.tls.insecure"),
        (
            "url = \"https://prom.internal/status\"\ndanger_accept_invalid_certs = true\n"
                .to_string(),
            "sources.api.danger_accept_invalid_certs",
        ),
        (
            "url = \"https://prom.internal/status\"\ntls_skip_verify = true\n".to_string(),
            "sources.api.tls_skip_verify",
        ),
    ] {
        let e = errors(&rest, &[]);
        assert!(
            e.contains(&format!(
                "{key}: certificate verification cannot be turned off — for a private CA set tls.ca"
            )),
            "{e}"
        );
    }
}

#[test]
fn server_names_ca_only_and_plain_http() {
    let e = errors(
        &source(r#"{ server_name = "prometheus.internal:9090" }"#),
        &[],
    );
    assert!(e.contains("sources.api.tls.server_name: got \"prometheus.internal:9090\" — expected the DNS name the server's certificate is issued for"), "{e}");
    let e = errors(&source(r#"{ server_name = "10.0.0.7" }"#), &[]);
    assert!(
        e.contains("sources.api.tls.server_name: got \"10.0.0.7\""),
        "{e}"
    );
    let e = errors(&source(r#"{ ca_only = true }"#), &[]);
    assert!(e.contains("sources.api.tls.ca_only: only the CA of ca would be trusted, but ca is not set, got true — expected ca = \"path/to/ca.pem\" beside it"), "{e}");
    let e = errors(
        "url = \"http://prom.internal/status\"\ntls = { server_name = \"prom.internal\" }\n",
        &[],
    );
    assert!(
        e.contains("sources.api.tls: TLS settings are for https:// URLs, and this URL is http://"),
        "{e}"
    );
}

#[test]
fn relative_paths_are_taken_from_the_config_files_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ca.pem", &Ca::new("root").pem());
    let text = format!(
        "{}url = \"https://prom.internal/status\"\ntls = {{ ca = \"ca.pem\" }}\n\n[actions.promote]\nurl = \"https://deploy.internal/hook\"\ntls = {{ ca = \"missing.pem\" }}\n",
        head()
    );
    let file = write(dir.path(), "release.toml", &text);
    let e = config::load_file(&file).unwrap_err().to_string();
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains(&format!(
            "actions.promote.tls.ca: cannot read {}",
            p(&dir.path().join("missing.pem"))
        )),
        "{e}"
    );
}
