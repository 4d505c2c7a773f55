//! From an account token to a connected `PmsClient`: list the account's servers on plex.tv,
//! then let `Connector` probe a server's connections (without a token) and keep the best one
//! that proved to be that server; the client it returns carries the server's own token.
//!
//! With PLEX_TOKEN set it asks plex.tv (the client identifier is kept in
//! `./.plex-client-identifier`); otherwise a loopback plex.tv lists a server with a dead LAN
//! address and a working remote one, so it runs offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example connect_to_server
//! ```

use plex_auth_harness as harness;

use harness::{Answer, Refused, Server, Step};
use plex_auth_client::safe_text::{inert, shown_url};
use plex_auth_client::types::GetServerResourcesOptions;
use plex_auth_client::{ClientIdentity, Connector, PlexTvClient, load_or_create_client_identifier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (plex, identity, _replay) = match std::env::var("PLEX_TOKEN") {
        Ok(token) => {
            let id = load_or_create_client_identifier(".plex-client-identifier")?;
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            let plex = PlexTvClient::builder(identity.clone())
                .token(token)
                .build()?;
            (plex, identity, None)
        }
        Err(_) => {
            println!("PLEX_TOKEN is not set: a loopback plex.tv and server answer");
            let replay = Offline::start();
            (replay.plex_tv()?, harness::identity(), Some(replay))
        }
    };
    print!("{}", report(&plex, identity).await?);
    Ok(())
}

/// Lists the servers, connects to the first, and says where it landed.
async fn report(
    plex: &PlexTvClient,
    identity: ClientIdentity,
) -> Result<String, plex_auth_client::Error> {
    let everything = GetServerResourcesOptions::new()
        .include_https(true)
        .include_relay(true)
        .include_ipv6(true);
    let devices = plex.get_server_resources(everything).await?.into_inner();
    let mut text = String::new();
    let servers = devices
        .iter()
        .filter(|d| d.provides.as_deref().unwrap_or_default().contains("server"));
    for server in servers {
        let pms = Connector::new(identity.clone()).connect(server).await?;
        let answer = pms.get_server_identity().await?;
        text += &format!(
            "{}: {} connections listed; reached at {}; it is {}\n",
            // A server's text reaches the terminal inert: no escape sequence, no forged line.
            inert(&server.name),
            server.connections.len(),
            shown_url(pms.base_url()),
            inert(&answer.media_container.machine_identifier),
        );
    }
    Ok(text)
}

/// plex.tv and one server on loopback: the server's LAN address is dead, its remote one works.
struct Offline {
    plex_tv: Server,
    // Held so that it keeps answering; only the test reads it.
    #[cfg_attr(not(test), allow(dead_code))]
    server: Server,
    // Held so that the dead address keeps refusing.
    _dead: Refused,
}

impl Offline {
    fn start() -> Self {
        let dead = Refused::new();
        let server = Server::always(vec![Step::Answer(Answer::json(
            200,
            r#"{"MediaContainer":{"size":0,"machineIdentifier":"client_id2"}}"#,
        ))]);
        let body = format!(
            r#"[{{"name":"Box","clientIdentifier":"client_id2","provides":"server","accessToken":"auth_token","connections":[
                {{"uri":"{}","local":true,"relay":false}},{{"uri":"{}","local":false,"relay":false}}]}},
               {{"name":"Phone","clientIdentifier":"p","provides":"player","connections":[]}}]"#,
            dead.url(),
            server.url()
        );
        let plex_tv = Server::always(vec![Step::Answer(Answer::json(200, body))]);
        Self {
            plex_tv,
            server,
            _dead: dead,
        }
    }

    fn plex_tv(&self) -> Result<PlexTvClient, plex_auth_client::Error> {
        PlexTvClient::builder(harness::identity())
            .base_url(self.plex_tv.url())
            .token(harness::TOKEN)
            .build()
    }
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let offline = Offline::start();
    let text = report(&offline.plex_tv().unwrap(), harness::identity())
        .await
        .unwrap();
    assert_eq!(
        text,
        format!(
            "Box: 2 connections listed; reached at {}/; it is client_id2\n",
            offline.server.url()
        )
    );
    // The probe, and the call after it: `/identity` needs no token, and neither carried one
    // (the probe, because the address had not proved to be the server yet).
    let seen = offline.server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.header("x-plex-token").is_none()));
    assert_eq!(offline.plex_tv.count(), 1);
}
