//! Sending one call: its tracing span, its attempts as the retry strategy runs them, and the
//! size cap on the answer that comes back.

use tracing::Instrument;

use super::body::capped;
use super::retry::attempts;
use super::{Context, Operation};

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
