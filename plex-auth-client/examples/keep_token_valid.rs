//! Keeping a token valid: check its status, drop it only when plex.tv refused it, and ping
//! plex.tv so that it does not expire unused (run this daily).
//!
//! With PLEX_TOKEN (and PLEX_CLIENT_IDENTIFIER) set it asks plex.tv; otherwise it replays
//! recorded and derived plex.tv answers from a loopback server, so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example keep_token_valid
//! PLEX_TOKEN=... PLEX_CLIENT_IDENTIFIER=... cargo run -p plex-auth-client --example keep_token_valid
//! ```

use plex_auth_harness as harness;

use plex_auth_client::safe_text::inert;
use plex_auth_client::{ClientIdentity, PlexTvClient, TokenStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _replay) = match std::env::var("PLEX_TOKEN") {
        Ok(token) => {
            let id = std::env::var("PLEX_CLIENT_IDENTIFIER")?;
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            (PlexTvClient::builder(identity).token(token).build()?, None)
        }
        Err(_) => {
            let replay = replay();
            println!("PLEX_TOKEN is not set: replaying plex.tv answers from the fixtures");
            (offline(&replay)?, Some(replay))
        }
    };
    print!("{}", keep_valid(&client).await);
    Ok(())
}

/// A loopback plex.tv answering `/user` with a recorded account and `/ping` with the derived
/// pong.
fn replay() -> harness::Server {
    let account = harness::Exchange::load("get-token-details-200-free-account").answer();
    let pong = harness::Exchange::load("ping-token-200-json").answer();
    harness::Server::start(move |_, request| {
        let answer = if request.path() == "/ping" {
            pong.clone()
        } else {
            account.clone()
        };
        vec![harness::Step::Answer(answer)]
    })
}

fn offline(replay: &harness::Server) -> Result<PlexTvClient, plex_auth_client::Error> {
    PlexTvClient::builder(harness::identity())
        .base_url(replay.url())
        .token(harness::TOKEN)
        .build()
}

/// What an app does with its stored token, once a day, and what it would tell its user.
async fn keep_valid(client: &PlexTvClient) -> String {
    match client.token_status().await {
        TokenStatus::Valid(account) => {
            let ping = match client.ping_token().await {
                Ok(answer) if answer.pong.get() => "pong: the token stays in use".to_string(),
                Ok(_) => "no pong: try again tomorrow".to_string(),
                // A failed ping says nothing about the token: keep it.
                Err(error) => format!("ping failed, token kept: {error}"),
            };
            // plex.tv's text reaches the terminal inert.
            format!("token valid for {}\n{ping}\n", inert(&account.username))
        }
        // The one case where the token goes: plex.tv refused it.
        TokenStatus::Invalid(reason) => format!("token invalid, sign in again: {reason}\n"),
        TokenStatus::Unknown(error) => format!("token status unknown, kept: {error}\n"),
        // TokenStatus is non-exhaustive: a status added later is not a reason to drop it.
        _ => "token kept\n".to_string(),
    }
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let replay = replay();
    let text = keep_valid(&offline(&replay).unwrap()).await;
    assert_eq!(
        text,
        "token valid for user@example.com\npong: the token stays in use\n"
    );
    let targets: Vec<String> = replay.seen().into_iter().map(|seen| seen.target).collect();
    assert_eq!(targets, ["/user", "/ping"]);
}

#[tokio::test]
async fn an_invalid_token_is_dropped_and_no_ping_is_sent() {
    let replay = harness::Exchange::load("get-token-details-401-1001-json").serve();
    let text = keep_valid(&offline(&replay).unwrap()).await;
    assert_eq!(
        text,
        "token invalid, sign in again: getTokenDetails: HTTP 401 Unauthorized: invalid or revoked \
         token: User could not be authenticated (code 1001)\n"
    );
    assert_eq!(replay.count(), 1);
}
