//! `getSourceConnectionInformation`: how to reach a source a Plex Media Server knows.
//!
//! With PLEX_TOKEN and PLEX_SERVER_URL set it asks that server about PLEX_SOURCE
//! (`server://<client-identifier>` or `provider://<identifier>`); otherwise it replays a server's
//! answer from a loopback server, so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example get_source_connection_information
//! ```

// Each example uses part of the shared module.
#[allow(dead_code)]
mod support;

use plex_auth_client::{FlexBool, PmsClient};
use support::{Answer, identity, replay};

/// The source of the replayed answer.
const RECORDED_SOURCE: &str = "server://243b471948ace337a8f92f129ec97d1902fcb1df";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::var("PLEX_TOKEN")
        .ok()
        .zip(std::env::var("PLEX_SERVER_URL").ok());
    run(real).await
}

/// With a token and a server URL, asks that server; without, replays.
async fn run(real: Option<(String, String)>) -> Result<(), Box<dyn std::error::Error>> {
    let (client, source) = match real {
        Some((token, server)) => {
            let source = std::env::var("PLEX_SOURCE")
                .map_err(|_| "set PLEX_SOURCE to server://<client-identifier>")?;
            let client = PmsClient::builder(server, identity())
                .token(token)
                .build()?;
            (client, source)
        }
        None => {
            let body = include_str!("fixtures/pms-security-resources-200.json");
            let url = replay(vec![Answer::json(200, body)]).await?;
            println!(
                "PLEX_TOKEN/PLEX_SERVER_URL are not set: replaying a server's answer from {url}"
            );
            let client = PmsClient::builder(url, identity())
                .token("example-token")
                .build()?;
            (client, RECORDED_SOURCE.to_string())
        }
    };

    let info = client.get_source_connection_information(&source).await?;
    for device in info.media_container.device.iter().flatten() {
        println!("{} ({})", device.name, device.client_identifier);
        for connection in device.connection.iter().flatten() {
            let local = connection.local.is_some_and(FlexBool::get);
            let relay = connection.relay.is_some_and(FlexBool::get);
            println!(
                "  {}{}{}",
                connection.uri,
                if local { "  local" } else { "  remote" },
                if relay { " relay" } else { "" }
            );
        }
    }
    Ok(())
}

// `cargo test` runs this, so the offline path is checked in CI.
#[tokio::test]
async fn runs_offline() {
    run(None).await.expect("the replayed answer decodes");
}
