//! What the generated clients call: the call context and operation table, checks before
//! sending, the retry loop with tracing, and progenitor's results turned into [`Error`]s, with
//! Plex's error envelopes read and every server-supplied text redacted. Private: the public API
//! is the clients, the builder and the error types.
//!
//! [`Error`]: crate::Error

mod answer;
mod body;
mod call;
mod classify;
mod context;
mod envelope;
mod operation;
mod prepare;
mod redact;
mod send;
mod token_source;

pub use call::call;
pub use context::{Context, FromParts};
pub use operation::{FieldLocation, FieldRule, Operation, Pattern};
pub use prepare::prepare;
pub use send::execute;

pub(crate) use body::DEFAULT_MAX_RESPONSE_SIZE;
pub use redact::Redactor;
pub(crate) use redact::{inert, shown_url, truncate_chars};
