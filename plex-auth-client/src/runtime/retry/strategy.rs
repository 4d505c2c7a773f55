//! When and how often a call is tried again: the policy a call follows (its client's or its
//! method's default), the wait before each retry (the server's `Retry-After`, else the
//! backoff), the time budget, and the copy of the request kept for the next attempt. Whether
//! a failure may be retried at all is the classifiers' word.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use super::RetryConfig;
use super::classify::{retry_after, retryable_status, retryable_transport};
use crate::runtime::redirect::send_following_redirects;
use crate::runtime::transport::transport_message;
use crate::runtime::{Context, Operation};

/// Sends `request` for `operation` as many times as its retry policy allows: the client's or
/// these calls' policy, else the default of the request's method.
pub(in crate::runtime) async fn attempts(
    http: &reqwest::Client,
    context: &Context,
    request: reqwest::Request,
    operation: &'static Operation,
    // The call's span, passed rather than taken as the current span: when it is disabled the
    // current span is the caller's, whose fields are not ours to set.
    span: &tracing::Span,
) -> reqwest::Result<reqwest::Response> {
    let idempotent = operation.idempotent();
    let policy = policy_for(context, idempotent);
    let started = Instant::now();
    let mut attempt: u32 = 0;
    let mut request = request;
    loop {
        attempt += 1;
        // Keep a copy for the next attempt only when one may follow; a streaming body
        // cannot be copied and is sent once.
        let next = if attempt <= policy.max_retries {
            request.try_clone()
        } else {
            None
        };
        // The copy kept for a retry also serves a redirect, so a GET is not copied twice.
        let result = send_following_redirects(http, request, next.as_ref()).await;
        let elapsed = started.elapsed();
        span.record("attempts", attempt);
        span.record("elapsed_ms", elapsed.as_millis() as u64);
        let wait = match &result {
            Ok(response) => {
                let status = response.status();
                span.record("status", status.as_u16());
                tracing::debug!(attempt, status = status.as_u16(), "answer");
                retryable_status(policy, status, idempotent).then(|| {
                    retry_after(response.headers()).unwrap_or_else(|| backoff_wait(policy, attempt))
                })
            }
            Err(error) => {
                let error_text = transport_message(error);
                tracing::debug!(attempt, error = %error_text, "transport error");
                retryable_transport(policy, error, idempotent)
                    .then(|| backoff_wait(policy, attempt))
            }
        };
        let (Some(wait), Some(next)) = (wait, next) else {
            return result;
        };
        // A huge Retry-After must not overflow the addition.
        if elapsed
            .checked_add(wait)
            .is_none_or(|end| end > policy.backoff.max_elapsed_time)
        {
            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retry budget spent"
            );
            return result;
        }
        // Free the connection before sleeping.
        drop(result);
        tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
        tokio::time::sleep(wait).await;
        request = next;
    }
}

/// The policy a call follows: the one set for the client or these calls, else the default of
/// its method's idempotency.
fn policy_for(context: &Context, idempotent: bool) -> &RetryConfig {
    // The defaults are built once: a call borrows its policy rather than cloning one.
    static IDEMPOTENT_DEFAULT: LazyLock<RetryConfig> =
        LazyLock::new(RetryConfig::idempotent_default);
    static NON_IDEMPOTENT_DEFAULT: LazyLock<RetryConfig> =
        LazyLock::new(RetryConfig::non_idempotent_default);
    match context.retry() {
        Some(policy) => policy,
        None if idempotent => &IDEMPOTENT_DEFAULT,
        None => &NON_IDEMPOTENT_DEFAULT,
    }
}

/// The backoff wait before retry number `retry` (1-based), jitter included.
fn backoff_wait(policy: &RetryConfig, retry: u32) -> Duration {
    let backoff = &policy.backoff;
    let factor = backoff
        .exponent
        .max(1.0)
        .powi(retry.saturating_sub(1) as i32);
    let base = backoff.initial_interval.as_secs_f64() * factor;
    let capped = base.min(backoff.max_interval.as_secs_f64());
    let jittered = if policy.jitter {
        capped * (0.75 + fastrand::f64() * 0.5)
    } else {
        capped
    };
    Duration::try_from_secs_f64(jittered).unwrap_or(backoff.max_interval)
}
