//! Building a client: token, timeouts, retries, checked once by the builder, and the settings
//! that can change per call.

use std::marker::PhantomData;
use std::time::Duration;

use crate::retry::RetryConfig;
use crate::runtime::{Context, FromParts};
use crate::{ClientIdentity, Error, Secret};

/// The clients a [`ClientBuilder`] builds: [`PlexTvClient`](crate::PlexTvClient) and
/// [`PmsClient`](crate::PmsClient). Sealed: only the generated clients implement it, so a
/// function can be generic over the builder of either:
///
/// ```
/// use plex_auth_client::{ClientBuilder, ClientKind, RetryConfig};
///
/// fn without_retries<C: ClientKind>(builder: ClientBuilder<C>) -> ClientBuilder<C> {
///     builder.retry(RetryConfig::none())
/// }
/// ```
pub trait ClientKind: FromParts {}

impl<C: FromParts> ClientKind for C {}

/// Connect and total timeouts of a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Limit on establishing a connection (TCP and TLS). Default 10 s.
    pub connect: Duration,
    /// Limit on a whole attempt, from sending to the end of the body. Default 30 s.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            total: Duration::from_secs(30),
        }
    }
}

/// Settings for the calls made through one handle: see `with_options` on each client.
///
/// Unset fields keep the client's settings.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    pub(crate) retry: Option<RetryConfig>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) token: Option<Secret>,
}

impl CallOptions {
    /// No override.
    pub fn new() -> Self {
        Self::default()
    }

    /// Retry policy for these calls.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Total timeout of each attempt of these calls. (The connect timeout belongs to the
    /// client: connections are pooled and shared.)
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Token for these calls (a transient token, another account's token).
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }
}

/// Builds a client: start with `PlexTvClient::builder` or `PmsClient::builder`.
#[must_use]
pub struct ClientBuilder<C> {
    base_url: String,
    identity: ClientIdentity,
    token: Option<Secret>,
    retry: Option<RetryConfig>,
    timeouts: Timeouts,
    client: PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("identity", &self.identity)
            .field("token", &self.token)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

impl<C: ClientKind> ClientBuilder<C> {
    pub(crate) fn new(base_url: String, identity: ClientIdentity) -> Self {
        Self {
            base_url,
            identity,
            token: None,
            retry: None,
            timeouts: Timeouts::default(),
            client: PhantomData,
        }
    }

    /// Sends requests to `url` instead (a proxy, a test server). Checked by [`build`](Self::build).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The `X-Plex-Token` sent with every operation that needs one.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Retry policy for every call. Without it, GETs use
    /// [`RetryConfig::idempotent_default`] and sign-in [`RetryConfig::sign_in_default`].
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Connect and total timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when the base URL does not parse or is not http(s), when an identity
    /// value or the token cannot be a header value, or when the HTTP client cannot be built.
    pub fn build(self) -> Result<C, Error> {
        let base_url = check_base_url(&self.base_url)?;
        let identity = self.identity.headers()?;
        let context = Context::new(self.token, self.retry)?;
        install_crypto_provider();
        // The identity is the same on every request of the client: reqwest adds default
        // headers while it builds each request, with no per-call work of ours.
        let http = reqwest::Client::builder()
            .default_headers(identity)
            .connect_timeout(self.timeouts.connect)
            .timeout(self.timeouts.total)
            .redirect(same_origin_redirects())
            .user_agent(concat!("plex-auth-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| Error::Config {
                message: format!("cannot build the HTTP client: {err}"),
            })?;
        Ok(C::from_parts(&base_url, http, context))
    }
}

fn check_base_url(raw: &str) -> Result<String, Error> {
    let shown = shown_url(raw);
    let url = reqwest::Url::parse(raw).map_err(|err| Error::Config {
        message: format!("base URL {shown:?} does not parse: {err}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::Config {
            message: format!("base URL {shown:?} must be an http or https URL with a host"),
        });
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(Error::Config {
            message: format!("base URL {shown:?} must not carry a query, fragment or credentials"),
        });
    }
    // Generated paths start with '/'.
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// A base URL as an error may quote it: without query or fragment (`?X-Plex-Token=…`) and with
/// any user information masked.
fn shown_url(raw: &str) -> String {
    let end = raw.find(['?', '#']).unwrap_or(raw.len());
    let url = &raw[..end];
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[authority_start..]
        .find('/')
        .map_or(url.len(), |i| authority_start + i);
    match url[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}***{}",
            &url[..authority_start],
            &url[authority_start + at..]
        ),
        None => url.to_string(),
    }
}

/// Follows a redirect only within the origin the request was sent to: the token header would
/// otherwise reach another host (reqwest strips `Authorization` across origins, not
/// `X-Plex-Token`). A refused redirect is returned to the caller as an error with its location.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// rustls needs a crypto provider; ring keeps the build free of cmake and C++ toolchains.
/// An application that installed its own provider keeps it.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another installer is fine: some provider is then in place.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
