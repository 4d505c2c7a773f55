//! What a failed choice of a server's connection, or a failed lookup of a server, tells: each
//! connection tried and what became of it, each server that could have been meant.

use std::fmt;

/// A connection of a server that [`Connector::connect`](crate::Connector::connect) did not
/// choose, and why. Holds no token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectAttempt {
    /// The connection's URL: scheme, host, port and path only, redacted (of the server's
    /// token and every other secret of its listing), inert and bounded.
    pub url: String,
    /// Whether plex.tv marks it local (on the server's LAN).
    pub local: bool,
    /// Whether it goes through Plex's relay.
    pub relay: bool,
    /// What became of it.
    pub outcome: AttemptOutcome,
    /// Why it was not chosen, as one bounded line, redacted as the URL is (it may quote the
    /// URL or the answer).
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
/// text is plex.tv's, redacted (of the tokens plex.tv's list holds), inert and bounded.
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

/// How many attempts the text of [`Error::NoConnection`] names before "and N more".
const ATTEMPTS_SHOWN: usize = 3;

/// How many servers the text of a lookup error names before "and N more".
const SERVERS_SHOWN: usize = 10;

/// One line: the server, how many connections were probed, and the first few attempts.
pub(super) fn no_connection(server: &str, attempts: &[ConnectAttempt]) -> String {
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

pub(super) fn server_not_found(wanted: &str, servers: &[ServerSummary]) -> String {
    if servers.is_empty() {
        return format!("no server {wanted:?}: the account has no server");
    }
    format!(
        "no server {wanted:?} among the account's servers (by name or client identifier): {}",
        listed(servers)
    )
}

pub(super) fn ambiguous_server(wanted: &str, servers: &[ServerSummary]) -> String {
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
