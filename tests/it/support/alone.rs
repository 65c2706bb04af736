//! A test that changes the process environment runs in a process of its own: all the
//! integration tests share one process, and the others read the environment (the config
//! loader) or pass it on (every `gonogo` they start).

use std::process::Command;

const ALONE: &str = "GONOGO_IT_ALONE";

/// True in the process made for `test` (its path in this binary, e.g. `config_errors::name`):
/// run the body there. Elsewhere it runs `test` alone in a new process of this binary,
/// asserts that it passed, and returns false.
pub fn alone(test: &str) -> bool {
    if std::env::var_os(ALONE).is_some() {
        return true;
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(ALONE, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test} alone: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    false
}
