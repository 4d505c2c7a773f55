// The crate documentation is the package's README: one text for crates.io, docs.rs and the
// repository, whose examples compile as doc tests.
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod config;
mod error;
mod flex;
mod response;
mod retry;
mod secret;

#[doc(hidden)]
pub mod runtime;

// Generated from spec/plex-auth.yaml by `cargo xtask codegen`; formatted by prettyplease.
#[rustfmt::skip]
#[allow(missing_docs)]
mod generated;

pub use config::{CallOptions, ClientBuilder, ClientIdentity, Timeouts};
pub use error::{ApiError, DecodeError, Error, ErrorKind};
pub use flex::{FlexBool, OneOrMany};
pub use generated::{PlexTvClient, PmsClient, types};
pub use response::Response;
pub use retry::{Backoff, RetryConfig};
pub use secret::Secret;

// Feature `mock`: generated with the clients, from the same spec.
#[cfg(feature = "mock")]
pub use generated::mock;
