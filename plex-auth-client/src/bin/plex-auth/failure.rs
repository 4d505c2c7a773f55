//! A command's failure and the exit code it maps to.

use plex_auth_client::Error;

use crate::exit;

/// A failure, with the exit code it maps to.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
    pub(crate) error: Option<Error>,
}

impl Failure {
    pub(crate) fn bad_input(message: impl Into<String>) -> Self {
        Self {
            code: exit::BAD_INPUT,
            message: message.into(),
            error: None,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            code: exit::of(error.kind()),
            // The library's messages never carry secrets.
            message: error.to_string(),
            error: Some(error),
        }
    }
}
