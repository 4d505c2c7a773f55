//! `plex-auth completions`: a shell's completion script, from the tool's own definition.

use clap::Args;
use clap_complete::Shell;

use crate::exit;
use crate::failure::Failure;
use crate::run::{Context, Run};

/// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
///
/// Install it where the shell reads completions, e.g. for bash
/// `plex-auth completions bash > ~/.local/share/bash-completion/completions/plex-auth`,
/// for zsh a file `_plex-auth` in a folder of $fpath, for fish
/// `~/.config/fish/completions/plex-auth.fish`.
#[derive(Args)]
pub(crate) struct Completions {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

impl Run for Completions {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let mut command = crate::command();
        let mut script = Vec::new();
        clap_complete::generate(self.shell, &mut command, "plex-auth", &mut script);
        context.output.raw(&script);
        Ok(exit::SUCCESS)
    }
}
