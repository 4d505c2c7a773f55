//! The PIN (link) flow against a loopback plex.tv: linked on the Nth poll, expired (404/1020),
//! expiry reached without a link, transient failures between polls, cancellation, and the
//! browser URL, each with the requests the server saw counted.

use std::time::{Duration, Instant};

use plex_auth_client::{ClientIdentity, Error, ErrorKind, PinKind, PinPolling, PlexTvClient};
use plex_auth_tests::harness::{
    Answer, CLIENT_IDENTIFIER, Seen, Server, Step, TOKEN, identity, recorded,
};

const QUICK: PinPolling = PinPolling::new().with_interval(Duration::from_millis(50));

fn plex(server: &Server) -> PlexTvClient {
    // A token is set, to show the PIN calls do not send it.
    PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .unwrap()
}

/// The recorded new PIN, with its lifetime set to `expires_in` seconds.
fn new_pin(expires_in: u64) -> Vec<u8> {
    let mut pin: serde_json::Value =
        serde_json::from_slice(&recorded("plextv-pins-201-new.json")).unwrap();
    pin["expiresIn"] = expires_in.into();
    pin.to_string().into_bytes()
}

fn unlinked() -> Step {
    Step::Answer(Answer::json(200, recorded("plextv-pins-201-new.json")))
}

fn linked() -> Step {
    Step::Answer(Answer::json(200, recorded("plextv-pins-200-linked.json")))
}

/// plex.tv: `POST /pins` creates the PIN (lifetime `expires_in`); the n-th poll (0-based) of
/// `GET /pins/111222333` is answered by `poll(n)`.
fn plex_tv(expires_in: u64, poll: impl Fn(usize) -> Step + Send + Sync + 'static) -> Server {
    let polls = std::sync::atomic::AtomicUsize::new(0);
    Server::start(move |_, seen| match (seen.method.as_str(), seen.path()) {
        ("POST", "/pins") => vec![Step::Answer(Answer::json(201, new_pin(expires_in)))],
        ("GET", "/pins/111222333") => {
            vec![poll(
                polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
            )]
        }
        _ => vec![Step::Answer(Answer::new(404))],
    })
}

fn polls(seen: &[Seen]) -> usize {
    seen.iter()
        .filter(|s| s.path() == "/pins/111222333")
        .count()
}

/// Every request carried the client identifier and no token.
fn check_requests(seen: &[Seen]) {
    for request in seen {
        assert_eq!(
            request.header("x-plex-client-identifier"),
            Some(CLIENT_IDENTIFIER)
        );
        assert_eq!(request.header("x-plex-token"), None, "{}", request.target);
    }
}

#[tokio::test]
async fn a_pin_linked_on_the_third_poll_gives_the_token() {
    let server = plex_tv(900, |n| if n < 2 { unlinked() } else { linked() });
    let client = plex(&server);
    let pin = client.create_pin(PinKind::Short).await.unwrap();
    assert_eq!(pin.code(), "CODE");
    // Whoever holds the code can approve the PIN: it stays out of Debug output.
    let shown = format!("{pin:?}");
    assert!(shown.contains("code: Secret(<redacted>)"), "{shown}");
    assert!(!shown.contains("CODE"), "{shown}");
    assert!(pin.remaining() > Duration::from_secs(890));
    let token = client.wait_for_token(&pin, QUICK).await.unwrap();
    assert_eq!(token.expose(), "auth_token");
    let seen = server.seen();
    assert_eq!(seen[0].target, "/pins");
    assert_eq!(polls(&seen), 3);
    assert_eq!(seen.len(), 4);
    check_requests(&seen);
}

#[tokio::test]
async fn a_strong_pin_asks_for_one() {
    let server = plex_tv(1800, |_| linked());
    let pin = plex(&server).create_pin(PinKind::Strong).await.unwrap();
    assert_eq!(pin.kind(), PinKind::Strong);
    assert_eq!(server.seen()[0].target, "/pins?strong=true");
}

#[tokio::test]
async fn an_expired_pin_ends_the_wait_with_the_1020_kind() {
    let server = plex_tv(900, |_| {
        Step::Answer(Answer::json(
            404,
            recorded("plextv-pins-404-1020-code-not-found.json"),
        ))
    });
    let client = plex(&server);
    let pin = client.create_pin(PinKind::Short).await.unwrap();
    let error = client.wait_for_token(&pin, QUICK).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PinExpired, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(polls(&server.seen()), 1);
}

#[tokio::test]
async fn the_wait_stops_at_the_pins_expiry() {
    let server = plex_tv(1, |_| unlinked());
    let client = plex(&server);
    let started = Instant::now();
    let pin = client.create_pin(PinKind::Short).await.unwrap();
    let interval = Duration::from_millis(200);
    let error = client
        .wait_for_token(&pin, PinPolling::new().with_interval(interval))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::PinExpired { .. }), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::PinExpired);
    assert_eq!(
        error.to_string(),
        "getTokenByPinId: the PIN expired before it was linked"
    );
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    // One poll at once, then one every 200 ms until the second is over.
    let polls = polls(&server.seen());
    assert!((4..=7).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn the_wait_stops_at_its_deadline_and_the_pin_stays_valid() {
    // A PIN of 15 minutes, never linked; the wait may last 400 ms.
    let server = plex_tv(900, |_| unlinked());
    let client = plex(&server);
    let pin = client.create_pin(PinKind::Short).await.unwrap();
    let polling = PinPolling::new()
        .with_interval(Duration::from_millis(100))
        .with_deadline(Duration::from_millis(400));
    let started = Instant::now();
    let error = client.wait_for_token(&pin, polling).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::WaitDeadline { .. }), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(
        error.to_string(),
        "getTokenByPinId: the PIN was not approved within the wait's deadline (0.4 s); it stays \
         valid until it expires"
    );
    // Generous bounds: the deadline, not the PIN's 15 minutes, ended it.
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(
        pin.remaining() > Duration::from_secs(800),
        "the PIN is still valid"
    );
    // How many polls fit in 400 ms depends on the machine's load; that it polled does not.
    let polled = polls(&server.seen());
    assert!(polled >= 1, "{polled} polls");

    // A deadline past the PIN's expiry leaves the expiry in charge.
    let server = plex_tv(1, |_| unlinked());
    let client = plex(&server);
    let pin = client.create_pin(PinKind::Short).await.unwrap();
    let polling = QUICK.with_deadline(Duration::from_secs(3600));
    let error = client.wait_for_token(&pin, polling).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PinExpired, "{error}");
}

#[tokio::test]
async fn transient_failures_between_polls_do_not_end_the_wait() {
    let server = plex_tv(900, |n| match n {
        0 => Step::Answer(Answer::new(503)),
        1 => Step::Reset,
        2 => Step::Answer(Answer::new(502).body("<html>bad gateway</html>")),
        3 => unlinked(),
        _ => linked(),
    });
    let client = plex(&server);
    let pin = client.create_pin(PinKind::Short).await.unwrap();
    let token = client.wait_for_token(&pin, QUICK).await.unwrap();
    assert_eq!(token.expose(), "auth_token");
    // One request per poll: the flow waits failures out itself, it does not retry them.
    assert_eq!(polls(&server.seen()), 5);
}

#[tokio::test]
async fn an_error_that_will_not_pass_ends_the_wait() {
    let server = plex_tv(900, |_| {
        Step::Answer(Answer::json(
            400,
            recorded("plextv-error-400-1000-client-identifier-missing.json"),
        ))
    });
    let client = plex(&server);
    let pin = client.create_pin(PinKind::Short).await.unwrap();
    let error = client.wait_for_token(&pin, QUICK).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ClientIdentifierMissing);
    assert_eq!(polls(&server.seen()), 1);
}

#[tokio::test]
async fn dropping_the_wait_stops_the_polling() {
    let server = plex_tv(900, |_| unlinked());
    let client = plex(&server);
    let pin = client.create_pin(PinKind::Short).await.unwrap();
    let wait = client.wait_for_token(&pin, QUICK);
    assert!(
        tokio::time::timeout(Duration::from_millis(300), wait)
            .await
            .is_err()
    );
    let after_drop = polls(&server.seen());
    assert!(after_drop >= 3, "{after_drop} polls");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(polls(&server.seen()), after_drop);
}

#[tokio::test]
async fn the_browser_url_carries_the_identity_percent_encoded() {
    let server = plex_tv(1800, |_| linked());
    let pin = plex(&server).create_pin(PinKind::Strong).await.unwrap();
    let identity = ClientIdentity::new("id 1/2&3", "My App", "1.0")
        .platform("Linux")
        .platform_version("6.1")
        .device("Server")
        .device_name("Living room #2");
    assert_eq!(
        pin.auth_url(&identity, Some("https://example.com/done?x=1&y=2")),
        "https://app.plex.tv/auth#?clientID=id+1%2F2%263&code=CODE\
         &forwardUrl=https%3A%2F%2Fexample.com%2Fdone%3Fx%3D1%26y%3D2\
         &context%5Bdevice%5D%5Bproduct%5D=My+App&context%5Bdevice%5D%5Bversion%5D=1.0\
         &context%5Bdevice%5D%5Bplatform%5D=Linux\
         &context%5Bdevice%5D%5BplatformVersion%5D=6.1\
         &context%5Bdevice%5D%5Bdevice%5D=Server\
         &context%5Bdevice%5D%5BdeviceName%5D=Living+room+%232"
    );
    assert_eq!(
        pin.auth_url(&ClientIdentity::new("id", "App", "2"), None),
        "https://app.plex.tv/auth#?clientID=id&code=CODE\
         &context%5Bdevice%5D%5Bproduct%5D=App&context%5Bdevice%5D%5Bversion%5D=2"
    );
}
