//! `plex-auth man`: the man page, from the tool's own definition.

use clap::Args;
use clap_mangen::Man as Page;

use crate::exit;
use crate::failure::Failure;
use crate::run::{Context, Run};

/// Print the man page (roff) of plex-auth, or of one of its commands.
///
/// Install it where `man` looks, e.g.
/// `plex-auth man > ~/.local/share/man/man1/plex-auth.1`, and
/// `plex-auth man login > ~/.local/share/man/man1/plex-auth-login.1` for a command's.
#[derive(Args)]
pub(crate) struct Man {
    /// The command whose page to print (plex-auth's own when absent).
    #[arg(value_name = "COMMAND")]
    command: Option<String>,
}

impl Run for Man {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let mut command = crate::command();
        // Built, the commands carry the global flags and their full names (plex-auth-login).
        command.build();
        let page = match &self.command {
            None => command,
            Some(name) => command.find_subcommand(name).cloned().ok_or_else(|| {
                Failure::bad_input(format!(
                    "plex-auth has no command {name:?}; `plex-auth --help` lists them"
                ))
            })?,
        };
        let mut roff = Vec::new();
        Page::new(page)
            .render(&mut roff)
            .map_err(|err| Failure::other(format!("cannot write the man page: {err}")))?;
        context.output.raw(&roff);
        Ok(exit::SUCCESS)
    }
}
