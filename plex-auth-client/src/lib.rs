//! A Plex authentication client, generated from an OpenAPI description that describes what
//! Plex's servers really send.
//!
//! Two clients, one per server of the spec:
//! - [`PlexTvClient`] for plex.tv: [`get_token_details`](PlexTvClient::get_token_details)
//!   (the account behind a token; the standard token check) and
//!   [`post_users_sign_in_data`](PlexTvClient::post_users_sign_in_data) (sign in, with 2FA);
//! - [`PmsClient`] for a Plex Media Server:
//!   [`get_transient_token`](PmsClient::get_transient_token) and
//!   [`get_source_connection_information`](PmsClient::get_source_connection_information).
//!
//! An operation can only be called on the client of its server.
//!
//! # Quick start
//!
//! ```no_run
//! use plex_auth_client::{ClientIdentity, PlexTvClient};
//!
//! # async fn run() -> Result<(), plex_auth_client::Error> {
//! let identity = ClientIdentity::new("my-app-installation-uuid", "My App", "1.0.0")
//!     .platform("Linux")
//!     .device("Server");
//! let plex = PlexTvClient::builder(identity).token("<YOUR_PLEX_TOKEN>").build()?;
//! let account = plex.get_token_details().await?;
//! println!("token belongs to {}", account.username);
//! # Ok(())
//! # }
//! ```
//!
//! # Errors, retries, timeouts, secrets
//!
//! Every operation returns [`Error`], whose [`kind`](Error::kind) names the cases a caller acts
//! on (verification code required, wrong credentials, locked out, rate limited, invalid token…)
//! and which always keeps the HTTP status. GETs retry transport errors and 502/503/504 twice by
//! default; sign-in is never retried after an answer. [`Secret`] values (tokens, passwords,
//! codes, and the tokens inside responses) print as `<redacted>`.
#![warn(missing_docs)]

mod config;
mod error;
mod flex;
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
pub use progenitor_client::ResponseValue;
pub use retry::{Backoff, RetryConfig};
pub use secret::Secret;

// Compiles the README's examples with the crate's doc tests, so they cannot drift from the API.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
