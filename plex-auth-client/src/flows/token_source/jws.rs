//! Compact JWS with EdDSA (Ed25519), the only form Plex uses: signing device JWTs, and reading
//! and verifying the JWTs plex.tv issues. No other algorithm is accepted, `none` included.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::DeviceKey;
use crate::Secret;
use crate::types::Jwk;

/// The longest JWT read: plex.tv's are well under 1 KiB.
pub(crate) const MAX_TOKEN_LEN: usize = 8 * 1024;

/// `bytes` in base64url without padding, as JOSE writes binary values.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The bytes of a base64url value without padding; `None` when it is not one.
pub(crate) fn from_base64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// A compact JWS of `claims`, signed with `key`: the header names the algorithm (`EdDSA`), the
/// key (`kid`) and the type (`JWT`).
pub(crate) fn sign(claims: &Value, key: &DeviceKey) -> Secret {
    let header = serde_json::json!({"alg": "EdDSA", "kid": key.key_id(), "typ": "JWT"});
    let signing_input = format!(
        "{}.{}",
        base64url(header.to_string().as_bytes()),
        base64url(claims.to_string().as_bytes())
    );
    let signature = key.sign(signing_input.as_bytes());
    Secret::new(format!("{signing_input}.{}", base64url(&signature)))
}

/// A compact JWS read but not yet verified. `Debug` shows the header only: the claims and the
/// signature are the token.
pub(crate) struct Compact {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    signing_input: String,
    signature: Vec<u8>,
}

impl Compact {
    /// Reads `token`: three base64url parts, a JSON object header naming `EdDSA`, a JSON object
    /// payload. The reasons never quote the token.
    pub(crate) fn parse(token: &str) -> Result<Self, String> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(format!("it is longer than {MAX_TOKEN_LEN} bytes"));
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("it is not a compact JWS (three parts separated by dots)".into());
        };
        let header = object(header).ok_or("its header is not a base64url JSON object")?;
        let claims = object(payload).ok_or("its claims are not a base64url JSON object")?;
        let signature = from_base64url(signature).ok_or("its signature is not base64url")?;
        match header.get("alg").and_then(Value::as_str) {
            Some("EdDSA") => {}
            Some(_) => return Err("it is not signed with EdDSA".into()),
            None => return Err("its header names no algorithm".into()),
        }
        if header.contains_key("crit") {
            return Err("its header asks for extensions (`crit`) this client does not know".into());
        }
        // Header and payload as sent: the signature covers those bytes, not a re-encoding.
        let signing_input = token
            .rsplit_once('.')
            .map_or_else(String::new, |(input, _)| input.to_string());
        Ok(Self {
            header,
            claims,
            signing_input,
            signature,
        })
    }

    /// The `kid` of the header.
    pub(crate) fn key_id(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// Checks the signature with `key`, an Ed25519 JWK.
    pub(crate) fn verify(&self, key: &Jwk) -> Result<(), String> {
        let field = |value: &Option<String>, expected: &str| {
            value.as_deref().is_none_or(|value| value == expected)
        };
        if key.kty != "OKP" || key.crv.as_deref() != Some("Ed25519") {
            return Err("the key it names is not an Ed25519 key".into());
        }
        if !field(&key.alg, "EdDSA") || !field(&key.use_, "sig") {
            return Err("the key it names is not an EdDSA signing key".into());
        }
        let public = key
            .x
            .as_deref()
            .and_then(from_base64url)
            .filter(|x| x.len() == 32)
            .ok_or("the key it names has no 32-byte public key")?;
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, public)
            .verify(self.signing_input.as_bytes(), &self.signature)
            .map_err(|_| "its signature does not verify".to_string())
    }
}

impl std::fmt::Debug for Compact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compact")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

fn object(part: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&from_base64url(part)?).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (DeviceKey, Secret) {
        let key = DeviceKey::generate().unwrap();
        let token = sign(&serde_json::json!({"aud": "plex.tv", "n": 1}), &key);
        (key, token)
    }

    #[test]
    fn a_signed_token_reads_back_and_verifies_with_its_key_only() {
        let (key, token) = sample();
        let parsed = Compact::parse(token.expose()).unwrap();
        assert_eq!(parsed.header["alg"], "EdDSA");
        assert_eq!(parsed.header["typ"], "JWT");
        assert_eq!(parsed.key_id(), Some(key.key_id()));
        assert_eq!(parsed.claims["aud"], "plex.tv");
        parsed.verify(&key.public_jwk()).unwrap();
        let other = DeviceKey::generate().unwrap();
        assert_eq!(
            parsed.verify(&other.public_jwk()).unwrap_err(),
            "its signature does not verify"
        );
    }

    #[test]
    fn debug_shows_the_header_and_never_the_claims_or_the_signature() {
        let (key, token) = sample();
        let parsed = Compact::parse(token.expose()).unwrap();
        let shown = format!("{parsed:?}");
        assert!(
            shown.contains("EdDSA") && shown.contains(key.key_id()),
            "{shown}"
        );
        let mut parts = token.expose().split('.').skip(1);
        let (claims, signature) = (parts.next().unwrap(), parts.next().unwrap());
        for hidden in [claims, signature, "plex.tv", "\"n\""] {
            assert!(!shown.contains(hidden), "{hidden} in {shown}");
        }
    }

    #[test]
    fn a_changed_claim_or_header_breaks_the_signature() {
        let (key, token) = sample();
        let parts: Vec<&str> = token.expose().split('.').collect();
        let forged_claims = base64url(br#"{"aud":"plex.tv","n":2}"#);
        let forged = format!("{}.{forged_claims}.{}", parts[0], parts[2]);
        let parsed = Compact::parse(&forged).unwrap();
        assert!(parsed.verify(&key.public_jwk()).is_err());
        let forged_header = base64url(br#"{"alg":"EdDSA","kid":"another"}"#);
        let forged = format!("{forged_header}.{}.{}", parts[1], parts[2]);
        assert!(
            Compact::parse(&forged)
                .unwrap()
                .verify(&key.public_jwk())
                .is_err()
        );
    }

    #[test]
    fn refuses_other_algorithms_and_malformed_tokens() {
        let claims = base64url(br#"{"aud":"plex.tv"}"#);
        let cases = [
            (
                format!("{}.{claims}.", base64url(br#"{"alg":"none"}"#)),
                "not signed with EdDSA",
            ),
            (
                format!("{}.{claims}.AA", base64url(br#"{"alg":"HS256"}"#)),
                "not signed with EdDSA",
            ),
            (
                format!("{}.{claims}.AA", base64url(br#"{"typ":"JWT"}"#)),
                "names no algorithm",
            ),
            (
                format!(
                    "{}.{claims}.AA",
                    base64url(br#"{"alg":"EdDSA","crit":["x"]}"#)
                ),
                "extensions",
            ),
            (
                format!("{}.{claims}.AA", base64url(b"[1]")),
                "header is not",
            ),
            (
                format!("{}.bm90IGpzb24.AA", base64url(br#"{"alg":"EdDSA"}"#)),
                "claims are not",
            ),
            (
                format!("{}.{claims}.!!", base64url(br#"{"alg":"EdDSA"}"#)),
                "signature is not",
            ),
            ("only.two".to_string(), "three parts"),
            ("a.b.c.d".to_string(), "three parts"),
            ("x".repeat(MAX_TOKEN_LEN + 1), "longer than"),
        ];
        for (token, expected) in cases {
            let err = Compact::parse(&token).unwrap_err();
            assert!(err.contains(expected), "{token:.40}: {err}");
        }
    }

    #[test]
    fn refuses_keys_that_are_not_ed25519_signing_keys() {
        let (key, token) = sample();
        let parsed = Compact::parse(token.expose()).unwrap();
        let mut rsa = key.public_jwk();
        rsa.kty = "RSA".into();
        assert!(
            parsed
                .verify(&rsa)
                .unwrap_err()
                .contains("not an Ed25519 key")
        );
        let mut encryption = key.public_jwk();
        encryption.use_ = Some("enc".into());
        assert!(
            parsed
                .verify(&encryption)
                .unwrap_err()
                .contains("not an EdDSA signing key")
        );
        let mut short = key.public_jwk();
        short.x = Some(base64url(&[1; 31]));
        assert!(
            parsed
                .verify(&short)
                .unwrap_err()
                .contains("32-byte public key")
        );
    }

    /// Random bytes and pieces of tokens never make reading panic.
    #[test]
    fn arbitrary_input_never_panics() {
        let pieces = [
            "eyJhbGciOiJFZERTQSJ9",
            ".",
            "e30",
            "AA",
            "-",
            "_",
            "=",
            "é",
            "...",
        ];
        let mut rng = fastrand::Rng::with_seed(0x0a5e_5eed);
        for _ in 0..5000 {
            let token: String = (0..rng.usize(0..12))
                .map(|_| {
                    if rng.bool() {
                        pieces[rng.usize(0..pieces.len())].to_string()
                    } else {
                        rng.char(..).to_string()
                    }
                })
                .collect();
            let _ = Compact::parse(&token);
        }
    }
}
