//! `plex-auth resources`: how to reach a source a Plex Media Server knows; whether an access
//! token came, never the token, not even inside a connection's URI.

use clap::Args;
use plex_auth_client::types::SourceConnectionInformation;
use plex_auth_client::{FlexBool, Redactor};
use serde_json::{Value, json};

use crate::clients::pms;
use crate::exit;
use crate::failure::Failure;
use crate::flags::{ServerArg, TokenArg};
use crate::output::Output;
use crate::run::{Context, Run};

/// Show how to reach a source known to a Plex Media Server.
///
/// Never prints the source's access token.
#[derive(Args)]
pub(crate) struct Resources {
    #[command(flatten)]
    token: TokenArg,
    #[command(flatten)]
    server: ServerArg,
    /// The source: `server://<client-identifier>` or `provider://<identifier>`.
    #[arg(long)]
    source: String,
}

impl Run for Resources {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let pms = pms(context.flags, &self.server.server, &credentials)?;
        let answer = pms.get_source_connection_information(&self.source).await?;
        let token = credentials.token().await?;
        let shown = Redactor::new([token.expose()]).secrets_of(&*answer);
        print(context.output, &answer, &shown);
        Ok(exit::SUCCESS)
    }
}

fn print(output: &Output, answer: &SourceConnectionInformation, shown: &Redactor) {
    let devices: Vec<_> = answer.media_container.device.iter().flatten().collect();
    if output.json() {
        let devices: Vec<Value> = devices
            .iter()
            .map(|device| {
                let connections: Vec<Value> = device
                    .connection
                    .iter()
                    .flatten()
                    .map(|c| {
                        json!({
                            "uri": shown.url(&c.uri),
                            "protocol": c.protocol.as_deref().map(|p| shown.text(p)),
                            "address": c.address.as_deref().map(|a| shown.text(a)),
                            "port": c.port,
                            "local": c.local.map(FlexBool::get),
                            "relay": c.relay.map(FlexBool::get),
                        })
                    })
                    .collect();
                json!({
                    "name": shown.text(&device.name),
                    "clientIdentifier": shown.text(&device.client_identifier),
                    "hasAccessToken": device.access_token.is_some(),
                    "connections": connections,
                })
            })
            .collect();
        output.document(&json!({ "devices": devices }));
        return;
    }
    if devices.is_empty() {
        output.out("No source matches.");
    }
    for device in devices {
        output.out(&format!(
            "{} ({})",
            shown.text(&device.name),
            shown.text(&device.client_identifier)
        ));
        if device.access_token.is_some() {
            output.out("  access token: received (not shown)");
        }
        for connection in device.connection.iter().flatten() {
            let mut notes = Vec::new();
            match connection.local.map(FlexBool::get) {
                Some(true) => notes.push("local"),
                Some(false) => notes.push("remote"),
                None => {}
            }
            if connection.relay.is_some_and(FlexBool::get) {
                notes.push("relay");
            }
            output.out(&format!(
                "  {}  {}",
                shown.url(&connection.uri),
                notes.join(" ")
            ));
        }
    }
}
