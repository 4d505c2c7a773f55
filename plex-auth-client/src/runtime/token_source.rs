//! A client built from a [`TokenSource`]: the token is asked of the source as each call is
//! sent, and a 498 (token expired) is answered by one renewal and one more send.

use reqwest::header::{HeaderName, HeaderValue};

use super::call::{record_failure, record_token};
use super::{Context, Operation};
use crate::{Error, Secret, TokenSource};

/// Sends `request` with the source's token; after a 498 for it, once more with a renewed one.
/// A source that gives no token sends nothing: the call returns the source's failure.
pub(super) async fn send(
    http: &reqwest::Client,
    context: &Context,
    mut request: reqwest::Request,
    operation: &'static Operation,
    span: &tracing::Span,
) -> reqwest::Result<reqwest::Response> {
    let Ok(attached) = attach(context, operation, &mut request).await else {
        return Ok(not_sent());
    };
    let result = super::send::send(http, context, request, operation, span).await;
    match after_expiry(attached, operation, &result).await {
        Some(again) => {
            drop(result);
            super::send::send(http, context, again, operation, span).await
        }
        None => result,
    }
}

/// The token a call sent, from its source, with a copy of the request to send again.
struct Attached {
    source: TokenSource,
    header: HeaderName,
    token: Secret,
    copy: Option<reqwest::Request>,
}

/// Adds the source's token to `request` when the client has a source and `operation` sends a
/// token. `Err(())` when the source gave none: the failure is recorded for the call, which
/// returns it instead of an answer.
async fn attach(
    context: &Context,
    operation: &Operation,
    request: &mut reqwest::Request,
) -> Result<Option<Attached>, ()> {
    let (Some(source), Some(header)) = (context.token_source(), operation.token_header) else {
        return Ok(None);
    };
    let token = match source.fresh() {
        Some(token) => token,
        // Boxed, and only when a refresh is due: a refresh makes calls of its own, which come
        // back here (for operations without a token, so no deeper), and its future is large.
        None => match Box::pin(source.token()).await {
            Ok(token) => token,
            Err(error) => {
                record_failure(error);
                return Err(());
            }
        },
    };
    let header = HeaderName::from_static(header);
    insert(request, &header, &token, operation)?;
    Ok(Some(Attached {
        source: source.clone(),
        header,
        token,
        // Kept only for a token that can be renewed (a JWT). Plex's requests have small bodies,
        // in memory: they copy.
        copy: source.renews().then(|| request.try_clone()).flatten(),
    }))
}

/// The request to send again after `answer`, when it is a 498 for the source's token and the
/// source renewed it: a copy carrying the new token. A renewal that failed is recorded for the
/// call, which returns it instead of the 498.
async fn after_expiry(
    attached: Option<Attached>,
    operation: &Operation,
    answer: &reqwest::Result<reqwest::Response>,
) -> Option<reqwest::Request> {
    let expired = matches!(answer, Ok(response) if response.status().as_u16() == 498);
    let attached = attached.filter(|_| expired)?;
    let mut copy = attached.copy?;
    match Box::pin(attached.source.renew_rejected(&attached.token)).await {
        Ok(Some(renewed)) if renewed != attached.token => {
            insert(&mut copy, &attached.header, &renewed, operation).ok()?;
            tracing::debug!("token expired (498); sending once more with a renewed token");
            Some(copy)
        }
        // A legacy token, or no other token to try: the 498 stands.
        Ok(_) => None,
        Err(error) => {
            record_failure(error);
            None
        }
    }
}

/// The answer of a call that was not sent: the call returns the recorded failure instead.
fn not_sent() -> reqwest::Response {
    reqwest::Response::from(http::Response::new(Vec::<u8>::new()))
}

fn insert(
    request: &mut reqwest::Request,
    header: &HeaderName,
    token: &Secret,
    operation: &Operation,
) -> Result<(), ()> {
    let mut value = match HeaderValue::from_str(token.expose()) {
        Ok(value) if !token.expose().trim().is_empty() => value,
        _ => {
            record_failure(Error::InvalidInput {
                operation: operation.id,
                message: format!("the token source's token cannot be sent as {header}"),
            });
            return Err(());
        }
    };
    value.set_sensitive(true);
    record_token(&value);
    request.headers_mut().insert(header.clone(), value);
    Ok(())
}
