//! From a server listed by plex.tv's `/resources` to a ready [`PmsClient`]: its connections
//! probed in parallel, each with a short timeout, the server confirmed by its `/identity`, and
//! the best connection that answered chosen.

use std::time::Duration;

use tokio::task::JoinSet;

use crate::runtime::{inert, shown_url, truncate_chars};
use crate::types::{PlexConnection, PlexDevice};
use crate::{ClientIdentity, ConnectAttempt, Error, PmsClient, RetryConfig, Secret, Timeouts};

/// The operation name errors of [`Connector::connect`] carry.
const OPERATION: &str = "connect";

/// Chooses how to reach a server: see [`Connector::connect`].
///
/// ```no_run
/// # async fn example(devices: Vec<plex_auth_client::types::PlexDevice>) -> Result<(), plex_auth_client::Error> {
/// use plex_auth_client::{ClientIdentity, Connector};
///
/// let identity = ClientIdentity::new("3381b62b-9ab7-4e37-827b-203e9809eb58", "My App", "1.0.0");
/// let server = devices.iter().find(|d| d.name == "Box").expect("listed");
/// let pms = Connector::new(identity).connect(server).await?;
/// println!("reached {} at {}", server.name, pms.base_url());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Connector {
    identity: ClientIdentity,
    timeout: Duration,
    concurrency: usize,
}

impl Connector {
    /// A connector whose probes and returned client carry `identity`; probes time out after
    /// 3 s, at most 4 run at a time.
    pub fn new(identity: ClientIdentity) -> Self {
        Self {
            identity,
            timeout: Duration::from_secs(3),
            concurrency: 4,
        }
    }

    /// How long one probe may take, connecting included (default 3 s): a LAN address of a
    /// server that is elsewhere does not answer at all, and must not hold the choice up.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many probes run at once (default 4; at least 1).
    pub fn concurrency(mut self, probes: usize) -> Self {
        self.concurrency = probes.max(1);
        self
    }

    /// Probes `device`'s connections and returns a client for the best one that answered as
    /// that server: its `/identity` `machineIdentifier` equals the device's
    /// `clientIdentifier`. Local beats remote beats relay, then https beats http; the answer
    /// comes as soon as no better connection can still answer.
    ///
    /// Each probe, and the client returned, carry the device's own `accessToken`, sent only to
    /// that device's connections (never the account token). The client uses the identity
    /// given to [`Connector::new`] and the default timeouts and retries.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) when the device is not a
    /// server or has no access token; [`ErrorKind::NoConnection`](crate::ErrorKind::NoConnection)
    /// when no connection answered as the server, with every attempt in
    /// [`Error::connect_attempts`].
    pub async fn connect(&self, device: &PlexDevice) -> Result<PmsClient, Error> {
        let name = inert(&truncate_chars(&device.name, 128));
        if !provides_server(device) {
            return Err(invalid(format!("device {name:?} is not a server")));
        }
        let Some(token) = device.access_token.clone().filter(|t| !t.is_empty()) else {
            return Err(invalid(format!(
                "server {name:?} has no accessToken: plex.tv lists one for every server the \
                 account may use"
            )));
        };
        let mut candidates: Vec<&PlexConnection> = device.connections.iter().collect();
        // A stable sort: equally ranked connections keep plex.tv's order.
        candidates.sort_by_key(|connection| rank(connection));
        let expected = device.client_identifier.clone();
        let mut outcomes: Vec<Option<Result<(), String>>> = vec![None; candidates.len()];
        let mut probes = JoinSet::new();
        let mut next = 0;
        loop {
            while next < candidates.len() && probes.len() < self.concurrency {
                let client = self.client(&candidates[next].uri, token.clone());
                probes.spawn(probe(next, client, expected.clone(), self.timeout));
                next += 1;
            }
            if let Some(chosen) = best_settled(&outcomes) {
                // Dropping the set aborts the probes still running. The client kept has the
                // default timeouts and retries: the probe's are for probing only.
                return PmsClient::builder(&candidates[chosen].uri, self.identity.clone())
                    .token(token)
                    .build();
            }
            match probes.join_next().await {
                Some(Ok((index, outcome))) => outcomes[index] = Some(outcome),
                // A probe that panicked stays unsettled; it is reported as such below.
                Some(Err(_)) => {}
                None => break,
            }
        }
        let attempts = candidates
            .iter()
            .zip(outcomes)
            .map(|(connection, outcome)| ConnectAttempt {
                url: inert(&shown_url(&connection.uri)),
                local: flag(connection.local),
                relay: flag(connection.relay),
                reason: match outcome {
                    Some(Err(reason)) => reason,
                    _ => "the probe did not finish".into(),
                },
            })
            .collect();
        Err(Error::NoConnection {
            server: name,
            attempts,
        })
    }

    /// A client for one connection, with the device's token and the probe's timeouts.
    fn client(&self, uri: &str, token: Secret) -> Result<PmsClient, Error> {
        PmsClient::builder(uri, self.identity.clone())
            .token(token)
            .timeouts(Timeouts {
                connect: self.timeout,
                total: self.timeout,
            })
            // The other connections are the retry.
            .retry(RetryConfig::none())
            .build()
    }
}

/// Asks one connection for `/identity`: whether the device's server answered there.
async fn probe(
    index: usize,
    client: Result<PmsClient, Error>,
    expected: String,
    timeout: Duration,
) -> (usize, Result<(), String>) {
    let outcome = async {
        let client = client.map_err(|err| err.to_string())?;
        // The client's own timeouts bound each phase; this bounds the whole probe.
        let answer = tokio::time::timeout(timeout, client.get_server_identity())
            .await
            .map_err(|_| format!("no answer within {} ms", timeout.as_millis()))?
            .map_err(|err| err.to_string())?;
        let found = &answer.media_container.machine_identifier;
        if *found != expected {
            return Err(format!(
                "answered as another server (machineIdentifier {:?})",
                inert(&truncate_chars(found, 64))
            ));
        }
        Ok(())
    }
    .await;
    (index, outcome)
}

/// The index of the best connection that answered, once every better one has failed.
fn best_settled(outcomes: &[Option<Result<(), String>>]) -> Option<usize> {
    for (index, outcome) in outcomes.iter().enumerate() {
        match outcome {
            Some(Ok(())) => return Some(index),
            Some(Err(_)) => continue,
            None => return None,
        }
    }
    None
}

/// Lower is better: local, remote, relay; within each, https before http.
fn rank(connection: &PlexConnection) -> u8 {
    let place = if flag(connection.relay) {
        2
    } else if flag(connection.local) {
        0
    } else {
        1
    };
    let https = connection
        .uri
        .trim_start()
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
    place * 2 + u8::from(!https)
}

fn flag(value: Option<crate::FlexBool>) -> bool {
    value.is_some_and(crate::FlexBool::get)
}

/// Whether `provides` lists `server` (it is a comma-separated list of roles).
pub(crate) fn provides_server(device: &PlexDevice) -> bool {
    device
        .provides
        .as_deref()
        .is_some_and(|roles| roles.split(',').any(|role| role.trim() == "server"))
}

fn invalid(message: String) -> Error {
    Error::InvalidInput {
        operation: OPERATION,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(uri: &str, local: bool, relay: bool) -> PlexConnection {
        serde_json::from_value(serde_json::json!({"uri": uri, "local": local, "relay": relay}))
            .unwrap()
    }

    #[test]
    fn ranks_local_then_remote_then_relay_and_https_first() {
        let ranks: Vec<u8> = [
            connection("https://a:1", true, false),
            connection("http://a:1", true, false),
            connection("HTTPS://b:1", false, false),
            connection("http://b:1", false, false),
            connection("https://c:1", false, true),
            connection("http://c:1", true, true),
        ]
        .iter()
        .map(rank)
        .collect();
        assert_eq!(ranks, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn waits_for_a_better_candidate_still_running() {
        let failed = Some(Err("refused".to_string()));
        assert_eq!(best_settled(&[None, Some(Ok(()))]), None);
        assert_eq!(best_settled(&[failed.clone(), None]), None);
        assert_eq!(best_settled(&[failed.clone(), Some(Ok(())), None]), Some(1));
        assert_eq!(best_settled(&[Some(Ok(())), Some(Ok(()))]), Some(0));
        assert_eq!(best_settled(&[failed]), None);
        assert_eq!(best_settled(&[]), None);
    }
}
