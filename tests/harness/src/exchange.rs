//! Recorded exchanges: `fixtures/exchanges/<name>.yaml` says which operation is called with what,
//! the request the client must send, the answer the server replays (a body of the recorded or
//! derived set) and the outcome the client must reach. `fixtures/README.md` describes the format.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::server::{Answer, Seen, Server};
use super::{TOKEN, fixtures_dir};

/// One exchange file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// The file name without `.yaml`.
    #[serde(skip)]
    pub name: String,
    /// The spec's operationId.
    pub operation: String,
    /// The arguments of the call, by parameter name.
    #[serde(default)]
    pub call: BTreeMap<String, String>,
    /// The request the call must send.
    pub request: ExpectedRequest,
    /// The answer the stand-in server replays.
    pub response: Replayed,
    /// `ok:` or `error:` (a map, not serde_yaml's default `!tag`).
    #[serde(with = "serde_yaml::with::singleton_map")]
    pub expect: Expectation,
}

/// What the client must send.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRequest {
    pub method: String,
    /// The path below the base URL.
    pub path: String,
    /// Every query parameter, exactly.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Whether `X-Plex-Token` carries the test token (otherwise it must be absent).
    pub token: bool,
    /// Every field of a form body, exactly.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// A JSON body, exactly (as a value: key order and spacing aside).
    #[serde(default)]
    pub json: Option<serde_json::Value>,
}

/// What the server answers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replayed {
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A file of the fixture set, `recorded/…` or `derived/…`; no body when absent.
    pub body: Option<String>,
}

/// The outcome the client must reach.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Expectation {
    /// The call succeeds; the decoded value, serialized back to JSON, holds these values.
    Ok {
        /// JSON pointer (wire names) → value; `null` also matches an absent field.
        #[serde(default)]
        values: BTreeMap<String, serde_json::Value>,
        /// JSON pointer → length of the list there; an absent list has length 0.
        #[serde(default)]
        lengths: BTreeMap<String, usize>,
    },
    /// The call fails with this error.
    Error {
        /// The `ErrorKind` variant's name.
        kind: String,
        /// The answer's status.
        status: u16,
        /// The first Plex error code, when the body carries one.
        code: Option<i64>,
        /// The first Plex error message, when checked.
        message: Option<String>,
        /// The whole `Display` text, when checked.
        display: Option<String>,
    },
}

impl Exchange {
    /// Loads `fixtures/exchanges/<name>.yaml`.
    pub fn load(name: &str) -> Self {
        let path = exchanges_dir().join(format!("{name}.yaml"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let mut exchange: Exchange =
            serde_yaml::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        exchange.name = name.to_string();
        exchange
    }

    /// Every exchange, sorted by name.
    pub fn all() -> Vec<Self> {
        let mut names: Vec<String> = std::fs::read_dir(exchanges_dir())
            .expect("the exchanges folder")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter_map(|name| name.strip_suffix(".yaml").map(str::to_owned))
            .collect();
        names.sort();
        names.iter().map(|name| Self::load(name)).collect()
    }

    /// The answer the server replays.
    pub fn answer(&self) -> Answer {
        let mut answer = Answer::new(self.response.status);
        for (name, value) in &self.response.headers {
            answer = answer.header(name, value);
        }
        match &self.response.body {
            Some(file) => answer.body(super::fixture(file)),
            None => answer,
        }
    }

    /// A server that answers every request with this exchange's answer.
    pub fn serve(&self) -> Server {
        Server::answers(vec![self.answer()])
    }

    /// Checks that `seen` is exactly one request, the one this exchange describes, carrying the
    /// test identity.
    pub fn check_requests(&self, seen: &[Seen]) {
        let name = &self.name;
        assert_eq!(seen.len(), 1, "{name}: requests seen by the server");
        let request = &seen[0];
        let expected = &self.request;
        assert_eq!(request.method, expected.method, "{name}: method");
        assert_eq!(request.path(), expected.path, "{name}: path");
        assert_eq!(request.query(), expected.query, "{name}: query");
        super::check_identity(request);
        let token = expected.token.then_some(TOKEN);
        assert_eq!(request.header("x-plex-token"), token, "{name}: token");
        if let Some(json) = &expected.json {
            assert_eq!(
                request.header("content-type"),
                Some("application/json"),
                "{name}"
            );
            let sent: serde_json::Value =
                serde_json::from_slice(&request.body).expect("a JSON body");
            assert_eq!(&sent, json, "{name}: JSON body");
        } else if expected.form.is_empty() {
            assert!(request.body.is_empty(), "{name}: unexpected body");
        } else {
            assert_eq!(
                request.header("content-type"),
                Some("application/x-www-form-urlencoded"),
                "{name}"
            );
            assert_eq!(request.form(), expected.form, "{name}: form fields");
        }
    }

    /// Checks the outcome of the call: `Ok` with the decoded value serialized to JSON, or the
    /// error.
    pub fn check_outcome(&self, outcome: Result<serde_json::Value, plex_auth_client::Error>) {
        let name = &self.name;
        match (&self.expect, outcome) {
            (Expectation::Ok { values, lengths }, Ok(value)) => {
                for (pointer, expected) in values {
                    let found = value.pointer(pointer).unwrap_or(&serde_json::Value::Null);
                    assert_eq!(found, expected, "{name}: value at {pointer}");
                }
                for (pointer, expected) in lengths {
                    // Generated types leave an empty list out when serialized.
                    let found = match value.pointer(pointer) {
                        None => Some(0),
                        Some(list) => list.as_array().map(Vec::len),
                    };
                    assert_eq!(found, Some(*expected), "{name}: length of {pointer}");
                }
            }
            (Expectation::Ok { .. }, Err(error)) => panic!("{name}: expected a value, got {error}"),
            (
                Expectation::Error {
                    kind,
                    status,
                    code,
                    message,
                    display,
                },
                Err(error),
            ) => {
                assert_eq!(format!("{:?}", error.kind()), *kind, "{name}: {error}");
                let seen_status = error.status().map(|s| s.as_u16());
                assert_eq!(seen_status, Some(*status), "{name}: {error}");
                let first = error.plex_errors().first();
                assert_eq!(first.and_then(|e| e.code), *code, "{name}: {error}");
                if let Some(message) = message {
                    let found = first.and_then(|e| e.message.as_deref());
                    assert_eq!(found, Some(message.as_str()), "{name}: {error}");
                }
                if let Some(display) = display {
                    assert_eq!(&error.to_string(), display, "{name}");
                }
            }
            (Expectation::Error { .. }, Ok(value)) => {
                panic!("{name}: expected an error, got {value}")
            }
        }
    }
}

fn exchanges_dir() -> PathBuf {
    fixtures_dir().join("exchanges")
}
