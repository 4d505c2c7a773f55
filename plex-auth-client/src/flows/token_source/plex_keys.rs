//! plex.tv's public keys (`getAuthKeys`), cached, and the verification of a plex.tv JWT
//! against them.

use std::time::Duration;

use tokio::sync::Mutex;
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

/// plex.tv's keys as last fetched.
#[derive(Debug, Default)]
pub(crate) struct PlexKeys {
    cached: Mutex<Option<Fetched>>,
}

#[derive(Debug)]
struct Fetched {
    keys: Vec<Jwk>,
    at: Instant,
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
        let Some(key) = self.key(clients, key_id).await? else {
            return Err(invalid(
                "it is signed by a key plex.tv does not list".into(),
            ));
        };
        parsed.verify(&key).map_err(invalid)?;
        check_claims(&parsed.claims, expected).map_err(invalid)
    }

    /// The key `key_id`, from the cache, or from a fetch when the cache has none or does not
    /// hold it (and was not fetched in the last [`REFETCH_AFTER`]).
    async fn key(&self, clients: &ClientsPlexTvClient, key_id: &str) -> Result<Option<Jwk>, Error> {
        let mut cached = self.cached.lock().await;
        let find = |fetched: &Fetched| {
            fetched
                .keys
                .iter()
                .find(|key| key.kid.as_deref() == Some(key_id))
                .cloned()
        };
        if let Some(fetched) = cached.as_ref() {
            if let Some(key) = find(fetched) {
                return Ok(Some(key));
            }
            if fetched.at.elapsed() < REFETCH_AFTER {
                return Ok(None);
            }
        }
        let mut keys = clients.get_auth_keys().await?.into_inner().keys;
        keys.truncate(MAX_KEYS);
        let fetched = cached.insert(Fetched {
            keys,
            at: Instant::now(),
        });
        Ok(find(fetched))
    }
}
