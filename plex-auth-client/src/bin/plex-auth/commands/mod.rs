//! The commands, one a file: each holds its arguments, its run and what it prints, behind
//! [`Run`]. They share the connection flags and the output ([`Context`]), and nothing else.
//! This file names them for the command line and dispatches.

mod account_name;
mod connect;
mod link;
mod login;
mod ping;
mod resources;
mod servers;
mod sign_in;
mod switch_user;
mod token_details;
mod token_status;
mod transient_token;

use clap::Subcommand;

use crate::failure::Failure;
use crate::run::{Context, Run};

/// The commands, as the command line names them.
#[derive(Subcommand)]
pub(crate) enum Command {
    SignIn(sign_in::SignIn),
    Login(login::Login),
    Link(link::Link),
    TokenDetails(token_details::TokenDetails),
    TokenStatus(token_status::TokenStatus),
    Ping(ping::Ping),
    SwitchUser(switch_user::SwitchUser),
    TransientToken(transient_token::TransientToken),
    Resources(resources::Resources),
    Servers(servers::Servers),
    Connect(connect::Connect),
}

impl Run for Command {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        match self {
            Command::SignIn(command) => command.run(context).await,
            Command::Login(command) => command.run(context).await,
            Command::Link(command) => command.run(context).await,
            Command::TokenDetails(command) => command.run(context).await,
            Command::TokenStatus(command) => command.run(context).await,
            Command::Ping(command) => command.run(context).await,
            Command::SwitchUser(command) => command.run(context).await,
            Command::TransientToken(command) => command.run(context).await,
            Command::Resources(command) => command.run(context).await,
            Command::Servers(command) => command.run(context).await,
            Command::Connect(command) => command.run(context).await,
        }
    }
}
