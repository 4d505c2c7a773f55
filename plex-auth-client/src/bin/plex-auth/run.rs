//! What every command is: a [`Run`] with a [`Context`].

use std::cell::OnceCell;

use plex_auth_client::ErrorKind;

use crate::credentials::{self, Credentials};
use crate::failure::Failure;
use crate::flags::{ConnectionFlags, TokenArg};
use crate::output::Output;

/// What a command runs with.
pub(crate) struct Context<'a> {
    /// Who the tool says it is, and how it reaches plex.tv and servers.
    pub(crate) flags: &'a ConnectionFlags,
    /// Where it prints.
    pub(crate) output: &'a Output,
    /// How the command's token is named, once it has one: for the advice on a refused token.
    token_named: OnceCell<String>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(flags: &'a ConnectionFlags, output: &'a Output) -> Self {
        Self {
            flags,
            output,
            token_named: OnceCell::new(),
        }
    }

    /// The token the command acts with (see [`credentials::resolve`]).
    pub(crate) fn credentials(&self, arg: &TokenArg) -> Result<Credentials, Failure> {
        let credentials = credentials::resolve(self.flags, arg, self.output)?;
        let _ = self.token_named.set(credentials.origin.describe());
        Ok(credentials)
    }

    /// A failure, with what to do when plex.tv refused the command's token and the command
    /// advised nothing: say which token, and how to get another.
    pub(crate) fn advise(&self, failure: Failure) -> Failure {
        match (failure.kind(), self.token_named.get()) {
            (Some(ErrorKind::InvalidToken), Some(token)) if !failure.advised() => {
                let advice = format!(
                    "plex.tv refused {token}; sign in again with `plex-auth login`, or give \
                     another token"
                );
                failure.advise(advice)
            }
            _ => failure,
        }
    }
}

/// A command: it runs, prints its result, and says how the program exits.
pub(crate) trait Run {
    /// Runs the command and prints its result; the exit code of a run that has a result to
    /// report ([`exit::SUCCESS`](crate::exit::SUCCESS), or a verdict such as `token-status`'s).
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure>;
}
