//! The resend after a 498 (token expired) of a client built from a JWT token source: the JWT
//! comes from the stand-in of plex.tv, the call goes to a loopback server of the test that
//! answers 498 as it is told. A 498 is answered by one renewal only when the server itself
//! said it, and not for a JWT issued moments ago; every token the call sent stays out of its
//! error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use plex_auth_client::{ErrorKind, MemoryTokenStore, PlexTvClient, Secret, TokenSource};
use plex_auth_tests::harness::{Answer, LEGACY_TOKEN, Server, StandIn, Step, TestClock, identity};

const EXPIRED: &str = r#"{"errors":[{"code":4001,"message":"Token expired","status":498}]}"#;

/// A source holding a JWT of the stand-in, issued two minutes before the clock's time (old
/// enough for a 498 to renew it).
async fn source() -> (StandIn, TestClock, TokenSource) {
    let clock = TestClock::at(1_750_000_000);
    let stand_in = StandIn::start(clock.clone());
    let source = TokenSource::jwt(identity(), plex_auth_client::DeviceKey::generate().unwrap())
        .clients_base_url(stand_in.clients_url())
        .clock(clock.clone())
        .store(MemoryTokenStore::new())
        .build()
        .unwrap();
    source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    clock.advance(Duration::from_secs(120));
    (stand_in, clock, source)
}

fn client(server: &Server, source: &TokenSource) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(server.url())
        .token_source(source.clone())
        .build()
        .unwrap()
}

/// The tokens `server` received, in order.
fn tokens(server: &Server) -> Vec<String> {
    server
        .seen()
        .iter()
        .map(|seen| seen.header("x-plex-token").unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_first_token_stays_redacted_after_a_resend() {
    let (stand_in, _clock, source) = source().await;
    let first = source.token().await.unwrap();
    // 498, then a 401 whose body quotes every token received so far.
    let received = Arc::new(Mutex::new(Vec::<String>::new()));
    let kept = received.clone();
    let server = Server::start(move |n, seen| {
        let mut received = kept.lock().unwrap();
        received.push(seen.header("x-plex-token").unwrap_or_default().to_string());
        let answer = match n {
            0 => Answer::json(498, EXPIRED),
            _ => Answer::json(
                401,
                format!(
                    r#"{{"errors":[{{"code":1001,"message":"refused {}","status":401}}]}}"#,
                    received.join(" and ")
                ),
            ),
        };
        vec![Step::Answer(answer)]
    });

    let error = client(&server, &source).ping_token().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let sent = tokens(&server);
    assert_eq!(sent.len(), 2, "one resend");
    assert_eq!(sent[0], first.expose());
    assert_eq!(
        sent[1],
        stand_in.issued()[1],
        "the resend carried the renewed JWT"
    );
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("refused <redacted> and <redacted>"),
        "{shown}"
    );
    for token in &sent {
        assert!(!shown.contains(token.as_str()), "a token in: {shown}");
    }
}

#[tokio::test]
async fn a_498_reached_through_a_redirect_renews_nothing() {
    let (stand_in, _clock, source) = source().await;
    let server = Server::start(|_, seen| {
        let answer = match seen.path() {
            "/ping" => Answer::new(302).header("location", "/portal"),
            _ => Answer::json(498, EXPIRED),
        };
        vec![Step::Answer(answer)]
    });
    let exchanges = stand_in.counts().exchanges;

    let error = client(&server, &source).ping_token().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(498));
    let paths: Vec<String> = server.seen().iter().map(|s| s.path().to_string()).collect();
    assert_eq!(paths, ["/ping", "/portal"], "no resend");
    assert_eq!(stand_in.counts().exchanges, exchanges, "no renewal");
}

#[tokio::test]
async fn a_server_answering_498_to_everything_gets_one_renewal_a_minute_at_most() {
    let (stand_in, clock, source) = source().await;
    let server = Server::always(vec![Step::Answer(Answer::json(498, EXPIRED))]);
    let plex = client(&server, &source);
    let exchanges = stand_in.counts().exchanges;

    // The JWT is two minutes old: one renewal, one resend; the renewed JWT, just issued, is
    // not renewed again.
    let error = plex.ping_token().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert_eq!(stand_in.counts().exchanges, exchanges + 1);
    assert_eq!(server.count(), 2);

    // Calls within the minute: each 498 stands, no renewal, no resend.
    for _ in 0..3 {
        clock.advance(Duration::from_secs(10));
        let error = plex.ping_token().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TokenExpired);
    }
    assert_eq!(stand_in.counts().exchanges, exchanges + 1);
    assert_eq!(server.count(), 5);
    let sent = tokens(&server);
    assert!(sent[1..].iter().all(|token| *token == stand_in.issued()[1]));

    // A minute on, a 498 renews it once more.
    clock.advance(Duration::from_secs(40));
    plex.ping_token().await.unwrap_err();
    assert_eq!(stand_in.counts().exchanges, exchanges + 2);
    assert_eq!(server.count(), 7);
}
