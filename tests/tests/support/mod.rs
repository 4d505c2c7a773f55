//! Loads recorded exchanges and replays them from a loopback server.

#![allow(dead_code)] // Each test binary uses part of the harness.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plex_auth_client::{ClientIdentity, PlexTvClient, PmsClient};
use serde::Deserialize;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "fixture-token-0123456789";
pub const CLIENT_IDENTIFIER: &str = "plex-auth-tests-client";
const BODY_MARKER: &[u8] = b"\n=== body ===\n";

/// The identity every test client sends.
pub fn identity() -> ClientIdentity {
    ClientIdentity::new(CLIENT_IDENTIFIER, "plex-auth-tests", "0.1.0")
        .platform("Linux")
        .device("CI")
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The recorded set in shared/, beside the repository.
pub fn recorded_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/plex-recorded")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub operation: String,
    pub recorded: Option<String>,
    pub derivation: Option<String>,
    pub request: ExpectedRequest,
    pub response: ReplayResponse,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRequest {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub token: bool,
    pub form: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
}

#[derive(Debug)]
pub struct Exchange {
    pub name: String,
    pub header: Header,
    pub body: Vec<u8>,
}

/// Loads `exchanges/<name>.exchange`.
pub fn load(name: &str) -> Exchange {
    let path = fixtures_dir()
        .join("exchanges")
        .join(format!("{name}.exchange"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(name, &bytes)
}

pub fn parse(name: &str, bytes: &[u8]) -> Exchange {
    let split = bytes
        .windows(BODY_MARKER.len())
        .position(|w| w == BODY_MARKER)
        .unwrap_or_else(|| panic!("{name}: no `=== body ===` line"));
    let header_text = std::str::from_utf8(&bytes[..split]).expect("header is UTF-8");
    let header: Header =
        serde_yaml::from_str(header_text).unwrap_or_else(|e| panic!("{name}: header: {e}"));
    assert!(
        header.recorded.is_some() != header.derivation.is_some(),
        "{name}: exactly one of `recorded` and `derivation`"
    );
    Exchange {
        name: name.to_string(),
        header,
        body: bytes[split + BODY_MARKER.len()..].to_vec(),
    }
}

/// Every exchange, sorted by name.
pub fn all() -> Vec<Exchange> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir().join("exchanges"))
        .expect("exchanges folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name")
        })
        .filter_map(|name| name.strip_suffix(".exchange").map(str::to_owned))
        .collect();
    names.sort();
    names.iter().map(|name| load(name)).collect()
}

/// A loopback server answering one exchange's response to any request.
pub struct Replay {
    pub server: MockServer,
    pub exchange: Exchange,
}

impl Replay {
    pub async fn start(name: &str) -> Self {
        Self::serve(load(name)).await
    }

    pub async fn serve(exchange: Exchange) -> Self {
        let server = MockServer::start().await;
        let response = &exchange.header.response;
        let mut template = ResponseTemplate::new(response.status);
        for (name, value) in &response.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        let content_type = response
            .headers
            .get("content-type")
            .cloned()
            .unwrap_or_else(|| "application/octet-stream".into());
        template = template.set_body_raw(exchange.body.clone(), &content_type);
        Mock::given(any())
            .respond_with(template)
            .mount(&server)
            .await;
        Self { server, exchange }
    }

    pub fn plex_tv(&self) -> PlexTvClient {
        PlexTvClient::builder(identity())
            .base_url(self.server.uri())
            .token(TOKEN)
            .build()
            .expect("client builds")
    }

    pub fn pms(&self) -> PmsClient {
        PmsClient::builder(self.server.uri(), identity())
            .token(TOKEN)
            .build()
            .expect("client builds")
    }

    /// Checks that the server saw exactly one request, and that it is the one the exchange
    /// describes.
    pub async fn verify(&self) {
        let requests = self.server.received_requests().await.expect("recording on");
        let name = &self.exchange.name;
        assert_eq!(requests.len(), 1, "{name}: requests seen by the server");
        let request = &requests[0];
        let expected = &self.exchange.header.request;
        assert_eq!(request.method.as_str(), expected.method, "{name}: method");
        assert_eq!(request.url.path(), expected.path, "{name}: path");
        let query: BTreeMap<String, String> = request.url.query_pairs().into_owned().collect();
        assert_eq!(query, expected.query, "{name}: query");
        let header = |key: &str| {
            request
                .headers
                .get(key)
                .map(|v| v.to_str().expect("ASCII header").to_string())
        };
        assert_eq!(
            header("accept").as_deref(),
            Some("application/json"),
            "{name}"
        );
        assert_eq!(
            header("x-plex-client-identifier").as_deref(),
            Some(CLIENT_IDENTIFIER),
            "{name}"
        );
        assert_eq!(header("x-plex-product").as_deref(), Some("plex-auth-tests"));
        assert_eq!(header("x-plex-version").as_deref(), Some("0.1.0"));
        assert_eq!(header("x-plex-platform").as_deref(), Some("Linux"));
        assert_eq!(header("x-plex-device").as_deref(), Some("CI"));
        assert_eq!(
            header("x-plex-device-name"),
            None,
            "{name}: unset fields are not sent"
        );
        assert_eq!(
            header("api-version"),
            None,
            "{name}: progenitor's api-version is dropped"
        );
        let expected_token = expected.token.then_some(TOKEN);
        assert_eq!(
            header("x-plex-token").as_deref(),
            expected_token,
            "{name}: token"
        );
        let form: BTreeMap<String, String> = if expected.form.is_empty() {
            BTreeMap::new()
        } else {
            assert_eq!(
                header("content-type").as_deref(),
                Some("application/x-www-form-urlencoded"),
                "{name}"
            );
            form_urlencoded_pairs(&request.body)
        };
        assert_eq!(form, expected.form, "{name}: form fields");
    }
}

pub fn form_urlencoded_pairs(body: &[u8]) -> BTreeMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}
