//! VictoriaMetrics speaks the Prometheus query API, but wraps a query's error in
//! `error when executing query="…" for (time=…, step=…): <cause>` (or `on the time range (…)`),
//! which leaves no room for the cause in a one-line reason. The query is the condition's own,
//! so only the cause is kept.

const WRAPPER: &str = "error when executing query=";
const AFTER_QUERY: [&str; 2] = ["\" for (time=", "\" on the time range ("];

/// The cause of a query error, without VictoriaMetrics' wrapper; any other message as it is.
pub fn cause(message: &str) -> &str {
    if !message.starts_with(WRAPPER) {
        return message;
    }
    AFTER_QUERY
        .iter()
        .find_map(|marker| {
            let at = message.find(marker)?;
            let end = message[at..].find("): ")?;
            Some(&message[at + end + 3..])
        })
        .filter(|rest| !rest.is_empty())
        .unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::cause;

    #[test]
    fn the_wrapper_goes_and_the_cause_stays() {
        // As victoria-metrics 1.79 (Debian 12) answers.
        let m = "error when executing query=\"no_such_function(edge_gauge)\" for \
                 (time=1796179576469, step=300000): unknown func \"no_such_function\"";
        assert_eq!(cause(m), "unknown func \"no_such_function\"");
        let m = "error when executing query=\"up\" on the time range (start=1, end=2, \
                 step=3): cannot find tag filter";
        assert_eq!(cause(m), "cannot find tag filter");
        // Prometheus' own messages, and anything unexpected, are kept whole.
        assert_eq!(
            cause("1:24: parse error: unclosed left parenthesis"),
            "1:24: parse error: unclosed left parenthesis"
        );
        assert_eq!(
            cause("error when executing query=\"x\": odd"),
            "error when executing query=\"x\": odd"
        );
    }
}
