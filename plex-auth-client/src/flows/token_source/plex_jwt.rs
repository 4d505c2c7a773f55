//! The JWTs of Plex's device authentication: the device JWT this installation signs, and the
//! claims a plex.tv JWT must carry to be trusted.

use std::time::Duration;

use serde_json::{Map, Value};

use super::DeviceKey;
use super::jws::{self, Compact};
use crate::Secret;

/// The audience of device JWTs, and the issuer of plex.tv's.
const PLEX_TV: &str = "plex.tv";

/// How long a device JWT is valid: the nonce it carries is valid 5 minutes too.
pub(crate) const DEVICE_JWT_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// Clocks disagree: `iat`, `nbf` and `exp` are judged with this much slack.
const LEEWAY_SECONDS: i64 = 60;

/// The scopes asked for by default: every one plex.tv documents.
pub(crate) const DEFAULT_SCOPES: &[&str] = &[
    "username",
    "email",
    "friendly_name",
    "restricted",
    "anonymous",
    "joinedAt",
];

/// When a plex.tv JWT was issued and when it ends, in Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lifetime {
    pub issued_at: i64,
    pub expires_at: i64,
}

/// A device JWT: signed with `key`, carrying `nonce`, for `aud` plex.tv, issued by the client
/// identifier, valid [`DEVICE_JWT_LIFETIME`] from `now`.
pub(crate) fn device_jwt(
    key: &DeviceKey,
    client_identifier: &str,
    nonce: &Secret,
    scopes: &str,
    now: i64,
) -> Secret {
    let claims = serde_json::json!({
        "nonce": nonce.expose(),
        "scope": scopes,
        "aud": PLEX_TV,
        "iss": client_identifier,
        "iat": now,
        "exp": now.saturating_add(DEVICE_JWT_LIFETIME.as_secs() as i64),
    });
    jws::sign(&claims, key)
}

/// What a plex.tv JWT must say to be trusted by this installation.
pub(crate) struct Expected<'a> {
    pub client_identifier: &'a str,
    pub key: &'a DeviceKey,
    /// Unix seconds.
    pub now: i64,
}

/// Checks the claims of a plex.tv JWT whose signature verified: `aud` holds `plex.tv` or the
/// client identifier, `iss` is `plex.tv`, `exp` is still ahead, `iat` and `nbf` (when present)
/// are not ahead, and `thumbprint` names this installation's key.
pub(crate) fn check_claims(
    claims: &Map<String, Value>,
    expected: &Expected<'_>,
) -> Result<Lifetime, String> {
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == PLEX_TV || aud == expected.client_identifier,
        Some(Value::Array(list)) => list.iter().any(|aud| {
            aud.as_str()
                .is_some_and(|aud| aud == PLEX_TV || aud == expected.client_identifier)
        }),
        _ => false,
    };
    if !audience_ok {
        return Err("its audience (`aud`) is neither plex.tv nor this client".into());
    }
    if claims.get("iss").and_then(Value::as_str) != Some(PLEX_TV) {
        return Err("its issuer (`iss`) is not plex.tv".into());
    }
    let lifetime = lifetime(claims).ok_or("it has no numeric `exp`")?;
    if claims.get("iat").and_then(seconds).is_none() {
        return Err("it has no numeric `iat`".into());
    }
    if lifetime.expires_at.saturating_add(LEEWAY_SECONDS) <= expected.now {
        return Err("it has expired (`exp`)".into());
    }
    if lifetime.issued_at > expected.now.saturating_add(LEEWAY_SECONDS) {
        return Err("it is issued in the future (`iat`)".into());
    }
    if let Some(not_before) = claims.get("nbf") {
        let not_before = seconds(not_before).ok_or("its `nbf` is not a number")?;
        if not_before > expected.now.saturating_add(LEEWAY_SECONDS) {
            return Err("it is not valid yet (`nbf`)".into());
        }
    }
    let thumbprint = claims.get("thumbprint").and_then(Value::as_str);
    let ours = [expected.key.thumbprint(), expected.key.key_id()];
    if !thumbprint.is_some_and(|thumbprint| ours.contains(&thumbprint)) {
        return Err("it is not bound to this device's key (`thumbprint`)".into());
    }
    Ok(lifetime)
}

/// The lifetime a JWT claims, read without verifying it: for a token this installation
/// verified before and kept. `None` when the token is not a JWT with `exp` (a legacy token).
pub(crate) fn unverified_lifetime(token: &Secret) -> Option<Lifetime> {
    lifetime(&Compact::parse(token.expose()).ok()?.claims)
}

fn lifetime(claims: &Map<String, Value>) -> Option<Lifetime> {
    Some(Lifetime {
        expires_at: seconds(claims.get("exp")?)?,
        issued_at: claims.get("iat").and_then(seconds).unwrap_or(i64::MIN),
    })
}

/// A NumericDate as whole seconds: an integer, or a finite number in range (rounded down).
fn seconds(value: &Value) -> Option<i64> {
    let number = value.as_number()?;
    number.as_i64().or_else(|| {
        let float = number.as_f64()?;
        (float.is_finite() && float.abs() < 9.0e15).then(|| float.floor() as i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_750_000_000;

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn valid(key: &DeviceKey) -> Value {
        serde_json::json!({
            "aud": "plex.tv",
            "iss": "plex.tv",
            "iat": NOW - 10,
            "exp": NOW + 7 * 86_400,
            "thumbprint": key.thumbprint(),
        })
    }

    fn check(key: &DeviceKey, value: Value) -> Result<Lifetime, String> {
        let expected = Expected {
            client_identifier: "client-1",
            key,
            now: NOW,
        };
        check_claims(&claims(value), &expected)
    }

    #[test]
    fn accepts_plex_tv_jwt_claims_and_reads_their_lifetime() {
        let key = DeviceKey::generate().unwrap();
        let lifetime = check(&key, valid(&key)).unwrap();
        assert_eq!(lifetime.issued_at, NOW - 10);
        assert_eq!(lifetime.expires_at, NOW + 7 * 86_400);
        let mut listed = valid(&key);
        listed["aud"] = serde_json::json!(["other", "client-1"]);
        listed["exp"] = serde_json::json!((NOW + 100) as f64 + 0.5);
        listed["nbf"] = serde_json::json!(NOW);
        assert_eq!(check(&key, listed).unwrap().expires_at, NOW + 100);
    }

    #[test]
    fn refuses_each_claim_that_is_wrong_or_missing() {
        let key = DeviceKey::generate().unwrap();
        let other = DeviceKey::generate().unwrap();
        let cases: [(&str, Value, &str); 10] = [
            ("aud", serde_json::json!("plex.tv.evil"), "audience"),
            ("aud", serde_json::json!(["x"]), "audience"),
            ("iss", serde_json::json!("evil"), "issuer"),
            ("exp", serde_json::json!(NOW - LEEWAY_SECONDS), "expired"),
            ("exp", serde_json::json!("tomorrow"), "numeric"),
            ("exp", serde_json::json!(1e300), "numeric"),
            ("iat", serde_json::json!(NOW + 3600), "future"),
            ("nbf", serde_json::json!(NOW + 3600), "not valid yet"),
            (
                "thumbprint",
                serde_json::json!(other.thumbprint()),
                "thumbprint",
            ),
            ("nbf", serde_json::json!(null), "`nbf` is not a number"),
        ];
        for (claim, value, expected) in cases {
            let mut token = valid(&key);
            token[claim] = value;
            let err = check(&key, token).unwrap_err();
            assert!(err.contains(expected), "{claim}: {err}");
        }
        for claim in ["aud", "iss", "exp", "iat", "thumbprint"] {
            let mut token = valid(&key);
            token.as_object_mut().unwrap().remove(claim);
            assert!(check(&key, token).is_err(), "without {claim}");
        }
    }

    #[test]
    fn a_device_jwt_carries_the_documented_claims_and_verifies() {
        let key = DeviceKey::generate().unwrap();
        let nonce = Secret::new("nonce-1");
        let jwt = device_jwt(&key, "client-1", &nonce, "username,email", NOW);
        let parsed = Compact::parse(jwt.expose()).unwrap();
        parsed.verify(&key.public_jwk()).unwrap();
        assert_eq!(parsed.key_id(), Some(key.key_id()));
        assert_eq!(
            Value::Object(parsed.claims),
            serde_json::json!({
                "nonce": "nonce-1",
                "scope": "username,email",
                "aud": "plex.tv",
                "iss": "client-1",
                "iat": NOW,
                "exp": NOW + 300,
            })
        );
        let lifetime = unverified_lifetime(&jwt).unwrap();
        assert_eq!((lifetime.issued_at, lifetime.expires_at), (NOW, NOW + 300));
        assert_eq!(unverified_lifetime(&Secret::new("legacy-token-abc")), None);
    }
}
