//! Sign in the way Plex asks apps to: the PIN (link) flow. The user enters a short code at
//! plex.tv/link (or approves a strong PIN in a browser), and the app never sees a password.
//!
//! With PLEX_CLIENT_IDENTIFIER set it asks plex.tv for a PIN and waits for you to link it;
//! otherwise a loopback server replays plex.tv's recorded answers (the PIN, then the PIN once
//! linked), so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example pin_login
//! PLEX_CLIENT_IDENTIFIER=$(uuidgen) cargo run -p plex-auth-client --example pin_login
//! ```

use plex_auth_harness as harness;

use harness::{Answer, Server, Step};
use plex_auth_client::{ClientIdentity, LINK_URL, PinKind, PinPolling, PlexTvClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _replay) = match std::env::var("PLEX_CLIENT_IDENTIFIER") {
        Ok(id) => {
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            (PlexTvClient::builder(identity).build()?, None)
        }
        Err(_) => {
            println!("PLEX_CLIENT_IDENTIFIER is not set: replaying plex.tv's recorded answers");
            let replay = replay();
            (offline(&replay)?, Some(replay))
        }
    };
    println!("{}", sign_in(&client, PinPolling::default()).await?);
    Ok(())
}

/// plex.tv, replayed: the new PIN, then the PIN unlinked once and linked after.
fn replay() -> Server {
    let created = harness::recorded("plextv-pins-201-new.json");
    let unlinked = created.clone();
    let linked = harness::recorded("plextv-pins-200-linked.json");
    Server::start(move |n, seen| {
        let answer = match (seen.method.as_str(), n) {
            ("POST", _) => Answer::json(201, created.clone()),
            (_, 1) => Answer::json(200, unlinked.clone()),
            _ => Answer::json(200, linked.clone()),
        };
        vec![Step::Answer(answer)]
    })
}

fn offline(replay: &Server) -> Result<PlexTvClient, plex_auth_client::Error> {
    PlexTvClient::builder(harness::identity())
        .base_url(replay.url())
        .build()
}

/// Creates a PIN, says where to enter it, waits for the approval.
async fn sign_in(
    client: &PlexTvClient,
    polling: PinPolling,
) -> Result<String, plex_auth_client::Error> {
    let pin = client.create_pin(PinKind::Short).await?;
    println!(
        "go to {LINK_URL} and enter {} (within {} minutes)",
        pin.code(),
        pin.remaining().as_secs().div_ceil(60)
    );
    let token = client.wait_for_token(&pin, polling).await?;
    // The token is a `Secret`: keep it, and never print it.
    Ok(format!(
        "linked: received a token of {} characters",
        token.expose().len()
    ))
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let replay = replay();
    let polling = PinPolling::new().with_interval(std::time::Duration::from_millis(20));
    let text = sign_in(&offline(&replay).unwrap(), polling).await.unwrap();
    assert_eq!(text, "linked: received a token of 10 characters");
    let seen = replay.seen();
    assert_eq!(seen.len(), 3, "the PIN, one poll unlinked, one linked");
    assert_eq!(seen[0].target, "/pins");
    assert_eq!(seen[2].target, "/pins/111222333");
}
