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
//!
//! # Feature flags
//!
//! None is on by default.
//!
//! - `mock`: the `plex_auth_client::mock` module, typed [httpmock](https://docs.rs/httpmock)
//!   0.9 helpers for every operation, generated from the spec with the clients. For a
//!   downstream crate's tests: `plex-auth-client = { ..., features = ["mock"] }` under
//!   `[dev-dependencies]`.
//! - `cli`: the `plex-auth` command-line tool (`cargo install --path plex-auth-client
//!   --features cli`, or `cargo run -p plex-auth-client --features cli -- --help`).
//!
//! # Testing code that uses this client
//!
//! With the `mock` feature, stub an operation with the client's own types and check what it
//! received. Form bodies (sign-in) are matched field by field, in any order:
//!
//! ```no_run
//! use httpmock::MockServer;
//! use plex_auth_client::mock::MockServerAsyncExt;
//! use plex_auth_client::types::SignInRequest;
//! use plex_auth_client::{ClientIdentity, PlexTvClient, Secret};
//!
//! # async fn test(account: plex_auth_client::types::UserPlexAccount) {
//! let server = MockServer::start_async().await;
//! let request = SignInRequest {
//!     login: "someone@example.com".into(),
//!     password: Secret::new("password"),
//!     remember_me: None,
//!     verification_code: None,
//! };
//! let mock = server
//!     .post_users_sign_in_data_async(|when, then| {
//!         when.body(&request);
//!         then.created(&account);
//!     })
//!     .await;
//! let plex = PlexTvClient::builder(ClientIdentity::new("test", "Test", "1.0"))
//!     .base_url(server.base_url())
//!     .build()
//!     .unwrap();
//! plex.post_users_sign_in_data(&request).await.unwrap();
//! mock.assert_calls_async(1).await;
//! # }
//! ```
//!
//! `MockServerExt` has the same methods without the `_async` suffix, for tests that do not run
//! inside an async runtime (httpmock's blocking calls panic there).
//!
//! # Examples
//!
//! `examples/` has one program per operation. Each talks to a real Plex when `PLEX_TOKEN` is
//! set (and `PLEX_SERVER_URL` for the Plex Media Server ones; `PLEX_LOGIN` and
//! `PLEX_PASSWORD` for sign-in), and otherwise replays recorded answers from a loopback server:
//! `cargo run -p plex-auth-client --example get_token_details` works offline.
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

// Feature `mock`: generated with the clients, from the same spec.
#[cfg(feature = "mock")]
pub use generated::mock;

// Compiles the README's examples with the crate's doc tests, so they cannot drift from the API.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
