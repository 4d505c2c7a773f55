//! An error status's details, and Plex's error envelope.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use super::ErrorKind;

/// An error status from the server, with what its body said.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation called.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The named case, or [`ErrorKind::Http`].
    pub kind: ErrorKind,
    /// Plex's errors from a JSON or XML envelope; empty for other bodies.
    pub errors: Vec<PlexError>,
    /// The start of the body as one line of text (at most 2 KiB), redacted: the credentials
    /// the call sent (in any of the encodings [`Redactor`](crate::Redactor) sees through), and
    /// the values of credential-named fields (`authToken`, `token`, `secret`, `password`…), are
    /// replaced by `<redacted>`; control characters are replaced.
    pub body: String,
    /// `Retry-After`, when present.
    pub retry_after: Option<Duration>,
    /// `Location`, for a redirect that was not followed: scheme, host, port and path only.
    pub location: Option<String>,
    /// One line saying what the body said, for `Display`.
    pub(crate) summary: String,
}

impl ApiError {
    /// The first Plex error code, when there is one.
    pub fn code(&self) -> Option<i64> {
        self.errors.iter().find_map(|e| e.code)
    }

    /// One line saying what the body said (Plex's messages and codes, an HTML page's title, or
    /// the start of the body), redacted as [`body`](Self::body) is; empty when it said nothing.
    /// `Display` shows it after the operation, the status and the kind's
    /// [`phrase`](ErrorKind::phrase).
    pub fn summary(&self) -> &str {
        &self.summary
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let case = self.kind.phrase();
        // A status without a reason phrase (Plex's 498) is shown as its number alone.
        match self.status.canonical_reason() {
            Some(_) => write!(f, "{}: HTTP {}: {case}", self.operation, self.status)?,
            None => write!(
                f,
                "{}: HTTP {}: {case}",
                self.operation,
                self.status.as_u16()
            )?,
        }
        if !self.summary.is_empty() {
            write!(f, ": {}", self.summary)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        if let Some(location) = &self.location {
            write!(f, " (redirect to {location} not followed)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success status whose body is not what the spec declares.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: HTTP {status}: body does not decode at {path}: {message}")]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation called.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON path where decoding failed (`.` for the whole body).
    pub path: String,
    /// What serde said, redacted as the body is; withheld when it would quote the value of a
    /// secret field.
    pub message: String,
    /// The start of the body as one line of text (at most 2 KiB), redacted as
    /// [`ApiError::body`] is.
    pub body: String,
}

/// One entry of Plex's error envelope, read from JSON (`{"errors":[{"code","message",
/// "status"}]}`) or XML (`<error code=".." message=".." status=".."/>`, or `<error>` holding
/// only text). The spec's `PlexError` schema is this type (`types::PlexErrors` holds them).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct PlexError {
    /// Plex's error code, such as 1001 (wrong credentials) or 1029 (2FA code required).
    pub code: Option<i64>,
    /// The message.
    pub message: Option<String>,
    /// The HTTP status the envelope repeats.
    pub status: Option<i64>,
}
