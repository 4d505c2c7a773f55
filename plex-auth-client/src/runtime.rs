//! What the generated clients call: request preparation, the retry loop with tracing, and the
//! translation of progenitor's results into [`Error`]. Not a public API.

use std::fmt;
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::{Duration, Instant};

use progenitor_client::{ByteStream, ResponseValue};

use crate::Response;
use reqwest::header::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::{ApiError, DecodeError, snippet};
use crate::retry::RetryConfig;
use crate::{CallOptions, Error, Secret};

/// Error bodies are read up to this size; the rest is discarded unread.
const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// Built by the generated clients from the builder's parts.
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
    retry: Option<RetryConfig>,
    timeout: Option<Duration>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("token", &self.0.token.as_ref().map(|_| "<redacted>"))
            .field("retry", &self.0.retry)
            .field("timeout", &self.0.timeout)
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
    pub(crate) fn new(token: Option<Secret>, retry: Option<RetryConfig>) -> Result<Self, Error> {
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
            retry,
            timeout: None,
        })))
    }

    /// The context with `options` applied. A token that cannot be a header is kept as the
    /// reason and reported by the first call that needs it (no request is sent without the
    /// token it asked for).
    pub(crate) fn with_options(&self, options: CallOptions) -> Self {
        let token = match &options.token {
            Some(token) => Some(token_header(token)),
            None => self.0.token.clone(),
        };
        Self(Arc::new(ContextInner {
            token,
            retry: options.retry.or_else(|| self.0.retry.clone()),
            timeout: options.timeout.or(self.0.timeout),
        }))
    }
}

/// How an operation is called, from the spec.
#[derive(Debug)]
pub struct Operation {
    /// The spec's operationId.
    pub id: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// Header carrying the token (lower-cased), for operations secured by one.
    pub token_header: Option<&'static str>,
    /// The declared success status.
    pub success_status: u16,
    /// Checks on request fields, made before sending.
    pub rules: &'static [FieldRule],
}

impl Operation {
    fn idempotent(&self) -> bool {
        matches!(self.method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
    }
}

/// Where a checked field travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldLocation {
    /// The query string.
    Query,
    /// A form body.
    Form,
}

/// A check on one request field, from the spec's `required`, `minLength` and `pattern`.
#[derive(Debug)]
pub struct FieldRule {
    /// Where the field travels.
    pub location: FieldLocation,
    /// Its name on the wire.
    pub name: &'static str,
    /// Whether it must be present.
    pub required: bool,
    /// Minimum length in characters.
    pub min_length: Option<usize>,
    /// Pattern the value must match, read by regex-lite (the generator checks it compiles).
    pub pattern: Option<&'static Pattern>,
}

/// A spec pattern, compiled on first use.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regex_lite::Regex>>,
}

impl Pattern {
    /// A pattern from the spec.
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn matches(&self, value: &str) -> Option<bool> {
        self.compiled
            .get_or_init(|| regex_lite::Regex::new(self.source).ok())
            .as_ref()
            .map(|regex| regex.is_match(value))
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

/// Checks the request against the operation's rules and adds the token and timeout (the
/// identity headers are the HTTP client's default headers).
/// Runs once per call, before any attempt; an error means nothing was sent.
pub fn prepare(
    context: &Context,
    request: &mut reqwest::Request,
    operation: Option<&'static Operation>,
) -> Result<(), String> {
    let operation = operation.ok_or("operation unknown to the runtime")?;
    check_rules(operation, request)?;
    let headers = request.headers_mut();
    // progenitor sends the spec's version as `api-version`; Plex has no use for it.
    headers.remove("api-version");
    if let Some(header) = operation.token_header {
        match &context.0.token {
            Some(Ok(token)) => {
                // The generator emits the name lower-cased and checked, as from_static needs.
                headers.insert(HeaderName::from_static(header), token.clone());
            }
            Some(Err(reason)) => return Err(format!("{reason} ({header})")),
            None => {
                return Err(format!(
                    "this operation needs a token ({header}); set one with ClientBuilder::token"
                ));
            }
        }
    }
    if let Some(timeout) = context.0.timeout {
        *request.timeout_mut() = Some(timeout);
    }
    Ok(())
}

fn check_rules(operation: &Operation, request: &reqwest::Request) -> Result<(), String> {
    if operation.rules.is_empty() {
        return Ok(());
    }
    let form: Vec<(String, String)> = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .map(|bytes| form_urlencoded::parse(bytes).into_owned().collect())
        .unwrap_or_default();
    let query: Vec<(String, String)> = request.url().query_pairs().into_owned().collect();
    for rule in operation.rules {
        let (fields, place) = match rule.location {
            FieldLocation::Query => (&query, "query parameter"),
            FieldLocation::Form => (&form, "form field"),
        };
        let name = rule.name;
        // Values are never quoted back: some fields are passwords.
        let Some((_, value)) = fields.iter().find(|(key, _)| key == name) else {
            if rule.required {
                return Err(format!("{place} `{name}` is required"));
            }
            continue;
        };
        if let Some(min) = rule.min_length
            && value.chars().count() < min
        {
            return Err(if min == 1 {
                format!("{place} `{name}` must not be empty")
            } else {
                format!("{place} `{name}` must be at least {min} characters long")
            });
        }
        if let Some(pattern) = rule.pattern {
            match pattern.matches(value) {
                Some(true) => {}
                Some(false) => {
                    return Err(format!(
                        "{place} `{name}` must match the pattern {}",
                        pattern.source
                    ));
                }
                None => return Err(format!("the spec's pattern for `{name}` does not compile")),
            }
        }
    }
    Ok(())
}

/// Sends the request, retrying as the retry policy allows, inside a tracing span.
pub async fn execute(
    http: &reqwest::Client,
    context: &Context,
    request: reqwest::Request,
    operation: Option<&'static Operation>,
) -> reqwest::Result<reqwest::Response> {
    let Some(operation) = operation else {
        // prepare() already refused an unknown operation; send as is.
        return http.execute(request).await;
    };
    let span = tracing::info_span!(
        "plex_auth.call",
        operation = operation.id,
        method = %request.method(),
        host = request.url().host_str().unwrap_or_default(),
        path = request.url().path(),
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
    );
    attempts(http, context, request, operation)
        .instrument(span)
        .await
}

async fn attempts(
    http: &reqwest::Client,
    context: &Context,
    request: reqwest::Request,
    operation: &'static Operation,
) -> reqwest::Result<reqwest::Response> {
    let idempotent = operation.idempotent();
    // The defaults are built once: a call borrows its policy rather than cloning one.
    static IDEMPOTENT_DEFAULT: LazyLock<RetryConfig> =
        LazyLock::new(RetryConfig::idempotent_default);
    static SIGN_IN_DEFAULT: LazyLock<RetryConfig> = LazyLock::new(RetryConfig::sign_in_default);
    let policy: &RetryConfig = match &context.0.retry {
        Some(policy) => policy,
        None if idempotent => &IDEMPOTENT_DEFAULT,
        None => &SIGN_IN_DEFAULT,
    };
    let started = Instant::now();
    let mut attempt: u32 = 0;
    let mut request = request;
    loop {
        attempt += 1;
        // Keep a copy for the next attempt only when one may follow; a streaming body
        // cannot be copied and is sent once.
        let next = if attempt <= policy.max_retries {
            request.try_clone()
        } else {
            None
        };
        let result = http.execute(request).await;
        let elapsed = started.elapsed();
        let span = tracing::Span::current();
        span.record("attempts", attempt);
        span.record("elapsed_ms", elapsed.as_millis() as u64);
        let wait = match &result {
            Ok(response) => {
                let status = response.status();
                span.record("status", status.as_u16());
                tracing::debug!(attempt, status = status.as_u16(), "answer");
                policy.retries_status(status, idempotent).then(|| {
                    crate::retry::retry_after(response.headers())
                        .unwrap_or_else(|| policy.backoff_wait(attempt))
                })
            }
            Err(error) => {
                tracing::debug!(attempt, error = %error, "transport error");
                policy
                    .retries_transport(error, idempotent)
                    .then(|| policy.backoff_wait(attempt))
            }
        };
        let (Some(wait), Some(next)) = (wait, next) else {
            return result;
        };
        // A huge Retry-After must not overflow the addition.
        if elapsed
            .checked_add(wait)
            .is_none_or(|end| end > policy.backoff.max_elapsed_time)
        {
            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retry budget spent"
            );
            return result;
        }
        // Free the connection before sleeping.
        drop(result);
        tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
        tokio::time::sleep(wait).await;
        request = next;
    }
}

/// Turns progenitor's result into the client's.
pub async fn finish<T: DeserializeOwned>(
    operation: &'static Operation,
    result: Result<ResponseValue<T>, progenitor_client::Error<ByteStream>>,
) -> Result<Response<T>, Error> {
    match result {
        Ok(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            Ok(Response::new(value.into_inner(), status, headers))
        }
        // Boxed: the error path holds body buffers, and keeping it out of the success path's
        // future keeps the future every call moves small.
        // (An undeclared 2xx whose body decodes still succeeds there.)
        Err(error) => Box::pin(failure::<T>(operation, error)).await,
    }
}

async fn failure<T: DeserializeOwned>(
    operation: &'static Operation,
    error: progenitor_client::Error<ByteStream>,
) -> Result<Response<T>, Error> {
    use progenitor_client::Error as Raw;

    let id = operation.id;
    let sends_token = operation.token_header.is_some();
    let error = match error {
        Raw::InvalidRequest(message) => Error::InvalidInput {
            operation: id,
            message,
        },
        Raw::CommunicationError(source) => transport(id, None, source),
        // progenitor reads the body only for the declared success status.
        Raw::ResponseBodyError(source) => transport(id, Some(success_status(operation)), source),
        Raw::ErrorResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_bounded(response.into_inner().into_inner()).await;
            Error::Api(Box::new(ApiError::new(
                id,
                sends_token,
                status,
                &headers,
                &body,
            )))
        }
        Raw::UnexpectedResponse(response) if response.status().is_success() => {
            // Another 2xx than the declared one (200 for 201, say): its body decides.
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(body) => match serde_json::from_slice::<T>(&body) {
                    Ok(value) => return Ok(Response::new(value, status, headers)),
                    Err(_) => decode_error::<T>(id, status, &body),
                },
                Err(source) => transport(id, Some(status), source),
            }
        }
        Raw::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_bounded(Box::pin(response.bytes_stream())).await;
            Error::Api(Box::new(ApiError::new(
                id,
                sends_token,
                status,
                &headers,
                &body,
            )))
        }
        Raw::InvalidResponsePayload(body, _) => {
            decode_error::<T>(id, success_status(operation), &body)
        }
        Raw::InvalidUpgrade(source) => transport(id, None, source),
        Raw::Custom(message) => Error::InvalidInput {
            operation: id,
            message,
        },
    };
    tracing::debug!(operation = id, error = %error, "call failed");
    Err(error)
}

/// The status progenitor decodes a body for: the one the spec declares.
fn success_status(operation: &Operation) -> reqwest::StatusCode {
    reqwest::StatusCode::from_u16(operation.success_status).unwrap_or(reqwest::StatusCode::OK)
}

fn transport(
    operation: &'static str,
    status: Option<reqwest::StatusCode>,
    source: reqwest::Error,
) -> Error {
    if source.is_timeout() {
        Error::Timeout {
            operation,
            status,
            source,
        }
    } else {
        Error::Transport {
            operation,
            status,
            source,
        }
    }
}

/// Decodes again, tracking the path, to say where the body departs from the spec.
fn decode_error<T: DeserializeOwned>(
    operation: &'static str,
    status: reqwest::StatusCode,
    body: &[u8],
) -> Error {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut withhold = false;
    let (path, mut message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        // The value decoded: what failed is what follows it.
        Ok(_) => match deserializer.end() {
            Err(error) => (".".to_string(), error.to_string()),
            Ok(()) => (".".to_string(), "body decodes on a second read".to_string()),
        },
        Err(error) => {
            // serde quotes the offending value in data errors ("invalid type: integer `123`");
            // a secret's stays out. Syntax and end-of-input errors quote nothing.
            let field = error.path().to_string();
            let field = field.rsplit('.').next().unwrap_or_default();
            let field = field.split('[').next().unwrap_or_default();
            withhold = error.inner().classify() == serde_json::error::Category::Data
                && crate::error::is_secret_name(field);
            (error.path().to_string(), error.inner().to_string())
        }
    };
    if withhold {
        message = "the value does not decode (withheld: the field holds a secret)".to_string();
    }
    Error::Decode(Box::new(DecodeError {
        operation,
        status,
        path,
        message,
        body: snippet(body),
    }))
}

/// Reads at most [`ERROR_BODY_LIMIT`] bytes of an error body; the rest is left unread.
async fn read_bounded<S>(mut stream: S) -> Vec<u8>
where
    S: futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
{
    let mut body = Vec::new();
    while body.len() < ERROR_BODY_LIMIT {
        match std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await {
            Some(Ok(chunk)) => body.extend_from_slice(&chunk),
            // The status is what matters; a body cut short still says what it can.
            Some(Err(_)) | None => break,
        }
    }
    body.truncate(ERROR_BODY_LIMIT);
    body
}
