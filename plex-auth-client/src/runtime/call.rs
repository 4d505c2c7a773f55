//! One call, from the generated method to its result: the credentials the call sends are
//! collected while it is prepared, so that the redaction of its answer knows them.

use std::cell::RefCell;

use progenitor_client::{ByteStream, ResponseValue};
use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;

use super::Operation;
use super::answer::failed;
use crate::{Error, Response};

/// The credentials one call sent. The token is kept as its header value (a reference-counted
/// copy, no allocation); it becomes text only if an error needs redacting. Also whether the
/// answer came through a redirect: then it is not plex.tv's own word on the token.
#[derive(Default)]
pub(super) struct Sent {
    token: Option<HeaderValue>,
    fields: Vec<String>,
    redirected: bool,
    /// Why the call could not be sent, or answered: its token source failed.
    failure: Option<Error>,
}

impl Sent {
    /// Every credential sent, as text: the token (when it is text) and the credential fields.
    pub(super) fn secrets(&self) -> impl Iterator<Item = &str> {
        let token = self.token.as_ref().and_then(|token| token.to_str().ok());
        token
            .into_iter()
            .chain(self.fields.iter().map(String::as_str))
    }

    /// Whether the last attempt's answer came after following a redirect.
    pub(super) fn redirected(&self) -> bool {
        self.redirected
    }
}

tokio::task_local! {
    /// The credentials the current call sent: its token, and its credential fields.
    static SENT: RefCell<Sent>;
}

/// Runs progenitor's request for `operation` and turns its result into the client's.
pub async fn call<T, F>(operation: &'static Operation, request: F) -> Result<Response<T>, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<ByteStream>>>,
{
    // Pinned where it lies, and scoped through a reference: the request's future (large: it
    // holds every step of the call) is not moved again into an async block, the scope and its
    // await. The record is taken from the scope once the request is done.
    let request = std::pin::pin!(request);
    let mut scoped = std::pin::pin!(SENT.scope(RefCell::default(), request));
    let result = scoped.as_mut().await;
    let mut sent = scoped
        .take_value()
        .map(RefCell::into_inner)
        .unwrap_or_default();
    if let Some(failure) = sent.failure.take() {
        return Err(failure);
    }
    match result {
        // Kept whole: status and headers are not copied out of it. Matched here rather than in
        // an async function, so that the decoded value is not moved through one more future.
        Ok(value) => Ok(Response::from_value(value)),
        // Boxed: the error path holds body buffers, and keeping it out of the success path's
        // future keeps the future every call moves small. Only a failure builds a redactor
        // from what was sent: a success quotes nothing.
        Err(error) => Box::pin(failed(operation, &sent, error)).await,
    }
}

/// Records the token the current call sends (from the request being prepared).
pub(super) fn record_token(token: &HeaderValue) {
    // Outside `call` (nothing to redact for) there is no record to keep.
    let _ = SENT.try_with(|sent| sent.borrow_mut().token = Some(token.clone()));
}

/// Records why the current call could not be sent or answered (its token source failed); the
/// call returns it.
pub(super) fn record_failure(error: Error) {
    let _ = SENT.try_with(|sent| sent.borrow_mut().failure = Some(error));
}

/// Records credential fields the current call sends (from the request being prepared).
pub(super) fn record_sent(values: impl IntoIterator<Item = String>) {
    let _ = SENT.try_with(|sent| sent.borrow_mut().fields.extend(values));
}

/// Records whether the current attempt followed a redirect (from the sending loop).
pub(super) fn record_redirected(redirected: bool) {
    let _ = SENT.try_with(|sent| sent.borrow_mut().redirected = redirected);
}
