//! A library error as the tool says it: what went wrong, in one line, from the error kind's
//! phrase and the error's parts. No operation name: the library's `Display` starts with one
//! (`getTokenByPinId: …`), which means nothing to the person reading; the kind's name is in
//! `--json`.

use plex_auth_client::{ApiError, Error};

/// What went wrong: one line, no operation name, nothing secret (the library's parts are
/// redacted already).
pub(crate) fn describe(error: &Error) -> String {
    match error {
        Error::Api(api) => api_error(api),
        Error::InvalidInput { message, .. } => message.clone(),
        Error::Config { message } => format!("unusable setting: {message}"),
        Error::Decode(decode) => format!(
            "the answer (HTTP {}) does not have the expected shape at {}: {}",
            decode.status.as_u16(),
            decode.path,
            decode.message
        ),
        Error::Timeout {
            status, message, ..
        } => format!("no answer in time{}: {message}", after(*status)),
        Error::Transport {
            status, message, ..
        } => format!("the connection failed{}: {message}", after(*status)),
        Error::TooLarge { status, limit, .. } => format!(
            "the answer (HTTP {}) is larger than {limit} bytes, the limit; it was not read",
            status.as_u16()
        ),
        Error::PinExpired { .. } => "the PIN expired before it was approved".into(),
        Error::WaitDeadline { deadline, .. } => format!(
            "the PIN was not approved within {} s; it stays valid until it expires",
            deadline.as_secs_f64()
        ),
        Error::InvalidJwt { reason, .. } => {
            format!("the JWT plex.tv sent failed verification: {reason}; it was not used")
        }
        Error::TokenRefresh { kind, .. } => format!(
            "the token expired and could not be renewed moments ago ({})",
            kind.phrase()
        ),
        Error::NoToken { .. } => "no token is held".into(),
        Error::Storage { message, .. } => message.clone(),
        // Their texts name no operation: the server, what was asked for, the servers listed.
        Error::NoConnection { .. }
        | Error::NoServerToken { .. }
        | Error::ServerNotFound { .. }
        | Error::AmbiguousServer { .. } => error.to_string(),
        // A case added to the library later: its kind's words.
        _ => error.kind().phrase().to_string(),
    }
}

/// "invalid or revoked token (HTTP 401 Unauthorized): User could not be authenticated (code
/// 1001)"; an error status without a name of its own is "HTTP 503 Service Unavailable: …".
fn api_error(api: &ApiError) -> String {
    let status = match api.status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", api.status.as_u16()),
        None => format!("HTTP {}", api.status.as_u16()),
    };
    let mut text = match api.kind {
        plex_auth_client::ErrorKind::Http => format!("the server answered {status}"),
        kind => format!("{} ({status})", kind.phrase()),
    };
    if !api.summary().is_empty() {
        text += &format!(": {}", api.summary());
    }
    if let Some(wait) = api.retry_after {
        text += &format!(" (retry after {} s)", wait.as_secs());
    }
    if let Some(location) = &api.location {
        text += &format!(" (a redirect to {location}, not followed)");
    }
    text
}

/// " after HTTP 200" for a failure once the status was known.
fn after(status: Option<reqwest::StatusCode>) -> String {
    status.map_or_else(String::new, |status| {
        format!(" after HTTP {}", status.as_u16())
    })
}
