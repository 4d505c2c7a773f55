//! Errors a caller can act on: what failed, with the HTTP status and Plex's codes when there
//! are any. [`ErrorKind`] is the home of every kind's facts (`kind.rs`); an error status's
//! details are [`ApiError`] (`api.rs`); a failed choice of a server's connection lists its
//! attempts and a failed lookup its servers (`connect.rs`).

mod api;
mod connect;
mod kind;

use std::time::Duration;

use reqwest::StatusCode;

pub use api::{ApiError, DecodeError, PlexError};
pub use connect::{AttemptOutcome, ConnectAttempt, ServerSummary};
pub(crate) use kind::{Answer, Says, Via};
pub use kind::{ErrorCategory, ErrorKind};

use connect::{ambiguous_server, no_connection, server_not_found};

/// The error of every operation.
///
/// Secrets never appear in it: not in `Debug`, not in `Display`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter was refused before any request was sent.
    #[error("{operation}: invalid input: {message}")]
    InvalidInput {
        /// The operation called.
        operation: &'static str,
        /// What is wrong with which field (never its value).
        message: String,
    },
    /// The client could not be built from its configuration.
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
    /// The server answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The server answered with success, but the body does not decode.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The call ran out of time (connect or total timeout).
    #[error("{operation}: timed out{}: {message}", after_status(*.status))]
    Timeout {
        /// The operation called.
        operation: &'static str,
        /// The status, when the answer had begun (the body was too slow).
        status: Option<StatusCode>,
        /// What happened, with its causes, as one line.
        message: String,
        /// reqwest's error, without the URL (its query can hold a credential).
        source: reqwest::Error,
    },
    /// The connection could not be made, or broke while the answer was read.
    #[error("{operation}: transport error{}: {message}", after_status(*.status))]
    Transport {
        /// The operation called.
        operation: &'static str,
        /// The status, when the connection broke while the body was read.
        status: Option<StatusCode>,
        /// What happened, with its causes, as one line.
        message: String,
        /// reqwest's error, without the URL (its query can hold a credential).
        source: reqwest::Error,
    },
    /// The PIN expired before the user linked it: no answer said so, its lifetime ran out while
    /// [`PlexTvClient::wait_for_token`](crate::PlexTvClient::wait_for_token) waited.
    #[error("{operation}: the PIN expired before it was linked")]
    PinExpired {
        /// The operation that was polling.
        operation: &'static str,
    },
    /// The wait for a PIN's approval reached the deadline its caller set
    /// ([`PinPolling::deadline`](crate::PinPolling::deadline)) before the user approved it; the
    /// PIN stays valid until it expires.
    #[error(
        "{operation}: the PIN was not approved within the wait's deadline ({}); it stays valid \
         until it expires",
        seconds(*.deadline)
    )]
    WaitDeadline {
        /// The operation that was polling.
        operation: &'static str,
        /// The deadline the wait was given.
        deadline: Duration,
    },
    /// The answer's body is larger than the client's limit: it was not read past the limit
    /// (not at all when its `Content-Length` announced more).
    #[error(
        "{operation}: HTTP {status}: the answer is larger than {limit} bytes, the client's limit"
    )]
    TooLarge {
        /// The operation called.
        operation: &'static str,
        /// The status the answer came with.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A JWT that answered as plex.tv's failed verification; it is not used.
    #[error("{operation}: the JWT plex.tv sent failed verification: {reason}")]
    InvalidJwt {
        /// The operation that received it.
        operation: &'static str,
        /// What failed (never the JWT itself).
        reason: String,
    },
    /// A token source's token expired and a refresh failed moments before; the refresh is not
    /// tried again at once (every caller waiting on it would try it in turn). The kind is the
    /// refresh failure's: a transport error, a rate limit…
    #[error("the token expired and its refresh failed moments ago: {message}")]
    TokenRefresh {
        /// The kind of the refresh failure.
        kind: ErrorKind,
        /// The refresh failure, as one line.
        message: String,
    },
    /// A token source holds no token.
    #[error("{operation}: no token: sign in first (a PIN, or the upgrade of a legacy token)")]
    NoToken {
        /// What asked for the token.
        operation: &'static str,
    },
    /// A token store or key file could not be read or written.
    #[error("{operation}: {message}")]
    Storage {
        /// What was being done.
        operation: &'static str,
        /// What failed, as one line (never a secret).
        message: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No connection of the server answered as that server: each was refused, timed out,
    /// failed, answered as another machine, or was not tried. The text names the first three
    /// attempts; [`Error::connect_attempts`] has them all.
    #[error("{}", no_connection(.server, .attempts))]
    NoConnection {
        /// The server's name as plex.tv lists it, redacted (of the server's token and every
        /// other secret of its listing), inert and bounded.
        server: String,
        /// Every connection plex.tv lists: those probed, best first, then those not tried.
        attempts: Vec<ConnectAttempt>,
    },
    /// plex.tv lists the server without an `accessToken`; nothing was sent.
    #[error(
        "plex.tv lists server {server:?} without an access token: this account cannot use it \
         (nothing was sent to it)"
    )]
    NoServerToken {
        /// The server's name, redacted, inert and bounded.
        server: String,
    },
    /// No server has the name or client identifier asked for.
    #[error("{}", server_not_found(.wanted, .servers))]
    ServerNotFound {
        /// The name or client identifier asked for, redacted, inert and bounded.
        wanted: String,
        /// The servers of the list, their texts redacted of every secret the list holds.
        servers: Vec<ServerSummary>,
    },
    /// More than one server has the name or client identifier asked for.
    #[error("{}", ambiguous_server(.wanted, .servers))]
    AmbiguousServer {
        /// The name or client identifier asked for, redacted, inert and bounded.
        wanted: String,
        /// The servers it matches, their texts redacted of every secret the list holds.
        servers: Vec<ServerSummary>,
    },
}

/// "1.5 s": a duration as people read it.
fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

/// " after HTTP 200" for a failure that happened once the status was known.
fn after_status(status: Option<StatusCode>) -> String {
    status.map_or_else(String::new, |status| format!(" after HTTP {status}"))
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Config { .. } => ErrorKind::Config,
            Error::Api(api) => api.kind,
            Error::Decode(_) => ErrorKind::Decode,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::TooLarge { .. } => ErrorKind::TooLarge,
            Error::PinExpired { .. } => ErrorKind::PinExpired,
            Error::WaitDeadline { .. } => ErrorKind::Timeout,
            Error::NoConnection { .. } => ErrorKind::NoConnection,
            Error::InvalidJwt { .. } => ErrorKind::InvalidJwt,
            Error::NoToken { .. } => ErrorKind::NoToken,
            Error::TokenRefresh { kind, .. } => *kind,
            Error::Storage { .. } => ErrorKind::Storage,
            Error::NoServerToken { .. } => ErrorKind::NoServerToken,
            Error::ServerNotFound { .. } => ErrorKind::ServerNotFound,
            Error::AmbiguousServer { .. } => ErrorKind::AmbiguousServer,
        }
    }

    /// The HTTP status, when the server answered (also for a body that broke off or timed out
    /// after the status line).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            Error::Timeout { status, .. } | Error::Transport { status, .. } => *status,
            Error::TooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How long the server asked to wait (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// Plex's error codes and messages, when the body carried them.
    pub fn plex_errors(&self) -> &[PlexError] {
        match self {
            Error::Api(api) => &api.errors,
            _ => &[],
        }
    }

    /// The connections tried, for [`ErrorKind::NoConnection`]; empty otherwise.
    pub fn connect_attempts(&self) -> &[ConnectAttempt] {
        match self {
            Error::NoConnection { attempts, .. } => attempts,
            _ => &[],
        }
    }

    /// The servers a lookup found ([`ErrorKind::AmbiguousServer`]) or could choose from
    /// ([`ErrorKind::ServerNotFound`]); empty otherwise.
    pub fn servers(&self) -> &[ServerSummary] {
        match self {
            Error::ServerNotFound { servers, .. } | Error::AmbiguousServer { servers, .. } => {
                servers
            }
            _ => &[],
        }
    }

    /// The answer's error details, for an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }
}
