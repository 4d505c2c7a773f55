//! From a server listed by plex.tv's `/resources` to a ready [`PmsClient`]: its connections
//! probed at once without a token, the server proven by its `/identity`, and the best
//! connection that proved chosen, within one deadline.
//!
//! Files: `rank` (the ranking and when a proven connection may be chosen), `choice` (where the
//! probes of one choice stand, and what became of each), `probe` (one `/identity` request),
//! `lookup` (finding a server by name or client identifier).

mod choice;
mod lookup;
mod probe;
mod rank;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::runtime::tls;
use crate::types::{PlexConnection, PlexDevice};
use crate::{ClientIdentity, Error, PmsClient, Redactor, RetryConfig, Secret, Timeouts};

use choice::Choice;
pub use lookup::find_server;
use lookup::provides_server;

/// The operation name errors of [`Connector::connect`] carry.
const OPERATION: &str = "connect";

/// The running probes: each ends with its candidate's index and outcome.
type Probes = JoinSet<(usize, Result<Option<SocketAddr>, probe::Failure>)>;

/// The largest `/identity` answer a probe reads: a real one is about 200 bytes, and 32 probes
/// of hostile addresses must not hold 32 times the client's usual limit.
const PROBE_ANSWER_LIMIT: usize = 64 * 1024;

/// Chooses how to reach a server: see [`Connector::connect`].
///
/// ```no_run
/// # async fn example(devices: Vec<plex_auth_client::types::PlexDevice>) -> Result<(), Box<dyn std::error::Error>> {
/// use plex_auth_client::{ClientIdentity, Connector, find_server, load_or_create_client_identifier};
///
/// // The installation's own identifier, kept from run to run in the application's config
/// // folder (plex.tv lists each new one as a new device).
/// let id = load_or_create_client_identifier("/home/me/.config/my-app/client-identifier")?;
/// let identity = ClientIdentity::new(id, "My App", "1.0.0");
/// // By name or client identifier; a value two servers share is an error, never a guess.
/// let server = find_server(&devices, "Box")?;
/// let pms = Connector::new(identity).connect(server).await?;
/// println!("reached {} at {}", server.name, pms.base_url());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Connector {
    identity: ClientIdentity,
    probe_timeout: Duration,
    deadline: Duration,
    grace: Duration,
    max_connections: usize,
    root_certificates: Vec<Vec<u8>>,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("identity", &self.identity)
            .field("probe_timeout", &self.probe_timeout)
            .field("deadline", &self.deadline)
            .field("grace", &self.grace)
            .field("max_connections", &self.max_connections)
            .field("root_certificates", &self.root_certificates.len())
            .finish()
    }
}

impl Connector {
    /// The probe timeout when none is set: 3 s.
    pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(3);
    /// The deadline of the whole choice when none is set: 5 s.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(5);
    /// The grace period when none is set: 400 ms (see [`Connector::grace`]).
    pub const DEFAULT_GRACE: Duration = Duration::from_millis(400);
    /// How many connections are probed when no cap is set: 32.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 32;

    /// A connector whose probes and returned client carry `identity`, with the defaults:
    /// probe timeout 3 s, deadline 5 s, grace 400 ms, at most 32 connections probed.
    pub fn new(identity: ClientIdentity) -> Self {
        Self {
            identity,
            probe_timeout: Self::DEFAULT_PROBE_TIMEOUT,
            deadline: Self::DEFAULT_DEADLINE,
            grace: Self::DEFAULT_GRACE,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            root_certificates: Vec::new(),
        }
    }

    /// How long one probe may take, connecting included (default 3 s). A connection that has
    /// not answered by then counts as failed.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.probe_timeout = timeout;
        self
    }

    /// How long the whole choice may take, from the call to the client returned (default
    /// 5 s). Probes still running then count as failed, and the best connection proven so far
    /// is chosen, or the call fails with [`ErrorKind::NoConnection`](crate::ErrorKind::NoConnection).
    /// Every probe starts at once, so with the defaults the choice ends within the probe
    /// timeout; the deadline bounds it whatever the probe timeout.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// How long to wait, after the first connection proved to be the server, for a better one
    /// still probing (default 400 ms). A connection is chosen at once when no better one can
    /// still answer; otherwise when the grace is over, so one silent address does not hold the
    /// choice up for the whole probe timeout, while a LAN connection that answers within the
    /// grace still wins over a remote one or the relay that answered first.
    ///
    /// 400 ms: a remote connection that answers within a few hundred milliseconds must win
    /// over the relay that answered at once, and the whole choice should still take well
    /// under a second when a LAN address is silent. BENCHMARKS.md gives the times of the
    /// choice with this default; other values trade one of these for the other.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// How many connections are probed, the best-ranked ones (default 32; at least 1). The
    /// others are reported as not tried ([`AttemptOutcome::NotTried`](crate::AttemptOutcome::NotTried)): a list of thousands of
    /// connections costs no more than a list of 32.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Trusts the certificates of `pem` as roots beside the system's, for the probes and the
    /// client returned: see [`ClientBuilder::add_root_certificates_pem`](crate::ClientBuilder::add_root_certificates_pem).
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Probes `device`'s connections and returns a client for the best one that proved to be
    /// that server: its `/identity` answers the device's `clientIdentifier` as
    /// `machineIdentifier`.
    ///
    /// - **Prove first, then trust.** Probes carry no token: an address plex.tv lists may be
    ///   another machine's (a LAN address reused on another network). The device's own
    ///   `accessToken` (never the account token) goes only into the client returned, for the
    ///   connection that proved to be the server.
    /// - **A server that can be proven.** A device listed without a client identifier is
    ///   refused: an empty `machineIdentifier` is anyone's answer.
    /// - **https where it counts.** A device with `httpsRequired` is probed over https only.
    ///   Over https to a `*.plex.direct` name, the certificate proves the host is the server's;
    ///   over http, `/identity` only tells the server from another Plex server, and anyone on
    ///   the path could answer with its identifier. So an http connection is chosen only when
    ///   no https connection of the same or a better place can still answer.
    /// - **Ranking.** Local beats remote beats relay, then https beats http; equals keep
    ///   plex.tv's order. The answer comes as soon as no better connection can still answer,
    ///   or when the [grace](Connector::grace) after the first proof is over.
    /// - **Bounded.** The best [`max_connections`](Connector::max_connections) connections are
    ///   probed, all at once, over one HTTP client; each within the
    ///   [probe timeout](Connector::timeout), the whole within the
    ///   [deadline](Connector::deadline).
    /// - **Kept where it was proven.** The proof holds for the address that answered, not for
    ///   a name: when the connection names its host, the client returned sends to the
    ///   address that proved to be the server, never resolving the name again (an http
    ///   connection by name would otherwise take the token to whatever the name resolves to
    ///   later). Over https the certificate is still checked against the name.
    ///
    /// The client returned uses the identity given to [`Connector::new`] and the default
    /// timeouts and retries.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) when the device is not a
    /// server or has no client identifier (nothing is sent);
    /// [`ErrorKind::NoServerToken`](crate::ErrorKind::NoServerToken) when plex.tv lists it
    /// without an access token (nothing is sent);
    /// [`ErrorKind::NoConnection`](crate::ErrorKind::NoConnection) when no connection proved
    /// to be the server, with every connection and what became of it in
    /// [`Error::connect_attempts`]; [`ErrorKind::Config`](crate::ErrorKind::Config) when a
    /// root certificate does not parse or TLS cannot be set up.
    pub async fn connect(&self, device: &PlexDevice) -> Result<PmsClient, Error> {
        let deadline = instant_after(self.deadline);
        // plex.tv's texts can echo the device's token (or another secret of its listing):
        // every one an error quotes goes through this.
        let shown = Redactor::default().secrets_of(device);
        let name = lookup::shown_name(&shown, &device.name);
        if !provides_server(device) {
            return Err(Error::InvalidInput {
                operation: OPERATION,
                message: format!("device {name:?} is not a server"),
            });
        }
        // `/identity` answers the identifier: an empty one any machine can answer.
        if device.client_identifier.trim().is_empty() {
            return Err(Error::InvalidInput {
                operation: OPERATION,
                message: format!(
                    "plex.tv lists server {name:?} without a client identifier: it cannot be \
                     proven (nothing was sent)"
                ),
            });
        }
        let Some(token) = device
            .access_token
            .clone()
            .filter(|t| !t.expose().is_empty())
        else {
            return Err(Error::NoServerToken { server: name });
        };
        let plan = rank::plan(
            &device.connections,
            rank::flag(device.https_required),
            self.max_connections,
        );
        let tls = match self.root_certificates.as_slice() {
            [] => tls::shared()?,
            roots => tls::with_extra_roots(roots)?,
        };
        let candidates: Vec<&PlexConnection> = plan
            .candidates
            .iter()
            .map(|&index| &device.connections[index])
            .collect();
        let mut choice = Choice::new(&candidates);
        let mut probes = self.start_probes(&candidates, device, &token, &tls, &mut choice)?;
        let chosen = self.run(&mut choice, &mut probes, deadline).await;
        // Dropping the set aborts the probes still running.
        drop(probes);
        match chosen {
            // The client kept has the default timeouts and retries: the probe's are for
            // probing only. It shares the probes' TLS configuration.
            Some(index) => pinned(
                PmsClient::builder(&candidates[index].uri, self.identity.clone()),
                &candidates[index].uri,
                choice.peer(index),
            )
            .token(token)
            .tls_config(tls)
            .build(),
            None => Err(Error::NoConnection {
                server: name,
                attempts: choice.attempts(device, &plan, &shown),
            }),
        }
    }

    /// Starts one probe per candidate, all at once, over one HTTP client (no token, the probe
    /// timeout, no retries: the other connections are the retry). A candidate whose URL the
    /// client refuses fails at once.
    fn start_probes(
        &self,
        candidates: &[&PlexConnection],
        device: &PlexDevice,
        token: &Secret,
        tls: &Arc<rustls::ClientConfig>,
        choice: &mut Choice,
    ) -> Result<Probes, Error> {
        let http = self.probe_builder(String::new(), tls).http_client()?;
        let mut probes = JoinSet::new();
        for (index, connection) in candidates.iter().enumerate() {
            let client = self
                .probe_builder(connection.uri.clone(), tls)
                .build_with(http.clone());
            match client {
                Ok(client) => {
                    let expected = device.client_identifier.clone();
                    let (timeout, secret) = (self.probe_timeout, token.clone());
                    probes.spawn(async move {
                        let outcome =
                            probe::probe(client, &expected, timeout, secret.expose()).await;
                        (index, outcome)
                    });
                }
                Err(err) => choice.settle(index, Err(probe::failure(&err)), self.grace),
            }
        }
        Ok(probes)
    }

    /// Settles probes as they finish until a candidate may be chosen, the probes are done, or
    /// the deadline passes; the candidate chosen, if any.
    async fn run(
        &self,
        choice: &mut Choice,
        probes: &mut Probes,
        deadline: Instant,
    ) -> Option<usize> {
        loop {
            if let Some(index) = choice.chosen() {
                return Some(index);
            }
            if probes.is_empty() {
                return choice.at_deadline("the probe did not finish".into());
            }
            tokio::select! {
                joined = probes.join_next() => {
                    // A probe that panicked stays pending; the deadline settles it.
                    if let Some(Ok((index, outcome))) = joined {
                        choice.settle(index, outcome, self.grace);
                    }
                }
                () = choice.grace_over() => choice.end_grace(),
                () = tokio::time::sleep_until(deadline) => {
                    let reason = format!(
                        "no answer before the deadline ({} ms)",
                        self.deadline.as_millis()
                    );
                    return choice.at_deadline(reason);
                }
            }
        }
    }

    /// A client builder for probing `uri`: no token, the probe timeout, no retries, a small
    /// answer limit.
    fn probe_builder(
        &self,
        uri: String,
        tls: &Arc<rustls::ClientConfig>,
    ) -> crate::ClientBuilder<PmsClient> {
        PmsClient::builder(uri, self.identity.clone())
            .timeouts(Timeouts {
                connect: self.probe_timeout,
                total: self.probe_timeout,
            })
            .retry(RetryConfig::none())
            .max_response_size(PROBE_ANSWER_LIMIT)
            .tls_config(tls.clone())
    }
}

/// The instant `wait` from now, or a far future one when that is past what an `Instant`
/// holds (`Duration::MAX` means "no limit").
pub(super) fn instant_after(wait: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(wait)
        // About 30 years: no choice lasts that long.
        .unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 24 * 60 * 60))
}

/// `builder` sending to `peer`, the address `uri` proved to be the server at, when `uri`
/// names its host: resolving the name again could give another machine the token (the proof
/// holds for the address that answered, not for the name). An IP address needs no pinning.
fn pinned(
    builder: crate::ClientBuilder<PmsClient>,
    uri: &str,
    peer: Option<SocketAddr>,
) -> crate::ClientBuilder<PmsClient> {
    let url = reqwest::Url::parse(uri).ok();
    match (url.as_ref().and_then(reqwest::Url::domain), peer) {
        (Some(host), Some(peer)) => builder.pin_host(host.to_string(), peer),
        _ => builder,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;

    use super::*;

    /// A client pinned to the proven address reaches it under a name no resolver knows: the
    /// name is never resolved again.
    #[tokio::test]
    async fn the_client_returned_sends_to_the_proven_address_not_to_the_name() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer).unwrap() {
                    0 => break,
                    read => request.extend_from_slice(&buffer[..read]),
                }
            }
            let body = r#"{"MediaContainer":{"machineIdentifier":"m-1"}}"#;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).unwrap();
            String::from_utf8_lossy(&request).into_owned()
        });
        // `.invalid` never resolves (RFC 6761).
        let uri = format!("http://proven-server.invalid:{}", peer.port());
        let identity = ClientIdentity::new("c-1", "test", "1.0");
        let pms = pinned(PmsClient::builder(&uri, identity), &uri, Some(peer))
            .retry(RetryConfig::none())
            .build()
            .unwrap();
        let answer = pms.get_server_identity().await.unwrap();
        assert_eq!(answer.media_container.machine_identifier, "m-1");
        assert_eq!(answer.remote_addr(), Some(peer));
        let request = server.join().unwrap().to_ascii_lowercase();
        assert!(
            request.contains("host: proven-server.invalid:"),
            "{request}"
        );
    }
}
