//! This machine's name, as records and the header name it.

/// The kernel's host name, else `$HOSTNAME`, else "unknown".
pub fn name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown".into())
}
