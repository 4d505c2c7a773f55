//! Whether a failed attempt may be tried again, from what came back and whether its request
//! is idempotent; apart from when and how often (the strategy).

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::RetryConfig;

/// An answer with `status` may be tried again under `policy`: its statuses list it, and a
/// request that is not idempotent is never sent again after a 4xx (a retried wrong password
/// walks the account into plex.tv's lockout).
pub(super) fn retryable_status(policy: &RetryConfig, status: StatusCode, idempotent: bool) -> bool {
    if !idempotent && status.is_client_error() {
        return false;
    }
    policy.statuses.contains(&status.as_u16())
}

/// A transport failure may be tried again under `policy`: a connection that could not be made
/// (nothing reached the server), or for an idempotent request a timeout or a failure while
/// sending. An answer that is not HTTP (a thousand headers, a broken status line) is the
/// server's doing, not the network's: asking again would get the same.
pub(super) fn retryable_transport(
    policy: &RetryConfig,
    error: &reqwest::Error,
    idempotent: bool,
) -> bool {
    if !policy.retry_connection_errors {
        return false;
    }
    error.is_connect()
        || (idempotent && (error.is_timeout() || error.is_request()) && !is_malformed_answer(error))
}

/// Whether the server's answer could not be read as HTTP at all.
fn is_malformed_answer(error: &reqwest::Error) -> bool {
    let mut cause = std::error::Error::source(error);
    while let Some(error) = cause {
        if let Some(hyper) = error.downcast_ref::<hyper::Error>() {
            return hyper.is_parse();
        }
        cause = error.source();
    }
    false
}

/// How long the server asked to wait (`Retry-After`, as seconds or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}
