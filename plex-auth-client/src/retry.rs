//! Retry policy: which failures are retried, and how long to wait between attempts.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Exponential backoff between attempts, as in the seed SDK's `BackoffStrategy`.
#[derive(Clone, Debug, PartialEq)]
pub struct Backoff {
    /// Wait before the first retry.
    pub initial_interval: Duration,
    /// Longest wait between two attempts (before jitter).
    pub max_interval: Duration,
    /// Factor applied to the wait after each retry.
    pub exponent: f64,
    /// No retry starts once this much time has passed since the first attempt, and no wait
    /// (Retry-After included) is allowed to end past it.
    pub max_elapsed_time: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(5),
            exponent: 1.5,
            max_elapsed_time: Duration::from_secs(20),
        }
    }
}

/// When and how a call is retried. Settable for a whole client
/// ([`ClientBuilder::retry`](crate::ClientBuilder::retry)) and for the calls made through one
/// handle ([`CallOptions::retry`](crate::CallOptions::retry)).
///
/// Whatever the configuration, a request that is not idempotent (sign-in is a POST) is never
/// retried after a 4xx answer, nor after a transport failure that may have reached the server
/// (a reset, a timeout; only a connection that could not be made is retried): a retried wrong
/// password walks the account into Plex's IP lockout (error 1031). Its 5xx answers are retried
/// only when [`statuses`](Self::statuses) lists them, as [`aggressive`](Self::aggressive) does.
///
/// Only failures before the status line are retried: a body that breaks off or times out after
/// it is reported (with the status), not retried; nor is an answer that is not valid HTTP (a
/// malformed status line, a thousand headers).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    /// The waits between attempts.
    pub backoff: Backoff,
    /// At most this many retries after the first attempt.
    pub max_retries: u32,
    /// Retry when the connection fails or drops (for non-idempotent requests: only when the
    /// connection could not be made, so the request cannot have been processed).
    pub retry_connection_errors: bool,
    /// Statuses that are retried. `Retry-After` is honoured on any of them.
    pub statuses: Vec<u16>,
    /// Add up to ±25% of random jitter to each backoff wait, so clients that failed together
    /// do not retry together.
    pub jitter: bool,
}

impl RetryConfig {
    /// No retry at all.
    pub fn none() -> Self {
        Self {
            backoff: Backoff::default(),
            max_retries: 0,
            retry_connection_errors: false,
            statuses: Vec::new(),
            jitter: true,
        }
    }

    /// The default for idempotent requests (the GETs): two retries on transport errors and on
    /// 502, 503 and 504, within 20 seconds.
    pub fn idempotent_default() -> Self {
        Self {
            backoff: Backoff::default(),
            max_retries: 2,
            retry_connection_errors: true,
            statuses: vec![502, 503, 504],
            jitter: true,
        }
    }

    /// The default for sign-in: one retry when the connection could not be made, nothing else.
    pub fn sign_in_default() -> Self {
        Self {
            backoff: Backoff::default(),
            max_retries: 1,
            retry_connection_errors: true,
            statuses: Vec::new(),
            jitter: true,
        }
    }

    /// Retries transport errors and 429, 500, 502, 503 and 504, honouring `Retry-After`.
    pub fn aggressive() -> Self {
        Self {
            statuses: vec![429, 500, 502, 503, 504],
            max_retries: 4,
            ..Self::idempotent_default()
        }
    }

    /// Sets the backoff.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Sets the maximum number of retries.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the retried statuses.
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Turns jitter on or off (off makes waits predictable, for tests).
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets whether transport errors are retried.
    pub fn with_retry_connection_errors(mut self, retry: bool) -> Self {
        self.retry_connection_errors = retry;
        self
    }

    /// The backoff wait before retry number `retry` (1-based), jitter included.
    pub(crate) fn backoff_wait(&self, retry: u32) -> Duration {
        let backoff = &self.backoff;
        let factor = backoff
            .exponent
            .max(1.0)
            .powi(retry.saturating_sub(1) as i32);
        let base = backoff.initial_interval.as_secs_f64() * factor;
        let capped = base.min(backoff.max_interval.as_secs_f64());
        let jittered = if self.jitter {
            capped * (0.75 + fastrand::f64() * 0.5)
        } else {
            capped
        };
        Duration::try_from_secs_f64(jittered).unwrap_or(backoff.max_interval)
    }

    /// Whether an answer with `status` is retried for a request of this idempotency.
    pub(crate) fn retries_status(&self, status: StatusCode, idempotent: bool) -> bool {
        if !idempotent && status.is_client_error() {
            return false;
        }
        self.statuses.contains(&status.as_u16())
    }

    /// Whether a transport error is retried for a request of this idempotency.
    pub(crate) fn retries_transport(&self, error: &reqwest::Error, idempotent: bool) -> bool {
        if !self.retry_connection_errors {
            return false;
        }
        // A connect failure means nothing reached the server; anything later may have. An
        // answer that is not HTTP (a thousand headers, a broken status line) is the server's
        // doing, not the network's: asking again would get the same.
        error.is_connect()
            || (idempotent
                && (error.is_timeout() || error.is_request())
                && !is_malformed_answer(error))
    }
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

/// Reads `Retry-After` as seconds or an HTTP date.
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
