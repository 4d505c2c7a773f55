//! `getTokenDetails`: the plex.tv account behind a token (a 200 means the token is valid).
//!
//! With PLEX_TOKEN (and PLEX_CLIENT_IDENTIFIER) set it asks plex.tv; otherwise it replays a
//! recorded plex.tv answer from a loopback server, so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example get_token_details
//! PLEX_TOKEN=... PLEX_CLIENT_IDENTIFIER=... cargo run -p plex-auth-client --example get_token_details
//! ```

use plex_auth_harness as harness;

use plex_auth_client::safe_text::inert;
use plex_auth_client::{ClientIdentity, PlexTvClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _replay) = match std::env::var("PLEX_TOKEN") {
        Ok(token) => {
            let id = std::env::var("PLEX_CLIENT_IDENTIFIER")?;
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            (PlexTvClient::builder(identity).token(token).build()?, None)
        }
        Err(_) => {
            let replay = harness::Exchange::load("get-token-details-200-free-account").serve();
            println!("PLEX_TOKEN is not set: replaying a recorded plex.tv answer");
            (offline(&replay)?, Some(replay))
        }
    };
    print!("{}", report(&client).await?);
    Ok(())
}

fn offline(replay: &harness::Server) -> Result<PlexTvClient, plex_auth_client::Error> {
    PlexTvClient::builder(harness::identity())
        .base_url(replay.url())
        .token(harness::TOKEN)
        .build()
}

/// What the example prints about the account.
async fn report(client: &PlexTvClient) -> Result<String, plex_auth_client::Error> {
    let account = client.get_token_details().await?;
    let subscription = account
        .subscription
        .as_ref()
        .and_then(|s| s.status.as_deref());
    // `account.auth_token` is a `Secret`: its Debug output is redacted.
    Ok(format!(
        "the token is valid; it belongs to:\n  username: {}\n  email:    {}\n  uuid:     {}\n  \
         Plex Pass subscription: {}\n  token:    {:?}\n",
        // plex.tv's text reaches the terminal inert: no escape sequence, no forged line.
        inert(&account.username),
        inert(&account.email),
        inert(&account.uuid),
        inert(subscription.unwrap_or("none")),
        account.auth_token,
    ))
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let replay = harness::Exchange::load("get-token-details-200-free-account").serve();
    let text = report(&offline(&replay).unwrap()).await.unwrap();
    assert_eq!(
        text,
        "the token is valid; it belongs to:\n  username: user@example.com\n  email:    \
         user@example.com\n  uuid:     212acf24b07315e5\n  Plex Pass subscription: Inactive\n  \
         token:    Secret(<redacted>)\n"
    );
    assert_eq!(replay.count(), 1);
}
