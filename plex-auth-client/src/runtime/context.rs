//! The per-client settings every call reads, and how a generated client is assembled.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::{CallOptions, Error, RetryConfig, Secret, TokenSource};

/// Built by the generated clients from the builder's parts. Public but unreachable from outside
/// the crate, so [`ClientKind`](crate::ClientKind), which requires it, is sealed.
pub trait FromParts {
    /// Assembles a client.
    fn from_parts(base_url: &str, http: reqwest::Client, context: Context) -> Self;
}

/// Per-client settings, shared by clones of a client.
#[derive(Clone)]
pub struct Context(Arc<ContextInner>);

struct ContextInner {
    /// The token header value, or why the token given cannot be one.
    token: Option<Result<HeaderValue, &'static str>>,
    /// Where each call gets its token, when no token is set.
    token_source: Option<TokenSource>,
    retry: Option<RetryConfig>,
    timeout: Option<Duration>,
    /// The largest answer body read, in bytes.
    max_response_size: usize,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("token", &self.0.token.as_ref().map(|_| "<redacted>"))
            .field("token_source", &self.0.token_source)
            .field("retry", &self.0.retry)
            .field("timeout", &self.0.timeout)
            .field("max_response_size", &self.0.max_response_size)
            .finish()
    }
}

/// The token as a header value; the error says what is wrong without quoting the token.
fn token_header(token: &Secret) -> Result<HeaderValue, &'static str> {
    if token.expose().trim().is_empty() {
        return Err("the token is empty");
    }
    let mut value = HeaderValue::from_str(token.expose())
        .map_err(|_| "the token holds a character that is not allowed in a header")?;
    // Keeps the value out of reqwest's and hyper's Debug output.
    value.set_sensitive(true);
    Ok(value)
}

impl Context {
    pub(crate) fn new(
        token: Option<Secret>,
        token_source: Option<TokenSource>,
        retry: Option<RetryConfig>,
        max_response_size: usize,
    ) -> Result<Self, Error> {
        let token = token
            .as_ref()
            .map(token_header)
            .transpose()
            .map_err(|message| Error::Config {
                message: message.into(),
            })?
            .map(Ok);
        Ok(Self(Arc::new(ContextInner {
            token,
            token_source,
            retry,
            timeout: None,
            max_response_size,
        })))
    }

    /// The context with `options` applied. A token that cannot be a header is kept as the
    /// reason and reported by the first call that needs it (no request is sent without the
    /// token it asked for).
    pub(crate) fn with_options(&self, options: CallOptions) -> Self {
        // A token given for these calls replaces the client's source too.
        let (token, token_source) = match &options.token {
            Some(token) => (Some(token_header(token)), None),
            None => (self.0.token.clone(), self.0.token_source.clone()),
        };
        Self(Arc::new(ContextInner {
            token,
            token_source,
            retry: options.retry.or_else(|| self.0.retry.clone()),
            timeout: options.timeout.or(self.0.timeout),
            max_response_size: self.0.max_response_size,
        }))
    }
}

impl Context {
    /// The token header value, or why the token given cannot be one; `None` without a token.
    pub(super) fn token(&self) -> Option<&Result<HeaderValue, &'static str>> {
        self.0.token.as_ref()
    }

    /// The token source, when the client was built from one (and no token replaces it).
    pub(super) fn token_source(&self) -> Option<&TokenSource> {
        self.0.token_source.as_ref()
    }

    /// The retry policy set for the client or these calls, if any.
    pub(super) fn retry(&self) -> Option<&RetryConfig> {
        self.0.retry.as_ref()
    }

    /// The largest answer body read, in bytes.
    pub(super) fn max_response_size(&self) -> usize {
        self.0.max_response_size
    }

    /// The total timeout set for these calls, if any.
    pub(super) fn timeout(&self) -> Option<Duration> {
        self.0.timeout
    }
}
