//! Sign in straight to a JWT with a PIN: the PIN carries this installation's public key, the
//! user approves it at plex.tv/link (or in a browser for a strong PIN), and polling it with
//! device JWTs answers a plex.tv JWT. No legacy token and no key registration on the way.
//!
//! With PLEX_CLIENT_IDENTIFIER set it asks plex.tv (clients.plex.tv) for a PIN and waits for
//! you to link it, keeping the key and the JWT in PLEX_KEY_DIR (a folder of yours; it must be
//! set). Otherwise a loopback stand-in of plex.tv approves the PIN at its second
//! poll:
//!
//! ```sh
//! cargo run -p plex-auth-client --example jwt_pin_login
//! PLEX_CLIENT_IDENTIFIER=$(uuidgen) PLEX_KEY_DIR=~/.config/plex-auth-examples \
//!     cargo run -p plex-auth-client --example jwt_pin_login
//! ```

use plex_auth_harness as harness;

use std::path::PathBuf;
use std::time::Duration;

use harness::{StandIn, TestClock};
use plex_auth_client::{
    ClientIdentity, DeviceKey, FileTokenStore, LINK_URL, MemoryTokenStore, PinKind, PinPolling,
    TokenSource,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::var("PLEX_CLIENT_IDENTIFIER") {
        Ok(id) => {
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            let folder = key_folder()?;
            let source = TokenSource::jwt(
                identity,
                DeviceKey::load_or_create(folder.join("device-key"))?,
            )
            .store(FileTokenStore::new(folder.join("plex-token")))
            .build()?;
            println!("{}", sign_in(&source, PinPolling::default()).await?);
        }
        Err(_) => {
            println!("PLEX_CLIENT_IDENTIFIER is not set: using a stand-in of plex.tv");
            let (source, _stand_in) = offline();
            let polling = PinPolling::new().with_interval(Duration::from_millis(200));
            println!("{}", sign_in(&source, polling).await?);
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

/// A source on a stand-in of plex.tv that approves a PIN at its second poll.
fn offline() -> (TokenSource, StandIn) {
    let clock = TestClock::now();
    let stand_in = StandIn::start(clock.clone());
    stand_in.configure(|settings| settings.approve_at_poll = 2);
    let source = TokenSource::jwt(harness::identity(), DeviceKey::generate().unwrap())
        .clients_base_url(stand_in.clients_url())
        .store(MemoryTokenStore::new())
        .clock(clock)
        .build()
        .expect("the source builds");
    (source, stand_in)
}

/// Creates the PIN, says where to enter it, waits for the approval.
async fn sign_in(
    source: &TokenSource,
    polling: PinPolling,
) -> Result<String, plex_auth_client::Error> {
    let pin = source.create_pin(PinKind::Short).await?;
    println!(
        "go to {LINK_URL} and enter {} (within {} minutes)",
        pin.code(),
        pin.remaining().as_secs().div_ceil(60)
    );
    source.wait_for_pin(&pin, polling).await?;
    // The JWT is a `Secret`: the source keeps it; print what it is, never the JWT.
    Ok(format!(
        "signed in: {:?}",
        source.kind().map(|_| "a plex.tv JWT")
    ))
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let (source, stand_in) = offline();
    let polling = PinPolling::new().with_interval(Duration::from_millis(20));
    let text = sign_in(&source, polling).await.unwrap();
    assert_eq!(text, "signed in: Some(\"a plex.tv JWT\")");
    let counts = stand_in.counts();
    assert_eq!((counts.pins, counts.polls, counts.issued), (1, 2, 1));
    assert_eq!(counts.registrations, 0);
}
