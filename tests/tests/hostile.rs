//! A hostile server, on loopback: nothing it sends reaches an error's `Display` or `Debug`, or
//! the trace, unredacted or able to drive a terminal, and it cannot make a call hold unbounded
//! memory. One test per class of attack, then a property test placing a known secret anywhere
//! in an answer.

use std::time::{Duration, Instant};

use plex_auth_client::types::SignInRequest;
use plex_auth_client::{
    CallOptions, Error, ErrorKind, PlexTvClient, PmsClient, RetryConfig, Secret,
};
use plex_auth_tests::harness::{Answer, Server, Step, TOKEN, identity};
use plex_auth_tests::logs::capture_logs;

const PASSWORD: &str = "pw-HOSTILE-0xC0FFEE";
const CODE: &str = "902117";

fn plex(server: &Server) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .retry(RetryConfig::none())
        .build()
        .unwrap()
}

fn sign_in_request() -> SignInRequest {
    SignInRequest {
        login: "someone@example.com".into(),
        password: Secret::new(PASSWORD),
        remember_me: None,
        verification_code: Some(Secret::new(CODE)),
    }
}

/// Display, Debug and pretty Debug of an error.
fn shown(error: &Error) -> String {
    format!("{error}\n{error:?}\n{error:#?}")
}

fn assert_hidden(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} shows in:\n{text}");
    }
}

/// One line, and nothing a terminal interprets.
fn assert_inert(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
        "a control character in {text:?}"
    );
}

#[tokio::test]
async fn a_token_in_a_location_is_not_shown() {
    let (logs, _guard) = capture_logs();
    for location in [
        format!("https://elsewhere.example/cb?X-Plex-Token={TOKEN}&x=1"),
        format!("https://elsewhere.example/{TOKEN}/cb"),
        format!("https://user:{TOKEN}@elsewhere.example/cb#{TOKEN}"),
    ] {
        let server = Server::answering(Answer::new(302).header("Location", &location));
        let error = plex(&server).get_token_details().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
        let shown_location = error.api().unwrap().location.clone().unwrap();
        assert!(
            shown_location.starts_with("https://elsewhere.example/"),
            "{shown_location}"
        );
        assert!(error.to_string().contains("not followed"), "{error}");
        assert_hidden(&shown(&error), &[TOKEN]);
        assert_eq!(server.count(), 1);
    }
    assert_hidden(&logs.text(), &[TOKEN]);
}

#[tokio::test]
async fn credentials_the_server_echoes_are_not_shown() {
    let (logs, _guard) = capture_logs();
    let quoted = format!("login=someone%40example.com&password={PASSWORD}&verificationCode={CODE}");
    for answer in [
        Answer::json(
            400,
            format!(r#"{{"errors":[{{"code":1000,"message":"bad request: {quoted}"}}]}}"#),
        ),
        Answer::new(401)
            .header("Content-Type", "application/xml")
            .body(format!(
                r#"<errors><error code="1001" message="refused {quoted}" status="401"/></errors>"#
            )),
        Answer::new(500).body(format!("echo: {PASSWORD} / {CODE}")),
    ] {
        let server = Server::answering(answer);
        let error = plex(&server)
            .post_users_sign_in_data(&sign_in_request())
            .await
            .unwrap_err();
        assert!(error.status().is_some(), "{error}");
        assert_hidden(&shown(&error), &[PASSWORD, CODE]);
        let messages: Vec<_> = error
            .plex_errors()
            .iter()
            .filter_map(|e| e.message.clone())
            .collect();
        assert_hidden(&messages.join("\n"), &[PASSWORD, CODE]);
        // The credentials did travel: the answer is what must not show them.
        let form = server.seen()[0].form();
        assert_eq!(form["password"], PASSWORD);
    }
    assert_hidden(&logs.text(), &[PASSWORD, CODE]);
}

#[tokio::test]
async fn credential_fields_of_any_shape_are_redacted() {
    let secret = "svc-SECRET-77aa";
    for body in [
        format!(r#"{{"errors":[],"authToken":["{secret}"]}}"#),
        format!(r#"{{"errors":[],"token":{{"v":"{secret}"}}}}"#),
        format!(r#"{{"errors":[],"auth\u0054oken":"{secret}"}}"#),
        format!("<user><authToken>{secret}</authToken></user>"),
        format!("<html><a href=\"/x?X-Plex-Token%3D{secret}\">x</a></html>"),
    ] {
        let server = Server::answering(Answer::new(500).body(body.clone()));
        let error = plex(&server).get_token_details().await.unwrap_err();
        assert_hidden(&shown(&error), &[secret]);
        // The same body as a success that does not decode.
        let server = Server::answering(Answer::json(200, body.as_str()));
        let error = plex(&server).get_token_details().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
        assert_hidden(&shown(&error), &[secret]);
    }
}

#[tokio::test]
async fn server_text_cannot_drive_a_terminal() {
    let evil = "first\nplex-auth: error: forged\r\x1b[2J\x1b]0;owned\x07\u{202E}gnp.exe";
    for answer in [
        Answer::json(
            401,
            format!(
                r#"{{"errors":[{{"code":1001,"message":"{}"}}]}}"#,
                evil.escape_default()
            ),
        ),
        Answer::new(400)
            .header("Content-Type", "text/html")
            .body(format!("<html><title>{evil}</title><h1>{evil}</h1></html>")),
        Answer::new(500).body(evil),
    ] {
        let server = Server::answering(answer);
        let error = plex(&server).get_token_details().await.unwrap_err();
        let display = error.to_string();
        assert_inert(&display);
        assert!(
            display.contains("forged"),
            "the text is kept, made inert: {display}"
        );
        assert_inert(&format!("{error:?}"));
        for message in error
            .plex_errors()
            .iter()
            .filter_map(|e| e.message.as_deref())
        {
            assert_inert(message);
        }
        assert_inert(&error.api().unwrap().body);
    }
}

#[test]
fn a_base_url_password_is_never_shown() {
    for url in [
        "http://user:p?ss#word/x@host:32400/",
        "http://user:pass?word@host",
        "http://user:pass%2Fword@host/?X-Plex-Token=pass",
        "not a url pass?word",
    ] {
        let builder = PmsClient::builder(url, identity()).token(TOKEN);
        assert_hidden(
            &format!("{builder:?} {builder:#?}"),
            &["pass", "ss#word", TOKEN],
        );
        let error = builder.build().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{url}");
        assert_hidden(&shown(&error), &["pass", "ss#word", TOKEN]);
    }
}

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

mod arbitrary {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    use super::*;

    /// Where the secret goes in the answer.
    #[derive(Clone, Copy, Debug)]
    enum Place {
        Body,
        EnvelopeMessage,
        XmlAttribute,
        Location,
        OtherHeader,
        SuccessBody,
    }

    fn answer(place: Place, status: u16, around: (&str, &str), secret: &str) -> Answer {
        let (before, after) = around;
        let text = format!("{before}{secret}{after}");
        let json_text = serde_json::to_string(&text).unwrap();
        match place {
            Place::Body => Answer::new(status).body(text),
            Place::EnvelopeMessage => Answer::json(
                status,
                format!(r#"{{"errors":[{{"code":1001,"message":{json_text}}}]}}"#),
            ),
            Place::XmlAttribute => Answer::new(status).body(format!(
                "<errors><error code=\"1\" message=\"{}\"/></errors>",
                text.replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('<', "&lt;")
            )),
            Place::Location => {
                let location: String = text.chars().filter(|c| !c.is_control()).collect();
                Answer::new(302).header("Location", &location)
            }
            Place::OtherHeader => Answer::new(status).header("X-Echo", secret),
            Place::SuccessBody => Answer::json(200, format!("{{\"id\":{json_text}}}")),
        }
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ -~]{0,24}",
            any::<String>().prop_map(|s| s.chars().take(24).collect()),
            Just("\"authToken\":\"".to_string()),
            Just("X-Plex-Token=".to_string()),
            Just("\\".to_string()),
        ]
    }

    #[test]
    fn a_known_secret_anywhere_in_an_answer_never_shows() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (logs, _guard) = capture_logs();
        let mut runner = TestRunner::new(Config {
            cases: 200,
            failure_persistence: None,
            ..Config::default()
        });
        let places = prop_oneof![
            Just(Place::Body),
            Just(Place::EnvelopeMessage),
            Just(Place::XmlAttribute),
            Just(Place::Location),
            Just(Place::OtherHeader),
            Just(Place::SuccessBody),
        ];
        let strategy = (places, 400u16..600, text(), text(), any::<bool>());
        runner
            .run(&strategy, |(place, status, before, after, sign_in)| {
                let secret = if sign_in { PASSWORD } else { TOKEN };
                let server = Server::answering(answer(place, status, (&before, &after), secret));
                let client = plex(&server);
                let result = runtime.block_on(async {
                    if sign_in {
                        client
                            .post_users_sign_in_data(&sign_in_request())
                            .await
                            .map(drop)
                    } else {
                        client.get_token_details().await.map(drop)
                    }
                });
                let error = result.expect_err("no answer here is a success");
                let text = shown(&error);
                prop_assert!(!text.contains(secret), "{:?}: {}", place, text);
                prop_assert!(
                    !text
                        .lines()
                        .next()
                        .unwrap_or("")
                        .chars()
                        .any(char::is_control)
                );
                Ok(())
            })
            .unwrap();
        assert_hidden(&logs.text(), &[TOKEN, PASSWORD]);
    }
}
