//! The fault matrix: the client against a loopback server that misbehaves on purpose (error
//! statuses, Retry-After, refused and reset connections, truncated and undecodable bodies,
//! slowness, redirects to another origin, load), input refused before any I/O, and a property
//! test feeding arbitrary statuses and bodies. Every case asserts how many requests the server
//! saw. (What each recorded Plex answer becomes is checked by `replay.rs`.)

use std::time::{Duration, Instant, SystemTime};

use plex_auth_client::types::{SignInRequest, TransientTokenScope, TransientTokenType};
use plex_auth_client::{
    Backoff, CallOptions, ClientIdentity, Error, ErrorKind, PlexTvClient, PmsClient, RetryConfig,
    Secret, Timeouts,
};
use plex_auth_tests::harness::{Answer, Refused, Server, Step, TOKEN, identity, recorded};
use plex_auth_tests::logs::capture_logs;

const FREE_ACCOUNT: &str = "plextv-user-200-free-account.json";
const SIGN_IN_201: &str = "plextv-users-signin-201.json";

/// `policy` with millisecond waits and no jitter.
fn quick_retry(policy: RetryConfig) -> RetryConfig {
    policy
        .with_backoff(Backoff {
            initial_interval: Duration::from_millis(10),
            max_interval: Duration::from_millis(20),
            exponent: 1.5,
            max_elapsed_time: Duration::from_secs(10),
        })
        .with_jitter(false)
}

fn plex(server: &Server) -> PlexTvClient {
    plex_at(&server.url(), None)
}

fn plex_at(url: &str, retry: Option<RetryConfig>) -> PlexTvClient {
    let mut builder = PlexTvClient::builder(identity()).base_url(url).token(TOKEN);
    if let Some(retry) = retry {
        builder = builder.retry(retry);
    }
    builder.build().unwrap()
}

fn plex_retrying(server: &Server, retry: RetryConfig) -> PlexTvClient {
    plex_at(&server.url(), Some(retry))
}

fn pms(server: &Server) -> PmsClient {
    PmsClient::builder(server.url(), identity())
        .token(TOKEN)
        .build()
        .unwrap()
}

fn sign_in_request() -> SignInRequest {
    SignInRequest {
        login: "someone@example.com".into(),
        password: Secret::new("pw-FAULTS-0001"),
        remember_me: None,
        verification_code: None,
    }
}

fn account_json() -> Answer {
    json(200, &recorded(FREE_ACCOUNT))
}

/// Answers with `answer`.
fn send(answer: Answer) -> Vec<Step> {
    vec![Step::Answer(answer)]
}

/// An answer with these headers.
fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    headers
        .iter()
        .fold(Answer::new(status), |answer, (name, value)| {
            answer.header(name, value)
        })
        .body(body)
}

fn json(status: u16, body: &[u8]) -> Answer {
    Answer::json(status, body)
}

async fn transient_token(client: &PmsClient) -> Result<(), Error> {
    client
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .map(drop)
}

// ---------------------------------------------------------------------------------------------
// Retries

#[tokio::test]
async fn server_error_then_success_recovers() {
    let server = Server::start(|n, _| match n {
        0 => send(json(500, b"{}")),
        _ => send(account_json()),
    });
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()));
    let account = client.get_token_details().await.unwrap();
    assert_eq!(account.username, "user@example.com");
    assert_eq!(account.id, 12345);
    assert_eq!(server.count(), 2);
    // The retry is the same request: token included.
    for seen in server.seen() {
        assert_eq!(seen.method, "GET");
        assert_eq!(seen.target, "/user");
        assert_eq!(seen.header("x-plex-token"), Some(TOKEN));
    }
}

#[tokio::test]
async fn retry_after_seconds_is_waited() {
    let server = Server::start(|n, _| match n {
        0 => send(response(503, &[("Retry-After", "1")], b"busy")),
        _ => send(account_json()),
    });
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()));
    let started = Instant::now();
    let account = client.get_token_details().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(account.username, "user@example.com");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_http_date_is_waited() {
    // Dates have whole seconds: two seconds ahead is more than one second ahead of `started`,
    // which is taken first.
    let started = Instant::now();
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = Server::start(move |n, _| match n {
        0 => send(response(503, &[("Retry-After", &date)], b"")),
        _ => send(account_json()),
    });
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()));
    client.get_token_details().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_past_the_budget_is_reported_not_waited() {
    let server = Server::answering(response(503, &[("Retry-After", "3600")], b""));
    // Budget 10 s: a one-hour wait is not started.
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()));
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn an_undeclared_error_status_keeps_its_body_up_to_the_limit() {
    // 500 is not declared for getTokenDetails: its body is read by the runtime, bounded.
    let mut body = b"maintenance window ".to_vec();
    body.extend(std::iter::repeat_n(b'x', 10_000));
    let server = Server::answering(response(500, &[], &body));
    let client = plex_retrying(&server, RetryConfig::none());
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    let api = error.api().expect("an API error");
    assert!(
        api.body.starts_with("maintenance window xxx"),
        "{}",
        api.body
    );
    assert_eq!(api.body.len(), 2048);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn huge_retry_after_does_not_overflow() {
    // A first attempt over a second long makes `elapsed + Retry-After` overflow a Duration.
    let server = Server::always(vec![
        Step::Sleep(Duration::from_millis(1100)),
        Step::Answer(response(
            503,
            &[("Retry-After", "18446744073709551615")],
            b"",
        )),
    ]);
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()));
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn default_get_policy_retries_503_twice() {
    let server = Server::answering(response(503, &[], b"down"));
    // The default policy, with its waits shortened.
    let client = plex_retrying(&server, quick_retry(RetryConfig::idempotent_default()));
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn default_get_policy_does_not_retry_500() {
    let server = Server::answering(json(500, b"{}"));
    let error = plex(&server).get_token_details().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn rate_limited_sign_in_is_reported_not_retried() {
    let body = recorded("plextv-users-signin-429-1003-rate-limited.xml");
    let server = Server::answering(response(
        429,
        &[("Content-Type", "application/xml"), ("Retry-After", "7")],
        &body,
    ));
    // Even a policy that retries 429 does not retry a sign-in.
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()));
    let error = client
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(error.api().unwrap().code(), Some(1003));
    assert_eq!(
        error.plex_errors()[0].message.as_deref(),
        Some("API rate limit exceeded")
    );
    assert!(error.to_string().contains("retry after 7s"), "{error}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_refused_sign_in_is_sent_once_whatever_the_policy() {
    // Every refused sign-in counts towards plex.tv's lockout (code 1031).
    for (status, body) in [
        (401, "plextv-users-signin-401-1029-verification-code.xml"),
        (401, "plextv-error-401-1001-not-authenticated.json"),
        (400, "plextv-error-400-1000-client-identifier-missing.json"),
    ] {
        let server = Server::answering(response(status, &[], &recorded(body)));
        let client = plex_retrying(
            &server,
            quick_retry(RetryConfig::aggressive().with_statuses([400, 401, 429, 503])),
        );
        let error = client
            .post_users_sign_in_data(&sign_in_request())
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{body}");
        assert_eq!(server.count(), 1, "{body}");
    }
}

#[tokio::test]
async fn sign_in_5xx_is_not_retried_by_default() {
    let server = Server::answering(response(503, &[], b""));
    let error = plex(&server)
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn sign_in_5xx_is_retried_when_the_policy_lists_it() {
    let server = Server::start(|n, _| match n {
        0 => send(response(503, &[], b"")),
        _ => send(json(201, &recorded(SIGN_IN_201))),
    });
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()));
    let account = client
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap();
    assert_eq!(account.username, "ZjFvKLCb");
    assert_eq!(server.count(), 2);
    // The same form both times.
    let seen = server.seen();
    assert_eq!(seen[0].body, seen[1].body);
    assert!(String::from_utf8_lossy(&seen[1].body).contains("login=someone%40example.com"));
}

// ---------------------------------------------------------------------------------------------
// Refused and reset connections

/// Attempts made, counted from the client's own trace (nothing is listening to count them).
fn attempts_in(log: &str) -> usize {
    log.matches("transport error attempt=").count()
}

#[tokio::test]
async fn connection_refused_get_default_policy_makes_three_attempts() {
    let (logs, _guard) = capture_logs();
    let refused = Refused::new();
    let client = plex_at(&refused.url(), None);
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(error.status(), None);
    assert!(
        error
            .to_string()
            .starts_with("getTokenDetails: transport error")
    );
    assert_eq!(attempts_in(&logs.text()), 3, "{}", logs.text());
}

#[tokio::test]
async fn connection_refused_sign_in_by_default_makes_two_attempts() {
    let (logs, _guard) = capture_logs();
    let refused = Refused::new();
    let client = plex_at(&refused.url(), None);
    let error = client
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(attempts_in(&logs.text()), 2, "{}", logs.text());
}

#[tokio::test]
async fn connection_refused_without_retries_makes_one_attempt() {
    let (logs, _guard) = capture_logs();
    let refused = Refused::new();
    let client = plex_at(&refused.url(), Some(RetryConfig::none()));
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(attempts_in(&logs.text()), 1, "{}", logs.text());
}

#[tokio::test]
async fn reset_before_the_answer_is_retried_for_gets_only() {
    let server = Server::always(vec![Step::Reset]);
    let client = plex_retrying(&server, quick_retry(RetryConfig::idempotent_default()));
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(error.status(), None);
    assert_eq!(server.count(), 3);

    // The sign-in may have reached plex.tv: never sent twice.
    let server = Server::always(vec![Step::Reset]);
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()));
    let error = client
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn reset_mid_body_is_a_transport_error_with_the_status() {
    let body = recorded(FREE_ACCOUNT);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut partial = head.into_bytes();
    partial.extend_from_slice(&body[..body.len() / 3]);
    let server = Server::always(vec![
        Step::Write(partial),
        // Time for the client to read the status line before the reset.
        Step::Sleep(Duration::from_millis(200)),
        Step::Reset,
    ]);
    let error = plex(&server).get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(
        error
            .to_string()
            .starts_with("getTokenDetails: transport error after HTTP 200 OK"),
        "{error}"
    );
    // The status line arrived, so the default policy does not send the request again.
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Bodies that do not decode

#[tokio::test]
async fn body_shorter_than_its_content_length_is_a_transport_error_with_the_status() {
    let body = recorded(FREE_ACCOUNT);
    let mut bytes = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len() * 2
    )
    .into_bytes();
    bytes.extend_from_slice(&body);
    let server = Server::always(vec![Step::Write(bytes)]);
    let error = plex(&server).get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.to_string().starts_with("getTokenDetails:"), "{error}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn cut_json_is_a_decode_error_naming_the_operation() {
    let body = recorded(FREE_ACCOUNT);
    let server = Server::answering(json(200, &body[..body.len() / 2]));
    let error = plex(&server).get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.operation, "getTokenDetails");
    assert!(decode.message.contains("EOF"), "{}", decode.message);
    assert!(
        error
            .to_string()
            .starts_with("getTokenDetails: HTTP 200 OK: body does not decode at ")
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn html_body_on_200_is_a_decode_error() {
    let html = recorded("pms-error-401.html");
    let server = Server::answering(response(200, &[("Content-Type", "text/html")], &html));
    let error = plex(&server).get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.operation, "getTokenDetails");
    assert_eq!(decode.path, ".");
    assert!(decode.body.starts_with("<html>"), "{}", decode.body);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn wrong_type_in_a_success_body_names_the_json_path() {
    let mut account: serde_json::Value = serde_json::from_slice(&recorded(FREE_ACCOUNT)).unwrap();
    account["profile"]["autoSelectSubtitle"] = "often".into();
    let server = Server::answering(json(200, account.to_string().as_bytes()));
    let error = plex(&server).get_token_details().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path, "profile.autoSelectSubtitle");
    assert!(
        decode.message.contains("invalid type"),
        "{}",
        decode.message
    );
    assert!(
        error
            .to_string()
            .contains("body does not decode at profile.autoSelectSubtitle"),
        "{error}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn trailing_bytes_after_the_json_are_a_decode_error() {
    let mut body = recorded(FREE_ACCOUNT);
    body.extend_from_slice(b"\n<html>");
    let server = Server::answering(json(200, &body));
    let error = plex(&server).get_token_details().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path, ".");
    assert!(
        decode.message.starts_with("trailing characters"),
        "{}",
        decode.message
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn undeclared_2xx_with_a_good_body_succeeds() {
    // Sign-in declares 201; a 200 with the same account is still the account.
    let server = Server::answering(json(200, &recorded(SIGN_IN_201)));
    let account = plex(&server)
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap();
    assert_eq!(account.status().as_u16(), 200);
    assert_eq!(account.username, "ZjFvKLCb");
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Timeouts

fn slow(delay: Duration) -> Vec<Step> {
    vec![Step::Sleep(delay), Step::Answer(account_json())]
}

#[tokio::test]
async fn slower_than_the_call_timeout_is_a_timeout() {
    let server = Server::always(slow(Duration::from_secs(5)));
    let client = plex(&server).with_options(
        CallOptions::new()
            .timeout(Duration::from_millis(200))
            .retry(RetryConfig::none()),
    );
    let started = Instant::now();
    let error = client.get_token_details().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(error.status(), None);
    assert!(error.to_string().starts_with("getTokenDetails: timed out"));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn client_total_timeout_applies_and_gets_retry_timeouts() {
    let server = Server::always(slow(Duration::from_secs(5)));
    let client = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .timeouts(Timeouts {
            connect: Duration::from_secs(1),
            total: Duration::from_millis(200),
        })
        .retry(quick_retry(RetryConfig::idempotent_default()))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.get_token_details().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn sign_in_timeout_is_not_retried() {
    let server = Server::always(slow(Duration::from_secs(5)));
    let client = plex_retrying(&server, quick_retry(RetryConfig::aggressive()))
        .with_options(CallOptions::new().timeout(Duration::from_millis(200)));
    let error = client
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn slow_body_times_out_with_the_status() {
    let body = recorded(FREE_ACCOUNT);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let server = Server::always(vec![
        Step::Write(head.into_bytes()),
        Step::Write(body[..10].to_vec()),
        Step::Sleep(Duration::from_secs(5)),
        Step::Write(body[10..].to_vec()),
    ]);
    let client = plex(&server).with_options(CallOptions::new().timeout(Duration::from_millis(300)));
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn redirect_to_another_origin_is_not_followed_and_gets_no_token() {
    let elsewhere = Server::answering(account_json());
    let location = format!("{}/user", elsewhere.url());
    let server = Server::answering(response(302, &[("Location", &location)], b""));
    let error = plex(&server).get_token_details().await.unwrap_err();
    assert_eq!(elsewhere.count(), 0);
    assert_eq!(server.count(), 1);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(error.api().unwrap().location.as_deref(), Some(&*location));
    assert!(error.to_string().contains("not followed"), "{error}");
    assert!(!format!("{error:?} {error}").contains(TOKEN));
}

#[tokio::test]
async fn redirect_within_the_origin_is_followed_with_the_token() {
    let server = Server::start(|n, _| match n {
        0 => send(response(302, &[("Location", "/user?again=1")], b"")),
        _ => send(account_json()),
    });
    let account = plex(&server).get_token_details().await.unwrap();
    assert_eq!(account.username, "user@example.com");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].target, "/user?again=1");
    assert!(seen.iter().all(|s| s.header("x-plex-token") == Some(TOKEN)));
}

// ---------------------------------------------------------------------------------------------
// Load

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_one_client_succeed() {
    let server = Server::answering(account_json());
    // No retry: each call must succeed on its one request.
    let client = plex_retrying(&server, RetryConfig::none());
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_token_details().await.map(|a| a.id) })
        })
        .collect();
    let mut ok = 0;
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 12345);
        ok += 1;
    }
    assert_eq!(ok, 1000);
    assert_eq!(server.count(), 1000);
}

// ---------------------------------------------------------------------------------------------
// Bad input: refused before any I/O

fn idle_server() -> Server {
    Server::answering(account_json())
}

#[tokio::test]
async fn empty_login_or_password_is_refused_before_sending() {
    let server = idle_server();
    let client = plex(&server);
    let mut request = sign_in_request();
    request.login = String::new();
    let error = client.post_users_sign_in_data(&request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        "post-users-sign-in-data: invalid input: form field `login` must not be empty"
    );
    let mut request = sign_in_request();
    request.password = Secret::new("");
    let error = client.post_users_sign_in_data(&request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("`password` must not be empty"));
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn source_without_a_scheme_is_refused_before_sending() {
    let server = idle_server();
    let client = pms(&server);
    for source in [
        "243b471948ace337a8f92f129ec97d1902fcb1df",
        "server://",
        "http://x",
        "",
    ] {
        let error = client
            .get_source_connection_information(source)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{source}: {error}");
        assert!(
            error
                .to_string()
                .contains("query parameter `source` must match the pattern"),
            "{error}"
        );
    }
    assert_eq!(server.count(), 0);
}

#[test]
fn unusable_base_urls_are_config_errors() {
    for url in [
        "not a url",
        "ftp://example.com",
        "http://",
        "http://host:32400/?X-Plex-Token=tok-IN-URL-1",
        "http://user:tok-IN-URL-1@host",
        "http://:tok-IN-URL-1@host",
    ] {
        let error = PmsClient::builder(url, identity()).build().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{url}");
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("base URL"), "{shown}");
        assert!(!shown.contains("tok-IN-URL-1"), "{shown}");
    }
}

#[tokio::test]
async fn header_values_with_a_newline_are_refused_before_sending() {
    let server = idle_server();
    let identity_with = |product: &str| ClientIdentity::new("id", product, "1.0");
    let error = PlexTvClient::builder(identity_with("App\r\nX-Evil: 1"))
        .base_url(server.url())
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("x-plex-product"), "{error}");

    let error = PlexTvClient::builder(ClientIdentity::new(" ", "App", "1.0"))
        .base_url(server.url())
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("X-Plex-Client-Identifier"));

    let error = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token("tok-NEWLINE\nX-Evil: 1")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("token"), "{error}");
    assert!(!format!("{error:?}").contains("tok-NEWLINE"));

    let error = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token("")
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid client configuration: the token is empty"
    );

    // A per-call token is checked when the call is made.
    let error = plex(&server)
        .with_options(CallOptions::new().token("tok-NEWLINE\r\n"))
        .get_token_details()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        "getTokenDetails: invalid input: the token holds a character that is not allowed in a \
         header (x-plex-token)"
    );

    // No token at all on an operation that needs one.
    let error = PlexTvClient::builder(identity())
        .base_url(server.url())
        .build()
        .unwrap()
        .get_token_details()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("needs a token (x-plex-token)"));
    assert_eq!(server.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Arbitrary statuses and bodies

mod arbitrary {
    use std::sync::{Arc, Mutex};

    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    use super::*;

    /// Pieces of the formats the client parses, so random bodies reach deep into the parsers.
    const PIECES: &[&str] = &[
        "{\"errors\":[",
        "{\"code\":1029,\"message\":\"m\",\"status\":401}",
        "{\"code\":\"x\"}",
        "]}",
        "<errors>",
        "<error code=\"1031\" message=\"a &amp; b\" status=\"401\"/>",
        "<error>Invalid token</error>",
        "</errors>",
        "<html><h1>",
        "</h1></html>",
        "{\"MediaContainer\":{\"token\":",
        "\"authToken\":\"",
        "\"",
        "\\",
        "&#0;",
        "é",
        "\u{0}",
    ];

    fn bodies() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..1024),
            proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
                .prop_map(|pieces| pieces.concat().into_bytes()),
        ]
    }

    #[test]
    fn arbitrary_statuses_and_bodies_never_panic_and_keep_the_status() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let answer: Arc<Mutex<Vec<u8>>> = Arc::default();
        let server = {
            let answer = answer.clone();
            Server::start(move |_, _| vec![Step::Write(answer.lock().unwrap().clone())])
        };
        let plex = plex_at(&server.url(), Some(RetryConfig::none()));
        let pms = PmsClient::builder(server.url(), identity())
            .token(TOKEN)
            .retry(RetryConfig::none())
            .build()
            .unwrap();

        let mut runner = TestRunner::new(Config {
            cases: 256,
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = (
            200u16..1000,
            bodies(),
            proptest::option::of(any::<u64>()),
            0usize..3,
        );
        runner
            .run(&strategy, |(status, body, retry_after, operation)| {
                let retry_after = retry_after.map(|s| s.to_string());
                let mut headers = vec![("Content-Type", "application/json")];
                if let Some(value) = &retry_after {
                    headers.push(("Retry-After", value));
                }
                *answer.lock().unwrap() = response(status, &headers, &body).to_bytes(true);
                let before = server.count();
                let result = runtime.block_on(async {
                    match operation {
                        0 => plex.get_token_details().await.map(drop),
                        1 => plex
                            .post_users_sign_in_data(&sign_in_request())
                            .await
                            .map(drop),
                        _ => transient_token(&pms).await,
                    }
                });
                prop_assert_eq!(server.count(), before + 1);
                match result {
                    Ok(()) => prop_assert!((200..300).contains(&status)),
                    Err(error) => {
                        prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
                        if (200..300).contains(&status) {
                            prop_assert_eq!(error.kind(), ErrorKind::Decode);
                        } else {
                            let api = error.api().expect("an API error for an error status");
                            prop_assert!(api.body.len() <= 2048);
                        }
                        let _ = format!("{error} {error:?}");
                    }
                }
                Ok(())
            })
            .unwrap();
    }
}
