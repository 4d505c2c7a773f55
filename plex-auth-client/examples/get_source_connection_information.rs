//! `getSourceConnectionInformation`: how to reach a source a Plex Media Server knows.
//!
//! With PLEX_TOKEN, PLEX_SERVER_URL and PLEX_CLIENT_IDENTIFIER set it asks that server about
//! PLEX_SOURCE (`server://<client-identifier>` or `provider://<identifier>`); otherwise it
//! replays a server's answer from a loopback server, so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example get_source_connection_information
//! ```

use plex_auth_harness as harness;

use plex_auth_client::safe_text::{inert, shown_url};
use plex_auth_client::{ClientIdentity, FlexBool, PmsClient};

/// The source of the replayed answer.
const RECORDED_SOURCE: &str = "server://243b471948ace337a8f92f129ec97d1902fcb1df";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::var("PLEX_TOKEN")
        .ok()
        .zip(std::env::var("PLEX_SERVER_URL").ok());
    let (client, source, _replay) = match real {
        Some((token, server)) => {
            let source = std::env::var("PLEX_SOURCE")
                .map_err(|_| "set PLEX_SOURCE to server://<client-identifier>")?;
            let id = std::env::var("PLEX_CLIENT_IDENTIFIER")?;
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            let client = PmsClient::builder(server, identity).token(token).build()?;
            (client, source, None)
        }
        None => {
            let replay = harness::Exchange::load("resources-200-json-list").serve();
            println!("PLEX_TOKEN/PLEX_SERVER_URL are not set: replaying a server's answer");
            let client = offline(&replay)?;
            (client, RECORDED_SOURCE.to_string(), Some(replay))
        }
    };
    print!("{}", report(&client, &source).await?);
    Ok(())
}

fn offline(replay: &harness::Server) -> Result<PmsClient, plex_auth_client::Error> {
    PmsClient::builder(replay.url(), harness::identity())
        .token(harness::TOKEN)
        .build()
}

/// One line per device, one per connection.
async fn report(client: &PmsClient, source: &str) -> Result<String, plex_auth_client::Error> {
    let info = client.get_source_connection_information(source).await?;
    let mut text = String::new();
    for device in info.media_container.device.iter().flatten() {
        // A server's text reaches the terminal inert; a URL without credentials.
        text.push_str(&format!(
            "{} ({})\n",
            inert(&device.name),
            inert(&device.client_identifier)
        ));
        for connection in device.connection.iter().flatten() {
            let local = connection.local.is_some_and(FlexBool::get);
            let relay = connection.relay.is_some_and(FlexBool::get);
            text.push_str(&format!(
                "  {}{}{}\n",
                shown_url(&connection.uri),
                if local { "  local" } else { "  remote" },
                if relay { " relay" } else { "" }
            ));
        }
    }
    Ok(text)
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let replay = harness::Exchange::load("resources-200-json-list").serve();
    let text = report(&offline(&replay).unwrap(), RECORDED_SOURCE)
        .await
        .unwrap();
    assert_eq!(
        text,
        "PlexCorp (plex-corp) (243b471948ace337a8f92f129ec97d1902fcb1df)\n\
         \x20 https://10-0-2-123.93b10b279ff8456686414add109854cd.plex.direct:32400/  local\n\
         \x20 https://64-71-188-222.93b10b279ff8456686414add109854cd.plex.direct:32403/  remote\n\
         \x20 https://139-162-158-105.93b10b279ff8456686414add109854cd.plex.direct:8443/  remote relay\n"
    );
    assert_eq!(replay.count(), 1);
}
