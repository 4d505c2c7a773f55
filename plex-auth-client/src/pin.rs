//! The PIN (link) flow Plex asks apps to sign users in with, over the generated `getPin` and
//! `getTokenByPinId`: create a PIN, send the user to approve it, wait for the token.

use std::time::Duration;

use tokio::time::Instant;

use crate::types::Pin;
use crate::{CallOptions, ClientIdentity, Error, ErrorKind, PlexTvClient, RetryConfig, Secret};

/// Where a user enters a short code.
pub const LINK_URL: &str = "https://plex.tv/link";

/// The browser flow's page.
const AUTH_URL: &str = "https://app.plex.tv/auth#?";

/// Lifetimes plex.tv gives PINs, used when an answer does not say.
const SHORT_LIFETIME: Duration = Duration::from_secs(15 * 60);
const STRONG_LIFETIME: Duration = Duration::from_secs(30 * 60);

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
    /// A PIN created at `created`, living as long as its answer says (or plex.tv's usual
    /// lifetime for its kind).
    pub(crate) fn new(pin: Pin, kind: PinKind, created: Instant) -> Self {
        let lifetime = match (pin.expires_in, kind) {
            (Some(seconds), _) => Duration::from_secs(seconds.max(0).unsigned_abs()),
            (None, PinKind::Short) => SHORT_LIFETIME,
            (None, PinKind::Strong) => STRONG_LIFETIME,
        };
        Self {
            pin,
            kind,
            expires: created + lifetime,
        }
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

/// How [`PlexTvClient::wait_for_token`] polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinPolling {
    /// Wait between two polls. Default 1 s, as Plex suggests.
    pub interval: Duration,
}

impl Default for PinPolling {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(1),
        }
    }
}

impl PlexTvClient {
    /// Creates a PIN of `kind` (`getPin`) and starts its clock.
    ///
    /// # Errors
    /// The errors of [`get_pin`](Self::get_pin).
    pub async fn create_pin(&self, kind: PinKind) -> Result<PendingPin, Error> {
        let created = Instant::now();
        let pin = self
            .get_pin((kind == PinKind::Strong).then_some(true))
            .await?
            .into_inner();
        Ok(PendingPin::new(pin, kind, created))
    }

    /// Polls the PIN (`getTokenByPinId`) until the user links it, and returns the account's
    /// token.
    ///
    /// Each poll is one attempt; a transient failure between polls (no connection, a timeout,
    /// a 5xx, a 429) is waited out, not returned, until the PIN expires. Dropping the future
    /// stops the polling.
    ///
    /// # Errors
    /// [`ErrorKind::PinExpired`] when plex.tv says the PIN expired (404, code 1020) or its
    /// lifetime runs out; any other error an answer gives (a refused client identifier, say).
    pub async fn wait_for_token(
        &self,
        pin: &PendingPin,
        polling: PinPolling,
    ) -> Result<Secret, Error> {
        let client = self.with_options(CallOptions::new().retry(RetryConfig::none()));
        let expired = || Error::PinExpired {
            operation: "getTokenByPinId",
        };
        loop {
            if pin.remaining().is_zero() {
                return Err(expired());
            }
            let poll = tokio::time::timeout_at(pin.expires, client.get_token_by_pin_id(pin.pin.id));
            match poll.await {
                Err(_deadline) => return Err(expired()),
                Ok(Ok(answer)) => {
                    if let Some(token) = answer.into_inner().auth_token
                        && !token.is_empty()
                    {
                        return Ok(token);
                    }
                }
                Ok(Err(error)) if is_transient(&error) => {
                    tracing::debug!(error = %error, "PIN poll failed; polling on");
                }
                Ok(Err(error)) => return Err(error),
            }
            tokio::time::sleep(polling.interval.min(pin.remaining())).await;
        }
    }
}

/// Whether a failed poll can be waited out: the network, a timeout, or the server busy.
pub(crate) fn is_transient(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::RateLimited => true,
        ErrorKind::Http => error
            .status()
            .is_some_and(|status| status.is_server_error()),
        _ => false,
    }
}
