//! One probe: asks a connection for `/identity`, without a token, and tells whether the
//! server answered there.

use std::net::SocketAddr;
use std::time::Duration;

use crate::Redactor;
use crate::safe_text::truncate_chars;
use crate::{AttemptOutcome, Error, ErrorKind, PmsClient};

/// At most this many characters of another machine's identifier are quoted.
const IDENTIFIER_LIMIT: usize = 64;

/// Why a probe failed: the outcome, and its text (redacted and bounded when an attempt is
/// made of it).
pub(super) type Failure = (AttemptOutcome, String);

/// Asks `client` (built without a token) for `/identity` within `timeout`: `Ok` when it
/// answers `expected`, with the address of the peer that answered. The answer is read as
/// every answer is (size cap, redaction of what an error quotes); a foreign identifier is quoted redacted of `secret` (the server's token, which
/// no probe sends, and so no honest answer holds), inert and bounded.
pub(super) async fn probe(
    client: PmsClient,
    expected: &str,
    timeout: Duration,
    secret: &str,
) -> Result<Option<SocketAddr>, Failure> {
    // The client's own timeouts bound connecting and each attempt; this bounds the whole probe.
    let timed_out = || {
        (
            AttemptOutcome::TimedOut,
            format!("no answer within {} ms", timeout.as_millis()),
        )
    };
    let answer = tokio::time::timeout(timeout, client.get_server_identity())
        .await
        .map_err(|_| timed_out())?
        // The client's timeouts are the probe's: the same failure, whichever fired first.
        .map_err(|err| match err.kind() {
            ErrorKind::Timeout => timed_out(),
            _ => failure(&err),
        })?;
    let found = &answer.media_container.machine_identifier;
    if found != expected {
        let shown = Redactor::new([secret]).message(found);
        return Err((
            AttemptOutcome::WrongServer,
            format!(
                "answered as another server (machineIdentifier {:?})",
                truncate_chars(&shown, IDENTIFIER_LIMIT)
            ),
        ));
    }
    Ok(answer.remote_addr())
}

/// A failed call as an attempt's outcome; its text without the operation's name, whole: it is
/// redacted before it is cut, so that no cut leaves part of a secret.
pub(super) fn failure(error: &Error) -> Failure {
    let outcome = match error.kind() {
        ErrorKind::Transport => AttemptOutcome::Unreachable,
        ErrorKind::Timeout => AttemptOutcome::TimedOut,
        ErrorKind::Config => AttemptOutcome::UnusableUrl,
        _ => AttemptOutcome::BadAnswer,
    };
    let text = error.to_string();
    let text = text.strip_prefix("getServerIdentity: ").unwrap_or(&text);
    (outcome, text.to_string())
}
