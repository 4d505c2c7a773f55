//! What the generated clients call: a request builder writes its parameters with `params`; a
//! generated method passes the request and its operation's static description to [`json`],
//! [`empty`], [`bytes`] or [`text`], which check it (`prepare`), send it with
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
// Every style of parameter the generator can emit; the project's spec uses a few of them, the
// golden cases and `cargo xtask try-spec` build the others.
#[allow(dead_code)]
mod params;
mod prepare;
mod redact;
mod send;
mod sent;
mod token_source;

pub use call::{empty, json};
pub use context::{Context, FromParts};
pub use operation::{FieldLocation, FieldRule, Operation, Pattern};
pub use params::{Style, add_query, path_segment};
// What the generator emits for successes that are not JSON and for header parameters, which the
// project's spec does not have (the golden cases build them).
#[allow(unused_imports)]
pub use call::{bytes, text};
#[allow(unused_imports)]
pub use params::{add_header, header_text};
// The mock module matches query values as the client writes them.
#[cfg(feature = "mock")]
pub use params::query_pairs;

pub(crate) use body::DEFAULT_MAX_RESPONSE_SIZE;
pub use redact::Redactor;
pub(crate) use redact::{inert, shown_url, truncate_chars};
