//! `servers` and `connect`: the account's servers as plex.tv lists them, and the connection to
//! use for one of them. Never prints a token.

use std::time::Duration;

use clap::Args;
use plex_auth_client::types::{GetServerResourcesOptions, PlexDevice, QueryFlag};
use plex_auth_client::{Connector, Error, ErrorKind, Redactor, ServerSummary, find_server};
use serde_json::{Value, json};

use crate::clients::{identity, plex_tv};
use crate::output::{Output, safe};
use crate::{Common, Failure, TokenArg, parse_seconds};

/// How many attempts a failed `connect` prints in text, one a line, before "and N more".
const ATTEMPTS_PRINTED: usize = 5;

/// How many servers the "choose one" message names before "and N more".
const SERVERS_PRINTED: usize = 10;

#[derive(Args)]
pub(crate) struct ServersArgs {
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Args)]
pub(crate) struct ConnectArgs {
    #[command(flatten)]
    token: TokenArg,
    /// The server's name or client identifier; needed when the account has several servers.
    /// A value that matches several servers (two of the same name, or a name that is another
    /// server's identifier) is refused: pass the client identifier `plex-auth servers` shows.
    #[arg(long, value_name = "NAME_OR_CLIENT_ID")]
    server: Option<String>,
    /// Time allowed for the whole choice, in seconds (default 5): connections still probing
    /// then count as failed. (--timeout is the time each connection's probe may take, 3 s by
    /// default.)
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    deadline: Option<Duration>,
}

/// The account's servers (players and clients left out).
async fn servers(common: &Common, token: String) -> Result<Vec<PlexDevice>, Failure> {
    let plex = plex_tv(common, Some(token))?;
    let everything = GetServerResourcesOptions::new()
        .include_https(QueryFlag::ON)
        .include_relay(QueryFlag::ON)
        .include_ipv6(QueryFlag::ON);
    let devices = plex.get_server_resources(everything).await?.into_inner();
    Ok(devices.into_iter().filter(is_server).collect())
}

fn is_server(device: &PlexDevice) -> bool {
    let roles = device.provides.as_deref().unwrap_or_default();
    roles.split(',').any(|role| role.trim() == "server")
}

pub(crate) async fn list(
    common: &Common,
    args: ServersArgs,
    output: &Output,
) -> Result<(), Failure> {
    let token = args.token.token;
    let servers = servers(common, token.clone()).await?;
    // A server's name or URI can echo the account's token or any server's access token.
    let shown = Redactor::new([token.as_str()]).secrets_of(&servers);
    output.servers(&servers, &shown);
    Ok(())
}

pub(crate) async fn connect(
    common: &Common,
    args: ConnectArgs,
    output: &Output,
) -> Result<(), Failure> {
    let servers = servers(common, args.token.token).await?;
    let server = choose(&servers, args.server.as_deref())?;
    let connector = Connector::new(identity(common)?)
        .timeout(common.timeout.unwrap_or(Connector::DEFAULT_PROBE_TIMEOUT))
        .deadline(args.deadline.unwrap_or(Connector::DEFAULT_DEADLINE));
    let pms = connector.connect(server).await.map_err(connect_failure)?;
    if common.json {
        output.print_json(&json!({
            "url": pms.base_url(),
            "name": server.name,
            "clientIdentifier": server.client_identifier,
        }));
    } else {
        eprintln!("Connected to {}.", safe(&server.name));
        println!("{}", safe(pms.base_url()));
    }
    Ok(())
}

/// The server named (by name or client identifier: see `find_server`), or the only one.
fn choose<'a>(servers: &'a [PlexDevice], wanted: Option<&str>) -> Result<&'a PlexDevice, Failure> {
    if let Some(wanted) = wanted {
        return Ok(find_server(servers, wanted)?);
    }
    match servers {
        [] => Err(Failure::bad_input("this account has no server")),
        [only] => Ok(only),
        _ => {
            let mut listed: Vec<String> = servers
                .iter()
                .take(SERVERS_PRINTED)
                .map(|s| ServerSummary::from(s).to_string())
                .collect();
            if servers.len() > SERVERS_PRINTED {
                listed.push(format!("and {} more", servers.len() - SERVERS_PRINTED));
            }
            Err(Failure::bad_input(format!(
                "this account has several servers: choose one with --server NAME_OR_CLIENT_ID \
                 ({})",
                listed.join(", ")
            )))
        }
    }
}

/// A failed choice: for `NoConnection`, the message is the summary alone, since the attempts
/// follow it one a line ([`failure_lines`]) or as a list ([`failure_json`]).
fn connect_failure(error: Error) -> Failure {
    let mut failure = Failure::from(error);
    if let Some(Error::NoConnection { server, attempts }) = &failure.error {
        let probed = attempts.iter().filter(|a| a.outcome.probed()).count();
        let not_tried = match attempts.len() - probed {
            0 => String::new(),
            n => format!(", {n} not tried"),
        };
        failure.message = format!(
            "no connection to server {server:?} answered as that server ({probed} probed{not_tried})"
        );
    }
    failure
}

/// The lines printed after a failure's message, in text: the attempts of a failed choice,
/// the first [`ATTEMPTS_PRINTED`] then how many more.
pub(crate) fn failure_lines(error: &Error) -> Vec<String> {
    if error.kind() != ErrorKind::NoConnection {
        return Vec::new();
    }
    let attempts = error.connect_attempts();
    let mut lines: Vec<String> = attempts
        .iter()
        .take(ATTEMPTS_PRINTED)
        .map(ToString::to_string)
        .collect();
    if attempts.len() > ATTEMPTS_PRINTED {
        lines.push(format!(
            "and {} more (--json lists every one)",
            attempts.len() - ATTEMPTS_PRINTED
        ));
    }
    lines
}

/// What `--json` adds to a failure: every attempt of a failed choice, or the servers a lookup
/// matched or could choose from.
pub(crate) fn failure_json(error: &Error) -> Option<(&'static str, Value)> {
    match error.kind() {
        ErrorKind::NoConnection => {
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
            Some(("attempts", Value::Array(attempts)))
        }
        ErrorKind::ServerNotFound | ErrorKind::AmbiguousServer => {
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
            Some(("servers", Value::Array(servers)))
        }
        _ => None,
    }
}
