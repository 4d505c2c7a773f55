//! Sign out: revoke the token on plex.tv, then forget it. Forgetting alone would leave a
//! working token behind.
//!
//! With PLEX_CLIENT_IDENTIFIER set it signs out the JWT that the `jwt_upgrade` or
//! `jwt_pin_login` example kept in PLEX_KEY_DIR (a folder of yours; it must be set): your
//! legacy token is not touched. Otherwise it signs in to a loopback stand-in of
//! plex.tv, signs out, and shows that plex.tv no longer takes the token:
//!
//! ```sh
//! cargo run -p plex-auth-client --example sign_out
//! ```

use plex_auth_harness as harness;

use std::path::PathBuf;

use harness::{LEGACY_TOKEN, StandIn, TestClock};
use plex_auth_client::{
    ClientIdentity, DeviceKey, ErrorKind, FileTokenStore, MemoryTokenStore, PlexTvClient, Secret,
    TokenSource, TokenStore,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::var("PLEX_CLIENT_IDENTIFIER") {
        Ok(id) => {
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            let folder = key_folder()?;
            let source = TokenSource::jwt(
                identity.clone(),
                DeviceKey::load_or_create(folder.join("device-key"))?,
            )
            .store(FileTokenStore::new(folder.join("plex-token")))
            .build()?;
            let plex = PlexTvClient::builder(identity).build()?;
            source.sign_out(&plex).await?;
            println!("signed out: plex.tv revoked the JWT, and it is forgotten");
        }
        Err(_) => {
            println!("PLEX_CLIENT_IDENTIFIER is not set: using a stand-in of plex.tv");
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

/// Signs in to the stand-in, signs out, then tries the old token.
async fn offline() -> Result<Vec<String>, plex_auth_client::Error> {
    let stand_in = StandIn::start(TestClock::now());
    let store = std::sync::Arc::new(MemoryTokenStore::new());
    let source = TokenSource::jwt(harness::identity(), DeviceKey::generate().unwrap())
        .clients_base_url(stand_in.clients_url())
        .store(store.clone())
        .build()?;
    let jwt = source.upgrade(&Secret::new(LEGACY_TOKEN)).await?;
    let plex = PlexTvClient::builder(harness::identity())
        .base_url(stand_in.plex_tv_url())
        .token_source(source.clone())
        .build()?;
    source.sign_out(&plex).await?;
    let mut lines = vec![format!(
        "signed out: plex.tv revoked {} token, the store holds {}",
        stand_in.counts().sign_outs,
        if store.load().ok().flatten().is_some() {
            "it still"
        } else {
            "nothing"
        }
    )];
    let old = plex
        .with_options(plex_auth_client::CallOptions::new().token(jwt))
        .get_token_details()
        .await;
    lines.push(match old {
        Err(error) if error.kind() == ErrorKind::InvalidToken => {
            "plex.tv refuses the old token".to_string()
        }
        other => format!("unexpected: {other:?}"),
    });
    Ok(lines)
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let lines = offline().await.unwrap();
    assert_eq!(
        lines,
        [
            "signed out: plex.tv revoked 1 token, the store holds nothing",
            "plex.tv refuses the old token",
        ]
    );
}
