//! The settings of a JWT token source, and its building.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::clock::{Clock, SystemClock};
use super::plex_jwt::{DEFAULT_SCOPES, unverified_lifetime};
use super::plex_keys::PlexKeys;
use super::source::{Held, Jwt};
use super::{DeviceKey, TokenSource, TokenStore};
use crate::{ClientIdentity, ClientsPlexTvClient, Error, Timeouts};

impl TokenSource {
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
    /// A JWT living less than twice the margin is refreshed at half its life instead: never
    /// on every call.
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
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for an unusable base URL, identity or margin;
    /// [`ErrorKind::Storage`](crate::ErrorKind::Storage) when the store cannot be read.
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
        let jwt = Jwt {
            key: self.key,
            client_identifier,
            clients,
            keys: PlexKeys::default(),
            margin,
            scopes: self.scopes.join(","),
        };
        Ok(TokenSource::new(held, Some(jwt), self.store, self.clock))
    }
}
