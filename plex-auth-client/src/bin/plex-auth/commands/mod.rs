//! The commands, one a file: each holds its arguments, its run and what it prints, behind
//! [`Run`]. They share the connection flags and the output ([`Context`]); what several share
//! beyond that (keeping a sign-in, naming an account) lives beside this folder.
//! This file names them for the command line and dispatches.

mod claim;
mod completions;
mod connect;
mod home_users;
mod link;
mod login;
mod logout;
mod man;
mod ping;
mod resources;
mod servers;
mod sign_in;
mod status;
mod switch_account;
mod switch_user;
mod token;
mod token_details;
mod token_status;
mod transient_token;

use clap::Subcommand;

use crate::failure::Failure;
use crate::run::{Context, Run};

/// The commands, as the command line names them, in the order `--help` lists them.
#[derive(Subcommand)]
pub(crate) enum Command {
    Login(login::Login),
    SignIn(sign_in::SignIn),
    Status(status::Status),
    Token(token::Token),
    Logout(logout::Logout),
    SwitchAccount(switch_account::SwitchAccount),
    HomeUsers(home_users::HomeUsers),
    SwitchUser(switch_user::SwitchUser),
    Servers(servers::Servers),
    Connect(connect::Connect),
    Link(link::Link),
    Claim(claim::Claim),
    TokenDetails(token_details::TokenDetails),
    TokenStatus(token_status::TokenStatus),
    Ping(ping::Ping),
    TransientToken(transient_token::TransientToken),
    Resources(resources::Resources),
    Completions(completions::Completions),
    Man(man::Man),
}

impl Run for Command {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        match self {
            Command::Login(command) => command.run(context).await,
            Command::SignIn(command) => command.run(context).await,
            Command::Status(command) => command.run(context).await,
            Command::Token(command) => command.run(context).await,
            Command::Logout(command) => command.run(context).await,
            Command::SwitchAccount(command) => command.run(context).await,
            Command::HomeUsers(command) => command.run(context).await,
            Command::SwitchUser(command) => command.run(context).await,
            Command::Servers(command) => command.run(context).await,
            Command::Connect(command) => command.run(context).await,
            Command::Link(command) => command.run(context).await,
            Command::Claim(command) => command.run(context).await,
            Command::TokenDetails(command) => command.run(context).await,
            Command::TokenStatus(command) => command.run(context).await,
            Command::Ping(command) => command.run(context).await,
            Command::TransientToken(command) => command.run(context).await,
            Command::Resources(command) => command.run(context).await,
            Command::Completions(command) => command.run(context).await,
            Command::Man(command) => command.run(context).await,
        }
    }
}
