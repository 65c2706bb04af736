//! What the integration tests share. Servers here start once per test process, on first use,
//! and every test that needs one shares it; nothing here keys on a test's file.

pub mod alone;
pub mod canary;
pub mod cockpit;
pub mod flaky;
pub mod headless;
pub mod kube;
pub mod peers;
pub mod pki;
pub mod postgres;
pub mod providers;
pub mod shared;
pub mod tmux;
pub mod unleash_server;
