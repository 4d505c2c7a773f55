//! The token an application holds: a legacy token as it is, or a plex.tv JWT kept valid by
//! itself (refreshed before its end, once however many callers ask, verified, kept in a store).

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::clock::{Clock, SystemClock, unix_seconds};
use super::kind::system_time;
use super::plex_jwt::{Expected, Lifetime, device_jwt};
use super::plex_keys::PlexKeys;
use super::{DeviceKey, TokenKind, TokenStore};
use crate::types::JwtExchangeRequest;
use crate::{ClientsPlexTvClient, Error, ErrorKind, Secret};

/// A refresh that failed is not tried again for this long while the token is still valid.
const RETRY_WHILE_VALID: Duration = Duration::from_secs(60);

/// A JWT issued less than this many seconds ago is not renewed after a 498: a new one would
/// get the same answer (a server that answers 498 to everything, a clock far off), and each
/// renewal is a call to plex.tv.
const RENEW_AFTER_498_FROM_AGE: i64 = 60;

/// A refresh that failed is not tried again for this long once the token expired: callers
/// get the failure at once rather than each trying in turn.
const RETRY_WHEN_EXPIRED: Duration = Duration::from_secs(10);

/// The token an application holds, and hands to its clients.
///
/// - [`TokenSource::legacy`]: a legacy token, answered as it is, never refreshed.
/// - [`TokenSource::jwt`]: a plex.tv JWT, signed in with a [`DeviceKey`] (by
///   [`upgrade`](Self::upgrade) of a legacy token, or a PIN with
///   [`create_pin`](Self::create_pin)), then kept valid by itself: [`token`](Self::token)
///   refreshes it when less than the refresh margin (1 day by default) is left, or half its
///   lifetime when that is shorter; each new JWT is verified against plex.tv's keys, and a
///   [`TokenStore`] keeps it across restarts.
///
/// However many tasks ask at the moment a JWT needs refreshing, one refresh runs. Callers whose
/// JWT is still valid get it at once while that refresh runs; callers whose JWT expired wait
/// for the refresh's result. A refresh that fails while the token is still valid is logged and
/// the valid token answered. Cloning is cheap: clones share the token.
///
/// `Debug` shows the token's kind and expiry, never the token.
#[derive(Clone)]
pub struct TokenSource(Arc<Shared>);

struct Shared {
    state: Mutex<State>,
    /// Held while a refresh runs: the single flight.
    refreshing: tokio::sync::Mutex<()>,
    /// `None` for a legacy source.
    jwt: Option<Jwt>,
    store: Option<Box<dyn TokenStore>>,
    clock: Arc<dyn Clock>,
}

pub(super) struct Jwt {
    pub(super) key: DeviceKey,
    pub(super) client_identifier: String,
    pub(super) clients: ClientsPlexTvClient,
    pub(super) keys: PlexKeys,
    /// Seconds before `exp` at which a refresh starts (at most half the JWT's lifetime).
    pub(super) margin: i64,
    pub(super) scopes: String,
}

impl Jwt {
    /// When a JWT of `lifetime` is refreshed, in Unix seconds: the margin before its end, but
    /// not before half its life, or a JWT shorter than the margin would be refreshed on every
    /// call. A JWT without `iat` takes the whole margin.
    fn refresh_at(&self, lifetime: Lifetime) -> i64 {
        let half_life = lifetime
            .expires_at
            .saturating_sub(lifetime.issued_at)
            .max(0)
            / 2;
        lifetime
            .expires_at
            .saturating_sub(self.margin.min(half_life))
    }
}

#[derive(Default)]
struct State {
    held: Option<Held>,
    failure: Option<Failure>,
}

/// A token, with the lifetime it claims when it is a JWT.
#[derive(Clone)]
pub(super) struct Held {
    pub(super) token: Secret,
    pub(super) lifetime: Option<Lifetime>,
}

/// The last refresh failure.
struct Failure {
    /// Monotonic: a wall clock stepping back must not stretch the wait before the next try.
    at: Instant,
    kind: ErrorKind,
    message: String,
}

impl TokenSource {
    /// A source that answers `token`, a legacy token, as it is.
    pub fn legacy(token: impl Into<Secret>) -> Self {
        let held = Held {
            token: token.into(),
            lifetime: None,
        };
        Self::new(Some(held), None, None, Arc::new(SystemClock))
    }

    /// A source holding `held`; `jwt` is `None` for a legacy source.
    pub(super) fn new(
        held: Option<Held>,
        jwt: Option<Jwt>,
        store: Option<Box<dyn TokenStore>>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self(Arc::new(Shared {
            state: Mutex::new(State {
                held,
                failure: None,
            }),
            refreshing: tokio::sync::Mutex::new(()),
            jwt,
            store,
            clock,
        }))
    }

    /// A valid token: the one held, or for a JWT near its end (within the refresh margin, or
    /// past half its lifetime) a new one. However many tasks call this at once, one refresh
    /// runs; while it runs, callers whose JWT is still valid get that JWT without waiting.
    ///
    /// # Errors
    /// [`ErrorKind::NoToken`] when the source holds no token (sign in first). When a refresh
    /// is needed and fails: while the held JWT is still valid, it is answered (and the failure
    /// logged); once it expired, the failure (the errors of `getAuthNonce`,
    /// `exchangeJwtToken`, `getAuthKeys`, or [`ErrorKind::InvalidJwt`] for a JWT that failed
    /// verification).
    pub async fn token(&self) -> Result<Secret, Error> {
        let held = self.held("token")?;
        if self.refresh_due(&held) {
            self.refresh_held(&held.token, false).await
        } else {
            Ok(held.token)
        }
    }

    /// The token held when it needs no refresh (a legacy token, or a JWT before its margin),
    /// without waiting: the path of most calls.
    pub(crate) fn fresh(&self) -> Option<Secret> {
        let state = self.state();
        let held = state.held.as_ref()?;
        (!self.refresh_due(held)).then(|| held.token.clone())
    }

    /// Whether `held` is a JWT past its refresh point.
    fn refresh_due(&self, held: &Held) -> bool {
        match (&self.0.jwt, held.lifetime) {
            (Some(jwt), Some(lifetime)) => self.now() >= jwt.refresh_at(lifetime),
            _ => false,
        }
    }

    /// The JWT held while it has not expired.
    fn still_valid(&self) -> Option<Secret> {
        let now = self.now();
        let state = self.state();
        let held = state.held.as_ref()?;
        held.lifetime
            .is_some_and(|lifetime| lifetime.expires_at > now)
            .then(|| held.token.clone())
    }

    /// Whether a token this source answered can be renewed after a 498: it holds a JWT.
    pub(crate) fn renews(&self) -> bool {
        self.0.jwt.is_some()
            && self
                .state()
                .held
                .as_ref()
                .is_some_and(|held| held.lifetime.is_some())
    }

    /// Refreshes a JWT now, whatever its expiry, and answers the new one; a legacy token is
    /// answered as it is.
    ///
    /// # Errors
    /// The errors of a refresh (see [`token`](Self::token)), [`ErrorKind::NoToken`].
    pub async fn refresh(&self) -> Result<Secret, Error> {
        let held = self.held("refresh")?;
        if self.0.jwt.is_none() || held.lifetime.is_none() {
            return Ok(held.token);
        }
        self.refresh_held(&held.token, true).await
    }

    /// What the source holds: a legacy token, a JWT with its expiry, or nothing (`None`).
    pub fn kind(&self) -> Option<TokenKind> {
        let state = self.state();
        let held = state.held.as_ref()?;
        Some(match held.lifetime {
            None => TokenKind::Legacy,
            Some(lifetime) => TokenKind::Jwt {
                issued_at: system_time(lifetime.issued_at),
                expires_at: system_time(lifetime.expires_at),
            },
        })
    }

    /// The device key of a JWT source.
    pub fn device_key(&self) -> Option<&DeviceKey> {
        self.0.jwt.as_ref().map(|jwt| &jwt.key)
    }

    /// A new token for `rejected`, which plex.tv answered 498 (expired) to: the token held if
    /// another caller already replaced it, else a refreshed JWT. `None` when there is nothing
    /// to refresh (a legacy token, or a token the source no longer holds and no new one), or
    /// when `rejected` was issued less than a minute ago: the 498 stands.
    pub(crate) async fn renew_rejected(&self, rejected: &Secret) -> Result<Option<Secret>, Error> {
        let Some(held) = self.state().held.clone() else {
            return Ok(None);
        };
        let (Some(_), Some(lifetime)) = (&self.0.jwt, held.lifetime) else {
            return Ok(None);
        };
        let age = self.now().saturating_sub(lifetime.issued_at);
        if held.token == *rejected && age < RENEW_AFTER_498_FROM_AGE {
            return Ok(None);
        }
        self.refresh_held(rejected, true).await.map(Some)
    }

    /// Refreshes `seen` once, for every caller that saw it: a caller that waited while
    /// another refreshed gets that refresh's token. Unless `forced`, a caller whose token is
    /// still valid does not wait for a refresh already running: it gets that token.
    async fn refresh_held(&self, seen: &Secret, forced: bool) -> Result<Secret, Error> {
        let Some(jwt) = &self.0.jwt else {
            return self.held("refresh").map(|held| held.token);
        };
        let _flight = match self.0.refreshing.try_lock() {
            Ok(flight) => flight,
            Err(_) => match self.still_valid().filter(|_| !forced) {
                // An early refresh: a slow plex.tv must not stall every call meanwhile.
                Some(valid) => return Ok(valid),
                None => self.0.refreshing.lock().await,
            },
        };
        let held = self.held("refresh")?;
        let now = self.now();
        let lifetime = held.lifetime.filter(|_| held.token == *seen);
        let Some(lifetime) = lifetime else {
            // Replaced while this caller waited, by a refresh or a sign-in.
            return Ok(held.token);
        };
        let valid = lifetime.expires_at > now && !forced;
        if let Some(failure) = &self.state().failure {
            let wait = if valid {
                RETRY_WHILE_VALID
            } else {
                RETRY_WHEN_EXPIRED
            };
            if failure.at.elapsed() < wait {
                return if valid {
                    Ok(held.token)
                } else {
                    Err(Error::TokenRefresh {
                        kind: failure.kind,
                        message: failure.message.clone(),
                    })
                };
            }
        }
        match self.exchange(jwt).await {
            Ok(new) => {
                let token = new.token.clone();
                if let Err(error) = self.keep(new) {
                    // The new token works; only the next restart loses it.
                    tracing::warn!(error = %error, "the refreshed token could not be stored");
                }
                tracing::debug!("token refreshed");
                Ok(token)
            }
            Err(error) => {
                self.state().failure = Some(Failure {
                    at: Instant::now(),
                    kind: error.kind(),
                    message: error.to_string(),
                });
                if valid {
                    tracing::warn!(error = %error, "token refresh failed; the held token is still valid");
                    Ok(held.token)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// A new plex.tv JWT: a nonce, a device JWT carrying it, the exchange, and the
    /// verification of what came back.
    pub(super) async fn exchange(&self, jwt: &Jwt) -> Result<Held, Error> {
        let nonce = jwt.clients.get_auth_nonce().await?.into_inner().nonce;
        let device = device_jwt(
            &jwt.key,
            &jwt.client_identifier,
            &nonce,
            &jwt.scopes,
            self.now(),
        );
        let request = JwtExchangeRequest::new(device);
        let token = jwt
            .clients
            .exchange_jwt_token(&request)
            .await?
            .into_inner()
            .auth_token;
        let lifetime = self.verify(jwt, "exchangeJwtToken", &token).await?;
        Ok(Held {
            token,
            lifetime: Some(lifetime),
        })
    }

    /// Verifies a plex.tv JWT that `operation` answered.
    pub(super) async fn verify(
        &self,
        jwt: &Jwt,
        operation: &'static str,
        token: &Secret,
    ) -> Result<Lifetime, Error> {
        let expected = Expected {
            client_identifier: &jwt.client_identifier,
            key: &jwt.key,
            now: self.now(),
        };
        jwt.keys
            .verify(&jwt.clients, operation, token, &expected)
            .await
    }

    /// Holds `held` from now on, and saves it in the store.
    pub(super) fn keep(&self, held: Held) -> std::io::Result<()> {
        let token = held.token.clone();
        {
            let mut state = self.state();
            state.held = Some(held);
            state.failure = None;
        }
        match &self.0.store {
            Some(store) => store.save(&token),
            None => Ok(()),
        }
    }

    /// Holds nothing from now on, and clears the store.
    pub(super) fn drop_token(&self) -> std::io::Result<()> {
        {
            let mut state = self.state();
            state.held = None;
            state.failure = None;
        }
        match &self.0.store {
            Some(store) => store.clear(),
            None => Ok(()),
        }
    }

    /// The JWT settings, for the ways in; `operation` names the caller in the error.
    pub(super) fn jwt_settings(&self, operation: &'static str) -> Result<&Jwt, Error> {
        self.0.jwt.as_ref().ok_or_else(|| Error::InvalidInput {
            operation,
            message: "this is a legacy token source; build one with TokenSource::jwt".into(),
        })
    }

    /// The single flight, for ways in that replace the token.
    pub(super) async fn exclusive(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.0.refreshing.lock().await
    }

    pub(super) fn held(&self, operation: &'static str) -> Result<Held, Error> {
        self.state()
            .held
            .clone()
            .ok_or(Error::NoToken { operation })
    }

    pub(super) fn now(&self) -> i64 {
        unix_seconds(self.0.clock.as_ref())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // No code panics while holding it; a poisoned lock still holds a whole state.
        self.0
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A store that failed to keep or forget a token.
pub(super) fn storage_error(source: std::io::Error) -> Error {
    Error::Storage {
        operation: "token store",
        message: format!("cannot keep the token: {source}"),
        source,
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("kind", &self.kind())
            .field("device_key", &self.device_key())
            .finish_non_exhaustive()
    }
}
