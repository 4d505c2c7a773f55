//! The [`ErrorKind`] of an error status: the first kind, in the order of declaration, one of
//! whose answers ([`ErrorKind`]'s facts) the answer is. Every rule lives with its kind; this
//! only reads an answer the way the rules speak of it.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};

use crate::error::{Answer, Says, Via};
use crate::{ErrorKind, PlexError};

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
    /// Whether the call sent a password.
    pub(super) sends_password: bool,
}

/// The kind of an error status: the first kind with an answer that matches, and
/// [`ErrorKind::Http`], whose answer is any, when no other does.
pub(super) fn classify(answer: &Answered<'_>) -> ErrorKind {
    ErrorKind::ALL
        .iter()
        .copied()
        .find(|kind| kind.answers().iter().any(|rule| answer.is(rule)))
        .unwrap_or(ErrorKind::Http)
}

impl Answered<'_> {
    /// Whether this is an answer `rule` describes.
    fn is(&self, rule: &Answer) -> bool {
        rule.status
            .is_none_or(|status| status == self.status.as_u16())
            && rule.token_sent.is_none_or(|sent| sent == self.sends_token)
            && rule
                .password_sent
                .is_none_or(|sent| sent == self.sends_password)
            && match rule.via {
                Via::Anywhere => true,
                Via::Directly => !self.redirected,
                Via::PlexTv => self.is_plex_envelope(),
            }
            && match rule.says {
                Says::Anything => true,
                Says::Code(code) => self.errors.iter().any(|error| error.code == Some(code)),
                Says::Message(text) => self
                    .messages()
                    .any(|message| message.trim().eq_ignore_ascii_case(text)),
                Says::Naming(word) => self
                    .messages()
                    .any(|message| message.to_ascii_lowercase().contains(word)),
            }
    }

    fn messages(&self) -> impl Iterator<Item = &str> {
        self.errors
            .iter()
            .filter_map(|error| error.message.as_deref())
    }

    /// plex.tv's own envelope, answered directly: an envelope, no redirect followed, no
    /// challenge for other credentials.
    fn is_plex_envelope(&self) -> bool {
        !self.errors.is_empty() && !self.redirected && !self.headers.contains_key(WWW_AUTHENTICATE)
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
            // The calls without a token these tests stand for are sign-ins.
            sends_password: !sends_token,
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
    fn a_401_to_a_call_without_token_nor_password_judges_no_credentials() {
        // A JWT exchange, a PIN: plex.tv's envelope on a 401 is not "wrong password".
        let refused = [error(Some(1001), "User could not be authenticated")];
        let answered = |sends_password| {
            classify(&Answered {
                status: StatusCode::UNAUTHORIZED,
                headers: &HeaderMap::new(),
                errors: &refused,
                redirected: false,
                sends_token: false,
                sends_password,
            })
        };
        assert_eq!(answered(false), ErrorKind::Unauthorized);
        assert_eq!(answered(true), ErrorKind::InvalidCredentials);
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
