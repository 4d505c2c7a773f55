//! `plex-auth`: sign in to Plex (the PIN flow, or a password with two-factor authentication)
//! and stay signed in (the account kept in the config folder, a JWT renewed by itself), check
//! a token and keep it in use, list and switch Plex Home profiles, find the account's servers
//! and connect to one, claim a new server, and get transient tokens and source connection
//! details from a Plex Media Server.
//!
//! Built on plex-auth-client's public API only. Secrets stay out of the output: the password is
//! never echoed nor printed, and a token is printed only by the commands whose job it is
//! (`login`, `sign-in`, `token`, `transient-token`, `switch-user`, `claim`).
//!
//! This file parses the command line and dispatches; each command is a file of `commands/`.

mod account_name;
mod clients;
mod commands;
mod config;
mod credentials;
mod exit;
mod failure;
mod flags;
mod identity;
mod keep;
mod lists;
mod message;
mod output;
mod panics;
mod progress;
mod run;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::commands::Command;
use crate::failure::Failure;
use crate::flags::GlobalFlags;
use crate::output::Output;
use crate::run::{Context, Run};

/// What `--help` says after the exit codes; `{folder}` is this system's config folder.
const ENVIRONMENT: &str = "\
token-status and status exit 0 when the token is valid, 3 when plex.tv refused it (drop it) or
nobody is signed in, and 4 when its status is unknown (no answer, a timeout, a 5xx or 429, a 401
that is not plex.tv's refusal: keep the token).

The token: --token, else the kept account --account names, else PLEX_TOKEN, else the kept
account PLEX_ACCOUNT names, else the current kept account. `login` and `sign-in` keep accounts
in the config folder's accounts folder; the config folder is {folder}.

Environment: PLEX_TOKEN, PLEX_ACCOUNT, PLEX_CLIENT_IDENTIFIER, PLEX_PRODUCT, PLEX_VERSION,
PLEX_PLATFORM, PLEX_DEVICE, PLEX_DEVICE_NAME, PLEX_TV_URL, PLEX_CLIENTS_URL, PLEX_SERVER_URL,
PLEX_LOGIN, PLEX_PASSWORD (sign-in: read instead of prompting), PLEX_VERIFICATION_CODE,
PLEX_HOME_PIN (switch-user).";

#[derive(Parser)]
#[command(
    name = "plex-auth",
    version,
    about = "Sign in to Plex and work with Plex tokens.",
    after_help = format!(
        "{}\n{}",
        exit::help(),
        ENVIRONMENT.replace("{folder}", config::FOLDER_SHOWN)
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    flags: GlobalFlags,
}

/// The command line's definition: for completions and the man page.
pub(crate) fn command() -> clap::Command {
    Cli::command()
}

fn main() -> ExitCode {
    panics::install_hook();
    // The hook has reported a panic already; wherever it happens, it ends the program as any
    // other failure (exit code 1), never with Rust's 101.
    std::panic::catch_unwind(run).unwrap_or(ExitCode::from(exit::FAILURE))
}

/// Parses the command line, runs the command, and reports its failure.
fn run() -> ExitCode {
    let cli = Cli::parse();
    let output = Output::new(cli.flags.json);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            output.failure(&Failure::other(format!(
                "cannot start the async runtime: {err}"
            )));
            return ExitCode::from(exit::FAILURE);
        }
    };
    let context = Context::new(&cli.flags.connection, &output);
    match runtime.block_on(cli.command.run(&context)) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            let failure = context.advise(failure);
            output.failure(&failure);
            ExitCode::from(failure.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of `help` that lists the option or argument `arg`, if any.
    fn listed_at(help: &str, arg: &clap::Arg) -> Option<usize> {
        help.lines().position(|line| {
            let line = line.trim_start();
            match arg.get_long() {
                Some(long) => {
                    let flag = format!("--{long}");
                    line.split([' ', ',', '=', '[', '<'])
                        .take(3)
                        .any(|word| word == flag)
                }
                None => {
                    let name = arg
                        .get_value_names()
                        .and_then(|names| names.first())
                        .map_or(arg.get_id().as_str(), |name| name.as_str());
                    line.starts_with(&format!("<{name}>")) || line.starts_with(&format!("[{name}]"))
                }
            }
        })
    }

    #[test]
    fn each_command_lists_its_own_arguments_before_the_shared_heading() {
        let mut cli = command();
        cli.build();
        let heading = format!("{}:", flags::SHARED_HEADING);
        let mut checked = 0;
        // clap's own `help` command takes no flag.
        for command in cli
            .get_subcommands_mut()
            .filter(|command| command.get_name() != "help")
        {
            let name = command.get_name().to_string();
            let help = command.render_long_help().to_string();
            let shared = help
                .lines()
                .position(|line| line == heading)
                .unwrap_or_else(|| panic!("{name}: no shared heading:\n{help}"));
            let own: Vec<&clap::Arg> = command
                .get_arguments()
                .filter(|arg| !arg.is_global_set() && !arg.is_hide_set())
                .collect();
            for arg in own {
                let at = listed_at(&help, arg)
                    .unwrap_or_else(|| panic!("{name}: {} not listed:\n{help}", arg.get_id()));
                assert!(
                    at < shared,
                    "{name}: {} comes after the shared heading:\n{help}",
                    arg.get_id()
                );
                checked += 1;
            }
        }
        assert!(checked >= 30, "only {checked} arguments checked");
    }
}
