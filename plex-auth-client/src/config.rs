//! Client configuration: identity, token, timeouts, retries, and the builder that checks them.

use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::retry::RetryConfig;
use crate::runtime::{Context, FromParts};
use crate::{Error, Secret};

/// Who is calling: the `X-Plex-*` headers sent with every request.
///
/// plex.tv refuses requests without a client identifier (error 1000). Use one stable identifier
/// per installation of your application (a UUID stored on first run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIdentity {
    client_identifier: String,
    product: String,
    version: String,
    platform: Option<String>,
    platform_version: Option<String>,
    device: Option<String>,
    device_name: Option<String>,
}

impl ClientIdentity {
    /// An identity with `X-Plex-Client-Identifier`, `X-Plex-Product` and `X-Plex-Version`.
    pub fn new(
        client_identifier: impl Into<String>,
        product: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self {
            client_identifier: client_identifier.into(),
            product: product.into(),
            version: version.into(),
            platform: None,
            platform_version: None,
            device: None,
            device_name: None,
        }
    }

    /// Sets `X-Plex-Platform` (e.g. `Linux`, `Roku`).
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// Sets `X-Plex-Platform-Version`.
    pub fn platform_version(mut self, version: impl Into<String>) -> Self {
        self.platform_version = Some(version.into());
        self
    }

    /// Sets `X-Plex-Device` (e.g. `Roku 3`).
    pub fn device(mut self, device: impl Into<String>) -> Self {
        self.device = Some(device.into());
        self
    }

    /// Sets `X-Plex-Device-Name`, the name users see in their device list.
    pub fn device_name(mut self, name: impl Into<String>) -> Self {
        self.device_name = Some(name.into());
        self
    }

    /// The client identifier.
    pub fn client_identifier(&self) -> &str {
        &self.client_identifier
    }

    /// The headers, checked: a value that cannot be a header (a newline, say) is an error
    /// naming the header.
    pub(crate) fn headers(&self) -> Result<HeaderMap, Error> {
        let fields = [
            ("x-plex-client-identifier", Some(&self.client_identifier)),
            ("x-plex-product", Some(&self.product)),
            ("x-plex-version", Some(&self.version)),
            ("x-plex-platform", self.platform.as_ref()),
            ("x-plex-platform-version", self.platform_version.as_ref()),
            ("x-plex-device", self.device.as_ref()),
            ("x-plex-device-name", self.device_name.as_ref()),
        ];
        let mut headers = HeaderMap::with_capacity(fields.len() + 1);
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        for (name, value) in fields {
            let Some(value) = value else { continue };
            if name == "x-plex-client-identifier" && value.trim().is_empty() {
                return Err(Error::Config {
                    message: "X-Plex-Client-Identifier is empty; plex.tv refuses such requests"
                        .into(),
                });
            }
            let value = HeaderValue::from_str(value).map_err(|_| Error::Config {
                message: format!(
                    "{name} holds a character that is not allowed in a header (a newline or \
                     control character)"
                ),
            })?;
            headers.insert(HeaderName::from_static(name), value);
        }
        Ok(headers)
    }
}

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

impl<C: FromParts> ClientBuilder<C> {
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
