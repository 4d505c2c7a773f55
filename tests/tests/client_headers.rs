//! The headers the generator leaves to the client (it asks no caller for them, even when a
//! spec declares them as parameters or security schemes) are the headers the client sends:
//! a header added to one list and not to the other fails here.

use plex_auth_client::{ClientIdentity, PlexTvClient};
use plex_auth_tests::harness::{Answer, Server, TOKEN, recorded};

#[tokio::test]
async fn every_header_the_generator_leaves_to_the_client_is_sent() {
    let server = Server::answering(Answer::json(
        200,
        recorded("plextv-user-200-free-account.json"),
    ));
    let identity = ClientIdentity::new("3381b62b-9ab7-4e37-827b-203e9809eb58", "Tests", "1.0")
        .platform("Linux")
        .platform_version("6.1")
        .device("CI")
        .device_name("runner")
        .model("x86_64")
        .device_vendor("Acme")
        .marketplace("none");
    PlexTvClient::builder(identity)
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .expect("client builds")
        .get_token_details()
        .await
        .expect("the call succeeds");

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    for header in plex_auth_codegen::CLIENT_HEADERS {
        // `accepts` is the name Plex's published spec gives its `Accept` parameter.
        let sent = if *header == "accepts" {
            "accept"
        } else {
            header
        };
        assert!(
            seen[0].header(sent).is_some_and(|value| !value.is_empty()),
            "{sent} is left to the client by the generator but was not sent"
        );
    }
    assert_eq!(seen[0].header("x-plex-model"), Some("x86_64"));
    assert_eq!(seen[0].header("x-plex-device-vendor"), Some("Acme"));
    assert_eq!(seen[0].header("x-plex-marketplace"), Some("none"));
}
