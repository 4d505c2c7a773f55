//! A failed call turned into the client's [`Error`]: naming the case, with the status and
//! what the body said, redacted.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::Operation;
use super::body::too_large;
use super::classify::{Answered, classify};
use super::envelope::{html_heading, parse_error_envelope};
use super::redirect::Redirected;
use super::sent::Sent;
use super::transport::transport_message;
use crate::error::{ApiError, DecodeError};
use crate::safe_text::redact::is_secret_name;
use crate::safe_text::truncate_chars;
use crate::{Error, PlexError, Redactor};

/// Error bodies are read up to this size; the rest is discarded unread.
const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// How a call failed once its request was sent.
pub(super) enum Failure {
    /// No answer: the connection failed, broke or timed out before a status.
    Transport(reqwest::Error),
    /// An answer whose status is not a success (a redirect not followed included).
    Status(reqwest::Response),
    /// A success whose body broke off, timed out, or passed the size limit.
    Body(StatusCode, reqwest::Error),
    /// A success whose body does not decode into `T`.
    Decode(StatusCode, Bytes),
    /// A success that should be text and is not UTF-8.
    #[allow(dead_code)] // for specs with text operations
    NotText(StatusCode, Bytes),
}

/// The error of a failed call for `operation`; `sent` is what the call sent, for redaction,
/// and `T` the type a success decodes into.
pub(super) async fn failed<T: DeserializeOwned>(
    operation: &'static Operation,
    sent: &Sent,
    failure: Failure,
) -> Error {
    let secrets = sent.secrets();
    let redactor = Redactor::new(secrets.iter().map(String::as_str));
    let failed = Failed {
        operation,
        redactor: &redactor,
        sends_password: sent.sends_password(),
    };
    let error = match failure {
        Failure::Transport(source) => failed.transport(None, source),
        Failure::Body(status, source) => failed.transport(Some(status), source),
        Failure::Status(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let redirected = response.extensions().get::<Redirected>().is_some();
            let body = read_bounded(Box::pin(response.bytes_stream())).await;
            failed.api(status, &headers, redirected, &body)
        }
        Failure::Decode(status, body) => failed.decode::<T>(status, &body),
        Failure::NotText(status, body) => Error::Decode(Box::new(DecodeError {
            operation: operation.id,
            status,
            path: ".".into(),
            message: "the body is not UTF-8 text".into(),
            body: redactor.snippet(&body),
        })),
    };
    tracing::debug!(operation = operation.id, error = %error, "call failed");
    error
}

/// A failed call: what was called, and what it sent.
struct Failed<'a> {
    operation: &'static Operation,
    redactor: &'a Redactor,
    /// Whether the call sent a password (a sign-in): only then does a 401 judge credentials.
    sends_password: bool,
}

impl Failed<'_> {
    /// A failure to send or to read the answer: a timeout, a broken connection, or a body over
    /// the client's limit.
    fn transport(&self, status: Option<StatusCode>, source: reqwest::Error) -> Error {
        let operation = self.operation.id;
        if let (Some(status), Some(limit)) = (status, too_large(&source)) {
            return Error::TooLarge {
                operation,
                status,
                limit,
            };
        }
        // reqwest puts the URL, query included, in its message: it stays out.
        let message = transport_message(&source);
        let source = source.without_url();
        if source.is_timeout() {
            Error::Timeout {
                operation,
                status,
                message,
                source,
            }
        } else {
            Error::Transport {
                operation,
                status,
                message,
                source,
            }
        }
    }

    /// An error status: what its body says, redacted, and the case it is.
    /// `redirected`: whether the answer came after following a redirect.
    fn api(&self, status: StatusCode, headers: &HeaderMap, redirected: bool, body: &[u8]) -> Error {
        let redactor = self.redactor;
        let sends_token = self.operation.token_header.is_some();
        let errors: Vec<PlexError> = parse_error_envelope(body)
            .into_iter()
            .map(|error| PlexError {
                message: error.message.map(|message| redactor.message(&message)),
                ..error
            })
            .collect();
        let kind = classify(&Answered {
            status,
            headers,
            errors: &errors,
            redirected,
            sends_token,
            sends_password: self.sends_password,
        });
        let body = redactor.snippet(body);
        Error::Api(Box::new(ApiError {
            operation: self.operation.id,
            status,
            kind,
            summary: redactor.message(&summary(&errors, &body)),
            errors,
            body,
            retry_after: super::retry::retry_after(headers),
            location: headers
                .get(reqwest::header::LOCATION)
                .map(|value| redactor.location(&String::from_utf8_lossy(value.as_bytes()))),
        }))
    }

    /// A success whose body does not decode: decoded again, tracking the path, to say where it
    /// departs from the spec.
    fn decode<T: DeserializeOwned>(&self, status: StatusCode, body: &[u8]) -> Error {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let mut withhold = false;
        let (path, mut message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        {
            // The value decoded: what failed is what follows it.
            Ok(_) => match deserializer.end() {
                Err(error) => (".".to_string(), error.to_string()),
                Ok(()) => (".".to_string(), "body decodes on a second read".to_string()),
            },
            Err(error) => {
                // serde quotes the offending value in data errors ("invalid type: integer
                // `123`"); a secret's stays out. Syntax errors quote nothing.
                let field = error.path().to_string();
                let field = field.rsplit('.').next().unwrap_or_default();
                let field = field.split('[').next().unwrap_or_default();
                withhold = error.inner().classify() == serde_json::error::Category::Data
                    && is_secret_name(field);
                (error.path().to_string(), error.inner().to_string())
            }
        };
        if withhold {
            message = "the value does not decode (withheld: the field holds a secret)".to_string();
        }
        Error::Decode(Box::new(DecodeError {
            operation: self.operation.id,
            status,
            // The path is made of the server's keys, which can echo what the call sent.
            path: truncate_chars(&self.redactor.message(&path), 200),
            message: self.redactor.message(&message),
            body: self.redactor.snippet(body),
        }))
    }
}

/// Reads at most [`ERROR_BODY_LIMIT`] bytes of an error body; the rest is left unread.
async fn read_bounded<S>(mut stream: S) -> Vec<u8>
where
    S: futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
{
    let mut body = Vec::new();
    while body.len() < ERROR_BODY_LIMIT {
        match std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await {
            Some(Ok(chunk)) => body.extend_from_slice(&chunk),
            // The status is what matters; a body cut short still says what it can.
            Some(Err(_)) | None => break,
        }
    }
    body.truncate(ERROR_BODY_LIMIT);
    body
}

/// A one-line summary of what the body said: the envelope's messages and codes, else an HTML
/// page's heading, else the start of the body.
fn summary(errors: &[PlexError], body: &str) -> String {
    let from_envelope: Vec<String> = errors
        .iter()
        .map(|e| match (e.code, &e.message) {
            (Some(code), Some(message)) => format!("{message} (code {code})"),
            (Some(code), None) => format!("code {code}"),
            (None, Some(message)) => message.clone(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    if !from_envelope.is_empty() {
        return from_envelope.join("; ");
    }
    if let Some(heading) = html_heading(body) {
        return heading;
    }
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_chars(&flat, 200)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safe_text::redact::BODY_SNIPPET_LIMIT;

    fn operation(token_header: Option<&'static str>) -> &'static Operation {
        Box::leak(Box::new(Operation {
            id: "op",
            method: reqwest::Method::GET,
            path: "/op",
            token_header: token_header.map(reqwest::header::HeaderName::from_static),
            accept: None,
            rules: &[],
        }))
    }

    #[test]
    fn a_decode_path_made_of_the_servers_keys_is_redacted() {
        let failed = Failed {
            operation: operation(Some("x-plex-token")),
            redactor: &Redactor::new(["sent-token-123"]),
            sends_password: false,
        };
        let body = br#"{"sent-token-123":"not a number"}"#;
        let error = failed.decode::<std::collections::BTreeMap<String, u32>>(StatusCode::OK, body);
        let Error::Decode(decode) = error else {
            panic!("a body that does not decode is a decode error");
        };
        assert_eq!(decode.path, "<redacted>");
        assert!(!format!("{decode} {decode:?}").contains("sent-token-123"));
    }

    /// Random bodies, built from pieces of the formats the parser knows so the random walk
    /// reaches deep into them, never make error handling panic, and the status always
    /// survives.
    #[test]
    fn arbitrary_error_bodies_never_panic() {
        const PIECES: &[&str] = &[
            "<errors>",
            "</errors>",
            "<error",
            " code=\"1029\"",
            " code=\"x\"",
            " message=\"m &amp; n\"",
            " status=\"401\"",
            "/>",
            ">",
            "</error>",
            "&amp;",
            "&#x;",
            "&#1114112;",
            "&bogus;",
            "<![CDATA[",
            "]]>",
            "<?xml version=\"1.0\"?>",
            "{\"errors\":[",
            "{\"code\":1001,\"message\":\"m\",\"status\":401}",
            "]}",
            "\"authToken\":\"",
            "token=",
            "\\",
            "\"",
            "'",
            "<html><h1>",
            "</h1>",
            "<title>",
            "é",
            "€",
            " ",
        ];
        let mut rng = fastrand::Rng::with_seed(0x5eed_1234);
        for _ in 0..3000 {
            let mut body = Vec::new();
            for _ in 0..rng.usize(0..40) {
                if rng.bool() {
                    body.extend_from_slice(PIECES[rng.usize(0..PIECES.len())].as_bytes());
                } else {
                    body.extend((0..rng.usize(0..8)).map(|_| rng.u8(..)));
                }
            }
            if rng.u8(..) < 16 {
                body.resize(BODY_SNIPPET_LIMIT + rng.usize(0..64), b'x');
            }
            let status = StatusCode::from_u16(rng.u16(100..1000)).unwrap();
            let mut headers = reqwest::header::HeaderMap::new();
            if rng.bool() {
                let value = rng.u64(..).to_string();
                headers.insert(reqwest::header::RETRY_AFTER, value.parse().unwrap());
            }
            let failed = Failed {
                operation: operation(rng.bool().then_some("x-plex-token")),
                redactor: &Redactor::default(),
                sends_password: rng.bool(),
            };
            let Error::Api(error) = failed.api(status, &headers, rng.bool(), &body) else {
                panic!("an error status is an API error");
            };
            assert_eq!(error.status, status);
            assert!(error.body.len() <= BODY_SNIPPET_LIMIT);
            assert!(!error.to_string().contains(['\n', '\r', '\x1b']));
            let shown = error.to_string();
            assert!(shown.starts_with("op: HTTP "), "{shown}");
            let _ = format!("{error:?}");
        }
    }
}
