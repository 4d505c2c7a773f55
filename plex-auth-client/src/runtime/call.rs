//! One call, from the request a generated method built to its result. The generated method
//! passes its operation's static description with the request; everything the call needs
//! later (what it sent, for redaction) stays in the call's own variables.

use serde::de::DeserializeOwned;

use super::answer::{Failure, failed};
use super::prepare::prepare;
use super::send::execute;
use super::sent::Sent;
use super::token_source;
use super::{Context, Operation};
use crate::{Error, Response};

/// The request progenitor's builder made, or why it could not.
pub(super) type Built = Result<reqwest::Request, progenitor_client::Error<()>>;

/// Runs a call whose success is JSON: sends `request` for `operation` and decodes the body of
/// a 2xx into `T`.
pub async fn json<T: DeserializeOwned>(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<Response<T>, Error> {
    let (sent, mut response) = send(http, context, operation, request).await?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail::<T>(operation, &sent, Failure::Status(response)).await);
    }
    // Moved out rather than copied: the value keeps them.
    let headers = std::mem::take(response.headers_mut());
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(error) => return Err(fail::<T>(operation, &sent, Failure::Body(status, error)).await),
    };
    match serde_json::from_slice(&body) {
        Ok(value) => Ok(Response::new(value, status, headers)),
        Err(_) => Err(fail::<T>(operation, &sent, Failure::Decode(status, body)).await),
    }
}

/// Runs a call whose success has no body: sends `request` for `operation`; a 2xx answers `()`
/// and its body, if any, is not read.
pub async fn empty(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<Response<()>, Error> {
    let (sent, mut response) = send(http, context, operation, request).await?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail::<()>(operation, &sent, Failure::Status(response)).await);
    }
    let headers = std::mem::take(response.headers_mut());
    Ok(Response::new((), status, headers))
}

/// Checks and sends the request; the answer, with what was sent. A request refused before
/// sending, or one that got no answer, is the call's error.
async fn send(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<(Sent, reqwest::Response), Error> {
    let invalid = |message| Error::InvalidInput {
        operation: operation.id,
        message,
    };
    let mut request = request.map_err(|error| invalid(unbuilt(error)))?;
    let mut sent = prepare(context, &mut request, operation).map_err(invalid)?;
    let answer = match token_source::source_for(context, operation) {
        // Boxed: only the calls of a client built from a token source carry its future.
        Some((source, header)) => {
            let with_source = token_source::execute_with(
                source, header, http, context, request, operation, &mut sent,
            );
            Box::pin(with_source).await?
        }
        None => execute(http, context, request, operation).await,
    };
    match answer {
        Ok(response) => Ok((sent, response)),
        Err(error) => Err(fail::<()>(operation, &sent, Failure::Transport(error)).await),
    }
}

/// A failed call's error. Boxed: the failure path reads and redacts bodies, and keeping it out
/// of the success path's future keeps the future every call moves small.
async fn fail<T: DeserializeOwned>(
    operation: &'static Operation,
    sent: &Sent,
    failure: Failure,
) -> Error {
    Box::pin(failed::<T>(operation, sent, failure)).await
}

/// Why progenitor's builder could not build the request (a header value that is not one, a
/// body that does not encode), without reqwest's URL: its query can hold a credential.
fn unbuilt(error: progenitor_client::Error<()>) -> String {
    match error {
        progenitor_client::Error::InvalidRequest(message) => message,
        progenitor_client::Error::CommunicationError(error) => format!(
            "the request cannot be built: {}",
            super::redact::transport_message(&error)
        ),
        _ => "the request cannot be built".to_string(),
    }
}
