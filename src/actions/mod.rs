//! Actions: the webhooks that promote, roll back or pause a release. Templates are filled with
//! values encoded for where they stand; requests carry an `Idempotency-Key`; a request that may
//! have reached its target is never resent unless the target honours that key.

mod json;
mod template;
mod vars;

pub use template::{TemplateError, render_body, render_url};
pub use vars::{STANDARD, Vars};
