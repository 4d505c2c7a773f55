//! What the runtime knows of an operation: how it is called and what is checked before
//! sending. The generator writes one static per operation from the spec, and each call passes
//! its operation's static along with its request.

use std::fmt;
use std::sync::OnceLock;

use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};

/// How an operation is called, from the spec.
#[derive(Debug)]
pub struct Operation {
    /// The spec's operationId.
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template.
    pub path: &'static str,
    /// The header carrying the token, for operations secured by one (built at compile time).
    pub token_header: Option<HeaderName>,
    /// The `Accept` of an operation whose success is not JSON (an image, text), sent instead
    /// of the client's `application/json`.
    pub accept: Option<HeaderValue>,
    /// Checks on request fields, made before sending.
    pub rules: &'static [FieldRule],
}

impl Operation {
    /// Whether sending the request twice has the effect of sending it once (RFC 9110): only
    /// then are transport failures and 5xx answers retried by default.
    pub(super) fn idempotent(&self) -> bool {
        self.method.is_idempotent()
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
    pub(super) source: &'static str,
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

    pub(super) fn matches(&self, value: &str) -> Option<bool> {
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
