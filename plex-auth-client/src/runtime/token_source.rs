//! A client built from a [`TokenSource`]: the token is asked of the source as each call is
//! sent, and a 498 (token expired) the server itself answered is answered by one renewal and
//! one more send.

use reqwest::header::{HeaderName, HeaderValue};

use super::redirect::Redirected;
use super::send::execute;
use super::sent::Sent;
use super::{Context, Operation};
use crate::{Error, Secret, TokenSource};

/// The source a call of `operation` asks its token of, when the client has one and the
/// operation sends a token (a token set for the call replaced the source in `context`).
pub(super) fn source_for<'a>(
    context: &'a Context,
    operation: &'static Operation,
) -> Option<(&'a TokenSource, &'static HeaderName)> {
    Some((context.token_source()?, operation.token_header.as_ref()?))
}

/// Sends `request` with the source's token, and after a 498 for it, once more with a renewed
/// one. A 498 reached through a redirect says nothing of the token (a portal, another
/// endpoint): it stands, as does a 498 to a token issued moments ago (see
/// `TokenSource::renew_rejected`). `Err` when the source gave no token (nothing was sent), or
/// failed to renew one; the inner result is the send's.
pub(super) async fn execute_with(
    source: &TokenSource,
    header: &'static HeaderName,
    http: &reqwest::Client,
    context: &Context,
    mut request: reqwest::Request,
    operation: &'static Operation,
    sent: &mut Sent,
) -> Result<reqwest::Result<reqwest::Response>, Error> {
    let token = match source.fresh() {
        Some(token) => token,
        // Boxed, and only when a refresh is due: a refresh makes calls of its own, which come
        // back here (for operations without a token, so no deeper), and its future is large.
        None => Box::pin(source.token()).await?,
    };
    insert(&mut request, header, &token, operation, sent)?;
    // Kept only for a token that can be renewed (a JWT). Plex's requests have small bodies, in
    // memory: they copy.
    let copy = source.renews().then(|| request.try_clone()).flatten();
    let answer = execute(http, context, request, operation).await;
    let expired = matches!(&answer, Ok(response)
        if response.status().as_u16() == 498 && response.extensions().get::<Redirected>().is_none());
    let (true, Some(mut copy)) = (expired, copy) else {
        return Ok(answer);
    };
    match Box::pin(source.renew_rejected(&token)).await? {
        Some(renewed) if renewed != token => {
            insert(&mut copy, header, &renewed, operation, sent)?;
            tracing::debug!("token expired (498); sending once more with a renewed token");
            drop(answer);
            Ok(execute(http, context, copy, operation).await)
        }
        // A legacy token, or no other token to try: the 498 stands.
        _ => Ok(answer),
    }
}

/// Puts `token` in `request`'s `header`, and in what the call sent (for redaction).
fn insert(
    request: &mut reqwest::Request,
    header: &'static HeaderName,
    token: &Secret,
    operation: &Operation,
    sent: &mut Sent,
) -> Result<(), Error> {
    let mut value = match HeaderValue::from_str(token.expose()) {
        Ok(value) if !token.expose().trim().is_empty() => value,
        _ => {
            return Err(Error::InvalidInput {
                operation: operation.id,
                message: format!("the token source's token cannot be sent as {header}"),
            });
        }
    };
    value.set_sensitive(true);
    sent.add_token(&value);
    request.headers_mut().insert(header.clone(), value);
    Ok(())
}
