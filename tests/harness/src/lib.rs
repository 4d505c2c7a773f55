//! The replay harness: a loopback server that replays recorded Plex answers, records what it
//! received and can misbehave on purpose; addresses that refuse connections or never answer;
//! a stand-in of plex.tv for JWT authentication; and the fixture set they serve from.
//!
//! One crate for every test, example and bench of the workspace: plex-auth-client's own tests,
//! examples and benches, and the workspace's `tests` crates, each take it as a
//! dev-dependency. Not published: a packaged plex-auth-client leaves it out.

#![warn(missing_docs)]

mod encodings;
mod exchange;
mod jose;
mod plex_stand_in;
mod server;

use std::path::{Path, PathBuf};

use plex_auth_client::ClientIdentity;

pub use encodings::Encoding;
pub use exchange::{Exchange, Expectation};
pub use plex_stand_in::{Counts, LEGACY_TOKEN, PLEX_KEY_ID, Settings, StandIn, TestClock};
pub use server::{
    Answer, Certificate, Options, Refused, Seen, Server, Silent, Step, test_authority_pem,
};

/// The token test clients send.
pub const TOKEN: &str = "fixture-token-0123456789";
/// The client identifier of [`identity`].
pub const CLIENT_IDENTIFIER: &str = "plex-auth-tests-client";

/// The identity every test client sends.
pub fn identity() -> ClientIdentity {
    ClientIdentity::new(CLIENT_IDENTIFIER, "plex-auth-tests", "0.1.0")
        .platform("Linux")
        .device("CI")
}

/// Checks that a request carries [`identity`]'s headers and `Accept: application/json`, and
/// nothing the client should not send.
pub fn check_identity(request: &Seen) {
    let target = &request.target;
    for (header, expected) in [
        ("accept", Some("application/json")),
        ("x-plex-client-identifier", Some(CLIENT_IDENTIFIER)),
        ("x-plex-product", Some("plex-auth-tests")),
        ("x-plex-version", Some("0.1.0")),
        ("x-plex-platform", Some("Linux")),
        ("x-plex-device", Some("CI")),
        // Unset identity fields are not sent; progenitor's api-version is dropped.
        ("x-plex-device-name", None),
        ("api-version", None),
    ] {
        assert_eq!(request.header(header), expected, "{target}: {header}");
    }
}

/// plex-auth-client's fixture folder, the one recorded set.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plex-auth-client/fixtures")
}

/// A file of the fixture set (`recorded/…` or `derived/…`), byte for byte.
pub fn fixture(path: &str) -> Vec<u8> {
    let path = fixtures_dir().join(path);
    std::fs::read(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// A recorded body, byte for byte.
pub fn recorded(name: &str) -> Vec<u8> {
    fixture(&format!("recorded/{name}"))
}
