//! The retry settings a caller chooses: how many retries, on which statuses, with which
//! waits. What they mean for one call is decided by the classifiers and the strategy.

use std::time::Duration;

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
/// The rule is by the request's method. A method is idempotent when sending the request twice
/// has the effect of sending it once (RFC 9110: `GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`,
/// `TRACE`); `POST` and `PATCH` are not (sign-in, creating a PIN, switching profile,
/// registering a device key, exchanging a JWT). When no configuration is set, a call takes the
/// default of its method: [`idempotent_default`](Self::idempotent_default) or
/// [`non_idempotent_default`](Self::non_idempotent_default).
///
/// Whatever the configuration, a request that is not idempotent is never retried after a 4xx
/// answer, nor after a transport failure that may have reached the server (a reset, a timeout;
/// only a connection that could not be made is retried): a retried wrong password walks the
/// account into Plex's IP lockout (error 1031). Its 5xx answers are retried only when
/// [`statuses`](Self::statuses) lists them, as [`aggressive`](Self::aggressive) does.
///
/// Only failures before the status line are retried: a body that breaks off or times out after
/// it is reported (with the status), not retried; nor is an answer that is not valid HTTP (a
/// malformed status line, a thousand headers). `Retry-After` sets the wait of a retried status.
/// No retry starts, and no wait ends, past [`Backoff::max_elapsed_time`].
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    /// The waits between attempts.
    pub backoff: Backoff,
    /// At most this many retries after the first attempt.
    pub max_retries: u32,
    /// Retry when the connection fails or drops (for requests that are not idempotent: only
    /// when the connection could not be made, so the request cannot have been processed).
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

    /// The default for requests whose method is idempotent (`GET`, `HEAD`, `PUT`, `DELETE`…):
    /// two retries on transport errors and on 502, 503 and 504, within 20 seconds.
    pub fn idempotent_default() -> Self {
        Self {
            backoff: Backoff::default(),
            max_retries: 2,
            retry_connection_errors: true,
            statuses: vec![502, 503, 504],
            jitter: true,
        }
    }

    /// The default for requests whose method is not idempotent (`POST`, `PATCH`: sign-in,
    /// creating a PIN, switching profile…): one retry when the connection could not be made,
    /// so the request cannot have reached the server; nothing else.
    pub fn non_idempotent_default() -> Self {
        Self {
            backoff: Backoff::default(),
            max_retries: 1,
            retry_connection_errors: true,
            statuses: Vec::new(),
            jitter: true,
        }
    }

    /// Retries transport errors and 429, 500, 502, 503 and 504, honouring `Retry-After`, up to
    /// 4 times (within the rule above for requests that are not idempotent).
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
}
