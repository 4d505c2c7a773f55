//! What a token source holds, told without the token: a legacy token or a JWT with its
//! lifetime.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::plex_jwt::unverified_lifetime;
use crate::Secret;

/// What a [`TokenSource`](crate::TokenSource) holds, without the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// A legacy token: no expiry of its own, never refreshed.
    Legacy,
    /// A plex.tv JWT, refreshed before `expires_at`.
    Jwt {
        /// When it was issued (`iat`).
        issued_at: SystemTime,
        /// When it ends (`exp`).
        expires_at: SystemTime,
    },
}

impl TokenKind {
    /// What `token` claims to be, read without verifying it: a JWT (with the `iat` and `exp`
    /// its claims say) when it is one with a numeric `exp`, else a legacy token. For showing a
    /// token someone gave; a [`TokenSource`](crate::TokenSource) knows what it
    /// holds ([`TokenSource::kind`](crate::TokenSource::kind)).
    pub fn of(token: &Secret) -> Self {
        match unverified_lifetime(token) {
            Some(lifetime) => TokenKind::Jwt {
                issued_at: system_time(lifetime.issued_at),
                expires_at: system_time(lifetime.expires_at),
            },
            None => TokenKind::Legacy,
        }
    }
}

/// Unix seconds as a time. A kept token can claim any `exp`: it is clamped to about a thousand
/// years either side of 1970, which every platform's `SystemTime` holds.
pub(super) fn system_time(seconds: i64) -> SystemTime {
    const LIMIT: i64 = 1000 * 366 * 24 * 60 * 60;
    let seconds = seconds.clamp(-LIMIT, LIMIT);
    let offset = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH + offset
    } else {
        UNIX_EPOCH - offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DeviceKey;
    use crate::flows::token_source::plex_jwt::device_jwt;

    #[test]
    fn a_token_given_is_told_a_jwt_by_its_claims_else_legacy() {
        let key = DeviceKey::generate().unwrap();
        let jwt = device_jwt(
            &key,
            "client-1",
            &Secret::new("nonce"),
            "username",
            1_750_000_000,
        );
        assert_eq!(
            TokenKind::of(&jwt),
            TokenKind::Jwt {
                issued_at: UNIX_EPOCH + Duration::from_secs(1_750_000_000),
                expires_at: UNIX_EPOCH + Duration::from_secs(1_750_000_300),
            }
        );
        for legacy in ["legacy-token-abc", "a.b.c", "", "x.e30.y"] {
            assert_eq!(
                TokenKind::of(&Secret::new(legacy)),
                TokenKind::Legacy,
                "{legacy}"
            );
        }
    }
}
