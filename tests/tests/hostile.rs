//! A hostile server, on loopback: nothing it sends reaches an error's `Display` or `Debug`, or
//! the trace, unredacted (in any encoding) or able to drive a terminal, no number it sends can
//! panic a flow, and it cannot make a call hold unbounded memory. One test per class of attack,
//! then a property test placing a known secret, encoded, anywhere in an answer, failed or
//! successful.

use std::time::{Duration, Instant};

use plex_auth_client::types::SignInRequest;
use plex_auth_client::{
    Backoff, CallOptions, Error, ErrorKind, PinKind, PinPolling, PlexTvClient, PmsClient, Redactor,
    RetryConfig, Secret,
};
use plex_auth_tests::harness::{Answer, Encoding, Server, Step, TOKEN, identity, recorded};
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

/// Every text of an error a program can show, as it is (not `Debug`, which escapes): the
/// `Display` line, the kept body, Plex's messages, the redirect target.
fn texts(error: &Error) -> String {
    let mut texts = vec![error.to_string()];
    if let Some(api) = error.api() {
        texts.push(api.body.clone());
        texts.extend(api.location.clone());
    }
    if let Error::Decode(decode) = error {
        texts.extend([
            decode.body.clone(),
            decode.message.clone(),
            decode.path.clone(),
        ]);
    }
    texts.extend(error.plex_errors().iter().filter_map(|e| e.message.clone()));
    texts.join("\n")
}

#[tokio::test]
async fn an_echo_in_any_encoding_is_not_shown() {
    let (logs, _guard) = capture_logs();
    for encoding in Encoding::all() {
        for sign_in in [false, true] {
            let secret = if sign_in { PASSWORD } else { TOKEN };
            let (echo, hidden) = encoding.encode(secret);
            let quoted = serde_json::to_string(&format!("echo <{echo}>")).unwrap();
            let server = Server::answering(Answer::json(
                400,
                format!(r#"{{"errors":[{{"code":1000,"message":{quoted}}}],"detail":{quoted}}}"#),
            ));
            let client = plex(&server);
            let error = if sign_in {
                client
                    .post_users_sign_in_data(&sign_in_request())
                    .await
                    .unwrap_err()
            } else {
                client.get_token_details().await.unwrap_err()
            };
            assert_eq!(error.kind(), ErrorKind::ClientIdentifierMissing, "{error}");
            let text = texts(&error);
            assert!(
                !text.contains(&hidden) && !text.contains(secret),
                "{encoding:?} shows in:\n{text}"
            );
            assert!(text.contains("echo <"), "the rest is kept: {text}");
            assert_hidden(&shown(&error), &[secret]);
        }
    }
    assert_hidden(&logs.text(), &[TOKEN, PASSWORD]);
}

/// A quick retry policy that retries a 429, so that `Retry-After` is read and waited on.
fn retrying_429() -> RetryConfig {
    RetryConfig::aggressive().with_backoff(Backoff {
        initial_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(5),
        max_elapsed_time: Duration::from_secs(2),
        ..Backoff::default()
    })
}

#[tokio::test]
async fn no_retry_after_can_panic_or_stall_a_call() {
    let far = Duration::from_secs(u64::MAX);
    for (value, expected, requests) in [
        ("18446744073709551615", Some(far), 1),
        ("9223372036854775808", Some(Duration::from_secs(1 << 63)), 1),
        ("99999999999999999999999999", None, 5),
        ("-1", None, 5),
        ("1e9", None, 5),
        ("Fri, 31 Dec 9999 23:59:59 GMT", None, 1),
        ("Thu, 01 Jan 1970 00:00:00 GMT", Some(Duration::ZERO), 5),
        ("0", Some(Duration::ZERO), 5),
    ] {
        let server = Server::answering(
            Answer::json(
                429,
                r#"{"errors":[{"code":1003,"message":"API rate limit exceeded"}]}"#,
            )
            .header("Retry-After", value),
        );
        let client = PlexTvClient::builder(identity())
            .base_url(server.url())
            .token(TOKEN)
            .retry(retrying_429())
            .build()
            .unwrap();
        let started = Instant::now();
        let error = client.get_token_details().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RateLimited, "{value}: {error}");
        if let Some(expected) = expected {
            assert_eq!(error.retry_after(), Some(expected), "{value}");
        } else if value.starts_with("Fri") {
            assert!(
                error.retry_after().unwrap() > Duration::from_secs(1 << 37),
                "{value}"
            );
        }
        assert_eq!(server.count(), requests, "{value}");
        assert!(started.elapsed() < Duration::from_secs(30), "{value}");
        let _ = error.to_string();
    }
}

/// plex.tv creating a PIN whose `expiresIn` and `id` are `expires_in` and `id`; every poll of
/// it is answered linked.
fn pin_server(expires_in: serde_json::Value, id: serde_json::Value) -> Server {
    let mut pin: serde_json::Value =
        serde_json::from_slice(&recorded("plextv-pins-201-new.json")).unwrap();
    pin["expiresIn"] = expires_in;
    pin["id"] = id.clone();
    let mut linked: serde_json::Value =
        serde_json::from_slice(&recorded("plextv-pins-200-linked.json")).unwrap();
    linked["id"] = id;
    Server::start(move |_, seen| {
        let answer = if seen.method == "POST" {
            Answer::json(201, pin.to_string())
        } else {
            Answer::json(200, linked.to_string())
        };
        vec![Step::Answer(answer)]
    })
}

#[tokio::test]
async fn no_number_in_a_pin_answer_can_panic() {
    use serde_json::json;
    let short = Duration::from_secs(15 * 60);
    // A lifetime that is not one falls back to the kind's: 15 minutes for a short PIN.
    for (expires_in, lifetime) in [
        (json!(0), short),
        (json!(-1), short),
        (json!(i64::MIN), short),
        (json!(i64::MAX), short),
        (json!(86_401), short),
        (json!(null), short),
        (json!(1), Duration::from_secs(1)),
        (json!(3600), Duration::from_secs(3600)),
    ] {
        let server = pin_server(expires_in.clone(), json!(111222333));
        let pin = plex(&server).create_pin(PinKind::Short).await.unwrap();
        let remaining = pin.remaining();
        assert!(
            remaining <= lifetime && remaining + Duration::from_secs(60) > lifetime,
            "{expires_in}: {remaining:?}"
        );
    }
    // A number that is not an integer, or not a number: the answer does not decode.
    for expires_in in [
        json!(1e308),
        json!(9.5),
        json!(u64::MAX),
        json!("900"),
        json!(true),
        json!({"seconds": 900}),
    ] {
        let server = pin_server(expires_in.clone(), json!(111222333));
        let error = plex(&server).create_pin(PinKind::Short).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{expires_in}: {error}");
        assert!(error.to_string().contains("at expiresIn"), "{error}");
    }
    // The extreme ids travel as they are, and the flow ends with the token.
    for id in [i64::MIN, i64::MAX, -1, 0] {
        let server = pin_server(json!(i64::MAX), json!(id));
        let client = plex(&server);
        let pin = client.create_pin(PinKind::Strong).await.unwrap();
        assert!(pin.remaining() > Duration::from_secs(29 * 60));
        let polling = PinPolling::new().with_interval(Duration::from_millis(10));
        let token = client.wait_for_token(&pin, polling).await.unwrap();
        assert_eq!(token.expose(), "auth_token");
        assert_eq!(server.seen()[1].path(), format!("/pins/{id}"));
    }
}

#[tokio::test]
async fn a_pin_code_that_is_not_one_is_refused_unquoted() {
    let huge = "C".repeat(3 * 1024 * 1024);
    for code in [
        huge.as_str(),
        "",
        "AB\u{1b}]0;owned\u{7}",
        "AB\nplex-auth: forged",
    ] {
        let mut pin: serde_json::Value =
            serde_json::from_slice(&recorded("plextv-pins-201-new.json")).unwrap();
        pin["code"] = code.into();
        let server = Server::answering(Answer::json(201, pin.to_string()));
        let error = plex(&server).create_pin(PinKind::Short).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
        let shown = error.to_string();
        assert!(shown.len() < 200, "{} bytes", shown.len());
        assert!(
            !shown.contains("CCCC") && !shown.contains("owned"),
            "{shown}"
        );
        assert_inert(&shown);
        assert_eq!(server.count(), 1);
    }
}

mod arbitrary {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    use super::*;

    /// A token of the answer itself (the account's), echoed by the answer.
    const ANSWER_TOKEN: &str = "answer-token-7f3e99";

    /// Where the secret goes in the answer.
    #[derive(Clone, Copy, Debug)]
    enum Place {
        Body,
        EnvelopeMessage,
        XmlAttribute,
        Location,
        OtherHeader,
        SuccessBody,
        /// A successful answer that decodes, its names echoing the secret: what an
        /// application shows of it goes through a `Redactor`.
        AccountNames,
    }

    fn answer(place: Place, status: u16, text: &str, secret: &str) -> Answer {
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
            Place::AccountNames => {
                let mut account: serde_json::Value =
                    serde_json::from_slice(&recorded("plextv-user-200-free-account.json")).unwrap();
                account["authToken"] = ANSWER_TOKEN.into();
                for field in ["username", "title", "email"] {
                    account[field] = text.into();
                }
                // 201: the sign-in's success; the account call takes any 2xx that decodes.
                Answer::json(201, account.to_string())
            }
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

    /// What goes right before or after the echo: often the beginning or the end of an escape,
    /// which a decoder reading on would complete with the secret's letters (`%0` before
    /// `fixture…`, `&#1` before digits, `\` before `\u0066`) or that would complete a
    /// secret's own `%`, `&` or `\`.
    fn escape_edge() -> impl Strategy<Value = String> {
        prop_oneof![
            1 => Just(String::new()),
            2 => prop::sample::select(vec![
                "%", "%0", "%2", "%25", "%C3", "%E2%80", "%5C", "%26", "&", "&#", "&#x", "&#1",
                "&#x1", "&amp", "&amp;", "&amp;#", "&#37;", "\\", "\\\\", "\\u", "\\u00",
                "\\u0025", "\\u0026#", ";", "0", "41", "F",
            ])
            .prop_map(String::from),
            1 => "[%&#;xu0-9a-fA-F\\\\]{1,4}",
        ]
    }

    #[test]
    fn a_known_secret_anywhere_in_an_answer_in_any_encoding_never_shows() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (logs, _guard) = capture_logs();
        let mut runner = TestRunner::new(Config {
            cases: 300,
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
            Just(Place::AccountNames),
        ];
        let encodings = Encoding::all();
        let strategy = (
            places,
            400u16..600,
            (text(), escape_edge()).prop_map(|(text, edge)| text + &edge),
            (escape_edge(), text()).prop_map(|(edge, text)| edge + &text),
            0..encodings.len(),
            0..3usize,
        );
        runner
            .run(
                &strategy,
                |(place, status, before, after, encoding, which)| {
                    let sign_in = which == 1;
                    // The answer's own token only where the answer is shown: errors know only what
                    // the call sent.
                    let secret = match (which, place) {
                        (1, _) => PASSWORD,
                        (2, Place::AccountNames) => ANSWER_TOKEN,
                        _ => TOKEN,
                    };
                    let (echo, hidden) = encodings[encoding].encode(secret);
                    let text = format!("{before}{echo}{after}");
                    let server = Server::answering(answer(place, status, &text, secret));
                    let client = plex(&server);
                    let result = runtime.block_on(async {
                        if sign_in {
                            client
                                .post_users_sign_in_data(&sign_in_request())
                                .await
                                .map(|answer| answer.into_inner())
                        } else {
                            client
                                .get_token_details()
                                .await
                                .map(|answer| answer.into_inner())
                        }
                    });
                    let shown = match result {
                        // What an application shows of a success: its names, through a Redactor
                        // given the credentials the call sent and the answer's own.
                        Ok(account) => {
                            prop_assert!(matches!(place, Place::AccountNames), "{:?}", place);
                            let sent = if sign_in {
                                [PASSWORD, CODE]
                            } else {
                                [TOKEN, ""]
                            };
                            let redactor = Redactor::new(sent).secrets_of(&account).max_chars(4096);
                            [&account.username, &account.title, &account.email]
                                .map(|name| redactor.text(name))
                                .join("\n")
                        }
                        Err(error) => {
                            let debug = shown(&error);
                            prop_assert!(!debug.contains(secret), "{:?}: {}", place, debug);
                            texts(&error)
                        }
                    };
                    prop_assert!(
                        !shown.contains(&hidden) && !shown.contains(secret),
                        "{:?} {:?}: {}",
                        place,
                        encodings[encoding],
                        shown
                    );
                    prop_assert!(!shown.chars().any(|c| c.is_control() && c != '\n'));
                    Ok(())
                },
            )
            .unwrap();
        assert_hidden(&logs.text(), &[TOKEN, PASSWORD]);
    }
}
