//! `plex-auth servers`: the account's servers as plex.tv lists them, with their connections;
//! never a token, not even inside a URI. Also the list `connect` chooses from.

use clap::Args;
use plex_auth_client::types::{GetServerResourcesOptions, PlexConnection, PlexDevice};
use plex_auth_client::{FlexBool, Redactor};
use serde_json::{Value, json};

use crate::clients::plex_tv;
use crate::credentials::Credentials;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::output::Output;
use crate::run::{Context, Run};

/// List the account's servers and their connections (local, remote, relay).
///
/// Never prints a token.
#[derive(Args)]
pub(crate) struct Servers {
    #[command(flatten)]
    token: TokenArg,
}

impl Run for Servers {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let servers = account_servers(context, &credentials).await?;
        // A server's name or URI can echo the account's token or any server's access token.
        let token = credentials.token().await?;
        let shown = Redactor::new([token.expose()]).secrets_of(&servers);
        print(context.output, &servers, &shown);
        Ok(exit::SUCCESS)
    }
}

/// The account's servers, every connection of each (https, relay and IPv6 ones too); players
/// and clients left out.
pub(super) async fn account_servers(
    context: &Context<'_>,
    credentials: &Credentials,
) -> Result<Vec<PlexDevice>, Failure> {
    let plex = plex_tv(context.flags, Some(credentials))?;
    let everything = GetServerResourcesOptions::new()
        .include_https(true)
        .include_relay(true)
        .include_ipv6(true);
    let devices = plex.get_server_resources(everything).await?.into_inner();
    Ok(devices.into_iter().filter(is_server).collect())
}

fn is_server(device: &PlexDevice) -> bool {
    let roles = device.provides.as_deref().unwrap_or_default();
    roles.split(',').any(|role| role.trim() == "server")
}

fn print(output: &Output, servers: &[PlexDevice], shown: &Redactor) {
    if output.json() {
        let servers: Vec<Value> = servers.iter().map(|s| server_json(s, shown)).collect();
        output.document(&json!({ "servers": servers }));
        return;
    }
    if servers.is_empty() {
        output.out("No server.");
    }
    for server in servers {
        let ownership = if flag(server.owned) {
            "owned".to_string()
        } else {
            match &server.source_title {
                Some(owner) => format!("shared by {}", shown.text(owner)),
                None => "shared".to_string(),
            }
        };
        let presence = if flag(server.presence) {
            "online"
        } else {
            "offline"
        };
        output.out(&format!(
            "{} ({}): {ownership}, {presence}",
            shown.text(&server.name),
            shown.text(&server.client_identifier)
        ));
        for connection in &server.connections {
            output.out(&format!(
                "  {}  {}",
                shown.url(&connection.uri),
                place(connection)
            ));
        }
    }
}

fn server_json(server: &PlexDevice, shown: &Redactor) -> Value {
    let connections: Vec<Value> = server
        .connections
        .iter()
        .map(|c| {
            json!({
                "uri": shown.url(&c.uri),
                "protocol": c.protocol.as_deref().map(|p| shown.text(p)),
                "local": flag(c.local),
                "relay": flag(c.relay),
            })
        })
        .collect();
    json!({
        "name": shown.text(&server.name),
        "clientIdentifier": shown.text(&server.client_identifier),
        "owned": flag(server.owned),
        "sourceTitle": server.source_title.as_deref().map(|t| shown.text(t)),
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
