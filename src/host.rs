//! This machine's name and who acts on it, as records and the header name them.

/// The system's host name, else `$HOSTNAME`, else "unknown".
pub fn name() -> String {
    whoami::hostname()
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// Who acts when the config names no operator: `user` (the `$USER` the caller read), else the
/// account this process runs as, else "unknown".
pub fn operator(user: Option<&str>) -> String {
    user.filter(|u| !u.is_empty())
        .map(str::to_string)
        .or_else(|| whoami::username().ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_is_user_else_the_os_account() {
        assert_eq!(operator(Some("ana")), "ana");
        let account = whoami::username().unwrap();
        assert!(!account.is_empty() && account != "unknown");
        assert_eq!(operator(None), account);
        assert_eq!(operator(Some("")), account);
    }
}
