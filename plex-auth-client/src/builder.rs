//! Building a client: token, timeouts, retries, checked once by the builder, and the settings
//! that can change per call.

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::runtime::{Context, DEFAULT_MAX_RESPONSE_SIZE, FromParts, tls};
use crate::safe_text::shown_url;
use crate::{ClientIdentity, Error, RetryConfig, Secret, TokenSource};

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

    /// Token for these calls (a transient token, another account's token); it replaces the
    /// client's token source too.
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
    token_source: Option<TokenSource>,
    retry: Option<RetryConfig>,
    timeouts: Timeouts,
    max_response_size: usize,
    /// PEM texts of root certificates trusted beside the system's.
    root_certificates: Vec<Vec<u8>>,
    /// A TLS configuration made for several clients at once (the connector's).
    tls: Option<Arc<rustls::ClientConfig>>,
    /// A host name and the address it is sent to, whatever the name resolves to (the
    /// connector's proven peer).
    pinned: Option<(String, SocketAddr)>,
    client: PhantomData<fn() -> C>,
}

/// Shows what an error would: the base URL's scheme, host, port and path only.
impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &shown_url(&self.base_url))
            .field("identity", &self.identity)
            .field("token", &self.token)
            .field("token_source", &self.token_source)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("max_response_size", &self.max_response_size)
            .field("root_certificates", &self.root_certificates.len())
            .finish()
    }
}

impl<C: ClientKind> ClientBuilder<C> {
    pub(crate) fn new(base_url: String, identity: ClientIdentity) -> Self {
        Self {
            base_url,
            identity,
            token: None,
            token_source: None,
            retry: None,
            timeouts: Timeouts::default(),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            root_certificates: Vec::new(),
            tls: None,
            pinned: None,
            client: PhantomData,
        }
    }

    /// Sends requests to `url` instead (a proxy, a test server). Checked by [`build`](Self::build).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The `X-Plex-Token` sent with every operation that needs one. Replaces a
    /// [`token_source`](Self::token_source).
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self.token_source = None;
        self
    }

    /// Where every operation that needs a token gets it, as it is sent: a JWT kept valid by
    /// the source (refreshed before its end), or a legacy token. Replaces a
    /// [`token`](Self::token); a [`CallOptions::token`] replaces the source for its calls.
    ///
    /// A call the server itself answers 498 (token expired) gets a renewed JWT from the source
    /// and is sent once more with it. The 498 is the call's answer when it came through a
    /// redirect (it says nothing of the token), when the token is a legacy one, or when the
    /// JWT was issued less than a minute ago (a new one would get the same answer, and every
    /// renewal is a call to plex.tv). When the renewal itself fails, its error is the call's
    /// (the renewal's operation and cause: a transport error, a refused nonce…), since that
    /// is what needs acting on; the 498 is not returned.
    pub fn token_source(mut self, source: TokenSource) -> Self {
        self.token_source = Some(source);
        self.token = None;
        self
    }

    /// Retry policy for every call. Without it, each call takes its method's default:
    /// [`RetryConfig::idempotent_default`] for an idempotent method (`GET`, `HEAD`, `PUT`,
    /// `DELETE`…), [`RetryConfig::non_idempotent_default`] for `POST` and `PATCH`.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Connect and total timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The largest answer body a call reads, in bytes; 8 MiB by default, far above any real
    /// Plex answer. A call whose answer is larger fails with [`ErrorKind::TooLarge`] once the
    /// limit is passed (at once when `Content-Length` announces more), so a hostile server or
    /// proxy cannot make it hold unbounded memory.
    ///
    /// [`ErrorKind::TooLarge`]: crate::ErrorKind::TooLarge
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Trusts the certificates of `pem` (one or more PEM `CERTIFICATE` blocks) as roots,
    /// beside the system's: for a server whose certificate a private authority issued.
    /// Checked by [`build`](Self::build). A client built with extra roots reads the system's
    /// roots again; every other client shares one TLS configuration per process.
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Uses `tls` instead of the configuration the root certificates would give: one made
    /// for the clients of one connection choice.
    pub(crate) fn tls_config(mut self, tls: Arc<rustls::ClientConfig>) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Sends every request for `host` to `addr` (its port is the URL's), never resolving the
    /// name: the address a connection proved to be the server at.
    pub(crate) fn pin_host(mut self, host: String, addr: SocketAddr) -> Self {
        self.pinned = Some((host, addr));
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when the base URL does not parse or is not http(s), when an identity
    /// value or the token cannot be a header value, when a root certificate does not parse,
    /// or when the HTTP client cannot be built (no root certificate found on the system).
    pub fn build(self) -> Result<C, Error> {
        // The URL first: its error is the one to report when several settings are wrong.
        let base_url = check_base_url(&self.base_url)?;
        let http = self.http_client()?;
        self.build_checked(&base_url, http)
    }

    /// The HTTP client these settings give: identity headers, timeouts, no redirects (the
    /// runtime follows them) and TLS. Clients built [`build_with`](Self::build_with) it share
    /// its connections.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, Error> {
        let tls = match (&self.tls, self.root_certificates.as_slice()) {
            (Some(tls), _) => tls.clone(),
            (None, []) => tls::shared()?,
            (None, roots) => tls::with_extra_roots(roots)?,
        };
        // The identity is the same on every request of the client: reqwest adds default
        // headers while it builds each request, with no per-call work of ours.
        let mut builder = reqwest::Client::builder();
        if let Some((host, addr)) = &self.pinned {
            builder = builder.resolve(host, *addr);
        }
        builder
            .default_headers(self.identity.headers()?)
            .connect_timeout(self.timeouts.connect)
            .timeout(self.timeouts.total)
            // Redirects are followed by the runtime, which knows the method and the origin.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("plex-auth-client/", env!("CARGO_PKG_VERSION")))
            // A copy of the shared configuration: its verifier and session cache are shared.
            .tls_backend_preconfigured(rustls::ClientConfig::clone(&tls))
            .build()
            .map_err(|err| Error::Config {
                message: format!("cannot build the HTTP client: {err}"),
            })
    }

    /// Builds the client over `http`, which must come from [`http_client`](Self::http_client)
    /// of a builder with the same identity, timeouts and TLS settings.
    pub(crate) fn build_with(self, http: reqwest::Client) -> Result<C, Error> {
        let base_url = check_base_url(&self.base_url)?;
        self.build_checked(&base_url, http)
    }

    /// [`build_with`](Self::build_with) once `base_url` is this builder's, checked.
    fn build_checked(self, base_url: &str, http: reqwest::Client) -> Result<C, Error> {
        let context = Context::new(
            self.token,
            self.token_source,
            self.retry,
            self.max_response_size,
        )?;
        Ok(C::from_parts(base_url, http, context))
    }
}

fn check_base_url(raw: &str) -> Result<String, Error> {
    // Only scheme, host, port and path of the URL ever appear in a message.
    let url = reqwest::Url::parse(raw).map_err(|err| Error::Config {
        message: format!("the base URL does not parse: {err}"),
    })?;
    let shown = shown_url(raw);
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
