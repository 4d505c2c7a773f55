//! `getTransientToken`: a temporary token from a Plex Media Server, with the caller's access.
//!
//! With PLEX_TOKEN and PLEX_SERVER_URL set (e.g. `http://192.168.1.10:32400`) it asks that
//! server; otherwise it replays the server's answer from a loopback server, so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example get_transient_token
//! ```

// Each example uses part of the shared module.
#[allow(dead_code)]
mod support;

use plex_auth_client::PmsClient;
use plex_auth_client::types::{TransientTokenScope, TransientTokenType};
use support::{Answer, identity, replay};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::var("PLEX_TOKEN")
        .ok()
        .zip(std::env::var("PLEX_SERVER_URL").ok());
    run(real).await
}

/// With a token and a server URL, asks that server; without, replays.
async fn run(real: Option<(String, String)>) -> Result<(), Box<dyn std::error::Error>> {
    let client = match real {
        Some((token, server)) => PmsClient::builder(server, identity())
            .token(token)
            .build()?,
        None => {
            let body = include_str!("fixtures/pms-security-token-200.json");
            let url = replay(vec![Answer::json(200, body)]).await?;
            println!(
                "PLEX_TOKEN/PLEX_SERVER_URL are not set: replaying a server's answer from {url}"
            );
            PmsClient::builder(url, identity())
                .token("example-token")
                .build()?
        }
    };

    let answer = client
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await?;
    let token = answer.media_container.token.expose();
    // Show only the start: a transient token carries the caller's access for up to 48 hours.
    let start: String = token.chars().take(10).collect();
    println!(
        "transient token received: {start}… ({} characters)",
        token.len()
    );
    Ok(())
}

// `cargo test` runs this, so the offline path is checked in CI.
#[tokio::test]
async fn runs_offline() {
    run(None).await.expect("the replayed answer decodes");
}
