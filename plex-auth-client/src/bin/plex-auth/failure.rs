//! A command's failure: its exit code, its message, the library's error when there is one,
//! and what is shown of it beyond the message (the attempts of a failed connection, the
//! servers of a failed lookup, one hint: the command's advice, else the error kind's).

use plex_auth_client::{Error, ErrorKind};
use serde_json::{Value, json};

use crate::exit;
use crate::lists::first_of;
use crate::message::describe;

/// How many attempts a failed `connect` prints in text, one a line, before "and N more".
const ATTEMPTS_PRINTED: usize = 5;

/// A failure, with the exit code it maps to.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
    pub(crate) error: Option<Error>,
    /// The library's kind of a failure the tool found itself (no token held…).
    kind: Option<ErrorKind>,
    /// What the command that failed advises, instead of the error kind's hint.
    advice: Option<String>,
}

impl Failure {
    /// Bad input: exit code 2.
    pub(crate) fn bad_input(message: impl Into<String>) -> Self {
        Self::with_code(exit::BAD_INPUT, message)
    }

    /// Any other failure: exit code 1.
    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self::with_code(exit::FAILURE, message)
    }

    /// A failure of one of the library's kinds that the tool found itself: its exit code,
    /// its name in `--json`, and its hint.
    pub(crate) fn of_kind(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind: Some(kind),
            ..Self::with_code(exit::of(kind), message)
        }
    }

    fn with_code(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            error: None,
            kind: None,
            advice: None,
        }
    }

    /// This failure, with what the command that failed advises instead of the kind's hint.
    pub(crate) fn advise(mut self, advice: impl Into<String>) -> Self {
        self.advice = Some(advice.into());
        self
    }

    /// Whether the command advised something already.
    pub(crate) fn advised(&self) -> bool {
        self.advice.is_some()
    }

    /// The library's kind of this failure, if it has one.
    pub(crate) fn kind(&self) -> Option<ErrorKind> {
        self.error.as_ref().map(Error::kind).or(self.kind)
    }

    /// The lines shown under the message, in text: the attempts of a failed choice of a
    /// connection, the first [`ATTEMPTS_PRINTED`] then how many more.
    pub(crate) fn detail_lines(&self) -> Vec<String> {
        let attempts = self.error.as_ref().map_or(&[][..], Error::connect_attempts);
        let mut lines = first_of(attempts, ATTEMPTS_PRINTED, ToString::to_string);
        if attempts.len() > ATTEMPTS_PRINTED
            && let Some(more) = lines.last_mut()
        {
            more.push_str(" (--json lists every one)");
        }
        lines
    }

    /// What to do about it, in one line: the command's advice, else the error kind's hint.
    pub(crate) fn hint(&self) -> Option<&str> {
        self.advice
            .as_deref()
            .or_else(|| self.kind().map(ErrorKind::hint))
    }

    /// The `error` of `--json`: its kind, exit code, message, hint, status and Plex's codes,
    /// and every attempt of a failed choice or the servers of a failed lookup.
    pub(crate) fn to_json(&self) -> Value {
        let error = self.error.as_ref();
        let kind = match self.kind() {
            Some(kind) => kind.name(),
            None if self.code == exit::BAD_INPUT => "bad-input",
            None => "failure",
        };
        let codes: Vec<i64> = error
            .map(|e| e.plex_errors().iter().filter_map(|p| p.code).collect())
            .unwrap_or_default();
        let mut document = json!({
            "kind": kind,
            "exitCode": self.code,
            "message": self.message,
            "hint": self.hint(),
            "status": error.and_then(|e| e.status()).map(|s| s.as_u16()),
            "plexCodes": codes,
        });
        if let Some(error) = error {
            add_details(&mut document, error);
        }
        document
    }
}

/// Every attempt of a failed choice (`attempts`), or the servers a lookup matched or could
/// choose from (`servers`); every text in them is the library's, made inert and bounded.
fn add_details(document: &mut Value, error: &Error) {
    if matches!(error, Error::NoConnection { .. }) {
        let attempts: Vec<Value> = error
            .connect_attempts()
            .iter()
            .map(|a| {
                json!({
                    "url": a.url,
                    "place": a.place(),
                    "outcome": a.outcome.name(),
                    "probed": a.outcome.probed(),
                    "reason": a.reason,
                })
            })
            .collect();
        document["attempts"] = Value::Array(attempts);
    }
    if matches!(
        error,
        Error::ServerNotFound { .. } | Error::AmbiguousServer { .. }
    ) {
        let servers: Vec<Value> = error
            .servers()
            .iter()
            .map(|s| {
                json!({
                    "name": s.name,
                    "clientIdentifier": s.client_identifier,
                    "owned": s.owned,
                    "owner": s.owner,
                })
            })
            .collect();
        document["servers"] = Value::Array(servers);
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            code: exit::of(error.kind()),
            // The library's parts never carry secrets.
            message: describe(&error),
            error: Some(error),
            kind: None,
            advice: None,
        }
    }
}
