//! The Approve-Risk grammar: `Approve-Risk: <reason>`, the literal prefix, then a reason
//! of at least ten non-blank characters. Recording what an operator verified about an action
//! whose outcome is unknown takes the same strength: `Verified: <reason>`.

pub const PREFIX: &str = "Approve-Risk:";
pub const VERIFIED_PREFIX: &str = "Verified:";
pub const MIN_REASON_CHARS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalError {
    /// The text does not start with the literal prefix (after leading blanks); holds the prefix.
    MissingPrefix(&'static str),
    /// The reason has fewer than ten non-blank characters; holds how many it has.
    ReasonTooShort(usize),
}

impl std::fmt::Display for ApprovalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApprovalError::MissingPrefix(prefix) => write!(f, "type `{prefix} <reason>`"),
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
    parse_typed(PREFIX, input)
}

/// `Verified: <reason>`: what an operator checked, in the Approve-Risk grammar.
pub fn parse_verified(input: &str) -> Result<String, ApprovalError> {
    parse_typed(VERIFIED_PREFIX, input)
}

fn parse_typed(prefix: &'static str, input: &str) -> Result<String, ApprovalError> {
    let rest = input
        .trim_start()
        .strip_prefix(prefix)
        .ok_or(ApprovalError::MissingPrefix(prefix))?;
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
                Err(ApprovalError::MissingPrefix(PREFIX)),
            ),
            (
                "Approve-Risk yes really do it",
                Err(ApprovalError::MissingPrefix(PREFIX)),
            ),
            (
                "Approve Risk: space not dash",
                Err(ApprovalError::MissingPrefix(PREFIX)),
            ),
            ("y", Err(ApprovalError::MissingPrefix(PREFIX))),
            ("", Err(ApprovalError::MissingPrefix(PREFIX))),
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

    #[test]
    fn verified_takes_its_own_prefix_and_the_same_reason_length() {
        assert_eq!(
            parse_verified("Verified: argo shows 5% since 14:03").as_deref(),
            Ok("argo shows 5% since 14:03")
        );
        assert_eq!(
            parse_verified("Verified: too short"),
            Err(ApprovalError::ReasonTooShort(8))
        );
        let e = parse_verified("Approve-Risk: argo shows 5% now").unwrap_err();
        assert_eq!(e.to_string(), "type `Verified: <reason>`");
    }
}
