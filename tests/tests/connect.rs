//! Choosing a server's connection: a loopback plex.tv lists one server with five connections
//! (a closed port, one that never answers, an impostor, the real server, a relay), each a
//! loopback server of the test. The real server is chosen, quickly, and each token goes only
//! where it belongs.

use std::time::{Duration, Instant};

use plex_auth_client::types::{GetServerResourcesOptions, PlexDevice};
use plex_auth_client::{Connector, ErrorKind, PlexTvClient};
use plex_auth_tests::harness::{self, Answer, Server, Step, TOKEN, closed_port_url, identity};

const MACHINE_ID: &str = "0123456789abcdef-real-server";
const DEVICE_TOKEN: &str = "device-token-only-for-this-server";

/// A Plex Media Server whose `/identity` names `machine_id`.
fn pms(machine_id: &str) -> Server {
    let body = format!(
        r#"{{"MediaContainer":{{"size":0,"claimed":true,"machineIdentifier":"{machine_id}","version":"1.41.6.9685-d301f511a"}}}}"#
    );
    Server::always(vec![Step::Answer(Answer::json(200, body))])
}

/// The scene: every server, and plex.tv's `/resources` listing them.
struct Scene {
    plex_tv: Server,
    closed: String,
    silent: Server,
    impostor: Server,
    real: Server,
    relay: Server,
}

fn connection(uri: &str, local: bool, relay: bool) -> String {
    format!(
        r#"{{"protocol":"http","address":"127.0.0.1","port":1,"uri":"{uri}","local":{local},"relay":{relay},"IPv6":false}}"#
    )
}

impl Scene {
    fn new() -> Self {
        let closed = closed_port_url();
        let silent = Server::always(vec![Step::Sleep(Duration::from_secs(30))]);
        let impostor = pms("another-machine");
        let real = pms(MACHINE_ID);
        let relay = pms(MACHINE_ID);
        // Locals fail first; the real server and the silent one rank the same (remote http)
        // and plex.tv lists the real one first, so the choice must not wait for the silent
        // one; the relay answers too but ranks last (listed first, to test the ranking).
        let connections = [
            connection(&relay.url(), false, true),
            connection(&closed, true, false),
            connection(&impostor.url(), true, false),
            connection(&real.url(), false, false),
            connection(&silent.url(), false, false),
        ];
        let body = format!(
            r#"[{{"name":"Box","clientIdentifier":"{MACHINE_ID}","provides":"server","accessToken":"{DEVICE_TOKEN}","owned":true,"presence":true,"connections":[{}]}},
               {{"name":"TV","clientIdentifier":"player-1","provides":"player","connections":[]}}]"#,
            connections.join(",")
        );
        let plex_tv = Server::always(vec![Step::Answer(Answer::json(200, body))]);
        Self {
            plex_tv,
            closed,
            silent,
            impostor,
            real,
            relay,
        }
    }

    async fn server(&self) -> PlexDevice {
        let plex = PlexTvClient::builder(identity())
            .base_url(self.plex_tv.url())
            .token(TOKEN)
            .build()
            .unwrap();
        let everything = GetServerResourcesOptions::new()
            .include_https(true)
            .include_relay(true)
            .include_ipv6(true);
        let devices = plex
            .get_server_resources(everything)
            .await
            .unwrap()
            .into_inner();
        assert_eq!(devices.len(), 2);
        devices.into_iter().find(|d| d.name == "Box").unwrap()
    }

    /// The connection servers: none saw the account token; each request carried the device's.
    fn check_tokens(&self) {
        for server in [&self.silent, &self.impostor, &self.real, &self.relay] {
            for seen in server.seen() {
                assert_eq!(
                    seen.header("x-plex-token"),
                    Some(DEVICE_TOKEN),
                    "{}",
                    seen.target
                );
                assert_eq!(seen.path(), "/identity");
                harness::check_identity(&seen);
            }
        }
        let asked = self.plex_tv.seen();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].header("x-plex-token"), Some(TOKEN));
        assert_eq!(
            asked[0].target,
            "/resources?includeHttps=1&includeIPv6=1&includeRelay=1"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_server_is_chosen_without_waiting_for_the_slowest_probe() {
    let scene = Scene::new();
    let server = scene.server().await;
    let started = Instant::now();
    let pms = Connector::new(identity()).connect(&server).await.unwrap();
    let elapsed = started.elapsed();

    assert_eq!(pms.base_url(), scene.real.url());
    // The silent connection would hold it 3 s (the probe timeout).
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(scene.impostor.count(), 1);
    assert_eq!(scene.real.count(), 1);
    // At most 4 probes at once, best first: the relay, ranked last, started only once a
    // better probe had finished, or never.
    assert!(scene.relay.count() <= 1);
    scene.check_tokens();

    // The client returned carries the device's token, to the real server only.
    let identity_again = pms.get_server_identity().await.unwrap();
    assert_eq!(
        identity_again.media_container.machine_identifier,
        MACHINE_ID
    );
    assert_eq!(scene.real.count(), 2);
    scene.check_tokens();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_is_used_only_when_nothing_better_answers_and_failures_are_listed() {
    let scene = Scene::new();
    let mut server = scene.server().await;
    // Without the real server, the relay is the only one left.
    server.connections.retain(|c| c.uri != scene.real.url());
    let started = Instant::now();
    let pms = Connector::new(identity())
        .timeout(Duration::from_millis(400))
        .connect(&server)
        .await
        .unwrap();
    assert_eq!(pms.base_url(), scene.relay.url());
    // It had to wait for the silent remote connection, ranked above the relay: 400 ms.
    assert!(started.elapsed() >= Duration::from_millis(350));

    // Without the relay either: nothing answers as the server.
    server.connections.retain(|c| c.uri != scene.relay.url());
    let err = Connector::new(identity())
        .timeout(Duration::from_millis(400))
        .connect(&server)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoConnection);
    let attempts = err.connect_attempts();
    let urls: Vec<&str> = attempts.iter().map(|a| a.url.as_str()).collect();
    let shown = |url: &str| format!("{url}/");
    assert_eq!(
        urls,
        [
            shown(&scene.closed),
            shown(&scene.impostor.url()),
            shown(&scene.silent.url())
        ]
    );
    assert!(attempts[0].local && !attempts[0].relay);
    assert!(
        attempts[0].reason.contains("cannot connect"),
        "{}",
        attempts[0].reason
    );
    assert_eq!(
        attempts[1].reason,
        "answered as another server (machineIdentifier \"another-machine\")"
    );
    assert!(
        attempts[2].reason.contains("timed out") || attempts[2].reason.contains("no answer within"),
        "{}",
        attempts[2].reason
    );
    let text = err.to_string();
    assert!(
        text.starts_with("no connection to server \"Box\" answered as that server; tried 3: "),
        "{text}"
    );
    for shown in [text.clone(), format!("{err:?}")] {
        assert!(
            !shown.contains(DEVICE_TOKEN) && !shown.contains(TOKEN),
            "{shown}"
        );
    }
    scene.check_tokens();
}

#[tokio::test]
async fn a_player_or_a_server_without_token_is_refused_before_anything_is_sent() {
    let scene = Scene::new();
    let plex = PlexTvClient::builder(identity())
        .base_url(scene.plex_tv.url())
        .token(TOKEN)
        .build()
        .unwrap();
    let devices = plex
        .get_server_resources(GetServerResourcesOptions::new())
        .await
        .unwrap()
        .into_inner();
    let player = devices.iter().find(|d| d.name == "TV").unwrap();
    let err = Connector::new(identity())
        .connect(player)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "connect: invalid input: device \"TV\" is not a server"
    );

    let mut server = devices.iter().find(|d| d.name == "Box").unwrap().clone();
    server.access_token = None;
    let err = Connector::new(identity())
        .connect(&server)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    for server in [&scene.silent, &scene.impostor, &scene.real, &scene.relay] {
        assert_eq!(server.count(), 0);
    }
}
