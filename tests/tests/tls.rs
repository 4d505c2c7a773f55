//! TLS of every client: the configuration shared by the clients built without extra root
//! certificates verifies certificates against the system's roots (a certificate of the test
//! authority is refused), and a client that trusts the test authority reaches the server by its
//! address or by its name.

use plex_auth_client::{ErrorKind, PmsClient};
use plex_auth_tests::harness::{Answer, Certificate, Server, Step, identity, test_authority_pem};

fn identity_server(certificate: Certificate) -> Server {
    Server::https_always(
        certificate,
        vec![Step::Answer(Answer::json(
            200,
            r#"{"MediaContainer":{"machineIdentifier":"tls-server"}}"#,
        ))],
    )
}

#[tokio::test]
async fn the_shared_configuration_verifies_certificates() {
    let server = identity_server(Certificate::Trusted);
    // Twice: the second client is built on the configuration the first one made.
    for _ in 0..2 {
        let pms = PmsClient::builder(server.url(), identity())
            .build()
            .unwrap();
        let err = pms.get_server_identity().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport);
        assert!(err.to_string().contains("certificate"), "{err}");
    }
    assert_eq!(server.count(), 0, "no request passed the handshake");
}

#[tokio::test]
async fn a_client_that_trusts_the_test_authority_reaches_the_server_by_address_or_name() {
    let server = identity_server(Certificate::Trusted);
    let by_name = server.url().replace("127.0.0.1", "localhost");
    for url in [server.url(), by_name] {
        let pms = PmsClient::builder(&url, identity())
            .add_root_certificates_pem(test_authority_pem())
            .build()
            .unwrap();
        let answer = pms.get_server_identity().await.unwrap();
        assert_eq!(answer.media_container.machine_identifier, "tls-server");
    }
    assert_eq!(server.count(), 2);

    // A self-signed certificate for the same names is still refused.
    let impostor = identity_server(Certificate::Untrusted);
    let pms = PmsClient::builder(impostor.url(), identity())
        .add_root_certificates_pem(test_authority_pem())
        .build()
        .unwrap();
    let err = pms.get_server_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(impostor.count(), 0);
}

#[test]
fn a_root_certificate_that_does_not_parse_fails_the_build() {
    let err = PmsClient::builder("https://127.0.0.1:32400", identity())
        .add_root_certificates_pem(test_authority_pem())
        .add_root_certificates_pem(
            "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
        )
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string()
            .starts_with("invalid client configuration: root certificate text 1: "),
        "{err}"
    );
}
