//! A server cannot make a call hold unbounded memory or follow it anywhere: body limits,
//! chunked answers, redirects, malformed answers.

use super::*;

#[tokio::test]
async fn an_endless_body_is_cut_at_the_limit() {
    // 64 KiB chunks, far more of them than the limit allows, with no Content-Length.
    let chunk = vec![b'x'; 64 * 1024];
    let mut steps = vec![Step::Write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec(),
    )];
    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
    framed.extend_from_slice(&chunk);
    framed.extend_from_slice(b"\r\n");
    steps.extend(std::iter::repeat_n(Step::Write(framed), 200));
    let server = Server::always(steps);
    let client = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        error.to_string(),
        "getTokenDetails: HTTP 200 OK: the answer is larger than 1048576 bytes, the client's limit"
    );
    assert_eq!(server.count(), 1);
}

/// A chunked answer (no `Content-Length`) goes through the capped body: within the limit it
/// decodes as any other.
#[tokio::test]
async fn a_chunked_answer_within_the_limit_decodes() {
    let body = plex_auth_tests::harness::recorded("plextv-user-200-free-account.json");
    let (first, second) = body.split_at(body.len() / 2);
    let mut bytes =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for chunk in [first, second] {
        bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        bytes.extend_from_slice(chunk);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let server = Server::always(vec![Step::Write(bytes)]);
    let client = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .max_response_size(body.len())
        .build()
        .unwrap();
    let account = client.get_token_details().await.unwrap();
    assert_eq!(account.id, 12345);
    assert_eq!(account.uuid, "212acf24b07315e5");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn an_announced_length_over_the_limit_is_refused_before_reading() {
    // The server announces 1 GiB and then sends nothing: the call must not wait for it.
    let server = Server::always(vec![
        Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".to_vec()),
        Step::Sleep(Duration::from_secs(30)),
    ]);
    let client = plex(&server).with_options(CallOptions::new().timeout(Duration::from_secs(20)));
    let started = Instant::now();
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_sign_in_redirect_is_reported_not_followed() {
    // A same-origin 307 would send the password again, to wherever it points.
    let server = Server::answering(Answer::new(307).header("Location", "/users/signin"));
    let error = plex(&server)
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(
        error.api().unwrap().location.as_deref(),
        Some("/users/signin")
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_get_redirect_loop_ends_after_five_hops() {
    let server = Server::answering(Answer::new(302).header("Location", "/user"));
    let error = plex(&server).get_token_details().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(server.count(), 6);
}

#[tokio::test]
async fn a_malformed_answer_is_not_retried() {
    let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
    for n in 0..1000 {
        head.extend_from_slice(format!("X-Flood-{n}: 1\r\n").as_bytes());
    }
    head.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    let server = Server::always(vec![Step::Write(head)]);
    let client = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .unwrap();
    let error = client.get_token_details().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(server.count(), 1, "the default GET policy sent it again");
}
