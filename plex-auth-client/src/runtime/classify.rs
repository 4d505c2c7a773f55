//! The [`ErrorKind`] of an error status, from what the answer says, and the one rule for "the
//! token was refused".
//!
//! A token is refused only when plex.tv itself says so: a 401 carrying plex.tv's error
//! envelope (JSON or XML) with code 1001 ("User could not be authenticated") or the message
//! "Invalid token", or a 422 whose envelope says "Invalid token", answered to a call that sent a
//! token, directly (no redirect followed) and without a `WWW-Authenticate` challenge. A 401
//! page in HTML or any other body, a challenge (a proxy, a captive portal, a TLS-inspecting
//! gateway asking for its own credentials), a 401 reached through a redirect, and any other
//! code (1003 rate limited, 1029 and 1031 of sign-in) say nothing about the token.
//! [`ErrorKind::InvalidToken`] comes from this rule only, and
//! [`TokenStatus::Invalid`](crate::TokenStatus::Invalid) from that kind only.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};

use crate::{ErrorKind, PlexError};

/// plex.tv's codes that mean "this token is not accepted".
const TOKEN_REFUSED_CODES: &[i64] = &[1001];

/// plex.tv's message for a revoked token (its XML envelope carries no code).
const INVALID_TOKEN_MESSAGE: &str = "Invalid token";

/// What a failed call was answered, as classification needs it.
pub(super) struct Answered<'a> {
    pub(super) status: StatusCode,
    pub(super) headers: &'a HeaderMap,
    /// plex.tv's error envelope, read from the body; empty for any other body.
    pub(super) errors: &'a [PlexError],
    /// Whether the answer came after following a redirect.
    pub(super) redirected: bool,
    /// Whether the call sent a token.
    pub(super) sends_token: bool,
}

impl Answered<'_> {
    fn has(&self, code: i64) -> bool {
        self.errors.iter().any(|error| error.code == Some(code))
    }

    fn says(&self, message: &str) -> bool {
        self.errors.iter().any(|error| {
            error
                .message
                .as_deref()
                .is_some_and(|text| text.trim().eq_ignore_ascii_case(message))
        })
    }

    /// Whether plex.tv's own envelope has a message naming `word` (device key registration
    /// and device JWT refusals: their wording is not published, the word they name is).
    fn names(&self, word: &str) -> bool {
        self.is_plex_envelope()
            && self.errors.iter().any(|error| {
                error
                    .message
                    .as_deref()
                    .is_some_and(|text| text.to_ascii_lowercase().contains(word))
            })
    }

    /// plex.tv's own envelope, answered directly: an envelope, no redirect followed, no
    /// challenge for other credentials.
    fn is_plex_envelope(&self) -> bool {
        !self.errors.is_empty() && !self.redirected && !self.headers.contains_key(WWW_AUTHENTICATE)
    }
}

/// Whether plex.tv refused the token the call sent: see the module documentation.
pub(super) fn refuses_token(answer: &Answered<'_>) -> bool {
    if !answer.sends_token || !answer.is_plex_envelope() {
        return false;
    }
    match answer.status {
        StatusCode::UNAUTHORIZED => {
            TOKEN_REFUSED_CODES.iter().any(|&code| answer.has(code))
                || answer.says(INVALID_TOKEN_MESSAGE)
        }
        StatusCode::UNPROCESSABLE_ENTITY => answer.says(INVALID_TOKEN_MESSAGE),
        _ => false,
    }
}

/// The case an error status is. Plex's codes first (they name the case whatever the status);
/// then the token's refusal; then a sign-in's refusal (plex.tv's envelope on a 401 to a call
/// without a token); any other 401 is [`ErrorKind::Unauthorized`]: refused by someone, the token
/// not judged.
pub(super) fn classify(answer: &Answered<'_>) -> ErrorKind {
    let status = answer.status;
    if answer.has(1029) {
        ErrorKind::VerificationCodeRequired
    } else if answer.has(1031) {
        ErrorKind::LockedOut
    } else if status == StatusCode::TOO_MANY_REQUESTS || answer.has(1003) {
        ErrorKind::RateLimited
    } else if answer.has(1000) {
        ErrorKind::ClientIdentifierMissing
    } else if answer.has(1020) {
        ErrorKind::PinExpired
    } else if answer.has(1041) {
        ErrorKind::HomePinRequired
    } else if refuses_token(answer) {
        ErrorKind::InvalidToken
    } else if status.as_u16() == 498 && answer.sends_token && !answer.redirected {
        // plex.tv's "token expired", for a JWT past its end (its body's wording is not
        // published, so the status alone says it): a token source renews it.
        ErrorKind::TokenExpired
    } else if status == StatusCode::UNPROCESSABLE_ENTITY && answer.names("thumbprint") {
        ErrorKind::ThumbprintTaken
    } else if status == StatusCode::UNPROCESSABLE_ENTITY && answer.names("signature") {
        ErrorKind::InvalidSignature
    } else if status == StatusCode::UNAUTHORIZED {
        if !answer.sends_token && answer.is_plex_envelope() {
            ErrorKind::InvalidCredentials
        } else {
            ErrorKind::Unauthorized
        }
    } else {
        ErrorKind::Http
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn error(code: Option<i64>, message: &str) -> PlexError {
        PlexError {
            code,
            message: Some(message.into()),
            status: None,
        }
    }

    fn kind(
        status: u16,
        errors: &[PlexError],
        challenge: bool,
        redirected: bool,
        sends_token: bool,
    ) -> ErrorKind {
        let mut headers = HeaderMap::new();
        if challenge {
            headers.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"x\""),
            );
        }
        classify(&Answered {
            status: StatusCode::from_u16(status).unwrap(),
            headers: &headers,
            errors,
            redirected,
            sends_token,
        })
    }

    #[test]
    fn only_plex_tvs_own_refusal_is_an_invalid_token() {
        let refused = [error(Some(1001), "User could not be authenticated")];
        let revoked = [error(None, "Invalid token")];
        assert_eq!(
            kind(401, &refused, false, false, true),
            ErrorKind::InvalidToken
        );
        assert_eq!(
            kind(401, &revoked, false, false, true),
            ErrorKind::InvalidToken
        );
        assert_eq!(
            kind(422, &revoked, false, false, true),
            ErrorKind::InvalidToken
        );
        // The same envelope behind a challenge or a redirect, or without one at all.
        assert_eq!(
            kind(401, &refused, true, false, true),
            ErrorKind::Unauthorized
        );
        assert_eq!(
            kind(401, &refused, false, true, true),
            ErrorKind::Unauthorized
        );
        assert_eq!(kind(422, &revoked, false, true, true), ErrorKind::Http);
        assert_eq!(kind(401, &[], false, false, true), ErrorKind::Unauthorized);
        // Another code, another 422, another status.
        let rate_limited = [error(Some(1003), "API rate limit exceeded")];
        assert_eq!(
            kind(401, &rate_limited, false, false, true),
            ErrorKind::RateLimited
        );
        let other = [error(Some(1999), "Validation failed")];
        assert_eq!(
            kind(401, &other, false, false, true),
            ErrorKind::Unauthorized
        );
        assert_eq!(kind(422, &other, false, false, true), ErrorKind::Http);
        assert_eq!(kind(403, &refused, false, false, true), ErrorKind::Http);
    }

    #[test]
    fn a_sign_in_refusal_needs_plex_tvs_envelope_too() {
        let refused = [error(Some(1001), "User could not be authenticated")];
        assert_eq!(
            kind(401, &refused, false, false, false),
            ErrorKind::InvalidCredentials
        );
        assert_eq!(
            kind(401, &refused, true, false, false),
            ErrorKind::Unauthorized
        );
        assert_eq!(kind(401, &[], false, false, false), ErrorKind::Unauthorized);
        let two_factor = [error(Some(1029), "Please enter the verification code")];
        assert_eq!(
            kind(401, &two_factor, false, false, false),
            ErrorKind::VerificationCodeRequired
        );
    }

    #[test]
    fn code_1041_is_the_home_pin_and_another_403_is_not() {
        let pin = [error(
            Some(1041),
            "A valid PIN is required to perform this action",
        )];
        assert_eq!(
            kind(403, &pin, false, false, true),
            ErrorKind::HomePinRequired
        );
        assert_eq!(kind(403, &[], false, false, true), ErrorKind::Http);
    }

    #[test]
    fn a_498_is_an_expired_token_and_422s_name_their_cause() {
        assert_eq!(kind(498, &[], false, false, true), ErrorKind::TokenExpired);
        assert_eq!(
            kind(498, &[error(None, "Token expired")], false, false, true),
            ErrorKind::TokenExpired
        );
        // Without a token sent, or through a redirect, a 498 says nothing of a token.
        assert_eq!(kind(498, &[], false, false, false), ErrorKind::Http);
        assert_eq!(kind(498, &[], false, true, true), ErrorKind::Http);
        for (message, expected) in [
            (
                "Thumbprint has already been taken",
                ErrorKind::ThumbprintTaken,
            ),
            ("Invalid signature", ErrorKind::InvalidSignature),
            (
                "JWT SIGNATURE verification failed",
                ErrorKind::InvalidSignature,
            ),
            ("Invalid token", ErrorKind::InvalidToken),
            ("Something else", ErrorKind::Http),
        ] {
            let errors = [error(None, message)];
            assert_eq!(
                kind(422, &errors, false, false, true),
                expected,
                "{message}"
            );
        }
        // Only plex.tv's own envelope, answered directly, names the cause.
        let signature = [error(None, "Invalid signature")];
        assert_eq!(kind(422, &signature, true, false, true), ErrorKind::Http);
        assert_eq!(kind(422, &signature, false, true, false), ErrorKind::Http);
    }
}
