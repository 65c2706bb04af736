//! What became of a webhook: it worked, it was refused or never arrived, or nobody can tell;
//! or it was never sent. The runner reports this type to the cockpit as it is.

use crate::core::record::Event;
use std::time::Duration;

/// Latency is the last attempt's, from sending to the end of the (capped) body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx: the target accepted the action.
    Succeeded {
        status: u16,
        latency: Duration,
        excerpt: String,
    },
    /// The target refused (4xx, or a non-2xx it answered without acting) or was never reached:
    /// the action did not happen.
    Failed {
        status: Option<u16>,
        latency: Duration,
        reason: String,
        excerpt: String,
    },
    /// The request may have reached the target (a timeout, a dropped connection, a 5xx): the
    /// action may or may not have happened. Never resent automatically unless the target
    /// honours the idempotency key.
    Unknown {
        status: Option<u16>,
        latency: Duration,
        reason: String,
        what_to_check: String,
        excerpt: String,
    },
    /// Never sent: the journal could not record the request, or the request could not be
    /// built. The action did not happen.
    NotSent { reason: String },
}

impl Outcome {
    pub fn event(&self) -> Event {
        match self {
            Outcome::Succeeded { .. } => Event::ActionSucceeded,
            Outcome::Failed { .. } | Outcome::NotSent { .. } => Event::ActionFailed,
            Outcome::Unknown { .. } => Event::ActionOutcomeUnknown,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Succeeded { status, .. } => Some(*status),
            Outcome::Failed { status, .. } | Outcome::Unknown { status, .. } => *status,
            Outcome::NotSent { .. } => None,
        }
    }

    pub fn latency(&self) -> Duration {
        match self {
            Outcome::Succeeded { latency, .. }
            | Outcome::Failed { latency, .. }
            | Outcome::Unknown { latency, .. } => *latency,
            Outcome::NotSent { .. } => Duration::ZERO,
        }
    }

    pub fn excerpt(&self) -> &str {
        match self {
            Outcome::Succeeded { excerpt, .. }
            | Outcome::Failed { excerpt, .. }
            | Outcome::Unknown { excerpt, .. } => excerpt,
            Outcome::NotSent { .. } => "",
        }
    }

    /// One line for the journal's `outcome` field and the status line.
    pub fn line(&self) -> String {
        let ms = self.latency().as_millis();
        let body = match self.excerpt() {
            "" => String::new(),
            e => format!(" — body: {e}"),
        };
        match self {
            Outcome::Succeeded { status, .. } => {
                format!("succeeded: HTTP {status} in {ms} ms{body}")
            }
            Outcome::Failed { reason, .. } => format!("failed: {reason} ({ms} ms){body}"),
            Outcome::Unknown {
                reason,
                what_to_check,
                ..
            } => format!("outcome unknown: {reason} ({ms} ms); {what_to_check}{body}"),
            Outcome::NotSent { reason } => format!("not sent: {reason}"),
        }
    }
}

/// Characters of body kept for the journal.
pub const EXCERPT_CHARS: usize = 200;

/// The start of a response body on one line: control characters and runs of whitespace become
/// one space, and it is cut at `EXCERPT_CHARS` with an ellipsis.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        if count >= EXCERPT_CHARS {
            out.push('…');
            return out;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_one_short_clean_line() {
        assert_eq!(
            excerpt(b"  {\"ok\":\ttrue,\r\n\x1b[31m \"id\": 7}\n"),
            "{\"ok\": true, [31m \"id\": 7}"
        );
        let long = "x".repeat(500);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"\xff\xfeok"), "\u{fffd}\u{fffd}ok");
    }

    #[test]
    fn lines_say_what_happened() {
        let ok = Outcome::Succeeded {
            status: 201,
            latency: Duration::from_millis(84),
            excerpt: "{\"run\": 12}".into(),
        };
        assert_eq!(
            ok.line(),
            "succeeded: HTTP 201 in 84 ms — body: {\"run\": 12}"
        );
        assert_eq!(ok.event(), Event::ActionSucceeded);
        let unknown = Outcome::Unknown {
            status: Some(503),
            latency: Duration::from_millis(40),
            reason: "HTTP 503 after the request was sent".into(),
            what_to_check: "check deploy.example for the action before confirming again".into(),
            excerpt: String::new(),
        };
        assert_eq!(
            unknown.line(),
            "outcome unknown: HTTP 503 after the request was sent (40 ms); check deploy.example \
             for the action before confirming again"
        );
        assert_eq!(unknown.status(), Some(503));
    }
}
