//! The blocks of a PEM file (`-----BEGIN <label>-----`, base64, `-----END <label>-----`), so a
//! TLS setting can say what a file holds instead of that it failed.

use base64::Engine;

pub struct Block {
    pub label: String,
    pub der: Vec<u8>,
}

/// Every block in `text`; text between blocks is ignored, as openssl does. The error says
/// which line is wrong, never what the file holds (it may be a private key).
pub fn blocks(text: &str) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        match &mut open {
            None => {
                if let Some(label) = armor(line, "BEGIN") {
                    open = Some((label.to_string(), i + 1, String::new()));
                }
            }
            Some((label, start, body)) => {
                if let Some(end) = armor(line, "END") {
                    if end != label {
                        return Err(format!(
                            "the block at line {start} begins as {label} but ends as {end}"
                        ));
                    }
                    let der = base64::engine::general_purpose::STANDARD
                        .decode(body.as_bytes())
                        .map_err(|_| format!("the block at line {start} is not base64"))?;
                    out.push(Block {
                        label: std::mem::take(label),
                        der,
                    });
                    open = None;
                } else if line.contains(':') {
                    // `Proc-Type: 4,ENCRYPTED`: an encrypted key in the old OpenSSL format.
                    return Err(format!(
                        "the block at line {start} has headers (an encrypted key?)"
                    ));
                } else {
                    body.push_str(line);
                }
            }
        }
    }
    match open {
        Some((label, start, _)) => {
            Err(format!("the {label} block at line {start} has no END line"))
        }
        None => Ok(out),
    }
}

/// `-----BEGIN CERTIFICATE-----` → `CERTIFICATE`.
fn armor<'l>(line: &'l str, word: &str) -> Option<&'l str> {
    line.strip_prefix("-----")?
        .strip_prefix(word)?
        .strip_prefix(' ')?
        .strip_suffix("-----")
}

/// Blocks written back as PEM text.
pub fn encode<'b>(blocks: impl IntoIterator<Item = &'b Block>) -> String {
    let mut out = String::new();
    for b in blocks {
        let text = base64::engine::general_purpose::STANDARD.encode(&b.der);
        out.push_str(&format!("-----BEGIN {}-----\n", b.label));
        for chunk in text.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            out.push('\n');
        }
        out.push_str(&format!("-----END {}-----\n", b.label));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_and_says_which_line_is_wrong() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n";
        let got = blocks(text).unwrap();
        assert_eq!(
            (got[0].label.as_str(), got[0].der.clone()),
            ("CERTIFICATE", vec![0, 1, 2])
        );
        assert_eq!(blocks(&encode(&got)).unwrap()[0].der, vec![0, 1, 2]);
        assert!(blocks("hello").unwrap().is_empty());
        let e = blocks("\n-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----")
            .err()
            .unwrap();
        assert_eq!(e, "the block at line 2 is not base64");
        let e = blocks("-----BEGIN PRIVATE KEY-----\nAAEC\n").err().unwrap();
        assert_eq!(e, "the PRIVATE KEY block at line 1 has no END line");
    }
}
