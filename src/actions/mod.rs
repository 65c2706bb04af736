//! Actions: the webhooks that promote, roll back or pause a release. Templates are filled with
//! values encoded for where they stand; requests carry an `Idempotency-Key`; a request that may
//! have reached its target is never resent unless the target honours that key.

mod json;
mod notify;
mod outcome;
mod request;
mod send;
mod template;
mod vars;

pub use notify::{announce, notice_vars, notify_action};
pub use outcome::{EXCERPT_CHARS, Outcome, excerpt};
pub use request::{Request, build_request, check, summary, target};
pub use send::{BODY_CAP, RetryPolicy, client, client_builder, send, tls_client};
pub use template::{TemplateError, render_body, render_url};
pub use vars::{STANDARD, Vars};
