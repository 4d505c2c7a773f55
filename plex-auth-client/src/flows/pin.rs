//! The PIN (link) flow Plex asks apps to sign users in with, over the generated `getPin` and
//! `getTokenByPinId`: create a PIN, send the user to approve it, wait for the token.

use std::time::Duration;

use tokio::time::Instant;

use crate::types::Pin;
use crate::{
    CallOptions, ClientIdentity, DecodeError, Error, ErrorCategory, ErrorKind, PlexTvClient,
    RetryConfig, Secret,
};

/// Where a user enters a short code.
pub const LINK_URL: &str = "https://plex.tv/link";

/// The browser flow's page.
const AUTH_URL: &str = "https://app.plex.tv/auth#?";

/// Lifetimes plex.tv gives PINs, used when an answer does not say, or says nonsense.
const SHORT_LIFETIME: Duration = Duration::from_secs(15 * 60);
const STRONG_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The longest lifetime taken from an answer's `expiresIn`: a day, far above plex.tv's 15 and
/// 30 minutes. Past it (or at 0 or below), the answer's number is nonsense and the kind's
/// lifetime is used.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest PIN code accepted: plex.tv's are 4 characters (short) or 25 (strong).
const MAX_CODE_LENGTH: usize = 128;

/// Which PIN to ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinKind {
    /// A 4-character code the user types at [`LINK_URL`] (TVs, command lines). Lives 15 minutes.
    Short,
    /// A long code for the browser flow ([`PendingPin::auth_url`]); plex.tv/link does not take
    /// it. Lives 30 minutes.
    Strong,
}

/// A PIN waiting for the user's approval.
#[derive(Clone, Debug)]
pub struct PendingPin {
    pin: Pin,
    kind: PinKind,
    expires: Instant,
}

impl PendingPin {
    /// The PIN `operation` answered at `created`: its code checked (it is shown to the user),
    /// its lifetime as the answer says, or plex.tv's usual one for its kind.
    pub(crate) fn from_answer(
        answer: crate::Response<Pin>,
        kind: PinKind,
        created: Instant,
        operation: &'static str,
    ) -> Result<Self, Error> {
        let status = answer.status();
        let pin = answer.into_inner();
        check_code(pin.code.expose(), status, operation)?;
        let lifetime = lifetime(pin.expires_in, kind);
        Ok(Self {
            pin,
            kind,
            // The lifetime is at most a day: the sum cannot overflow, and falls back anyway.
            expires: created
                .checked_add(lifetime)
                .unwrap_or_else(|| created + default_lifetime(kind)),
        })
    }

    /// The PIN as plex.tv answered it.
    pub fn pin(&self) -> &Pin {
        &self.pin
    }

    /// What the user enters at [`LINK_URL`] (short PINs), or the strong code.
    pub fn code(&self) -> &str {
        self.pin.code.expose()
    }

    /// The kind asked for.
    pub fn kind(&self) -> PinKind {
        self.kind
    }

    /// Time left before the PIN expires.
    pub fn remaining(&self) -> Duration {
        self.expires.saturating_duration_since(Instant::now())
    }

    /// The `app.plex.tv` page where a user approves this PIN in a browser: the client identity
    /// (`clientID`, the `context[device][…]` fields that page shows), the code, and where to
    /// send the user afterwards. Every value is percent-encoded.
    pub fn auth_url(&self, identity: &ClientIdentity, forward_url: Option<&str>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("clientID", identity.client_identifier());
        query.append_pair("code", self.pin.code.expose());
        if let Some(forward_url) = forward_url {
            query.append_pair("forwardUrl", forward_url);
        }
        for (field, value) in identity.device_context() {
            query.append_pair(&format!("context[device][{field}]"), value);
        }
        format!("{AUTH_URL}{}", query.finish())
    }
}

/// How [`PlexTvClient::wait_for_token`] (and
/// [`TokenSource::wait_for_pin`](crate::TokenSource::wait_for_pin)) polls, and for how long.
///
/// ```
/// use std::time::Duration;
/// use plex_auth_client::PinPolling;
///
/// // Every 2 seconds, for at most 5 minutes even when the PIN lives longer.
/// let polling = PinPolling::new()
///     .with_interval(Duration::from_secs(2))
///     .with_deadline(Duration::from_secs(300));
/// assert_eq!(polling.deadline, Some(Duration::from_secs(300)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinPolling {
    /// Wait between two polls. Default 1 s, as Plex suggests.
    pub interval: Duration,
    /// The longest the wait may last, from its start, when that ends before the PIN expires:
    /// the wait then fails with [`ErrorKind::Timeout`] and the PIN stays valid (wait again, or
    /// drop it). `None` (the default): until the PIN expires.
    pub deadline: Option<Duration>,
}

impl Default for PinPolling {
    fn default() -> Self {
        Self::new()
    }
}

impl PinPolling {
    /// Polls once a second until the PIN expires.
    pub const fn new() -> Self {
        Self {
            interval: Duration::from_secs(1),
            deadline: None,
        }
    }

    /// Sets the wait between two polls.
    pub const fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Sets the longest the wait may last, from its start.
    pub const fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
}

/// When a wait for a PIN's approval ends: at the PIN's expiry, or at the wait's deadline when
/// that comes first. Shared by the legacy and the JWT waits.
pub(crate) struct WaitEnd {
    at: Instant,
    /// The deadline, when it is what ends the wait.
    deadline: Option<Duration>,
    operation: &'static str,
}

impl WaitEnd {
    /// The end of a wait for `pin` starting now, polling with `operation`.
    pub(crate) fn new(pin: &PendingPin, polling: PinPolling, operation: &'static str) -> Self {
        let by_deadline = polling
            .deadline
            .and_then(|deadline| Some((Instant::now().checked_add(deadline)?, deadline)))
            .filter(|(at, _)| *at < pin.expires);
        match by_deadline {
            Some((at, deadline)) => Self {
                at,
                deadline: Some(deadline),
                operation,
            },
            None => Self {
                at: pin.expires,
                deadline: None,
                operation,
            },
        }
    }

    /// Time left.
    pub(crate) fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// The pause before the next poll: the interval, or what is left when less.
    pub(crate) fn pause(&self, polling: PinPolling) -> Duration {
        polling.interval.min(self.remaining())
    }

    /// `future`, unless the wait ends first.
    pub(crate) async fn bound<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        tokio::time::timeout_at(self.at, future)
            .await
            .map_err(|_| self.ended())
    }

    /// The error of a wait that reached its end.
    pub(crate) fn ended(&self) -> Error {
        match self.deadline {
            Some(deadline) => Error::WaitDeadline {
                operation: self.operation,
                deadline,
            },
            None => Error::PinExpired {
                operation: self.operation,
            },
        }
    }
}

impl PlexTvClient {
    /// Creates a PIN of `kind` (`getPin`) and starts its clock.
    ///
    /// The PIN lives as long as the answer's `expiresIn` says when that is between 1 second and
    /// a day; otherwise (absent, 0, negative, absurdly large) as long as plex.tv's PINs of that
    /// kind live: 15 minutes (short) or 30 (strong).
    ///
    /// # Errors
    /// The errors of [`get_pin`](Self::get_pin); [`ErrorKind::Decode`] when the answer's code
    /// is not a PIN code (empty, longer than 128 characters, or holding anything but printable
    /// ASCII): it would be shown to the user.
    pub async fn create_pin(&self, kind: PinKind) -> Result<PendingPin, Error> {
        let created = Instant::now();
        let answer = self
            .get_pin((kind == PinKind::Strong).then_some(true))
            .await?;
        PendingPin::from_answer(answer, kind, created, "getPin")
    }

    /// Polls the PIN (`getTokenByPinId`) until the user links it, and returns the account's
    /// token.
    ///
    /// Each poll is one attempt; a transient failure between polls (no connection, a timeout,
    /// a 5xx, a 429) is waited out, not returned, until the PIN expires or the wait's deadline
    /// ([`PinPolling::deadline`]) passes. Dropping the future stops the polling.
    ///
    /// # Errors
    /// [`ErrorKind::PinExpired`] when plex.tv says the PIN expired (404, code 1020) or its
    /// lifetime runs out; [`ErrorKind::Timeout`] when the wait's deadline passes first (the PIN
    /// stays valid); any other error an answer gives (a refused client identifier, say).
    pub async fn wait_for_token(
        &self,
        pin: &PendingPin,
        polling: PinPolling,
    ) -> Result<Secret, Error> {
        let client = self.with_options(CallOptions::new().retry(RetryConfig::none()));
        let end = WaitEnd::new(pin, polling, "getTokenByPinId");
        loop {
            if end.remaining().is_zero() {
                return Err(end.ended());
            }
            match end.bound(client.get_token_by_pin_id(pin.pin.id)).await? {
                Ok(answer) => {
                    if let Some(token) = answer.into_inner().auth_token
                        && !token.is_empty()
                    {
                        return Ok(token);
                    }
                }
                Err(error) if is_transient(&error) => {
                    tracing::debug!(error = %error, "PIN poll failed; polling on");
                }
                Err(error) => return Err(error),
            }
            tokio::time::sleep(end.pause(polling)).await;
        }
    }
}

/// The lifetime an answer gives a PIN of `kind`: its `expiresIn` when sensible, else the
/// kind's.
fn lifetime(expires_in: Option<i64>, kind: PinKind) -> Duration {
    expires_in
        .and_then(|seconds| u64::try_from(seconds).ok())
        .map(Duration::from_secs)
        .filter(|lifetime| !lifetime.is_zero() && *lifetime <= MAX_LIFETIME)
        .unwrap_or_else(|| default_lifetime(kind))
}

fn default_lifetime(kind: PinKind) -> Duration {
    match kind {
        PinKind::Short => SHORT_LIFETIME,
        PinKind::Strong => STRONG_LIFETIME,
    }
}

/// A code fit to show a user: 1 to [`MAX_CODE_LENGTH`] printable ASCII characters. Anything
/// else is a hostile or broken answer (a 3 MB code, a code carrying escape sequences), refused
/// as one that does not decode; the code itself is not quoted.
fn check_code(
    code: &str,
    status: reqwest::StatusCode,
    operation: &'static str,
) -> Result<(), Error> {
    let problem = if code.is_empty() {
        "the code is empty".to_string()
    } else if code.len() > MAX_CODE_LENGTH {
        format!(
            "the code is {} bytes long; a PIN code has at most {MAX_CODE_LENGTH}",
            code.len()
        )
    } else if !code.bytes().all(|b| b.is_ascii_graphic()) {
        "the code holds a character that is not printable ASCII".to_string()
    } else {
        return Ok(());
    };
    Err(Error::Decode(Box::new(DecodeError {
        operation,
        status,
        path: "code".into(),
        message: problem,
        body: String::new(),
    })))
}

/// Whether a failed poll can be waited out: the network, a rate limit, or the server busy.
pub(crate) fn is_transient(error: &Error) -> bool {
    match error.kind().category() {
        ErrorCategory::Network | ErrorCategory::RateLimited => true,
        _ => {
            error.kind() == ErrorKind::Http
                && error
                    .status()
                    .is_some_and(|status| status.is_server_error())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonsensical_lifetime_is_the_kinds() {
        for nonsense in [
            None,
            Some(0),
            Some(-1),
            Some(i64::MIN),
            Some(86_401),
            Some(i64::MAX),
        ] {
            assert_eq!(
                lifetime(nonsense, PinKind::Short),
                SHORT_LIFETIME,
                "{nonsense:?}"
            );
            assert_eq!(
                lifetime(nonsense, PinKind::Strong),
                STRONG_LIFETIME,
                "{nonsense:?}"
            );
        }
        assert_eq!(lifetime(Some(1), PinKind::Short), Duration::from_secs(1));
        assert_eq!(lifetime(Some(86_400), PinKind::Strong), MAX_LIFETIME);
    }

    #[test]
    fn a_code_that_is_not_one_is_refused_without_being_quoted() {
        let status = reqwest::StatusCode::CREATED;
        assert!(check_code("AB12", status, "getPin").is_ok());
        assert!(check_code(&"x".repeat(MAX_CODE_LENGTH), status, "getPin").is_ok());
        for (code, says) in [
            ("", "the code is empty"),
            (&*"x".repeat(MAX_CODE_LENGTH + 1), "129 bytes long"),
            ("AB\u{1b}[2J", "not printable ASCII"),
            ("AB 12", "not printable ASCII"),
        ] {
            let error = check_code(code, status, "getPin").unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Decode);
            let shown = error.to_string();
            assert!(shown.contains(says), "{shown}");
            assert!(shown.starts_with("getPin: HTTP 201 Created: body does not decode at code"));
        }
    }
}
