//! A command's failure and the exit code it maps to.

use plex_auth_client::{Error, ErrorKind};

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
            code: exit_code(error.kind()),
            // The library's messages never carry secrets.
            message: error.to_string(),
            error: Some(error),
        }
    }
}

/// The exit code of an error of `kind`; see `EXIT_CODES`. A token's refusal is exit code 3 only
/// as [`ErrorKind::InvalidToken`], the library's one rule that `token-status` follows too: a
/// 401 that is not plex.tv's refusal ([`ErrorKind::Unauthorized`]) is another failure.
pub(crate) fn exit_code(kind: ErrorKind) -> u8 {
    if let Some(code) = crate::servers::exit_code(kind) {
        return code;
    }
    match kind {
        ErrorKind::VerificationCodeRequired
        | ErrorKind::HomePinRequired
        | ErrorKind::InvalidCredentials
        | ErrorKind::LockedOut
        | ErrorKind::InvalidToken
        | ErrorKind::PinExpired => exit::AUTH,
        ErrorKind::Transport | ErrorKind::Timeout => exit::NETWORK,
        ErrorKind::RateLimited => exit::RATE_LIMITED,
        ErrorKind::InvalidInput | ErrorKind::Config => exit::BAD_INPUT,
        _ => exit::FAILURE,
    }
}
