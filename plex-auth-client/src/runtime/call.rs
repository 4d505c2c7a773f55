//! One call, from the generated method to its result: the credentials the call sends are
//! collected while it is prepared, so that the redaction of its answer knows them.

use std::cell::RefCell;

use progenitor_client::{ByteStream, ResponseValue};
use serde::de::DeserializeOwned;

use super::Operation;
use super::answer::finish;
use super::redact::Redactor;
use crate::{Error, Response};

tokio::task_local! {
    /// The credentials the current call sent: its token, and its credential fields.
    static SENT: RefCell<Vec<String>>;
}

/// Runs progenitor's request for `operation` and turns its result into the client's.
pub async fn call<T, F>(operation: &'static Operation, request: F) -> Result<Response<T>, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<ByteStream>>>,
{
    let (result, sent) = SENT
        .scope(RefCell::new(Vec::new()), async {
            let result = request.await;
            (result, SENT.with(RefCell::take))
        })
        .await;
    let redactor = Redactor::new(sent.iter().map(String::as_str));
    finish(operation, &redactor, result).await
}

/// Records credentials the current call sends (from the request being prepared).
pub(super) fn record_sent(values: impl IntoIterator<Item = String>) {
    // Outside `call` (nothing to redact for) there is no record to keep.
    let _ = SENT.try_with(|sent| sent.borrow_mut().extend(values));
}
