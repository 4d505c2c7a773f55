//! The token an application holds: a legacy token as it is, or a plex.tv JWT kept valid by
//! itself (refreshed before its end, once however many callers ask, verified, kept in a store).

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::clock::{Clock, SystemClock, unix_seconds};
use super::plex_jwt::{DEFAULT_SCOPES, Expected, Lifetime, device_jwt, unverified_lifetime};
use super::plex_keys::PlexKeys;
use super::{DeviceKey, TokenStore};
use crate::types::JwtExchangeRequest;
use crate::{ClientIdentity, ClientsPlexTvClient, Error, ErrorKind, Secret, Timeouts};

/// A refresh that failed is not tried again for this long while the token is still valid.
const RETRY_WHILE_VALID: i64 = 60;

/// A JWT issued less than this many seconds ago is not renewed after a 498: a new one would
/// get the same answer (a server that answers 498 to everything, a clock far off), and each
/// renewal is a call to plex.tv.
const RENEW_AFTER_498_FROM_AGE: i64 = 60;

/// A refresh that failed is not tried again for this long once the token expired: callers
/// get the failure at once rather than each trying in turn.
const RETRY_WHEN_EXPIRED: i64 = 10;

/// The token an application holds, and hands to its clients.
///
/// - [`TokenSource::legacy`]: a legacy token, answered as it is, never refreshed.
/// - [`TokenSource::jwt`]: a plex.tv JWT, signed in with a [`DeviceKey`] (by
///   [`upgrade`](Self::upgrade) of a legacy token, or a PIN with
///   [`create_pin`](Self::create_pin)), then kept valid by itself: [`token`](Self::token)
///   refreshes it when less than the refresh margin (1 day by default) is left, each new JWT
///   is verified against plex.tv's keys, and a [`TokenStore`] keeps it across restarts.
///
/// However many tasks ask at the moment a JWT needs refreshing, one refresh runs and every
/// caller gets its result. A refresh that fails while the token is still valid is logged and
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
    /// Seconds before `exp` at which a refresh starts.
    margin: i64,
    pub(super) scopes: String,
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
    at: i64,
    kind: ErrorKind,
    message: String,
}

/// What a [`TokenSource`] holds, without the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// A legacy token: no expiry of its own, never refreshed.
    Legacy,
    /// A plex.tv JWT, refreshed before `expires_at`.
    Jwt {
        /// When it was issued (`iat`).
        issued_at: SystemTime,
        /// When it ends (`exp`).
        expires_at: SystemTime,
    },
}

impl TokenKind {
    /// What `token` claims to be, read without verifying it: a JWT (with the `iat` and `exp`
    /// its claims say) when it is one with a numeric `exp`, else a legacy token. For showing a
    /// token someone gave; a [`TokenSource`] knows what it holds ([`TokenSource::kind`]).
    pub fn of(token: &Secret) -> Self {
        match unverified_lifetime(token) {
            Some(lifetime) => TokenKind::Jwt {
                issued_at: system_time(lifetime.issued_at),
                expires_at: system_time(lifetime.expires_at),
            },
            None => TokenKind::Legacy,
        }
    }
}

impl TokenSource {
    /// A source that answers `token`, a legacy token, as it is.
    pub fn legacy(token: impl Into<Secret>) -> Self {
        let held = Held {
            token: token.into(),
            lifetime: None,
        };
        Self(Arc::new(Shared {
            state: Mutex::new(State {
                held: Some(held),
                failure: None,
            }),
            refreshing: tokio::sync::Mutex::new(()),
            jwt: None,
            store: None,
            clock: Arc::new(SystemClock),
        }))
    }

    /// A JWT source for `identity`, signing with `key`: see [`TokenSourceBuilder`].
    pub fn jwt(identity: ClientIdentity, key: DeviceKey) -> TokenSourceBuilder {
        TokenSourceBuilder {
            identity,
            key,
            store: None,
            margin: Duration::from_secs(24 * 60 * 60),
            clock: Arc::new(SystemClock),
            clients_base_url: None,
            timeouts: None,
            scopes: DEFAULT_SCOPES
                .iter()
                .map(|scope| scope.to_string())
                .collect(),
        }
    }

    /// A valid token: the one held, or for a JWT near its end (within the refresh margin) a
    /// new one. However many tasks call this at once, one refresh runs.
    ///
    /// # Errors
    /// [`ErrorKind::NoToken`] when the source holds no token (sign in first). When a refresh
    /// is needed and fails: while the held JWT is still valid, it is answered (and the failure
    /// logged); once it expired, the failure (the errors of `getAuthNonce`,
    /// `exchangeJwtToken`, `getAuthKeys`, or [`ErrorKind::InvalidJwt`] for a JWT that failed
    /// verification).
    pub async fn token(&self) -> Result<Secret, Error> {
        let held = self.held("token")?;
        match (&self.0.jwt, held.lifetime) {
            (Some(jwt), Some(lifetime))
                if self.now().saturating_add(jwt.margin) >= lifetime.expires_at =>
            {
                self.refresh_held(&held.token, false).await
            }
            _ => Ok(held.token),
        }
    }

    /// The token held when it needs no refresh (a legacy token, or a JWT before its margin),
    /// without waiting: the path of most calls.
    pub(crate) fn fresh(&self) -> Option<Secret> {
        let state = self.state();
        let held = state.held.as_ref()?;
        match (&self.0.jwt, held.lifetime) {
            (Some(jwt), Some(lifetime))
                if self.now().saturating_add(jwt.margin) >= lifetime.expires_at =>
            {
                None
            }
            _ => Some(held.token.clone()),
        }
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
    /// another refreshed gets that refresh's token.
    async fn refresh_held(&self, seen: &Secret, forced: bool) -> Result<Secret, Error> {
        let Some(jwt) = &self.0.jwt else {
            return self.held("refresh").map(|held| held.token);
        };
        let _flight = self.0.refreshing.lock().await;
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
            if now.saturating_sub(failure.at) < wait {
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
                    at: now,
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

/// Unix seconds as a time. A kept token can claim any `exp`: it is clamped to about a thousand
/// years either side of 1970, which every platform's `SystemTime` holds.
fn system_time(seconds: i64) -> SystemTime {
    const LIMIT: i64 = 1000 * 366 * 24 * 60 * 60;
    let seconds = seconds.clamp(-LIMIT, LIMIT);
    let offset = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH + offset
    } else {
        UNIX_EPOCH - offset
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

/// Builds a JWT [`TokenSource`]: start with [`TokenSource::jwt`].
#[must_use]
pub struct TokenSourceBuilder {
    identity: ClientIdentity,
    key: DeviceKey,
    store: Option<Box<dyn TokenStore>>,
    margin: Duration,
    clock: Arc<dyn Clock>,
    clients_base_url: Option<String>,
    timeouts: Option<Timeouts>,
    scopes: Vec<String>,
}

impl fmt::Debug for TokenSourceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSourceBuilder")
            .field("identity", &self.identity)
            .field("key", &self.key)
            .field("store", &self.store.is_some())
            .field("margin", &self.margin)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl TokenSourceBuilder {
    /// Where the token is kept across restarts; without one it lives in memory only.
    pub fn store(mut self, store: impl TokenStore) -> Self {
        self.store = Some(Box::new(store));
        self
    }

    /// How long before a JWT's end a refresh starts (1 day by default; plex.tv's JWTs last 7).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Where the time is read ([`SystemClock`] by default).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sends the JWT calls to `url` instead of `https://clients.plex.tv` (a proxy, a test
    /// server).
    pub fn clients_base_url(mut self, url: impl Into<String>) -> Self {
        self.clients_base_url = Some(url.into());
        self
    }

    /// Timeouts of the JWT calls.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// The scopes asked for (default: every scope plex.tv documents: `username`, `email`,
    /// `friendly_name`, `restricted`, `anonymous`, `joinedAt`).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Builds the source, holding the token the store kept, if any (a JWT kept there was
    /// verified before it was kept, and is not verified again).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] for an unusable base URL, identity or margin;
    /// [`ErrorKind::Storage`] when the store cannot be read.
    pub fn build(self) -> Result<TokenSource, Error> {
        let margin = i64::try_from(self.margin.as_secs()).map_err(|_| Error::Config {
            message: "the refresh margin is too large".into(),
        })?;
        let client_identifier = self.identity.client_identifier().to_string();
        let mut clients = ClientsPlexTvClient::builder(self.identity);
        if let Some(url) = self.clients_base_url {
            clients = clients.base_url(url);
        }
        if let Some(timeouts) = self.timeouts {
            clients = clients.timeouts(timeouts);
        }
        let clients = clients.build()?;
        let held = match &self.store {
            Some(store) => store.load().map_err(|source| Error::Storage {
                operation: "token store",
                message: format!("cannot read the kept token: {source}"),
                source,
            })?,
            None => None,
        };
        let held = held.map(|token| Held {
            lifetime: unverified_lifetime(&token),
            token,
        });
        Ok(TokenSource(Arc::new(Shared {
            state: Mutex::new(State {
                held,
                failure: None,
            }),
            refreshing: tokio::sync::Mutex::new(()),
            jwt: Some(Jwt {
                key: self.key,
                client_identifier,
                clients,
                keys: PlexKeys::default(),
                margin,
                scopes: self.scopes.join(","),
            }),
            store: self.store,
            clock: self.clock,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_given_is_told_a_jwt_by_its_claims_else_legacy() {
        let key = DeviceKey::generate().unwrap();
        let jwt = device_jwt(
            &key,
            "client-1",
            &Secret::new("nonce"),
            "username",
            1_750_000_000,
        );
        assert_eq!(
            TokenKind::of(&jwt),
            TokenKind::Jwt {
                issued_at: UNIX_EPOCH + Duration::from_secs(1_750_000_000),
                expires_at: UNIX_EPOCH + Duration::from_secs(1_750_000_300),
            }
        );
        for legacy in ["legacy-token-abc", "a.b.c", "", "x.e30.y"] {
            assert_eq!(
                TokenKind::of(&Secret::new(legacy)),
                TokenKind::Legacy,
                "{legacy}"
            );
        }
    }
}
