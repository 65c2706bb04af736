//! The providers: one folder each, with everything about the API it reads.

pub mod alertmanager;
pub mod answer;
pub mod fields;
pub mod github_actions;
pub mod github_checks;
pub mod gitlab;
pub mod http;
pub mod launchdarkly;
pub mod prometheus;
pub mod unleash;
