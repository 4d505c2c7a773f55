//! What every call passes through. A generated method builds its request and hands it, with
//! its operation's static description, to [`json`], [`empty`], [`bytes`] or [`text`]
//! (`call`), which check it (`prepare`), send it (`send`: its tracing span and size cap; the
//! attempts as the `retry` strategy runs them; each attempt's `redirect`s), read the answer,
//! and turn a failure into an [`Error`] (`answer`: the kind from `classify`, plex.tv's error
//! envelope read by `envelope`, every server text redacted against what the call sent,
//! `sent`). A client built from a token source asks it for each call's token
//! (`token_source`). Private: the public API is the clients, the builder and the error types;
//! what the generated code names is public but out of reach.
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
mod redirect;
pub(crate) mod retry;
mod send;
mod sent;
pub(crate) mod tls;
mod token_source;
mod transport;

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
