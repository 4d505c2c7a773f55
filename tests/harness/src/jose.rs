//! Ed25519 JWS for the stand-in of plex.tv, written apart from the client's own module, so
//! that a mistake in one is not repeated in the other: base64url, signing, verification and
//! RFC 7638 thumbprints.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde_json::{Map, Value};

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// An Ed25519 key of the stand-in, made from a fixed seed.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    pub kid: String,
}

impl SigningKey {
    pub fn from_seed(seed: [u8; 32], kid: &str) -> Self {
        Self {
            pair: Ed25519KeyPair::from_seed_unchecked(&seed).expect("an Ed25519 seed"),
            kid: kid.to_string(),
        }
    }

    /// The public JWK, as plex.tv's `/auth/keys` lists its keys.
    pub fn public_jwk(&self) -> Value {
        serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64(self.pair.public_key().as_ref()),
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
        })
    }

    /// A compact JWS of `claims` with header `{"alg":"EdDSA","kid":…,"typ":"JWT"}`.
    pub fn sign(&self, claims: &Value) -> String {
        let header = serde_json::json!({"alg": "EdDSA", "kid": self.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let signature = self.pair.sign(input.as_bytes());
        format!("{input}.{}", b64(signature.as_ref()))
    }
}

/// A compact JWS split into its decoded header and claims; `None` when it is not one.
pub struct Jws {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    input: String,
    signature: Vec<u8>,
}

impl Jws {
    pub fn parse(token: &str) -> Option<Self> {
        let (input, signature) = token.rsplit_once('.')?;
        let (header, claims) = input.split_once('.')?;
        let object = |part: &str| match serde_json::from_slice(&unb64(part)?).ok()? {
            Value::Object(map) => Some(map),
            _ => None,
        };
        Some(Self {
            header: object(header)?,
            claims: object(claims)?,
            input: input.to_string(),
            signature: unb64(signature)?,
        })
    }

    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    pub fn claim_i64(&self, name: &str) -> Option<i64> {
        self.claims.get(name).and_then(Value::as_i64)
    }

    /// Whether the header says EdDSA and the signature verifies with the 32-byte public key.
    pub fn verifies_with(&self, public_key: &[u8]) -> bool {
        self.header_str("alg") == Some("EdDSA")
            && UnparsedPublicKey::new(&ED25519, public_key)
                .verify(self.input.as_bytes(), &self.signature)
                .is_ok()
    }
}

/// The RFC 7638 thumbprint of an Ed25519 public key given as its JWK `x`.
pub fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    b64(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref())
}
