//! `servers` and `connect`: the account's servers as plex.tv lists them, and the connection to
//! use for one of them. Never prints a token.

use clap::Args;
use plex_auth_client::types::{GetServerResourcesOptions, PlexConnection, PlexDevice, QueryFlag};
use plex_auth_client::{Connector, FlexBool};
use serde_json::{Value, json};

use crate::clients::{identity, plex_tv};
use crate::output::{Output, safe};
use crate::{Common, Failure, TokenArg};

/// How long a connection may take to answer when `--timeout` is not given.
const PROBE_TIMEOUT_SECS: u64 = 3;

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
    #[arg(long, value_name = "NAME_OR_CLIENT_ID")]
    server: Option<String>,
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
    let servers = servers(common, args.token.token).await?;
    if common.json {
        let servers: Vec<Value> = servers.iter().map(server_json).collect();
        output.print_json(&json!({ "servers": servers }));
        return Ok(());
    }
    if servers.is_empty() {
        println!("No server.");
    }
    for server in &servers {
        let ownership = if flag(server.owned) {
            "owned".to_string()
        } else {
            match &server.source_title {
                Some(owner) => format!("shared by {}", safe(owner)),
                None => "shared".to_string(),
            }
        };
        let presence = if flag(server.presence) {
            "online"
        } else {
            "offline"
        };
        println!(
            "{} ({}): {ownership}, {presence}",
            safe(&server.name),
            safe(&server.client_identifier)
        );
        for connection in &server.connections {
            println!("  {}  {}", safe(&connection.uri), place(connection));
        }
    }
    Ok(())
}

pub(crate) async fn connect(
    common: &Common,
    args: ConnectArgs,
    output: &Output,
) -> Result<(), Failure> {
    let servers = servers(common, args.token.token).await?;
    let server = choose(&servers, args.server.as_deref())?;
    let timeout = common
        .timeout
        .unwrap_or(std::time::Duration::from_secs(PROBE_TIMEOUT_SECS));
    let pms = Connector::new(identity(common)?)
        .timeout(timeout)
        .connect(server)
        .await?;
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

/// The server named (by name or client identifier), or the only one.
fn choose<'a>(servers: &'a [PlexDevice], wanted: Option<&str>) -> Result<&'a PlexDevice, Failure> {
    let names = || {
        let names: Vec<String> = servers
            .iter()
            .map(|s| format!("{:?}", safe(&s.name)))
            .collect();
        names.join(", ")
    };
    match wanted {
        Some(wanted) => servers
            .iter()
            .find(|s| s.client_identifier == wanted)
            .or_else(|| servers.iter().find(|s| s.name == wanted))
            .ok_or_else(|| {
                Failure::bad_input(format!(
                    "no server {:?} on this account (servers: {})",
                    safe(wanted),
                    names()
                ))
            }),
        None => match servers {
            [] => Err(Failure::bad_input("this account has no server")),
            [only] => Ok(only),
            _ => Err(Failure::bad_input(format!(
                "this account has several servers: choose one with --server (servers: {})",
                names()
            ))),
        },
    }
}

fn server_json(server: &PlexDevice) -> Value {
    let connections: Vec<Value> = server
        .connections
        .iter()
        .map(|c| {
            json!({
                "uri": c.uri,
                "protocol": c.protocol,
                "local": flag(c.local),
                "relay": flag(c.relay),
            })
        })
        .collect();
    json!({
        "name": server.name,
        "clientIdentifier": server.client_identifier,
        "owned": flag(server.owned),
        "sourceTitle": server.source_title,
        "presence": flag(server.presence),
        "connections": connections,
    })
}

fn place(connection: &PlexConnection) -> &'static str {
    match (flag(connection.relay), flag(connection.local)) {
        (true, _) => "relay",
        (false, true) => "local",
        (false, false) => "remote",
    }
}

fn flag(value: Option<FlexBool>) -> bool {
    value.is_some_and(FlexBool::get)
}
