//! The Approve-Risk grammar: `Approve-Risk: <reason>`, the literal prefix, then a reason
//! of at least ten non-blank characters.

pub const PREFIX: &str = "Approve-Risk:";
pub const MIN_REASON_CHARS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalError {
    /// The text does not start with the literal prefix (after leading blanks).
    MissingPrefix,
    /// The reason has fewer than ten non-blank characters; holds how many it has.
    ReasonTooShort(usize),
}

impl std::fmt::Display for ApprovalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApprovalError::MissingPrefix => write!(f, "type `{PREFIX} <reason>`"),
            ApprovalError::ReasonTooShort(n) => write!(
                f,
                "reason needs {MIN_REASON_CHARS} non-blank characters ({n} so far)"
            ),
        }
    }
}

/// Parse what the operator typed; on success, the reason with blanks around it trimmed and
/// inner line breaks folded into spaces.
pub fn parse_approval(input: &str) -> Result<String, ApprovalError> {
    let rest = input
        .trim_start()
        .strip_prefix(PREFIX)
        .ok_or(ApprovalError::MissingPrefix)?;
    let reason: String = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = reason.chars().filter(|c| !c.is_whitespace()).count();
    if count < MIN_REASON_CHARS {
        return Err(ApprovalError::ReasonTooShort(count));
    }
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_refuses() {
        let cases: &[(&str, Result<&str, ApprovalError>)] = &[
            (
                "Approve-Risk: error spike is a known bot",
                Ok("error spike is a known bot"),
            ),
            (
                "  Approve-Risk:   p95 ok on dashboards  ",
                Ok("p95 ok on dashboards"),
            ),
            ("Approve-Risk: 1234567890", Ok("1234567890")),
            (
                "Approve-Risk: a b c d e f g h i j",
                Ok("a b c d e f g h i j"),
            ),
            ("Approve-Risk: fix\nverified", Ok("fix verified")),
            ("Approve-Risk: rückrollen geprüft", Ok("rückrollen geprüft")),
            (
                "Approve-Risk: 回滚已验证回滚已验证回滚",
                Ok("回滚已验证回滚已验证回滚"),
            ),
            (
                "Approve-Risk: 123456789",
                Err(ApprovalError::ReasonTooShort(9)),
            ),
            (
                "Approve-Risk: a b c d e f g h i",
                Err(ApprovalError::ReasonTooShort(9)),
            ),
            ("Approve-Risk:", Err(ApprovalError::ReasonTooShort(0))),
            (
                "approve-risk: lowercase prefix",
                Err(ApprovalError::MissingPrefix),
            ),
            (
                "Approve-Risk yes really do it",
                Err(ApprovalError::MissingPrefix),
            ),
            (
                "Approve Risk: space not dash",
                Err(ApprovalError::MissingPrefix),
            ),
            ("y", Err(ApprovalError::MissingPrefix)),
            ("", Err(ApprovalError::MissingPrefix)),
        ];
        for (input, expected) in cases {
            let got = parse_approval(input);
            assert_eq!(
                got.as_deref().map_err(Clone::clone),
                expected.clone(),
                "input {input:?}"
            );
        }
    }
}
