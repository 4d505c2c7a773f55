//! Token status, keep-alive and Home user switch, on loopback: only plex.tv's own refusal of the
//! token makes it `Invalid`; a wrong PIN is never sent twice; a PIN never shows in an error.

use std::time::Duration;

use plex_auth_client::{Backoff, ErrorKind, PlexTvClient, RetryConfig, Timeouts, TokenStatus};
use plex_auth_tests::harness::{
    Answer, Refused, Server, Step, TOKEN, check_identity, fixture, identity, recorded,
};

const PROFILE: &str = "0f1e2d3c4b5a6978";

fn client(url: &str, retry: RetryConfig) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(url)
        .token(TOKEN)
        .retry(retry)
        .build()
        .expect("client builds")
}

/// The status of the test token as `server` answers it, with one attempt.
async fn status(server: &Server) -> TokenStatus {
    client(&server.url(), RetryConfig::none())
        .token_status()
        .await
}

/// A quick backoff, so that retries do not slow the tests down.
fn quick(retry: RetryConfig) -> RetryConfig {
    retry.with_backoff(Backoff {
        initial_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(5),
        ..Backoff::default()
    })
}

#[tokio::test]
async fn a_200_is_valid_with_the_account() {
    let server = Server::answering(Answer::json(
        200,
        recorded("plextv-user-200-free-account.json"),
    ));

    let status = status(&server).await;

    assert!(status.is_valid(), "{status:?}");
    assert_eq!(
        status.account().map(|a| a.uuid.as_str()),
        Some("212acf24b07315e5")
    );
    assert!(status.error().is_none());
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("GET", "/user")
    );
    assert_eq!(seen[0].header("x-plex-token"), Some(TOKEN));
    check_identity(&seen[0]);
}

#[tokio::test]
async fn a_401_is_invalid() {
    let server = Server::answering(Answer::json(
        401,
        recorded("plextv-error-401-1001-not-authenticated.json"),
    ));

    let status = status(&server).await;

    let TokenStatus::Invalid(reason) = &status else {
        panic!("expected Invalid, got {status:?}");
    };
    assert!(status.is_invalid());
    assert_eq!(reason.kind(), ErrorKind::InvalidToken);
    assert_eq!(
        reason.to_string(),
        "getTokenDetails: HTTP 401 Unauthorized: invalid or revoked token: \
         User could not be authenticated (code 1001)"
    );
    assert_eq!(server.count(), 1);
}

/// plex.tv's refusal in its other spellings: the XML envelope, and the message without a code.
#[tokio::test]
async fn plex_tvs_refusal_in_xml_or_by_message_is_invalid() {
    for answer in [
        Answer::new(401)
            .header("Content-Type", "application/xml")
            .body(r#"<errors><error code="1001" message="User could not be authenticated" status="401"/></errors>"#),
        Answer::json(401, r#"{"errors":[{"message":"Invalid token"}]}"#),
    ] {
        let server = Server::answering(answer);

        let status = status(&server).await;

        let TokenStatus::Invalid(reason) = &status else {
            panic!("expected Invalid, got {status:?}");
        };
        assert_eq!(reason.kind(), ErrorKind::InvalidToken);
        assert_eq!(server.count(), 1);
    }
}

/// A 401 that is not plex.tv's own refusal says nothing about the token: a proxy's or a
/// captive portal's page, a challenge, a 401 reached through a redirect, a rate limit.
#[tokio::test]
async fn a_401_that_is_not_plex_tvs_refusal_is_unknown() {
    let envelope = recorded("plextv-error-401-1001-not-authenticated.json");
    let portal = b"<html><head><title>Sign in to the network</title></head><body><h1>401 Authorization Required</h1></body></html>";
    let cases: Vec<(&str, Vec<Answer>, ErrorKind, usize)> = vec![
        (
            "an HTML page with a Basic challenge",
            vec![
                Answer::new(401)
                    .header("Content-Type", "text/html")
                    .header("WWW-Authenticate", "Basic realm=\"corporate proxy\"")
                    .body(&portal[..]),
            ],
            ErrorKind::Unauthorized,
            1,
        ),
        (
            "an HTML page without a challenge",
            vec![Answer::new(401).header("Content-Type", "text/html").body(&portal[..])],
            ErrorKind::Unauthorized,
            1,
        ),
        (
            "plex.tv's envelope behind a challenge",
            vec![
                Answer::json(401, envelope.clone())
                    .header("WWW-Authenticate", "Bearer realm=\"gateway\""),
            ],
            ErrorKind::Unauthorized,
            1,
        ),
        (
            "a same-origin redirect to a portal that answers 401",
            vec![
                Answer::new(302).header("Location", "/portal/login"),
                Answer::new(401).header("Content-Type", "text/html").body(&portal[..]),
            ],
            ErrorKind::Unauthorized,
            2,
        ),
        (
            "plex.tv's very envelope, but after a redirect",
            vec![
                Answer::new(302).header("Location", "/elsewhere"),
                Answer::json(401, envelope.clone()),
            ],
            ErrorKind::Unauthorized,
            2,
        ),
        (
            "a 401 with code 1003 and Retry-After",
            vec![
                Answer::json(
                    401,
                    r#"{"errors":[{"code":1003,"message":"API rate limit exceeded","status":401}]}"#,
                )
                .header("Retry-After", "30"),
            ],
            ErrorKind::RateLimited,
            1,
        ),
        (
            "a 401 without a body",
            vec![Answer::new(401)],
            ErrorKind::Unauthorized,
            1,
        ),
        (
            "a 401 with another code",
            vec![Answer::json(
                401,
                r#"{"errors":[{"code":1002,"message":"Something else","status":401}]}"#,
            )],
            ErrorKind::Unauthorized,
            1,
        ),
    ];
    for (case, answers, kind, requests) in cases {
        let server = Server::answers(answers);

        let status = status(&server).await;

        let TokenStatus::Unknown(error) = &status else {
            panic!("{case}: expected Unknown, got {status:?}");
        };
        assert_eq!(error.kind(), kind, "{case}: {error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{case}");
        assert_eq!(server.count(), requests, "{case}");
    }
}

#[tokio::test]
async fn a_422_invalid_token_is_invalid() {
    let server = Server::answering(
        Answer::new(422)
            .header("Content-Type", "application/xml")
            .body(recorded("plextv-user-422-invalid-token.xml")),
    );

    let status = status(&server).await;

    let TokenStatus::Invalid(reason) = &status else {
        panic!("expected Invalid, got {status:?}");
    };
    assert_eq!(reason.status().map(|s| s.as_u16()), Some(422));
}

#[tokio::test]
async fn a_422_saying_something_else_is_unknown() {
    let server = Server::answering(Answer::json(
        422,
        &br#"{"errors":[{"code":1999,"message":"Validation failed","status":422}]}"#[..],
    ));

    let status = status(&server).await;

    assert!(matches!(status, TokenStatus::Unknown(_)), "{status:?}");
}

/// Every answer but a refusal of the token leaves its status unknown.
#[tokio::test]
async fn other_answers_are_unknown_never_invalid() {
    let cases: Vec<(&str, Vec<Step>, ErrorKind)> = vec![
        (
            "503",
            vec![Step::Answer(Answer::new(503).body(&b"down"[..]))],
            ErrorKind::Http,
        ),
        ("500", vec![Step::Answer(Answer::new(500))], ErrorKind::Http),
        (
            "429",
            vec![Step::Answer(Answer::json(
                429,
                &br#"{"errors":[{"code":1003,"message":"API rate limit exceeded","status":429}]}"#
                    [..],
            ))],
            ErrorKind::RateLimited,
        ),
        (
            "403",
            vec![Step::Answer(Answer::json(
                403,
                recorded("plextv-home-switch-403-1041-pin-required.json"),
            ))],
            ErrorKind::HomePinRequired,
        ),
        (
            "a 200 that does not decode",
            vec![Step::Answer(Answer::json(
                200,
                &br#"{"id":"not a number"}"#[..],
            ))],
            ErrorKind::Decode,
        ),
        (
            "the connection closed without an answer",
            vec![],
            ErrorKind::Transport,
        ),
        (
            "the connection reset",
            vec![Step::Reset],
            ErrorKind::Transport,
        ),
    ];
    for (case, steps, kind) in cases {
        let server = Server::always(steps);

        let status = status(&server).await;

        let TokenStatus::Unknown(error) = &status else {
            panic!("{case}: expected Unknown, got {status:?}");
        };
        assert_eq!(error.kind(), kind, "{case}: {error}");
        assert!(!status.is_invalid() && !status.is_valid(), "{case}");
        assert_eq!(server.count(), 1, "{case}");
    }
}

#[tokio::test]
async fn a_closed_port_is_unknown() {
    let refused = Refused::new();
    let status = client(&refused.url(), RetryConfig::none())
        .token_status()
        .await;

    let TokenStatus::Unknown(error) = &status else {
        panic!("expected Unknown, got {status:?}");
    };
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(!format!("{status:?}").contains(TOKEN));
}

#[tokio::test]
async fn a_timeout_is_unknown() {
    let server = Server::always(vec![Step::Sleep(Duration::from_secs(2))]);
    let plex = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .retry(RetryConfig::none())
        .timeouts(Timeouts {
            connect: Duration::from_millis(200),
            total: Duration::from_millis(200),
        })
        .build()
        .unwrap();

    let status = plex.token_status().await;

    let TokenStatus::Unknown(error) = &status else {
        panic!("expected Unknown, got {status:?}");
    };
    assert_eq!(error.kind(), ErrorKind::Timeout);
}

/// The client's retry policy applies: a 503 then a 200 is a valid token, found on the retry.
#[tokio::test]
async fn a_503_then_a_200_is_valid_after_a_retry() {
    let server = Server::answers(vec![
        Answer::new(503),
        Answer::json(200, recorded("plextv-user-200-free-account.json")),
    ]);

    let status = client(&server.url(), quick(RetryConfig::idempotent_default()))
        .token_status()
        .await;

    assert!(status.is_valid(), "{status:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn ping_reads_pong_in_every_form_plex_renders_flags() {
    for body in [
        fixture("derived/plextv-ping-200.json"),
        br#"{"pong":1,"added":"later"}"#.to_vec(),
        br#"{"pong":"1"}"#.to_vec(),
    ] {
        let server = Server::answering(Answer::json(200, body.clone()));

        let pong = client(&server.url(), RetryConfig::none())
            .ping_token()
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", String::from_utf8_lossy(&body)));

        assert!(pong.pong.get());
        let seen = server.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(
            (seen[0].method.as_str(), seen[0].target.as_str()),
            ("GET", "/ping")
        );
        assert_eq!(seen[0].header("x-plex-token"), Some(TOKEN));
        check_identity(&seen[0]);
    }
}

#[tokio::test]
async fn ping_without_pong_does_not_decode() {
    let server = Server::answering(Answer::json(200, &b"{}"[..]));

    let error = client(&server.url(), RetryConfig::none())
        .ping_token()
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Decode);
}

/// A POST refused with 403/1041 is never sent again, even by a policy that lists 403.
#[tokio::test]
async fn a_wrong_pin_is_never_retried() {
    let server = Server::answering(Answer::json(
        403,
        recorded("plextv-home-switch-403-1041-pin-required.json"),
    ));
    let retry = quick(RetryConfig::aggressive().with_statuses([403, 429, 500, 502, 503, 504]));

    let error = client(&server.url(), retry)
        .switch_home_user(PROFILE, Some("1357"))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::HomePinRequired);
    assert_eq!(error.api().and_then(|api| api.code()), Some(1041));
    assert_eq!(server.count(), 1);
    let shown = format!("{error}\n{error:?}");
    assert!(!shown.contains("1357"), "{shown}");
    let seen = server.seen();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(
        seen[0].target,
        format!("/home/users/{PROFILE}/switch?pin=1357")
    );
}

#[tokio::test]
async fn a_switch_answered_200_instead_of_201_still_gives_the_profile() {
    let server = Server::answering(Answer::json(200, recorded("plextv-users-signin-201.json")));

    let profile = client(&server.url(), RetryConfig::none())
        .switch_home_user(PROFILE, None)
        .await
        .unwrap();

    assert_eq!(profile.auth_token.expose(), "jx9nTbVbHk1gM");
    assert_eq!(
        server.seen()[0].target,
        format!("/home/users/{PROFILE}/switch")
    );
}

#[tokio::test]
async fn a_malformed_pin_is_refused_before_sending() {
    let server = Server::answering(Answer::new(201));
    for pin in ["", "123", "12345", "12a4", " 1234"] {
        let error = client(&server.url(), RetryConfig::none())
            .switch_home_user(PROFILE, Some(pin))
            .await
            .unwrap_err();

        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{pin:?}");
        assert_eq!(
            error.to_string(),
            "switchHomeUser: invalid input: query parameter `pin` must match the pattern ^[0-9]{4}$"
        );
    }
    assert_eq!(server.count(), 0);
}

/// A uuid is a path segment: characters that would change the path are encoded.
#[tokio::test]
async fn the_uuid_stays_one_path_segment() {
    let server = Server::answering(Answer::json(201, recorded("plextv-users-signin-201.json")));

    client(&server.url(), RetryConfig::none())
        .switch_home_user("../../user?x=1", None)
        .await
        .unwrap();

    let target = server.seen()[0].target.clone();
    assert!(
        target.starts_with("/home/users/") && target.ends_with("/switch"),
        "{target}"
    );
    assert!(!target.contains('?'), "{target}");
}

/// A uuid that is empty, `.` or `..` would send the switch, with the token and the PIN, to
/// another endpoint (`/home/users/../switch` is `/home/switch`): it is refused by name before
/// anything is sent. A `\` (which URLs read as `/`) is sent encoded, in its one segment.
#[tokio::test]
async fn a_dot_segment_uuid_is_refused_before_sending() {
    let server = Server::answering(Answer::json(201, recorded("plextv-users-signin-201.json")));
    let client = client(&server.url(), RetryConfig::none());

    for uuid in ["..", ".", ""] {
        let error = client
            .switch_home_user(uuid, Some("1357"))
            .await
            .expect_err(uuid);
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{uuid:?}");
        let shown = error.to_string();
        assert!(
            shown.starts_with("switchHomeUser: invalid input: path parameter `uuid` must"),
            "{shown}"
        );
        assert!(!shown.contains("1357"), "{shown}");
    }
    assert_eq!(server.count(), 0);

    for (uuid, target) in [
        ("...", "/home/users/.../switch"),
        ("..\\", "/home/users/..%5C/switch"),
        ("a\\..\\..", "/home/users/a%5C..%5C../switch"),
    ] {
        client.switch_home_user(uuid, None).await.unwrap();
        assert_eq!(server.seen().last().unwrap().target, target, "{uuid:?}");
    }
}

/// A server that quotes the PIN back: the error and the trace show it redacted.
#[tokio::test]
async fn a_pin_quoted_back_by_the_server_is_redacted() {
    let (logs, _guard) = plex_auth_tests::logs::capture_logs();
    let server = Server::answering(Answer::json(
        403,
        &br#"{"errors":[{"code":1041,"message":"PIN 1357 is not the PIN","status":403}]}"#[..],
    ));

    let error = client(&server.url(), RetryConfig::none())
        .switch_home_user(PROFILE, Some("1357"))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::HomePinRequired);
    let shown = format!("{error}\n{error:?}\n{}", logs.text());
    assert!(!shown.contains("1357"), "{shown}");
    assert!(
        error.to_string().contains("PIN <redacted> is not the PIN"),
        "{error}"
    );
    assert_eq!(server.count(), 1);
}
