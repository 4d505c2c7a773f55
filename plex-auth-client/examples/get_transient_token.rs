//! `getTransientToken`: a temporary token from a Plex Media Server, with the caller's access.
//!
//! With PLEX_TOKEN, PLEX_SERVER_URL (e.g. `http://192.168.1.10:32400`) and
//! PLEX_CLIENT_IDENTIFIER set it asks that server; otherwise it replays the server's answer from
//! a loopback server, so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example get_transient_token
//! ```

use plex_auth_harness as harness;

use plex_auth_client::types::{TransientTokenScope, TransientTokenType};
use plex_auth_client::{ClientIdentity, PmsClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::var("PLEX_TOKEN")
        .ok()
        .zip(std::env::var("PLEX_SERVER_URL").ok());
    let (client, _replay) = match real {
        Some((token, server)) => {
            let id = std::env::var("PLEX_CLIENT_IDENTIFIER")?;
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            (
                PmsClient::builder(server, identity).token(token).build()?,
                None,
            )
        }
        None => {
            let replay = harness::Exchange::load("transient-token-200-json").serve();
            println!("PLEX_TOKEN/PLEX_SERVER_URL are not set: replaying a server's answer");
            (offline(&replay)?, Some(replay))
        }
    };
    println!("{}", report(&client).await?);
    Ok(())
}

fn offline(replay: &harness::Server) -> Result<PmsClient, plex_auth_client::Error> {
    PmsClient::builder(replay.url(), harness::identity())
        .token(harness::TOKEN)
        .build()
}

async fn report(client: &PmsClient) -> Result<String, plex_auth_client::Error> {
    let answer = client
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await?;
    let token = answer.media_container.token.expose();
    // Show only the start: a transient token carries the caller's access for up to 48 hours.
    let start: String = token.chars().take(10).collect();
    Ok(format!(
        "transient token received: {start}… ({} characters)",
        token.chars().count()
    ))
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let replay = harness::Exchange::load("transient-token-200-json").serve();
    let text = report(&offline(&replay).unwrap()).await.unwrap();
    assert_eq!(
        text,
        "transient token received: transient-… (46 characters)"
    );
    assert_eq!(replay.count(), 1);
}
