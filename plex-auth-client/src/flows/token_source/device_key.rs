//! The installation's Ed25519 key for JWT authentication: made once, kept beside the client
//! identifier, registered with plex.tv by its public JWK.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;

use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};

use super::jws::{base64url, from_base64url};
use crate::Secret;
use crate::flows::private_file;
use crate::types::Jwk;

/// The largest key file read.
const MAX_FILE_LEN: u64 = 4096;

/// The key file at `path`, bounded; a file that is not usable said so.
fn read(path: &Path) -> io::Result<Option<Vec<u8>>> {
    private_file::read_bounded(
        path,
        MAX_FILE_LEN,
        "not a device key file; it is kept as it is",
    )
}

/// An Ed25519 device key: it signs the device JWTs that plex.tv trades for its own JWTs.
///
/// Make one per installation and keep it, as the client identifier is kept: plex.tv ties the
/// registered key to the identifier. [`DeviceKey::load_or_create`] keeps it in a file;
/// [`DeviceKey::from_bytes`] and [`DeviceKey::to_bytes`] let an application keep it
/// elsewhere (a keyring, a secrets manager); [`DeviceKey::from_raw_seed`] reads a raw key
/// (python-plexapi's key files). Cloning is cheap.
///
/// Its `Debug` output shows the key id only, never the private key.
#[derive(Clone)]
pub struct DeviceKey(Arc<Inner>);

struct Inner {
    pair: Ed25519KeyPair,
    seed: Seed,
    /// RFC 7638 thumbprint of the public JWK.
    thumbprint: String,
    /// The `kid` sent: the thumbprint unless the key came with its own.
    key_id: String,
}

/// The private key's seed, overwritten when dropped (best effort: ring keeps its own copy in
/// the key pair, which it does not clear).
struct Seed([u8; 32]);

impl Drop for Seed {
    fn drop(&mut self) {
        self.0.fill(0);
        // Keeps the writes from being optimised away as writes to memory about to be freed.
        std::hint::black_box(&self.0);
    }
}

impl DeviceKey {
    /// A new random key, from the operating system's random source.
    ///
    /// # Errors
    /// When the random source fails.
    pub fn generate() -> io::Result<Self> {
        let mut seed = Seed([0; 32]);
        SystemRandom::new()
            .fill(&mut seed.0)
            .map_err(|_| io::Error::other("the system's random source failed"))?;
        Self::from_seed(seed, None)
    }

    /// The key stored at `path`, or a new one stored there first: written to a temporary name
    /// and linked into place (two processes starting together agree on one key), mode 0600 on
    /// Unix, in a folder created with mode 0700. Keep it beside the client identifier
    /// ([`load_or_create_client_identifier`](crate::load_or_create_client_identifier)).
    ///
    /// ```no_run
    /// use plex_auth_client::DeviceKey;
    ///
    /// let key = DeviceKey::load_or_create("/home/me/.config/my-app/device-key")?;
    /// println!("device key {}", key.key_id());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// An I/O error when the file cannot be read or written; [`io::ErrorKind::InvalidData`]
    /// when the path is not a regular file (a FIFO is refused without blocking), is larger than
    /// 4 KiB or does not hold the private JWK this writes (a raw 32-byte key is refused too).
    /// Such a file is never replaced: the registered key would be lost.
    pub fn load_or_create(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref();
        if let Some(bytes) = read(path)? {
            return Self::from_file(path, &bytes);
        }
        let key = Self::generate()?;
        if private_file::create_new(path, key.to_bytes().expose().as_bytes())? {
            return Ok(key);
        }
        // Another process stored its key first: that one is the installation's.
        match read(path)? {
            Some(bytes) => Self::from_file(path, &bytes),
            None => Err(io::Error::other(format!(
                "{} vanished while it was created",
                path.display()
            ))),
        }
    }

    fn from_file(path: &Path, bytes: &[u8]) -> io::Result<Self> {
        Self::from_bytes(bytes).map_err(|err| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {err}; it is kept as it is", path.display()),
            )
        })
    }

    /// A key from what [`to_bytes`](Self::to_bytes) gave: a private JWK (`kty` `OKP`, `crv`
    /// `Ed25519`, `d`, and `x` when present must match). The only format of a key file.
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidData`] naming what is wrong (never quoting the key).
    pub fn from_bytes(bytes: &[u8]) -> io::Result<Self> {
        let invalid = |message: &str| io::Error::new(io::ErrorKind::InvalidData, message);
        let not_a_jwk = || {
            // Raw seeds are never guessed: a damaged 32-byte file would load as another key.
            invalid(if bytes.len() == 32 {
                "not a private JWK (a raw 32-byte Ed25519 key is read by DeviceKey::from_raw_seed)"
            } else {
                "not a private JWK"
            })
        };
        let text = std::str::from_utf8(bytes).map_err(|_| not_a_jwk())?;
        let jwk: serde_json::Value = serde_json::from_str(text.trim()).map_err(|_| not_a_jwk())?;
        let field = |name: &str| jwk.get(name).and_then(serde_json::Value::as_str);
        if field("kty") != Some("OKP") || field("crv") != Some("Ed25519") {
            return Err(invalid(
                "the JWK is not an Ed25519 key (kty OKP, crv Ed25519)",
            ));
        }
        let private = field("d")
            .and_then(from_base64url)
            .filter(|d| d.len() == 32)
            .ok_or_else(|| invalid("the JWK has no 32-byte private key (`d`)"))?;
        let mut seed = Seed([0; 32]);
        seed.0.copy_from_slice(&private);
        let key = Self::from_seed(seed, field("kid").map(str::to_owned))?;
        if let Some(x) = field("x")
            && from_base64url(x).as_deref() != Some(key.public_key())
        {
            return Err(invalid(
                "the JWK's public key (`x`) does not match its private key",
            ));
        }
        Ok(key)
    }

    /// A key from the 32 raw bytes of an Ed25519 private key (its seed), as python-plexapi's
    /// key files hold them. Any 32 bytes make a key: check where they came from.
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidData`] when `seed` is not 32 bytes long.
    pub fn from_raw_seed(seed: &[u8]) -> io::Result<Self> {
        let bytes: [u8; 32] = seed.try_into().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "a raw Ed25519 private key is 32 bytes long",
            )
        })?;
        Self::from_seed(Seed(bytes), None)
    }

    fn from_seed(seed: Seed, key_id: Option<String>) -> io::Result<Self> {
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed.0)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not an Ed25519 key"))?;
        // RFC 7638: SHA-256 over the required members, in lexicographic order, no spaces.
        let x = base64url(pair.public_key().as_ref());
        let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
        let digest = ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes());
        let thumbprint = base64url(digest.as_ref());
        let key_id = key_id
            .filter(|kid| !kid.is_empty())
            .unwrap_or_else(|| thumbprint.clone());
        Ok(Self(Arc::new(Inner {
            pair,
            seed,
            thumbprint,
            key_id,
        })))
    }

    /// The same key sent under another `kid`: for a key registered by another tool under its
    /// own id (python-plexapi's is a SHA-256 hex digest of the key bytes).
    pub fn with_key_id(self, key_id: impl Into<String>) -> Self {
        let mut seed = Seed([0; 32]);
        seed.0.copy_from_slice(&self.0.seed.0);
        Self::from_seed(seed, Some(key_id.into())).unwrap_or(self)
    }

    /// The key as bytes to keep: its private JWK, as JSON. A [`Secret`]: whoever holds it signs
    /// in as this installation.
    pub fn to_bytes(&self) -> Secret {
        Secret::new(format!("{}\n", self.private_jwk()))
    }

    /// The private JWK, as a JSON value (for a document that keeps the key inside it). Whoever
    /// holds it signs in as this installation.
    pub(crate) fn private_jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": base64url(self.public_key()),
            "d": base64url(&self.0.seed.0),
            "kid": self.0.key_id,
            "use": "sig",
            "alg": "EdDSA",
        })
    }

    /// The public JWK registered with plex.tv: `kty` `OKP`, `crv` `Ed25519`, `x`, `kid`, `use`
    /// `sig`, `alg` `EdDSA`. It holds no secret.
    pub fn public_jwk(&self) -> Jwk {
        Jwk {
            kty: "OKP".into(),
            crv: Some("Ed25519".into()),
            x: Some(base64url(self.public_key())),
            kid: Some(self.0.key_id.clone()),
            use_: Some("sig".into()),
            alg: Some("EdDSA".into()),
        }
    }

    /// The `kid` device JWTs carry: the key's RFC 7638 thumbprint, unless it was given another.
    pub fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The RFC 7638 thumbprint of the public JWK (base64url SHA-256).
    pub fn thumbprint(&self) -> &str {
        &self.0.thumbprint
    }

    /// The 32 bytes of the public key.
    pub fn public_key(&self) -> &[u8] {
        self.0.pair.public_key().as_ref()
    }

    /// An Ed25519 signature of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.pair.sign(message).as_ref().to_vec()
    }
}

/// The key id only: never the private key.
impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceKey")
            .field("key_id", &self.0.key_id)
            .field("private", &"<redacted>")
            .finish()
    }
}

impl PartialEq for DeviceKey {
    fn eq(&self, other: &Self) -> bool {
        self.public_key() == other.public_key() && self.key_id() == other.key_id()
    }
}

impl Eq for DeviceKey {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::private_file::tests::scratch;

    /// RFC 8037, appendix A: the Ed25519 test key and its RFC 7638 thumbprint (A.3).
    const RFC_8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const RFC_8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    const RFC_8037_THUMBPRINT: &str = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    fn rfc_key() -> DeviceKey {
        let jwk =
            format!(r#"{{"kty":"OKP","crv":"Ed25519","d":"{RFC_8037_D}","x":"{RFC_8037_X}"}}"#);
        DeviceKey::from_bytes(jwk.as_bytes()).unwrap()
    }

    #[test]
    fn the_rfc_8037_key_has_its_published_public_key_thumbprint_and_signature() {
        let key = rfc_key();
        assert_eq!(base64url(key.public_key()), RFC_8037_X);
        assert_eq!(key.thumbprint(), RFC_8037_THUMBPRINT);
        assert_eq!(key.key_id(), RFC_8037_THUMBPRINT);
        // RFC 8037 A.4: the signature of the JWS signing input of {"alg":"EdDSA"} over
        // "Example of Ed25519 signing".
        let signature = key.sign(b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc");
        assert_eq!(
            base64url(&signature),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
        let jwk = key.public_jwk();
        assert_eq!(jwk.kty, "OKP");
        assert_eq!(jwk.crv.as_deref(), Some("Ed25519"));
        assert_eq!(jwk.x.as_deref(), Some(RFC_8037_X));
        assert_eq!(jwk.kid.as_deref(), Some(RFC_8037_THUMBPRINT));
        assert_eq!(jwk.alg.as_deref(), Some("EdDSA"));
        assert_eq!(jwk.use_.as_deref(), Some("sig"));
    }

    #[test]
    fn round_trips_through_bytes_and_reads_a_raw_private_key_apart() {
        let key = DeviceKey::generate().unwrap();
        assert_ne!(key, DeviceKey::generate().unwrap());
        let again = DeviceKey::from_bytes(key.to_bytes().expose().as_bytes()).unwrap();
        assert_eq!(again, key);
        assert_eq!(again.thumbprint(), key.thumbprint());
        let raw = from_base64url(RFC_8037_D).unwrap();
        assert_eq!(DeviceKey::from_raw_seed(&raw).unwrap(), rfc_key());
        let err = DeviceKey::from_raw_seed(&raw[..31]).unwrap_err();
        assert!(err.to_string().contains("32 bytes"), "{err}");
        assert_eq!(
            key.private_jwk(),
            serde_json::from_str::<serde_json::Value>(key.to_bytes().expose()).unwrap()
        );
        let renamed = rfc_key().with_key_id("python-plexapi-id");
        assert_eq!(renamed.key_id(), "python-plexapi-id");
        assert_eq!(renamed.thumbprint(), RFC_8037_THUMBPRINT);
        let kept = DeviceKey::from_bytes(renamed.to_bytes().expose().as_bytes()).unwrap();
        assert_eq!(kept.key_id(), "python-plexapi-id");
    }

    #[test]
    fn refuses_what_is_not_an_ed25519_private_key_without_quoting_it() {
        let cases = [
            (b"garbage".to_vec(), "not a private JWK"),
            (from_base64url(RFC_8037_D).unwrap(), "from_raw_seed"),
            (br#"{"kty":"RSA","n":"x"}"#.to_vec(), "not an Ed25519 key"),
            (
                format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{RFC_8037_X}"}}"#).into_bytes(),
                "no 32-byte private key",
            ),
            (
                format!(r#"{{"kty":"OKP","crv":"Ed25519","d":"{RFC_8037_D}","x":"AAAA"}}"#)
                    .into_bytes(),
                "does not match",
            ),
            (vec![0xff; 31], "not a private JWK"),
        ];
        for (bytes, expected) in cases {
            let err = DeviceKey::from_bytes(&bytes).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            assert!(err.to_string().contains(expected), "{err}");
            assert!(!err.to_string().contains(RFC_8037_D));
        }
    }

    #[test]
    fn debug_shows_the_key_id_and_never_the_private_key() {
        let key = rfc_key();
        let shown = format!("{key:?}");
        assert_eq!(
            shown,
            format!(r#"DeviceKey {{ key_id: "{RFC_8037_THUMBPRINT}", private: "<redacted>" }}"#)
        );
        assert_eq!(format!("{:?}", key.to_bytes()), "Secret(<redacted>)");
    }

    #[test]
    fn is_created_once_then_loaded_and_a_bad_file_is_kept() {
        let dir = scratch("device-key");
        let path = dir.join("device-key");
        let key = DeviceKey::load_or_create(&path).unwrap();
        assert_eq!(DeviceKey::load_or_create(&path).unwrap(), key);
        let stored = std::fs::read_to_string(&path).unwrap();
        assert!(
            stored.contains(r#""d":""#) && stored.ends_with('\n'),
            "{stored}"
        );
        std::fs::write(&path, "not a key").unwrap();
        let err = DeviceKey::load_or_create(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("it is kept as it is"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a key");
        // 32 bytes are never taken for a raw key: a damaged file is not another key.
        std::fs::write(&path, [7u8; 32]).unwrap();
        let err = DeviceKey::load_or_create(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("not a private JWK"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), [7u8; 32]);
        std::fs::write(&path, vec![b' '; MAX_FILE_LEN as usize + 1]).unwrap();
        let err = DeviceKey::load_or_create(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
