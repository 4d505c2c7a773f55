//! What every command is: a [`Run`] with a [`Context`].

use crate::failure::Failure;
use crate::flags::ConnectionFlags;
use crate::output::Output;

/// What a command runs with.
pub(crate) struct Context<'a> {
    /// Who the tool says it is, and how it reaches plex.tv and servers.
    pub(crate) flags: &'a ConnectionFlags,
    /// Where it prints.
    pub(crate) output: &'a Output,
}

/// A command: it runs, prints its result, and says how the program exits.
pub(crate) trait Run {
    /// Runs the command and prints its result; the exit code of a run that has a result to
    /// report ([`exit::SUCCESS`](crate::exit::SUCCESS), or a verdict such as `token-status`'s).
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure>;
}
