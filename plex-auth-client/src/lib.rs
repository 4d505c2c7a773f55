// The crate documentation is the package's README: one text for crates.io, docs.rs and the
// repository, whose examples compile as doc tests.
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod builder;
mod connect;
mod error;
mod exchanged_token;
mod flex;
mod flows;
mod identity;
mod pin;
mod response;
mod retry;
mod runtime;
mod secret;
mod stored_identifier;
mod tls;
mod token_status;

// Generated from spec/plex-auth.yaml by `cargo xtask codegen`; formatted by prettyplease.
#[rustfmt::skip]
#[allow(missing_docs)]
mod generated;

pub use builder::{CallOptions, ClientBuilder, ClientKind, Timeouts};
pub use connect::{Connector, find_server};
pub use error::{
    ApiError, AttemptOutcome, ConnectAttempt, DecodeError, Error, ErrorKind, PlexError,
    ServerSummary,
};
pub use exchanged_token::ExchangedToken;
pub use flex::{FlexBool, OneOrMany};
pub use flows::{
    Clock, DeviceKey, FileTokenStore, MemoryTokenStore, SystemClock, TokenKind, TokenSource,
    TokenSourceBuilder, TokenStore,
};
pub use generated::{ClientsPlexTvClient, PlexTvClient, PlexTvV1Client, PmsClient, types};
pub use identity::ClientIdentity;
pub use pin::{LINK_URL, PendingPin, PinKind, PinPolling};
pub use response::Response;
pub use retry::{Backoff, RetryConfig};
pub use runtime::Redactor;
pub use secret::Secret;
pub use stored_identifier::load_or_create_client_identifier;
pub use token_status::TokenStatus;

// Feature `mock`: generated with the clients, from the same spec.
#[cfg(feature = "mock")]
pub use generated::mock;
