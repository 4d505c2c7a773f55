//! Sending: the retry loop and redirects, inside one tracing span per call, and the size cap on
//! the answer that comes back.

use std::sync::LazyLock;
use std::time::Instant;

use reqwest::{Method, StatusCode, Url};
use tracing::Instrument;

use super::body::capped;
use super::redact::transport_message;
use super::{Context, Operation};
use crate::retry::RetryConfig;

/// At most this many redirects are followed in one attempt.
const MAX_REDIRECTS: usize = 5;

/// Marks an answer reached by following a redirect, in the response's extensions: such an
/// answer is not the first server's own word (a portal's 401 is not plex.tv refusing a token).
#[derive(Clone, Copy, Debug)]
pub(super) struct Redirected;

/// Sends the request, retrying as the retry policy allows, inside a tracing span.
pub(super) async fn execute(
    http: &reqwest::Client,
    context: &Context,
    request: reqwest::Request,
    operation: &'static Operation,
) -> reqwest::Result<reqwest::Response> {
    let span = tracing::info_span!(
        "plex_auth.call",
        operation = operation.id,
        method = %request.method(),
        host = request.url().host_str().unwrap_or_default(),
        // The template, not the path sent: it holds no identifier (a PIN id, a user uuid).
        path = operation.path,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
    );
    // A span no subscriber wants (no subscriber at all, or one filtering it out) records
    // nothing and entering it does nothing: the call then skips entering and leaving it at
    // every poll.
    let result = if span.is_disabled() {
        attempts(http, context, request, operation, &span).await
    } else {
        let inner = attempts(http, context, request, operation, &span);
        inner.instrument(span.clone()).await
    };
    result.map(|response| capped(response, context.max_response_size()))
}

async fn attempts(
    http: &reqwest::Client,
    context: &Context,
    request: reqwest::Request,
    operation: &'static Operation,
    // The call's span, passed rather than taken as the current span: when it is disabled the
    // current span is the caller's, whose fields are not ours to set.
    span: &tracing::Span,
) -> reqwest::Result<reqwest::Response> {
    let idempotent = operation.idempotent();
    // The defaults are built once: a call borrows its policy rather than cloning one.
    static IDEMPOTENT_DEFAULT: LazyLock<RetryConfig> =
        LazyLock::new(RetryConfig::idempotent_default);
    static SIGN_IN_DEFAULT: LazyLock<RetryConfig> = LazyLock::new(RetryConfig::sign_in_default);
    let policy: &RetryConfig = match context.retry() {
        Some(policy) => policy,
        None if idempotent => &IDEMPOTENT_DEFAULT,
        None => &SIGN_IN_DEFAULT,
    };
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
                policy.retries_status(status, idempotent).then(|| {
                    crate::retry::retry_after(response.headers())
                        .unwrap_or_else(|| policy.backoff_wait(attempt))
                })
            }
            Err(error) => {
                let error_text = transport_message(error);
                tracing::debug!(attempt, error = %error_text, "transport error");
                policy
                    .retries_transport(error, idempotent)
                    .then(|| policy.backoff_wait(attempt))
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

/// One attempt: sends the request, and follows redirects within its origin, for GET and HEAD
/// only. A redirect of any other request (a sign-in's POST would send the password again, to
/// wherever it points), or to another origin (the token would go with it: reqwest keeps a
/// custom header such as `X-Plex-Token` across origins), is returned as the answer.
///
/// `copy` is an untouched copy of `request`, when the caller keeps one: the first hop then
/// copies the request only if it is redirected.
async fn send_following_redirects(
    http: &reqwest::Client,
    mut request: reqwest::Request,
    mut copy: Option<&reqwest::Request>,
) -> reqwest::Result<reqwest::Response> {
    let followable = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut redirected = false;
    for hop in 1..=MAX_REDIRECTS {
        let kept = copy.take();
        let again = if followable && kept.is_none() {
            request.try_clone()
        } else {
            None
        };
        let response = marked(http.execute(request).await?, redirected);
        if !followable {
            return Ok(response);
        }
        // The request as sent: its URL resolves a relative `Location`.
        let Some(sent) = again.as_ref().or(kept) else {
            return Ok(response);
        };
        let Some(target) = same_origin_target(&response, sent.url()) else {
            return Ok(response);
        };
        let Some(mut again) = again.or_else(|| kept.and_then(reqwest::Request::try_clone)) else {
            return Ok(response);
        };
        // Where it points stays out of the trace: a server chooses it, and it can hold a
        // credential.
        tracing::debug!(hop, "redirect followed");
        redirected = true;
        *again.url_mut() = target;
        request = again;
    }
    Ok(marked(http.execute(request).await?, redirected))
}

/// `response`, marked [`Redirected`] when it was reached through a redirect.
fn marked(mut response: reqwest::Response, redirected: bool) -> reqwest::Response {
    if redirected {
        response.extensions_mut().insert(Redirected);
    }
    response
}

/// Where a redirect points, when it is one and stays on `from`'s origin.
fn same_origin_target(response: &reqwest::Response, from: &Url) -> Option<Url> {
    let redirect = matches!(
        response.status(),
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    );
    if !redirect {
        return None;
    }
    let location = response.headers().get(reqwest::header::LOCATION)?;
    let target = from.join(location.to_str().ok()?).ok()?;
    (target.origin() == from.origin()).then_some(target)
}
