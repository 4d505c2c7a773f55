//! Secrets stay secret: every public type that can hold one is formatted (`Debug`, pretty
//! `Debug`, `Display` where there is one) and the output searched for the secret; the client's
//! trace at TRACE level during real calls is searched the same way.

use plex_auth_client::types::{
    SignInRequest, SourceConnectionInformation, TransientToken, TransientTokenScope,
    TransientTokenType, UserPlexAccount,
};
use plex_auth_client::{
    CallOptions, Error, ErrorKind, PlexTvClient, PmsClient, RetryConfig, Secret,
};
use plex_auth_tests::harness::{Answer, Refused, Server, Step, TOKEN, identity, recorded};
use plex_auth_tests::logs::capture_logs;

const PASSWORD: &str = "pw-SECRET-hunter2";
const CODE: &str = "731902";
const CALL_TOKEN: &str = "tok-PER-CALL-55e1";
const TRANSIENT: &str = "transient-90904684-f91a-4391-8bf7-e0dfa7240285";
const ACCESS_TOKEN: &str = "transient-fa75f159-b9d2-42b6-8fbd-1761c7a4195a";

/// Fails when `shown` contains any of `secrets`.
/// Answers with `answer`.
fn send(answer: Answer) -> Vec<Step> {
    vec![Step::Answer(answer)]
}

fn json(status: u16, body: &[u8]) -> Answer {
    Answer::json(status, body)
}

fn assert_hidden(what: &str, shown: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !shown.contains(secret.as_str()),
            "{what} shows the secret {secret:?}:\n{shown}"
        );
    }
}

/// Debug and pretty Debug of a value.
fn debug_forms(value: &impl std::fmt::Debug) -> String {
    format!("{value:?}\n{value:#?}")
}

/// The authToken and every service token and secret of the recorded sign-in answer.
fn sign_in_secrets() -> Vec<String> {
    let body: serde_json::Value =
        serde_json::from_slice(&recorded("plextv-users-signin-201.json")).unwrap();
    let mut secrets = vec![body["authToken"].as_str().unwrap().to_string()];
    for service in body["services"].as_array().unwrap() {
        for field in ["token", "secret"] {
            if let Some(value) = service[field].as_str() {
                secrets.push(value.to_string());
            }
        }
    }
    secrets
}

fn all_secrets() -> Vec<String> {
    let mut secrets = sign_in_secrets();
    secrets.extend([TOKEN, PASSWORD, CODE, CALL_TOKEN, TRANSIENT, ACCESS_TOKEN].map(String::from));
    secrets
}

fn sign_in_request() -> SignInRequest {
    SignInRequest {
        login: "someone@example.com".into(),
        password: Secret::new(PASSWORD),
        remember_me: Some(true),
        verification_code: Some(Secret::new(CODE)),
    }
}

fn transient_json() -> String {
    format!(r#"{{"MediaContainer":{{"size":0,"token":"{TRANSIENT}"}}}}"#)
}

fn resources_json() -> String {
    format!(
        r#"{{"MediaContainer":{{"size":1,"Device":{{"name":"PlexCorp","clientIdentifier":"243b4719","accessToken":"{ACCESS_TOKEN}","Connection":[{{"uri":"https://10-0-2-123.plex.direct:32400","local":1}}]}}}}}}"#
    )
}

#[test]
fn the_recorded_sign_in_answer_holds_the_expected_secrets() {
    // authToken, 13 service tokens and 1 service secret: the search below has something to find.
    assert_eq!(sign_in_secrets().len(), 15);
    assert_eq!(sign_in_secrets()[0], "jx9nTbVbHk1gM");
}

#[test]
fn secret_and_sign_in_request_hide_credentials() {
    let secret = Secret::new(PASSWORD);
    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    assert_eq!(secret.expose(), PASSWORD);
    let request = sign_in_request();
    let shown = debug_forms(&request);
    assert!(shown.contains("someone@example.com"));
    assert_hidden("SignInRequest", &shown, &all_secrets());
}

#[test]
fn decoded_answers_hide_their_tokens() {
    let account: UserPlexAccount =
        serde_json::from_slice(&recorded("plextv-users-signin-201.json")).unwrap();
    assert_eq!(account.auth_token.expose(), "jx9nTbVbHk1gM");
    assert_eq!(account.services.len(), 20);
    let shown = debug_forms(&account);
    assert!(shown.contains("ZjFvKLCb"));
    assert!(shown.contains("lyricfind"));
    assert_hidden("UserPlexAccount", &shown, &all_secrets());

    let transient: TransientToken = serde_json::from_str(&transient_json()).unwrap();
    assert_eq!(transient.media_container.token.expose(), TRANSIENT);
    assert_hidden("TransientToken", &debug_forms(&transient), &all_secrets());

    let resources: SourceConnectionInformation = serde_json::from_str(&resources_json()).unwrap();
    let device = &resources.media_container.device.as_ref().unwrap()[0];
    assert_eq!(device.access_token.as_ref().unwrap().expose(), ACCESS_TOKEN);
    let shown = debug_forms(&resources);
    assert!(shown.contains("PlexCorp"));
    assert_hidden("SourceConnectionInformation", &shown, &all_secrets());
    assert_hidden("SourceDevice", &debug_forms(device), &all_secrets());
}

#[test]
fn builders_clients_and_call_options_hide_tokens() {
    let secrets = all_secrets();
    let builder = PlexTvClient::builder(identity()).token(TOKEN);
    assert_hidden("ClientBuilder", &debug_forms(&builder), &secrets);
    let plex = builder.build().unwrap();
    assert_hidden("PlexTvClient", &debug_forms(&plex), &secrets);
    let options = CallOptions::new().token(CALL_TOKEN);
    assert_hidden("CallOptions", &debug_forms(&options), &secrets);
    let per_call = plex.with_options(options);
    assert_hidden(
        "PlexTvClient with options",
        &debug_forms(&per_call),
        &secrets,
    );

    let pms = PmsClient::builder("http://127.0.0.1:32400", identity())
        .token(TOKEN)
        .build()
        .unwrap();
    let shown = debug_forms(&pms);
    assert!(
        shown.contains(plex_auth_tests::harness::CLIENT_IDENTIFIER),
        "{shown}"
    );
    assert_hidden("PmsClient", &shown, &secrets);
    assert_hidden(
        "PmsClient with options",
        &debug_forms(&pms.with_options(CallOptions::new().token(CALL_TOKEN))),
        &secrets,
    );
}

#[test]
fn a_redactor_never_shows_what_it_holds() {
    let account: UserPlexAccount =
        serde_json::from_slice(&recorded("plextv-users-signin-201.json")).unwrap();
    let redactor = plex_auth_client::Redactor::new([PASSWORD, CODE])
        .secret(CALL_TOKEN)
        .secrets_of(&account);
    // Two sent, one added, and the account's 15 credentials.
    assert_eq!(
        format!("{redactor:?}"),
        "Redactor { secrets: 18, max_chars: 256 }"
    );
    assert_hidden("Redactor", &debug_forms(&redactor), &all_secrets());
    // Every credential of the answer is removed from what is shown of it, the rest is kept.
    let echo = format!(
        "{} {} {}",
        account.username,
        sign_in_secrets().join(" "),
        CALL_TOKEN
    );
    let shown = redactor.clone().max_chars(4096).text(&echo);
    assert!(shown.starts_with("ZjFvKLCb <redacted>"), "{shown}");
    assert_hidden("Redactor::text", &shown, &all_secrets());
}

/// Display and Debug of an error.
fn error_forms(error: &Error) -> String {
    format!("{error}\n{error:?}\n{error:#?}")
}

#[tokio::test]
async fn errors_hide_secrets() {
    let secrets = all_secrets();

    // A sign-in answer that fails to decode: the kept body must not carry its tokens.
    let mut body: serde_json::Value =
        serde_json::from_slice(&recorded("plextv-users-signin-201.json")).unwrap();
    body["id"] = "not a number".into();
    let server = Server::answering(json(201, body.to_string().as_bytes()));
    let plex = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .unwrap();
    let error = plex
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path, "id");
    assert!(
        decode.body.contains(r#""authToken":"<redacted>""#),
        "{}",
        decode.body
    );
    assert_hidden("Decode error", &error_forms(&error), &secrets);
    assert_eq!(server.count(), 1);

    // A secret of the wrong type: serde would quote it in its message.
    let server = Server::answering(json(
        200,
        br#"{"MediaContainer":{"size":0,"token":918273645}}"#,
    ));
    let pms = PmsClient::builder(server.url(), identity())
        .token(TOKEN)
        .build()
        .unwrap();
    let error = pms
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path, "MediaContainer.token");
    assert_hidden(
        "Decode error of a secret field",
        &error_forms(&error),
        &["918273645".to_string()],
    );
    assert_eq!(server.count(), 1);

    // An error body that echoes credentials.
    let echo = format!(
        r#"{{"errors":[{{"code":5,"message":"bad"}}],"authToken":"{TOKEN}","url":"/x?X-Plex-Token={CALL_TOKEN}"}}"#
    );
    let server = Server::answering(json(500, echo.as_bytes()));
    let error = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .unwrap()
        .get_token_details()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_hidden("API error", &error_forms(&error), &secrets);
    assert_eq!(server.count(), 1);

    // Errors made before any I/O, and transport errors.
    let mut request = sign_in_request();
    request.login = String::new();
    let error = plex.post_users_sign_in_data(&request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_hidden("InvalidInput error", &error_forms(&error), &secrets);

    let error = PlexTvClient::builder(identity())
        .token(format!("{TOKEN}\n"))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert_hidden("Config error", &error_forms(&error), &secrets);

    let error = PmsClient::builder(format!("http://h:1/?X-Plex-Token={TOKEN}"), identity())
        .build()
        .unwrap_err();
    assert_hidden("Config error for a URL", &error_forms(&error), &secrets);

    let refused = Refused::new();
    let error = PlexTvClient::builder(identity())
        .base_url(refused.url())
        .token(TOKEN)
        .retry(RetryConfig::none())
        .build()
        .unwrap()
        .get_token_details()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_hidden("Transport error", &error_forms(&error), &secrets);
}

#[tokio::test]
async fn traces_hide_secrets() {
    let (logs, guard) = capture_logs();

    let sign_in = recorded("plextv-users-signin-201.json");
    let server = Server::start(move |_, seen| match seen.target.as_str() {
        "/users/signin" => send(json(201, &sign_in)),
        "/user" => send(json(200, &recorded("plextv-user-200-free-account.json"))),
        target if target.starts_with("/security/token") => {
            send(json(200, transient_json().as_bytes()))
        }
        _ => send(json(200, resources_json().as_bytes())),
    });
    let plex = PlexTvClient::builder(identity())
        .base_url(server.url())
        .build()
        .unwrap();
    let account = plex
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap();
    assert_eq!(account.auth_token.expose(), "jx9nTbVbHk1gM");

    let plex = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .unwrap();
    plex.get_token_details().await.unwrap();
    plex.with_options(CallOptions::new().token(CALL_TOKEN))
        .get_token_details()
        .await
        .unwrap();
    let pms = PmsClient::builder(server.url(), identity())
        .token(TOKEN)
        .build()
        .unwrap();
    pms.get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .unwrap();
    pms.get_source_connection_information("server://243b4719")
        .await
        .unwrap();

    // Failed calls log the error: a sign-in answer that does not decode, an error body that
    // echoes the token.
    let mut broken: serde_json::Value =
        serde_json::from_slice(&recorded("plextv-users-signin-201.json")).unwrap();
    broken["id"] = "not a number".into();
    let echo = format!(r#"{{"errors":[{{"code":5}}],"authToken":"{TOKEN}"}}"#);
    let failing = Server::start(move |_, seen| {
        if seen.method == "POST" {
            send(json(201, broken.to_string().as_bytes()))
        } else {
            send(json(500, echo.as_bytes()))
        }
    });
    let plex = PlexTvClient::builder(identity())
        .base_url(failing.url())
        .token(TOKEN)
        .build()
        .unwrap();
    let error = plex
        .post_users_sign_in_data(&sign_in_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    let error = plex.get_token_details().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(failing.count(), 2);
    drop(guard);

    // The credentials did travel: the trace is what must not show them.
    let seen = server.seen();
    assert_eq!(seen.len(), 5);
    let form = String::from_utf8_lossy(&seen[0].body).into_owned();
    assert!(form.contains(&format!("password={PASSWORD}")), "{form}");
    assert!(form.contains(&format!("verificationCode={CODE}")), "{form}");
    assert_eq!(seen[1].header("x-plex-token"), Some(TOKEN));
    assert_eq!(seen[2].header("x-plex-token"), Some(CALL_TOKEN));

    let text = logs.text();
    // The trace is there, with the span fields the issue asks for.
    for expected in [
        "operation=\"post-users-sign-in-data\"",
        "operation=\"getTokenDetails\"",
        "operation=\"getTransientToken\"",
        "method=POST",
        "path=\"/users/signin\"",
        "status=201",
        "status=200",
        "attempts=1",
        "elapsed_ms=",
        "call failed",
        "body does not decode at id",
        "status=500",
    ] {
        assert!(text.contains(expected), "no {expected} in:\n{text}");
    }
    assert_hidden("the trace", &text, &all_secrets());
}
