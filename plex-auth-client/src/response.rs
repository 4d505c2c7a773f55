//! The successful answer of an operation: the decoded value, with the status and headers.

use std::fmt;
use std::net::SocketAddr;
use std::ops::Deref;

use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A decoded answer, with the HTTP status and headers it came with.
///
/// It dereferences to the value, so `client.get_token_details().await?.username` reads a field
/// directly; [`into_inner`](Self::into_inner) takes the value out.
pub struct Response<T> {
    // progenitor's value as it came: taking the status and headers out of it would copy the
    // header map on every call.
    inner: ResponseValue<T>,
    remote_addr: Option<SocketAddr>,
}

impl<T> Response<T> {
    pub(crate) fn new(value: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self::from_value(ResponseValue::new(value, status, headers))
    }

    pub(crate) fn from_value(inner: ResponseValue<T>) -> Self {
        Self {
            inner,
            remote_addr: None,
        }
    }

    /// The answer, with the address of the peer that sent it.
    pub(crate) fn answered_by(mut self, remote_addr: Option<SocketAddr>) -> Self {
        self.remote_addr = remote_addr;
        self
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.inner.status()
    }

    /// The address (IP and port) of the peer that answered, as the connection reports it:
    /// the server's, or a proxy's. `None` when the connection did not say.
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.remote_addr
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.inner.into_inner()
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

/// The status and the value; header values stay out, since a server chooses them.
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status())
            .field("value", &*self.inner)
            .finish_non_exhaustive()
    }
}
