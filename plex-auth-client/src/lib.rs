// The crate documentation is the package's README: one text for crates.io, docs.rs and the
// repository, whose examples compile as doc tests.
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

// The crate in three wings. At the root, the public vocabulary: the builder, errors,
// responses, secrets, identities, the types Plex's answers hold, and text made safe for output.
mod builder;
mod error;
mod exchanged_token;
mod flex;
mod identity;
mod response;
pub mod safe_text;
mod secret;

// What every call passes through, retries included. Private.
mod runtime;

// What is built on top of the operations: sign-in flows, the token's status and its
// source, the choice of a server's connection, the identity an application keeps.
mod flows;

// Generated from spec/plex-auth.yaml by `cargo xtask codegen`; formatted by prettyplease.
#[rustfmt::skip]
#[allow(missing_docs)]
mod generated;

pub use builder::{CallOptions, ClientBuilder, ClientKind, Timeouts};
pub use error::{
    ApiError, AttemptOutcome, ConnectAttempt, DecodeError, Error, ErrorCategory, ErrorKind,
    PlexError, ServerSummary,
};
pub use exchanged_token::ExchangedToken;
pub use flex::{FlexBool, OneOrMany};
pub use flows::{
    AccountListing, AccountStore, AccountTokenStore, Clock, Connector, DeviceKey, FileTokenStore,
    KeptAccount, KeptCredential, LINK_URL, MemoryTokenStore, PendingPin, PinKind, PinPolling,
    SystemClock, TokenKind, TokenSource, TokenSourceBuilder, TokenStatus, TokenStore, find_server,
    load_or_create_client_identifier,
};
pub use generated::{ClientsPlexTvClient, PlexTvClient, PlexTvV1Client, PmsClient, types};
pub use identity::ClientIdentity;
pub use response::Response;
pub use runtime::retry::{Backoff, RetryConfig};
pub use safe_text::redact::Redactor;
pub use secret::Secret;

// Feature `mock`: generated with the clients, from the same spec.
#[cfg(feature = "mock")]
pub use generated::mock;
