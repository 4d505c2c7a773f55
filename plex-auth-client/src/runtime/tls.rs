//! TLS for every client: one rustls configuration per process, so that the system's root
//! certificates are read once, not once per client built.
//!
//! reqwest builds a new certificate verifier for every client, and on Unix the platform
//! verifier reads and parses every root certificate of the system when it is built (about 19 M
//! instructions). Clients are cheap to build when they share the verifier: every client built
//! without extra root certificates clones the one configuration made on first use. Its
//! session-resumption cache is shared too, so a client built later resumes TLS sessions the
//! others opened. Root certificates installed on the system after that first use are seen by
//! the next process.

use std::sync::{Arc, OnceLock};

use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::Error;

/// The configuration of every client built without extra root certificates.
static SHARED: OnceLock<Arc<ClientConfig>> = OnceLock::new();

/// The process-wide configuration: the system's root certificates, read on first use.
///
/// # Errors
/// [`Error::Config`] when the system's root certificates cannot be read (none found); the next
/// call tries again.
pub(crate) fn shared() -> Result<Arc<ClientConfig>, Error> {
    if let Some(config) = SHARED.get() {
        return Ok(config.clone());
    }
    let config = Arc::new(config(Vec::new())?);
    // Two threads may both build it on first use; the one kept is used by all from then on.
    Ok(SHARED.get_or_init(|| config).clone())
}

/// A configuration that trusts `roots` (PEM certificates, in the order given) beside the
/// system's root certificates.
///
/// # Errors
/// [`Error::Config`] when a PEM text holds no certificate or one that does not parse.
pub(crate) fn with_extra_roots(roots: &[Vec<u8>]) -> Result<Arc<ClientConfig>, Error> {
    let mut certificates = Vec::new();
    for (index, pem) in roots.iter().enumerate() {
        let before = certificates.len();
        for certificate in CertificateDer::pem_slice_iter(pem) {
            certificates.push(certificate.map_err(|err| Error::Config {
                message: format!("root certificate text {index}: not a PEM certificate: {err}"),
            })?);
        }
        if certificates.len() == before {
            return Err(Error::Config {
                message: format!("root certificate text {index} holds no PEM certificate"),
            });
        }
    }
    Ok(Arc::new(config(certificates)?))
}

/// rustls with the installed crypto provider, the platform's verifier over the system's roots
/// plus `extra_roots`, and HTTP/1.1 (the only protocol the client speaks; reqwest sets the
/// same ALPN for its own configurations).
fn config(extra_roots: Vec<CertificateDer<'static>>) -> Result<ClientConfig, Error> {
    install_crypto_provider();
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let failed = |err: rustls::Error| Error::Config {
        message: format!("cannot set up TLS: {err}"),
    };
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        platform_verifier_with(extra_roots, provider.clone())
    }
    .map_err(failed)?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .dangerous()
        // Not dangerous: the platform's verifier is the one reqwest itself would use.
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(not(target_os = "android"))]
fn platform_verifier_with(
    extra_roots: Vec<CertificateDer<'static>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider)
}

/// Android's verifier asks the system only: it takes no extra roots.
#[cfg(target_os = "android")]
fn platform_verifier_with(
    _: Vec<CertificateDer<'static>>,
    _: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    Err(rustls::Error::General(
        "extra root certificates are not supported on Android".into(),
    ))
}

/// rustls needs a crypto provider; ring keeps the build free of cmake and C++ toolchains.
/// An application that installed its own provider keeps it.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another installer is fine: some provider is then in place.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_without_extra_roots_shares_one_configuration() {
        let first = shared().unwrap();
        let second = shared().unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(first.alpn_protocols, [b"http/1.1".to_vec()]);
    }

    #[test]
    fn extra_roots_must_be_pem_certificates() {
        let err = with_extra_roots(&[b"-----BEGIN CERTIFICATE-----\nAAAA\n".to_vec()]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid client configuration: root certificate text 0"),
            "{err}"
        );
    }
}
