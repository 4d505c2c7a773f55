//! A hostile server, on loopback: nothing it sends reaches an error's `Display` or `Debug`, or
//! the trace, unredacted (in any encoding) or able to drive a terminal, no number it sends can
//! panic a flow, and it cannot make a call hold unbounded memory. One test per class of attack,
//! then a property test placing a known secret, encoded, anywhere in an answer, failed or
//! successful. Shared helpers here; the tests by class of attack in the modules.

use std::time::{Duration, Instant};

use plex_auth_client::types::SignInRequest;
use plex_auth_client::{
    Backoff, CallOptions, Error, ErrorKind, PinKind, PinPolling, PlexTvClient, PmsClient, Redactor,
    RetryConfig, Secret,
};
use plex_auth_tests::harness::{Answer, Encoding, Server, Step, TOKEN, identity, recorded};
use plex_auth_tests::logs::capture_logs;

const PASSWORD: &str = "pw-HOSTILE-0xC0FFEE";
const CODE: &str = "902117";

fn plex(server: &Server) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .retry(RetryConfig::none())
        .build()
        .unwrap()
}

fn sign_in_request() -> SignInRequest {
    SignInRequest {
        login: "someone@example.com".into(),
        password: Secret::new(PASSWORD),
        remember_me: None,
        verification_code: Some(Secret::new(CODE)),
    }
}

/// Display, Debug and pretty Debug of an error.
fn shown(error: &Error) -> String {
    format!("{error}\n{error:?}\n{error:#?}")
}

fn assert_hidden(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} shows in:\n{text}");
    }
}

/// One line, and nothing a terminal interprets.
fn assert_inert(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
        "a control character in {text:?}"
    );
}

/// Every text of an error a program can show, as it is (not `Debug`, which escapes): the
/// `Display` line, the kept body, Plex's messages, the redirect target.
fn texts(error: &Error) -> String {
    let mut texts = vec![error.to_string()];
    if let Some(api) = error.api() {
        texts.push(api.body.clone());
        texts.extend(api.location.clone());
    }
    if let Error::Decode(decode) = error {
        texts.extend([
            decode.body.clone(),
            decode.message.clone(),
            decode.path.clone(),
        ]);
    }
    texts.extend(error.plex_errors().iter().filter_map(|e| e.message.clone()));
    texts.join("\n")
}

mod arbitrary;
mod echoes;
mod numbers;
mod size;
