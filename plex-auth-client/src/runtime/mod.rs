//! What the generated clients call: a generated method passes its request and its operation's
//! static description to [`json`] or [`empty`], which check it (`prepare`), send it with
//! retries and tracing (`send`), read the answer, and turn a failure into an [`Error`]
//! (`answer`), with Plex's error envelopes read and every server-supplied text redacted
//! against what the call sent (`sent`). Private: the public API is the clients, the builder
//! and the error types.
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
mod sent;
mod token_source;

pub use call::{empty, json};
pub use context::{Context, FromParts};
pub use operation::{FieldLocation, FieldRule, Operation, Pattern};
pub use prepare::check_path_segments;

pub(crate) use body::DEFAULT_MAX_RESPONSE_SIZE;
pub use redact::Redactor;
pub(crate) use redact::{inert, shown_url, truncate_chars};
