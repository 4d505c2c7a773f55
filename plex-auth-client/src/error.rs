//! Errors a caller can act on: what failed, with the HTTP status and Plex's codes when there are any.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// What went wrong, in terms a caller can match on without reading error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The account has two-factor authentication: sign in again with the verification code
    /// (plex.tv 401, code 1029).
    VerificationCodeRequired,
    /// Wrong login or password: plex.tv's error envelope on a 401 to a call without a token
    /// (sign-in), answered directly and without a `WWW-Authenticate` challenge (code 1001).
    InvalidCredentials,
    /// Too many failed sign-ins from this IP; retrying makes it worse (plex.tv 401, code 1031).
    LockedOut,
    /// Too many requests (429, or code 1003); see [`Error::retry_after`].
    RateLimited,
    /// The request lacked `X-Plex-Client-Identifier` (400, code 1000).
    ClientIdentifierMissing,
    /// The Plex Home profile is protected: a valid PIN is required to switch to it (plex.tv
    /// 403, code 1041). Plex answers the same to a missing and to a wrong PIN; ask the user for
    /// it rather than retrying.
    HomePinRequired,
    /// plex.tv refused the token: it is invalid or revoked. The one rule, which
    /// [`TokenStatus::Invalid`](crate::TokenStatus::Invalid) and the `plex-auth` tool's exit
    /// code 3 follow too: an answer to a call that sent a token, carrying plex.tv's error
    /// envelope (JSON or XML), either a 401 with code 1001 or the message "Invalid token", or a
    /// 422 "Invalid token"; answered directly (no redirect followed) and without a
    /// `WWW-Authenticate` challenge. Anything else says nothing about the token.
    InvalidToken,
    /// A 401 that is not plex.tv's word on the credentials: a Plex Media Server's 401 page, a
    /// proxy or captive portal asking for its own credentials (`WWW-Authenticate`), a 401
    /// reached through a redirect, or a 401 without plex.tv's envelope. The server did not
    /// authorize the call; whether the token is valid is unknown.
    Unauthorized,
    /// The PIN of the link flow expired, or its code is unknown (plex.tv 404, code 1020), or
    /// [`PlexTvClient::wait_for_token`](crate::PlexTvClient::wait_for_token) reached its expiry
    /// before the user linked it: create a new PIN.
    PinExpired,
    /// plex.tv says the token expired (status 498): a plex.tv JWT past its `exp`. A client built
    /// from a [`TokenSource`](crate::TokenSource) refreshes it and retries once by itself.
    TokenExpired,
    /// plex.tv refused a device JWT's signature (422): the device key signing it is not the
    /// one registered for this client identifier.
    InvalidSignature,
    /// plex.tv refused to register a device key (422): another device already registered a key
    /// with the same thumbprint. Make a new key for this installation.
    ThumbprintTaken,
    /// A JWT that answered as plex.tv's failed verification: not signed by a key of
    /// `getAuthKeys`, another audience or issuer, expired, or not bound to this device's key.
    /// It is never used.
    InvalidJwt,
    /// A [`TokenSource`](crate::TokenSource) holds no token: sign in first (a PIN, or the
    /// upgrade of a legacy token), or it was signed out.
    NoToken,
    /// A [`TokenStore`](crate::TokenStore) or key file could not be read or written.
    Storage,
    /// Another error status.
    Http,
    /// A success status whose body does not decode.
    Decode,
    /// The call did not finish in time.
    Timeout,
    /// The answer's body is larger than the client's limit
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)).
    TooLarge,
    /// The connection failed or broke.
    Transport,
    /// A parameter was refused before anything was sent.
    InvalidInput,
    /// The client was configured with an unusable value.
    Config,
    /// No connection of a server answered as that server ([`Connector::connect`]):
    /// [`Error::connect_attempts`] says what was tried and why each failed.
    ///
    /// [`Connector::connect`]: crate::Connector::connect
    NoConnection,
    /// plex.tv lists the server without an `accessToken`: this account has no token for it,
    /// and nothing was sent ([`Connector::connect`]).
    ///
    /// [`Connector::connect`]: crate::Connector::connect
    NoServerToken,
    /// No server of the list has that name or client identifier ([`find_server`]);
    /// [`Error::servers`] lists the servers there are.
    ///
    /// [`find_server`]: crate::find_server
    ServerNotFound,
    /// More than one server has that name or client identifier ([`find_server`]);
    /// [`Error::servers`] lists them: choose one by its client identifier.
    ///
    /// [`find_server`]: crate::find_server
    AmbiguousServer,
}

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
        /// The server's name as plex.tv lists it, made inert (no control characters).
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
        /// The server's name, made inert.
        server: String,
    },
    /// No server has the name or client identifier asked for.
    #[error("{}", server_not_found(.wanted, .servers))]
    ServerNotFound {
        /// The name or client identifier asked for, made inert.
        wanted: String,
        /// The servers of the list.
        servers: Vec<ServerSummary>,
    },
    /// More than one server has the name or client identifier asked for.
    #[error("{}", ambiguous_server(.wanted, .servers))]
    AmbiguousServer {
        /// The name or client identifier asked for, made inert.
        wanted: String,
        /// The servers it matches.
        servers: Vec<ServerSummary>,
    },
}

/// How many attempts the text of [`Error::NoConnection`] names before "and N more".
const ATTEMPTS_SHOWN: usize = 3;

/// How many servers the text of a lookup error names before "and N more".
const SERVERS_SHOWN: usize = 10;

/// One line: the server, how many connections were probed, and the first few attempts.
fn no_connection(server: &str, attempts: &[ConnectAttempt]) -> String {
    if attempts.is_empty() {
        return format!("no connection to server {server:?}: plex.tv lists no connection for it");
    }
    let shown: Vec<String> = attempts
        .iter()
        .take(ATTEMPTS_SHOWN)
        .map(ToString::to_string)
        .collect();
    let mut text = format!(
        "{}: {}",
        no_connection_summary(server, attempts),
        shown.join("; ")
    );
    if let Some(more) = attempts
        .len()
        .checked_sub(ATTEMPTS_SHOWN)
        .filter(|n| *n > 0)
    {
        text += &format!("; and {more} more");
    }
    text
}

/// "no connection to server "Box" answered as that server (3 probed, 1 not tried)".
fn no_connection_summary(server: &str, attempts: &[ConnectAttempt]) -> String {
    let probed = attempts.iter().filter(|a| a.outcome.probed()).count();
    let not_tried = attempts.len() - probed;
    let counts = if not_tried == 0 {
        format!("{probed} probed")
    } else {
        format!("{probed} probed, {not_tried} not tried")
    };
    format!("no connection to server {server:?} answered as that server ({counts})")
}

fn server_not_found(wanted: &str, servers: &[ServerSummary]) -> String {
    if servers.is_empty() {
        return format!("no server {wanted:?}: the account has no server");
    }
    format!(
        "no server {wanted:?} among the account's servers (by name or client identifier): {}",
        listed(servers)
    )
}

fn ambiguous_server(wanted: &str, servers: &[ServerSummary]) -> String {
    format!(
        "{wanted:?} matches {} servers: {}; choose one by its client identifier",
        servers.len(),
        listed(servers)
    )
}

/// The first [`SERVERS_SHOWN`] servers, then "and N more".
fn listed(servers: &[ServerSummary]) -> String {
    let mut shown: Vec<String> = servers
        .iter()
        .take(SERVERS_SHOWN)
        .map(ToString::to_string)
        .collect();
    if servers.len() > SERVERS_SHOWN {
        shown.push(format!("and {} more", servers.len() - SERVERS_SHOWN));
    }
    shown.join(", ")
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

/// A connection of a server that [`Connector::connect`](crate::Connector::connect) did not
/// choose, and why. Holds no token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectAttempt {
    /// The connection's URL: scheme, host, port and path only, made inert and bounded.
    pub url: String,
    /// Whether plex.tv marks it local (on the server's LAN).
    pub local: bool,
    /// Whether it goes through Plex's relay.
    pub relay: bool,
    /// What became of it.
    pub outcome: AttemptOutcome,
    /// Why it was not chosen, as one bounded line (redacted: it may quote the answer).
    pub reason: String,
}

impl ConnectAttempt {
    /// `local`, `remote` or `relay`.
    pub fn place(&self) -> &'static str {
        match (self.relay, self.local) {
            (true, _) => "relay",
            (false, true) => "local",
            (false, false) => "remote",
        }
    }
}

impl fmt::Display for ConnectAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.url, self.place(), self.reason)
    }
}

/// What became of a connection that was not chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// Not probed: only the best-ranked connections are
    /// ([`Connector::max_connections`](crate::Connector::max_connections)).
    NotTried,
    /// Not probed: an http connection of a server that requires https (`httpsRequired`).
    HttpsRequired,
    /// Not probed: its URL is not an http(s) URL the client accepts.
    UnusableUrl,
    /// The connection could not be made or broke: refused, reset, a TLS certificate that does
    /// not prove the host.
    Unreachable,
    /// No answer within the probe timeout, or before the deadline of the whole choice.
    TimedOut,
    /// An answer, but not an identity: an error status or a body that does not decode.
    BadAnswer,
    /// Answered as another machine: its `machineIdentifier` is not the server's.
    WrongServer,
}

impl AttemptOutcome {
    /// Whether a request was sent (or a connection attempted) to the connection.
    pub fn probed(self) -> bool {
        !matches!(
            self,
            AttemptOutcome::NotTried | AttemptOutcome::HttpsRequired | AttemptOutcome::UnusableUrl
        )
    }

    /// A stable name, for machine-readable output: `not-tried`, `https-required`,
    /// `unusable-url`, `unreachable`, `timed-out`, `bad-answer`, `wrong-server`.
    pub fn name(self) -> &'static str {
        match self {
            AttemptOutcome::NotTried => "not-tried",
            AttemptOutcome::HttpsRequired => "https-required",
            AttemptOutcome::UnusableUrl => "unusable-url",
            AttemptOutcome::Unreachable => "unreachable",
            AttemptOutcome::TimedOut => "timed-out",
            AttemptOutcome::BadAnswer => "bad-answer",
            AttemptOutcome::WrongServer => "wrong-server",
        }
    }
}

/// A server as a lookup error lists it: enough to tell servers of the same name apart. Every
/// text is plex.tv's, made inert and bounded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerSummary {
    /// The server's name.
    pub name: String,
    /// Its client identifier (what `/identity` answers as `machineIdentifier`).
    pub client_identifier: String,
    /// Whether the account owns it; otherwise another account shares it.
    pub owned: bool,
    /// The owner's name (`sourceTitle`), for a shared server.
    pub owner: Option<String>,
}

impl fmt::Display for ServerSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} (", self.name)?;
        match (self.owned, &self.owner) {
            (true, _) => write!(f, "owned")?,
            (false, Some(owner)) => write!(f, "shared by {owner:?}")?,
            (false, None) => write!(f, "shared")?,
        }
        write!(f, ", client identifier {:?})", self.client_identifier)
    }
}

/// An error status from the server, with what its body said.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation called.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The named case, or [`ErrorKind::Http`].
    pub kind: ErrorKind,
    /// Plex's errors from a JSON or XML envelope; empty for other bodies.
    pub errors: Vec<PlexError>,
    /// The start of the body as one line of text (at most 2 KiB), redacted: the credentials
    /// the call sent (in any of the encodings [`Redactor`](crate::Redactor) sees through), and
    /// the values of credential-named fields (`authToken`, `token`, `secret`, `password`…), are
    /// replaced by `<redacted>`; control characters are replaced.
    pub body: String,
    /// `Retry-After`, when present.
    pub retry_after: Option<Duration>,
    /// `Location`, for a redirect that was not followed: scheme, host, port and path only.
    pub location: Option<String>,
    /// One line saying what the body said, for `Display`.
    pub(crate) summary: String,
}

impl ApiError {
    /// The first Plex error code, when there is one.
    pub fn code(&self) -> Option<i64> {
        self.errors.iter().find_map(|e| e.code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let case = match self.kind {
            ErrorKind::VerificationCodeRequired => "verification code required",
            ErrorKind::InvalidCredentials => "wrong login or password",
            ErrorKind::LockedOut => "locked out after repeated failures",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::ClientIdentifierMissing => "client identifier missing",
            ErrorKind::HomePinRequired => "the profile's PIN is required",
            ErrorKind::InvalidToken => "invalid or revoked token",
            ErrorKind::Unauthorized => "not authorized on this server",
            ErrorKind::PinExpired => "PIN expired or unknown",
            ErrorKind::TokenExpired => "token expired",
            ErrorKind::InvalidSignature => "device JWT signature refused",
            ErrorKind::ThumbprintTaken => "device key already registered by another device",
            _ => "error",
        };
        // A status without a reason phrase (Plex's 498) is shown as its number alone.
        match self.status.canonical_reason() {
            Some(_) => write!(f, "{}: HTTP {}: {case}", self.operation, self.status)?,
            None => write!(
                f,
                "{}: HTTP {}: {case}",
                self.operation,
                self.status.as_u16()
            )?,
        }
        if !self.summary.is_empty() {
            write!(f, ": {}", self.summary)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        if let Some(location) = &self.location {
            write!(f, " (redirect to {location} not followed)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success status whose body is not what the spec declares.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: HTTP {status}: body does not decode at {path}: {message}")]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation called.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON path where decoding failed (`.` for the whole body).
    pub path: String,
    /// What serde said, redacted as the body is; withheld when it would quote the value of a
    /// secret field.
    pub message: String,
    /// The start of the body as one line of text (at most 2 KiB), redacted as
    /// [`ApiError::body`] is.
    pub body: String,
}

/// One entry of Plex's error envelope, read from JSON (`{"errors":[{"code","message",
/// "status"}]}`) or XML (`<error code=".." message=".." status=".."/>`, or `<error>` holding
/// only text). The spec's `PlexError` schema is this type (`types::PlexErrors` holds them).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct PlexError {
    /// Plex's error code, such as 1001 (wrong credentials) or 1029 (2FA code required).
    pub code: Option<i64>,
    /// The message.
    pub message: Option<String>,
    /// The HTTP status the envelope repeats.
    pub status: Option<i64>,
}
