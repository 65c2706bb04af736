//! gonogo: a terminal release cockpit.
//!
//! Data flows one way: sources, keys and timers become `app::Msg`s; `app::update` changes the
//! one `app::State` and returns `app::Effect`s; `ui::view` draws the state; the runtime performs
//! the effects and feeds their results back as messages. `core` holds the rollout semantics
//! and depends on nothing that does I/O.

pub mod actions;
pub mod app;
pub mod clock;
pub mod config;
pub mod core;
pub mod demo;
pub mod headless;
pub mod history;
pub mod host;
pub mod journal;
pub mod runtime;
pub mod secret;
pub mod setup;
pub mod signals;
pub mod sources;
pub mod tls;
pub mod ui;
pub mod url_credentials;
