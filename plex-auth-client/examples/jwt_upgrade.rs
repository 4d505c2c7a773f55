//! Stay signed in with a JWT, starting from a legacy token: register this installation's
//! device key with the token, trade a device JWT for a plex.tv JWT, and let the `TokenSource`
//! keep it valid. Calls made through a client built from the source never see an expired JWT.
//!
//! With PLEX_CLIENT_IDENTIFIER and PLEX_TOKEN set it does so on plex.tv, keeping the device key
//! and the JWT in PLEX_KEY_DIR (a folder of yours; it must be set): run it again and it resumes
//! without registering again. Otherwise it runs against a loopback stand-in of
//! plex.tv that checks device JWTs and issues its own, and lets a week pass:
//!
//! ```sh
//! cargo run -p plex-auth-client --example jwt_upgrade
//! PLEX_CLIENT_IDENTIFIER=… PLEX_TOKEN=… PLEX_KEY_DIR=~/.config/plex-auth-examples \
//!     cargo run -p plex-auth-client --example jwt_upgrade
//! ```

use plex_auth_harness as harness;

use std::path::PathBuf;
use std::time::Duration;

use harness::{LEGACY_TOKEN, StandIn, TestClock};
use plex_auth_client::safe_text::inert;
use plex_auth_client::{
    ClientIdentity, DeviceKey, FileTokenStore, MemoryTokenStore, PlexTvClient, Secret, TokenSource,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match (
        std::env::var("PLEX_CLIENT_IDENTIFIER"),
        std::env::var("PLEX_TOKEN"),
    ) {
        (Ok(id), Ok(token)) => {
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            let folder = key_folder()?;
            let key = DeviceKey::load_or_create(folder.join("device-key"))?;
            let source = TokenSource::jwt(identity.clone(), key)
                .store(FileTokenStore::new(folder.join("plex-token")))
                .build()?;
            if source.kind().is_none() {
                source.upgrade(&Secret::new(token)).await?;
                println!(
                    "device key registered; the JWT is kept in {}",
                    folder.display()
                );
            }
            let plex = PlexTvClient::builder(identity)
                .token_source(source.clone())
                .build()?;
            // plex.tv's text reaches the terminal inert: no escape sequence, no forged line.
            let account = plex.get_token_details().await?;
            println!("signed in as {}", inert(&account.username));
            println!("{:?}", source.kind());
        }
        _ => {
            println!(
                "PLEX_CLIENT_IDENTIFIER or PLEX_TOKEN is not set: using a stand-in of plex.tv"
            );
            for line in offline().await? {
                println!("{line}");
            }
        }
    }
    Ok(())
}

/// Where the key and the JWT are kept between runs: PLEX_KEY_DIR, a folder of yours. Never a
/// default in the shared temporary folder: another user could create it first and plant a
/// device key there, which would then be registered with your token.
fn key_folder() -> Result<PathBuf, String> {
    std::env::var_os("PLEX_KEY_DIR")
        .filter(|folder| !folder.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| {
            "set PLEX_KEY_DIR to a folder of yours (your config folder, say) to keep the device \
             key and the JWT in"
                .to_string()
        })
}

/// The upgrade, then a call now and a call a week later, against the stand-in.
async fn offline() -> Result<Vec<String>, plex_auth_client::Error> {
    let clock = TestClock::now();
    let stand_in = StandIn::start(clock.clone());
    let source = TokenSource::jwt(harness::identity(), DeviceKey::generate().unwrap())
        .clients_base_url(stand_in.clients_url())
        .store(MemoryTokenStore::new())
        .clock(clock.clone())
        .build()?;
    source.upgrade(&Secret::new(LEGACY_TOKEN)).await?;
    let plex = PlexTvClient::builder(harness::identity())
        .base_url(stand_in.plex_tv_url())
        .token_source(source)
        .build()?;
    let mut lines = vec![format!(
        "signed in as {}",
        inert(&plex.get_token_details().await?.username)
    )];
    clock.advance(Duration::from_secs(7 * 24 * 60 * 60));
    let account = plex.get_token_details().await?;
    let counts = stand_in.counts();
    lines.push(format!(
        "a week later, still signed in as {} ({} registration, {} exchanges)",
        inert(&account.username),
        counts.registrations,
        counts.exchanges
    ));
    Ok(lines)
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let lines = offline().await.unwrap();
    assert_eq!(
        lines,
        [
            "signed in as user@example.com",
            "a week later, still signed in as user@example.com (1 registration, 2 exchanges)",
        ]
    );
}
