//! The size cap on answers: a body is read only up to the client's limit, so a hostile server
//! or proxy cannot make one call hold unbounded memory.

use std::fmt;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// The default limit on an answer's body: far above any real Plex answer (the largest recorded
/// is about 10 KiB; `/resources` for an account with many shared servers reaches hundreds of
/// KiB), far below what would hurt a machine.
pub(crate) const DEFAULT_MAX_RESPONSE_SIZE: usize = 8 * 1024 * 1024;

/// The error a capped body ends with once the limit is passed.
#[derive(Debug)]
pub(crate) struct TooLarge {
    pub(crate) limit: usize,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the answer is larger than {} bytes", self.limit)
    }
}

impl std::error::Error for TooLarge {}

/// The limit that ended a body read, when that is why `error` happened.
pub(crate) fn too_large(error: &(dyn std::error::Error + 'static)) -> Option<usize> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(too_large) = error.downcast_ref::<TooLarge>() {
            return Some(too_large.limit);
        }
        cause = error.source();
    }
    None
}

/// The response with its body capped at `limit` bytes. A `Content-Length` over the limit is
/// refused before anything is read: the body then fails at once and the connection is dropped.
pub(crate) fn capped(response: reqwest::Response, limit: usize) -> reqwest::Response {
    // `content_length` is the body's exact size hint: known only when hyper reads the body by
    // its `Content-Length` (and nothing decompresses it), and hyper never yields more than that
    // length. Such a body within the limit cannot pass it, and is returned as it is: wrapping
    // it would cost every call two conversions, two boxed bodies and a URL parse.
    let announced = response.content_length();
    if announced.is_some_and(|length| length <= limit as u64) {
        return response;
    }
    let announced_too_large = announced.is_some();
    let response: http::Response<reqwest::Body> = response.into();
    let (parts, body) = response.into_parts();
    let inner = (!announced_too_large).then_some(body);
    let capped = Capped {
        inner,
        remaining: limit,
        limit,
    };
    reqwest::Response::from(http::Response::from_parts(
        parts,
        reqwest::Body::wrap(capped),
    ))
}

/// A body that fails with [`TooLarge`] once more than `limit` bytes arrived.
struct Capped {
    /// `None` once failed, or from the start when the announced length was over the limit.
    inner: Option<reqwest::Body>,
    remaining: usize,
    limit: usize,
}

impl Body for Capped {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let limit = self.limit;
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(Some(Err(Box::new(TooLarge { limit }))));
        };
        let frame = match Pin::new(inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => frame,
            Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(Box::new(error)))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        if let Some(data) = frame.data_ref() {
            match self.remaining.checked_sub(data.len()) {
                Some(remaining) => self.remaining = remaining,
                None => {
                    // Dropping the body closes the connection: nothing more is read.
                    self.inner = None;
                    return Poll::Ready(Some(Err(Box::new(TooLarge { limit }))));
                }
            }
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_some_and(Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.as_ref().map(Body::size_hint).unwrap_or_default()
    }
}
