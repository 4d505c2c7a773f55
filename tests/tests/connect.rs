//! Choosing a server's connection, with every connection a loopback server of the test: the
//! real server (over http, or https with a certificate of the test authority), impostors,
//! closed ports, silent addresses and slow answers. The device's token goes to no connection
//! before it proved to be the server, and then only to that one; the choice is the
//! best-ranked connection that answers soon, within bounds.
//!
//! Times are asserted with generous bounds (the machine may be loaded); the benchmark
//! (`plex-auth-client/benches/connect.rs`) measures them.

use std::time::{Duration, Instant};

use plex_auth_client::types::{
    GetServerResourcesOptions, PlexDevice, TransientTokenScope, TransientTokenType,
};
use plex_auth_client::{
    AttemptOutcome, Connector, ErrorKind, PlexTvClient, PmsClient, find_server,
};
use plex_auth_tests::harness::{
    self, Answer, Certificate, Refused, Seen, Server, Silent, Step, TOKEN, identity,
    test_authority_pem,
};

const MACHINE_ID: &str = "0123456789abcdef-real-server";
const DEVICE_TOKEN: &str = "device-token-only-for-this-server";

fn identity_body(machine_id: &str) -> String {
    format!(
        r#"{{"MediaContainer":{{"size":0,"claimed":true,"machineIdentifier":"{machine_id}","version":"1.41.6.9685-d301f511a"}}}}"#
    )
}

/// How the real server answers: `/identity` after `delay`, and a transient token for a
/// request that carries the device's token.
fn real_steps(seen: &Seen, delay: Duration) -> Vec<Step> {
    let answer = match seen.path() {
        "/identity" => Answer::json(200, identity_body(MACHINE_ID)),
        "/security/token" if seen.header("x-plex-token") == Some(DEVICE_TOKEN) => Answer::json(
            200,
            r#"{"MediaContainer":{"size":0,"token":"transient-1"}}"#,
        ),
        _ => Answer::new(401),
    };
    vec![Step::Sleep(delay), Step::Answer(answer)]
}

/// The real server over http, answering after `delay`.
fn real(delay: Duration) -> Server {
    Server::start(move |_, seen| real_steps(seen, delay))
}

/// Another Plex server: `/identity` names `machine_id`.
fn other(machine_id: &str) -> Server {
    Server::always(vec![Step::Answer(Answer::json(
        200,
        identity_body(machine_id),
    ))])
}

/// A machine that answers `/identity` with every header value it received as its identifier.
fn echoing() -> Server {
    Server::start(|_, seen| {
        let echoed: Vec<&str> = seen.headers.iter().map(|(_, v)| v.as_str()).collect();
        let id = serde_json::to_string(&echoed.join(" ")).unwrap();
        let body = format!(r#"{{"MediaContainer":{{"machineIdentifier":{id}}}}}"#);
        vec![Step::Answer(Answer::json(200, body))]
    })
}

#[derive(Clone, Copy)]
enum At {
    Local,
    Remote,
    Relay,
}

fn connection(uri: &str, at: At) -> serde_json::Value {
    let (local, relay) = match at {
        At::Local => (true, false),
        At::Remote => (false, false),
        At::Relay => (false, true),
    };
    serde_json::json!({"protocol": uri.split(':').next(), "uri": uri, "local": local,
                       "relay": relay, "IPv6": false})
}

/// The device plex.tv would list, with `connections` in this order.
fn device(connections: &[(String, At)]) -> PlexDevice {
    let connections: Vec<_> = connections
        .iter()
        .map(|(uri, at)| connection(uri, *at))
        .collect();
    serde_json::from_value(serde_json::json!({
        "name": "Box", "clientIdentifier": MACHINE_ID, "provides": "server",
        "accessToken": DEVICE_TOKEN, "owned": true, "presence": true,
        "httpsRequired": false, "connections": connections,
    }))
    .unwrap()
}

/// A connector that trusts the test authority (for the https servers).
fn connector() -> Connector {
    Connector::new(identity()).add_root_certificates_pem(test_authority_pem())
}

/// No request any of `servers` received carried a token; each was `/identity` only.
fn no_token_reached(servers: &[&Server]) {
    for server in servers {
        for seen in server.seen() {
            assert_eq!(seen.header("x-plex-token"), None, "{}", seen.target);
            assert_eq!(seen.path(), "/identity");
            harness::check_identity(&seen);
        }
    }
}

/// The token is attached to the client returned: a call needing it reaches the real server
/// with the device's token.
async fn carries_the_device_token(pms: &PmsClient, real: &Server) {
    let before = real.count();
    let answer = pms
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .unwrap();
    assert_eq!(answer.media_container.token.expose(), "transient-1");
    let seen = real.seen();
    assert_eq!(seen.len(), before + 1);
    assert_eq!(seen[before].header("x-plex-token"), Some(DEVICE_TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_reaches_an_address_before_it_proved_to_be_the_server() {
    let refused = Refused::new();
    let closed = refused.url();
    let silent = Silent::http();
    // Reads the request, then never answers: what it read is kept.
    let slow = Server::always(vec![Step::Sleep(Duration::from_secs(30))]);
    let impostor = other("another-machine");
    let echo = echoing();
    let real = real(Duration::ZERO);
    let relay = real_relay();
    let server = device(&[
        (relay.url(), At::Relay),
        (closed.clone(), At::Local),
        (impostor.url(), At::Local),
        (echo.url(), At::Local),
        (silent.url(), At::Local),
        (slow.url(), At::Local),
        (real.url(), At::Remote),
    ]);
    // The silent local addresses hold the choice for the grace: long enough, on a loaded
    // machine, for every other probe to have been read.
    let pms = Connector::new(identity())
        .grace(Duration::from_secs(2))
        .connect(&server)
        .await
        .unwrap();
    assert_eq!(pms.base_url(), real.url());
    // Every probe was answered without a token, the real server's too.
    assert_eq!((impostor.count(), echo.count(), real.count()), (1, 1, 1));
    assert_eq!(slow.count(), 1);
    no_token_reached(&[&impostor, &echo, &real, &relay, &slow]);
    // Only now, to the connection that proved to be the server.
    carries_the_device_token(&pms, &real).await;
    assert_eq!(
        (impostor.count(), echo.count(), relay.count() <= 1),
        (1, 1, true)
    );

    // Without the real server and the relay, the impostors' answers are reported, inert.
    let server = device(&[
        (impostor.url(), At::Local),
        (echo.url(), At::Local),
        (closed.clone(), At::Local),
    ]);
    let err = Connector::new(identity())
        .connect(&server)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoConnection);
    let attempts = err.connect_attempts();
    assert_eq!(attempts[0].outcome, AttemptOutcome::WrongServer);
    assert_eq!(
        attempts[0].reason,
        "answered as another server (machineIdentifier \"another-machine\")"
    );
    assert_eq!(attempts[1].outcome, AttemptOutcome::WrongServer);
    assert_eq!(attempts[2].outcome, AttemptOutcome::Unreachable);
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(
            !shown.contains(DEVICE_TOKEN) && !shown.contains(TOKEN),
            "{shown}"
        );
    }
    no_token_reached(&[&impostor, &echo]);
}

/// The relay: the real server behind Plex's relay.
fn real_relay() -> Server {
    real(Duration::ZERO)
}

#[tokio::test]
async fn an_identifier_holding_the_token_is_quoted_redacted_and_inert() {
    // A machine that somehow knows the token (it was never sent) and a hostile identifier.
    let id = format!("{DEVICE_TOKEN} token={DEVICE_TOKEN}\u{1b}[2J\nforged");
    let planted = other(&serde_json::to_string(&id).unwrap().replace('"', ""));
    let server = device(&[(planted.url(), At::Local)]);
    let err = Connector::new(identity())
        .connect(&server)
        .await
        .unwrap_err();
    let reason = &err.connect_attempts()[0].reason;
    assert!(!reason.contains(DEVICE_TOKEN), "{reason}");
    assert!(reason.contains("<redacted>"), "{reason}");
    assert!(!reason.chars().any(char::is_control), "{reason}");
    assert!(!err.to_string().contains(DEVICE_TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_a_a_silent_local_address_holds_the_choice_only_for_the_grace() {
    let silent = Silent::http();
    let remote = real(Duration::ZERO);
    let server = device(&[(silent.url(), At::Local), (remote.url(), At::Remote)]);
    let started = Instant::now();
    let pms = Connector::new(identity()).connect(&server).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(pms.base_url(), remote.url());
    // It waited the grace (the local address could still answer), not the probe timeout (3 s).
    assert!(elapsed >= Connector::DEFAULT_GRACE, "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_b_local_wins_at_once_when_local_and_remote_answer() {
    let local = real(Duration::ZERO);
    let remote = real(Duration::ZERO);
    let server = device(&[(remote.url(), At::Remote), (local.url(), At::Local)]);
    // A grace longer than any bound: the choice must not wait for it.
    let pms = Connector::new(identity())
        .grace(Duration::from_secs(30))
        .connect(&server)
        .await
        .unwrap();
    assert_eq!(pms.base_url(), local.url());
    assert_eq!(local.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_c_a_remote_answering_within_the_grace_beats_the_relay_that_answered_first() {
    let refused = Refused::new();
    let closed = refused.url();
    let remote = real(Duration::from_millis(200));
    let relay = real(Duration::ZERO);
    let server = device(&[
        (relay.url(), At::Relay),
        (closed, At::Local),
        (remote.url(), At::Remote),
    ]);
    let started = Instant::now();
    let pms = Connector::new(identity())
        .grace(Duration::from_secs(5))
        .connect(&server)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(pms.base_url(), remote.url());
    // Chosen when it proved (nothing better could answer), not when the grace ended.
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(
        relay.count(),
        1,
        "the relay was probed at once, with the others"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_d_twenty_silent_local_addresses_are_probed_at_once() {
    let silent: Vec<Silent> = (0..20).map(|_| Silent::http()).collect();
    let remote = real(Duration::ZERO);
    let mut connections: Vec<(String, At)> = silent.iter().map(|s| (s.url(), At::Local)).collect();
    connections.push((remote.url(), At::Remote));
    let server = device(&connections);
    let started = Instant::now();
    let pms = Connector::new(identity())
        .timeout(Duration::from_secs(10))
        .connect(&server)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(pms.base_url(), remote.url());
    // Four at a time would take five probe timeouts; all at once, the grace.
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    assert_eq!(remote.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_thousand_refused_connections_end_quickly_with_a_short_message() {
    let refused = Refused::new();
    let closed = refused.url();
    let connections: Vec<(String, At)> = (0..3000).map(|_| (closed.clone(), At::Local)).collect();
    let server = device(&connections);
    let started = Instant::now();
    let err = Connector::new(identity())
        .connect(&server)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Connector::DEFAULT_DEADLINE,
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.kind(), ErrorKind::NoConnection);
    let attempts = err.connect_attempts();
    assert_eq!(attempts.len(), 3000);
    let probed = attempts.iter().filter(|a| a.outcome.probed()).count();
    assert_eq!(probed, Connector::DEFAULT_MAX_CONNECTIONS);
    assert!(
        attempts[..32]
            .iter()
            .all(|a| a.outcome == AttemptOutcome::Unreachable)
    );
    assert_eq!(attempts[32].outcome, AttemptOutcome::NotTried);
    assert_eq!(
        attempts[32].reason,
        "not tried: only the 32 best-ranked connections are probed"
    );
    let text = err.to_string();
    assert!(
        text.starts_with(
            "no connection to server \"Box\" answered as that server (32 probed, 2968 not tried): "
        ),
        "{text}"
    );
    assert!(text.ends_with("; and 2997 more"), "{text}");
    assert!(text.len() < 1000, "{} bytes: {text}", text.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_silent_connections_end_within_the_deadline() {
    let silent: Vec<Silent> = (0..40).map(|_| Silent::http()).collect();
    let connections: Vec<(String, At)> = silent.iter().map(|s| (s.url(), At::Remote)).collect();
    let server = device(&connections);
    // The probe timeout would hold it 30 s; the deadline ends it.
    let started = Instant::now();
    let err = Connector::new(identity())
        .timeout(Duration::from_secs(30))
        .deadline(Duration::from_millis(500))
        .connect(&server)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    let attempts = err.connect_attempts();
    assert_eq!(attempts.len(), 40);
    assert!(
        attempts[..32]
            .iter()
            .all(|a| a.outcome == AttemptOutcome::TimedOut
                && a.reason == "no answer before the deadline (500 ms)")
    );
    assert!(
        attempts[32..]
            .iter()
            .all(|a| a.outcome == AttemptOutcome::NotTried)
    );
    assert!(err.to_string().len() < 1000);

    // With the default deadline, the probe timeout ends each probe.
    let err = Connector::new(identity())
        .timeout(Duration::from_millis(300))
        .max_connections(40)
        .connect(&server)
        .await
        .unwrap_err();
    let attempts = err.connect_attempts();
    assert!(
        attempts
            .iter()
            .all(|a| a.outcome == AttemptOutcome::TimedOut),
        "{attempts:?}"
    );
    assert!(
        attempts
            .iter()
            .any(|a| a.reason == "no answer within 300 ms"),
        "{attempts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_requires_https_is_reached_over_https_only() {
    let local_http = real(Duration::ZERO);
    let remote_http = real(Duration::ZERO);
    let https = Server::https_always(
        Certificate::Trusted,
        vec![Step::Answer(Answer::json(200, identity_body(MACHINE_ID)))],
    );
    let mut server = device(&[
        (local_http.url(), At::Local),
        (https.url(), At::Remote),
        (remote_http.url(), At::Remote),
    ]);
    server.https_required = Some(true.into());
    let pms = connector().connect(&server).await.unwrap();
    assert_eq!(pms.base_url(), https.url());
    assert_eq!(https.count(), 1);
    assert_eq!(https.seen()[0].header("x-plex-token"), None);
    assert_eq!((local_http.count(), remote_http.count()), (0, 0));

    // Without the https connection, nothing is tried, and the error says why.
    server.connections.remove(1);
    let err = connector().connect(&server).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoConnection);
    assert!(
        err.connect_attempts()
            .iter()
            .all(|a| a.outcome == AttemptOutcome::HttpsRequired
                && a.reason == "not tried: the server requires https")
    );
    assert!(err.to_string().contains("(0 probed, 2 not tried)"), "{err}");
    assert_eq!((local_http.count(), remote_http.count()), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_waits_for_an_https_connection_of_the_same_place_that_can_still_answer() {
    let https = Server::https_always(
        Certificate::Trusted,
        vec![
            Step::Sleep(Duration::from_millis(300)),
            Step::Answer(Answer::json(200, identity_body(MACHINE_ID))),
        ],
    );
    let http = real(Duration::ZERO);
    let server = device(&[(http.url(), At::Local), (https.url(), At::Local)]);
    // The http connection proves first, and the grace is short: it still waits for https.
    let started = Instant::now();
    let pms = connector()
        .grace(Duration::from_millis(10))
        .connect(&server)
        .await
        .unwrap();
    assert_eq!(pms.base_url(), https.url());
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(http.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_that_does_not_prove_the_host_is_refused_before_any_request() {
    let impostor = Server::https_always(
        Certificate::Untrusted,
        vec![Step::Answer(Answer::json(200, identity_body(MACHINE_ID)))],
    );
    let http = real(Duration::ZERO);
    let server = device(&[(impostor.url(), At::Local), (http.url(), At::Local)]);
    // https failed: the http connection of the same place is the one left.
    let pms = connector().connect(&server).await.unwrap();
    assert_eq!(pms.base_url(), http.url());
    assert_eq!(impostor.count(), 0, "no request passed the handshake");

    let server = device(&[(impostor.url(), At::Local)]);
    let err = connector().connect(&server).await.unwrap_err();
    let attempt = &err.connect_attempts()[0];
    assert_eq!(attempt.outcome, AttemptOutcome::Unreachable);
    assert!(attempt.reason.contains("certificate"), "{}", attempt.reason);
}

#[tokio::test]
async fn a_player_or_a_server_without_token_is_refused_before_anything_is_sent() {
    let real = real(Duration::ZERO);
    let mut player = device(&[(real.url(), At::Local)]);
    player.name = "TV".into();
    player.provides = Some("player,pubsub-player".into());
    let err = Connector::new(identity())
        .connect(&player)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "connect: invalid input: device \"TV\" is not a server"
    );

    let mut server = device(&[(real.url(), At::Local)]);
    server.access_token = None;
    let err = Connector::new(identity())
        .connect(&server)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoServerToken);
    assert_eq!(
        err.to_string(),
        "plex.tv lists server \"Box\" without an access token: this account cannot use it \
         (nothing was sent to it)"
    );
    assert_eq!(real.count(), 0);
}

#[tokio::test]
async fn a_bad_root_certificate_is_a_configuration_error() {
    let real = real(Duration::ZERO);
    let server = device(&[(real.url(), At::Local)]);
    let err = Connector::new(identity())
        .add_root_certificates_pem("not a certificate")
        .connect(&server)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_eq!(
        err.to_string(),
        "invalid client configuration: root certificate text 0 holds no PEM certificate"
    );
    assert_eq!(real.count(), 0);
}

#[tokio::test]
async fn a_probe_reads_a_small_answer_only() {
    // An endless identity: the probe stops reading at its own small limit.
    let endless = Server::always(vec![
        Step::Write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
                .to_vec(),
        ),
        Step::Repeat {
            bytes: vec![b' '; 64 * 1024].into(),
            times: 16_000,
        },
    ]);
    let server = device(&[(endless.url(), At::Local)]);
    let err = Connector::new(identity())
        .connect(&server)
        .await
        .unwrap_err();
    let attempt = &err.connect_attempts()[0];
    assert_eq!(attempt.outcome, AttemptOutcome::BadAnswer);
    assert!(
        attempt.reason.contains("larger than 65536 bytes"),
        "{}",
        attempt.reason
    );
}

#[tokio::test]
async fn a_url_the_client_refuses_is_not_probed_and_its_credentials_are_not_shown() {
    let real = real(Duration::ZERO);
    let userinfo = real.url().replace("http://", "http://user:hunter2@");
    let server = device(&[
        ("ftp://127.0.0.1:21".into(), At::Local),
        (userinfo, At::Local),
    ]);
    let err = Connector::new(identity())
        .connect(&server)
        .await
        .unwrap_err();
    let attempts = err.connect_attempts();
    assert!(
        attempts
            .iter()
            .all(|a| a.outcome == AttemptOutcome::UnusableUrl && !a.outcome.probed()),
        "{attempts:?}"
    );
    assert!(err.to_string().contains("(0 probed, 2 not tried)"), "{err}");
    assert!(!format!("{err} {err:?}").contains("hunter2"));
    assert_eq!(real.count(), 0);
}

#[tokio::test]
async fn no_limit_on_the_deadline_the_grace_or_the_probe_timeout_panics() {
    let refused = Refused::new();
    let real = real(Duration::ZERO);
    let server = device(&[(refused.url(), At::Local), (real.url(), At::Remote)]);
    let pms = Connector::new(identity())
        .timeout(Duration::MAX)
        .deadline(Duration::MAX)
        .grace(Duration::MAX)
        .connect(&server)
        .await
        .unwrap();
    assert_eq!(pms.base_url(), real.url());
    carries_the_device_token(&pms, &real).await;
}

#[tokio::test]
async fn a_listing_that_echoes_the_servers_token_is_redacted_in_every_error() {
    let refused = Refused::new();
    let closed = refused.url();
    let unprobed = Server::always(vec![Step::Answer(Answer::new(200))]);
    let mut listed = device(&[
        (format!("{closed}/{DEVICE_TOKEN}/"), At::Local),
        (
            format!("{}/?X-Plex-Token={DEVICE_TOKEN}", unprobed.url()),
            At::Local,
        ),
        (format!("ftp://{DEVICE_TOKEN}.example/"), At::Remote),
    ]);
    listed.name = format!("Box {DEVICE_TOKEN}");
    let err = Connector::new(identity())
        .connect(&listed)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoConnection);
    let Some(plex_auth_client::Error::NoConnection { server, attempts }) = Some(&err) else {
        unreachable!();
    };
    assert_eq!(server, "Box <redacted>");
    let outcomes: Vec<AttemptOutcome> = attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(
        outcomes,
        [
            AttemptOutcome::Unreachable,
            AttemptOutcome::UnusableUrl,
            AttemptOutcome::UnusableUrl
        ]
    );
    assert_eq!(attempts[0].url, format!("{closed}/<redacted>/"));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(DEVICE_TOKEN), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    // The connection whose URL carries the token in its query was refused, not probed.
    assert_eq!(unprobed.count(), 0);

    // A device named after the account token, which plex.tv lists as an owned server's.
    let mut owned = device(&[]);
    owned.name = format!("{TOKEN}!");
    owned.access_token = Some(TOKEN.into());
    let err = Connector::new(identity())
        .connect(&owned)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no connection to server \"<redacted>!\": plex.tv lists no connection for it"
    );
    owned.provides = Some("player".into());
    let err = Connector::new(identity())
        .connect(&owned)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "connect: invalid input: device \"<redacted>!\" is not a server"
    );
}

#[tokio::test]
async fn a_server_listed_without_a_client_identifier_is_refused_before_any_probe() {
    // It answers any identity: an empty identifier would be "proven" by every machine.
    let anyone = other("");
    for identifier in ["", "  "] {
        let mut server = device(&[(anyone.url(), At::Local)]);
        server.client_identifier = identifier.into();
        let err = Connector::new(identity())
            .connect(&server)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            err.to_string(),
            "connect: invalid input: plex.tv lists server \"Box\" without a client identifier: \
             it cannot be proven (nothing was sent)"
        );
    }
    assert_eq!(anyone.count(), 0);
}

#[tokio::test]
async fn from_plex_tv_to_the_server_each_token_goes_only_where_it_belongs() {
    let impostor = other("another-machine");
    let real = real(Duration::ZERO);
    let listing = serde_json::json!([
        {"name": "TV", "clientIdentifier": "tv-1", "provides": "player", "connections": []},
        {"name": "Box", "clientIdentifier": MACHINE_ID, "provides": "server",
         "accessToken": DEVICE_TOKEN, "owned": true, "httpsRequired": false,
         "connections": [connection(&impostor.url(), At::Local),
                         connection(&real.url(), At::Remote)]},
    ]);
    let plex_tv = Server::always(vec![Step::Answer(Answer::json(200, listing.to_string()))]);
    let account = PlexTvClient::builder(identity())
        .base_url(plex_tv.url())
        .token(TOKEN)
        .build()
        .unwrap();
    let devices = account
        .get_server_resources(GetServerResourcesOptions::new().include_https(true))
        .await
        .unwrap()
        .into_inner();
    let server = find_server(&devices, "Box").unwrap();
    let pms = Connector::new(identity())
        .grace(Duration::from_secs(2))
        .connect(server)
        .await
        .unwrap();
    assert_eq!(pms.base_url(), real.url());
    carries_the_device_token(&pms, &real).await;

    // The account token went to plex.tv alone, once; the device's token to the proven
    // server alone, after its probe.
    let asked = plex_tv.seen();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].path(), "/resources");
    assert_eq!(asked[0].header("x-plex-token"), Some(TOKEN));
    no_token_reached(&[&impostor]);
    let reached: Vec<(String, Option<String>)> = real
        .seen()
        .iter()
        .map(|s| {
            (
                s.path().to_string(),
                s.header("x-plex-token").map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        reached,
        [
            ("/identity".to_string(), None),
            (
                "/security/token".to_string(),
                Some(DEVICE_TOKEN.to_string())
            ),
        ]
    );
}

#[tokio::test]
async fn a_connection_by_name_is_kept_at_the_address_that_proved() {
    let real = real(Duration::ZERO);
    // The client returned sends to the proven peer (127.0.0.1, whatever `localhost` resolves
    // to first): the unit test in flows/connect shows the name is not resolved again.
    let by_name = real.url().replace("127.0.0.1", "localhost");
    let server = device(&[(by_name.clone(), At::Local)]);
    let pms = Connector::new(identity()).connect(&server).await.unwrap();
    assert_eq!(pms.base_url(), by_name);
    carries_the_device_token(&pms, &real).await;
}
