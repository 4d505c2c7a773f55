//! plex.tv's public keys (`getAuthKeys`), cached, and the verification of a plex.tv JWT
//! against them.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::jws::Compact;
use super::plex_jwt::{Expected, Lifetime, check_claims};
use crate::types::Jwk;
use crate::{ClientsPlexTvClient, Error, Secret};

/// At most this many keys are kept from an answer: plex.tv publishes a handful.
const MAX_KEYS: usize = 16;

/// A JWT naming a key the cache does not hold makes it fetch the keys again, but not more often
/// than this: a server sending JWTs with made-up key ids cannot make every check a fetch.
const REFETCH_AFTER: Duration = Duration::from_secs(60);

/// Keys older than this (by the source's clock) are fetched again before they are trusted: a
/// key plex.tv withdrew stops being trusted within a day.
const MAX_AGE_SECONDS: i64 = 24 * 60 * 60;

/// plex.tv's keys as last fetched.
#[derive(Debug, Default)]
pub(crate) struct PlexKeys {
    /// Read without waiting: a verification with a cached key never waits behind a fetch.
    cached: Mutex<Option<Fetched>>,
    /// Held while keys are fetched: one fetch at a time.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct Fetched {
    keys: Vec<Jwk>,
    /// When, by the source's clock (Unix seconds): the cache's age.
    fetched_at: i64,
    /// When, monotonic: spaces fetches for unknown key ids.
    at: Instant,
}

/// What the cache says of a key id.
enum Cached {
    Found(Jwk),
    /// Fetched recently and not listed: a made-up key id.
    Unlisted,
    /// No keys, keys too old, or a key id not seen for a while: fetch.
    Fetch,
}

impl Fetched {
    fn look_up(&self, key_id: &str, now: i64) -> Cached {
        let age = now.saturating_sub(self.fetched_at);
        // A clock stepped back (a negative age) cannot vouch for the keys either.
        if !(0..MAX_AGE_SECONDS).contains(&age) {
            return Cached::Fetch;
        }
        match self
            .keys
            .iter()
            .find(|key| key.kid.as_deref() == Some(key_id))
        {
            Some(key) => Cached::Found(key.clone()),
            None if self.at.elapsed() < REFETCH_AFTER => Cached::Unlisted,
            None => Cached::Fetch,
        }
    }
}

impl PlexKeys {
    /// Verifies `token`, a plex.tv JWT received by `operation`: its signature with the plex.tv
    /// key its header names, then its claims.
    ///
    /// # Errors
    /// [`Error::InvalidJwt`] naming what failed; the errors of `getAuthKeys` when the keys
    /// cannot be fetched.
    pub(crate) async fn verify(
        &self,
        clients: &ClientsPlexTvClient,
        operation: &'static str,
        token: &Secret,
        expected: &Expected<'_>,
    ) -> Result<Lifetime, Error> {
        let invalid = |reason: String| Error::InvalidJwt { operation, reason };
        let parsed = Compact::parse(token.expose()).map_err(invalid)?;
        let key_id = parsed
            .key_id()
            .ok_or_else(|| invalid("its header names no key (`kid`)".into()))?;
        let Some(key) = self.key(clients, key_id, expected.now).await? else {
            return Err(invalid(
                "it is signed by a key plex.tv does not list".into(),
            ));
        };
        parsed.verify(&key).map_err(invalid)?;
        check_claims(&parsed.claims, expected).map_err(invalid)
    }

    /// The key `key_id`, from the cache while it is younger than a day and holds it, else
    /// from a fetch (for an unknown key id, not more than once every [`REFETCH_AFTER`]).
    async fn key(
        &self,
        clients: &ClientsPlexTvClient,
        key_id: &str,
        now: i64,
    ) -> Result<Option<Jwk>, Error> {
        if let Some(answer) = self.cached(key_id, now) {
            return Ok(answer);
        }
        let _fetching = self.fetching.lock().await;
        // Another caller may have fetched while this one waited.
        if let Some(answer) = self.cached(key_id, now) {
            return Ok(answer);
        }
        let mut keys = clients.get_auth_keys().await?.into_inner().keys;
        keys.truncate(MAX_KEYS);
        let found = keys
            .iter()
            .find(|key| key.kid.as_deref() == Some(key_id))
            .cloned();
        *self.cache() = Some(Fetched {
            keys,
            fetched_at: now,
            at: Instant::now(),
        });
        Ok(found)
    }

    /// What the cache answers for `key_id` (the key, or that it is not listed), or `None`
    /// when the keys must be fetched.
    fn cached(&self, key_id: &str, now: i64) -> Option<Option<Jwk>> {
        match self.cache().as_ref()?.look_up(key_id, now) {
            Cached::Found(key) => Some(Some(key)),
            Cached::Unlisted => Some(None),
            Cached::Fetch => None,
        }
    }

    fn cache(&self) -> MutexGuard<'_, Option<Fetched>> {
        // Nothing panics while holding it; a poisoned lock still holds a whole cache.
        self.cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
