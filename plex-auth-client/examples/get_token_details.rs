//! `getTokenDetails`: the plex.tv account behind a token (a 200 means the token is valid).
//!
//! With PLEX_TOKEN set it asks plex.tv; otherwise it replays a recorded plex.tv answer from a
//! loopback server, so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example get_token_details
//! PLEX_TOKEN=... cargo run -p plex-auth-client --example get_token_details
//! ```

// Each example uses part of the shared module.
#[allow(dead_code)]
mod support;

use plex_auth_client::PlexTvClient;
use support::{Answer, identity, replay};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    run(std::env::var("PLEX_TOKEN").ok()).await
}

/// With a token, asks plex.tv; without, replays.
async fn run(token: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    let client = match token {
        Some(token) => PlexTvClient::builder(identity()).token(token).build()?,
        None => {
            let body = include_str!("fixtures/plextv-user-200-free-account.json");
            let url = replay(vec![Answer::json(200, body)]).await?;
            println!("PLEX_TOKEN is not set: replaying a recorded plex.tv answer from {url}");
            PlexTvClient::builder(identity())
                .base_url(url)
                .token("example-token")
                .build()?
        }
    };

    let account = client.get_token_details().await?;
    println!("the token is valid; it belongs to:");
    println!("  username: {}", account.username);
    println!("  email:    {}", account.email);
    println!("  uuid:     {}", account.uuid);
    let status = account
        .subscription
        .as_ref()
        .and_then(|s| s.status.as_deref());
    println!("  Plex Pass subscription: {}", status.unwrap_or("none"));
    // `account.auth_token` is a `Secret`: its Debug output is redacted.
    println!("  token:    {:?}", account.auth_token);
    Ok(())
}

// `cargo test` runs this, so the offline path is checked in CI.
#[tokio::test]
async fn runs_offline() {
    run(None).await.expect("the replayed answer decodes");
}
