//! Every recorded exchange, replayed from a loopback server: what the client sent, and what it
//! made of the answer.

mod support;

use plex_auth_client::types::{SignInRequest, TransientTokenScope, TransientTokenType};
use plex_auth_client::{Error, ErrorKind, Secret};
use support::Replay;

const SOURCE: &str = "server://243b471948ace337a8f92f129ec97d1902fcb1df";

fn sign_in_request(code: Option<&str>) -> SignInRequest {
    SignInRequest {
        login: "username@email.com".into(),
        password: Secret::new("password123"),
        remember_me: None,
        verification_code: code.map(Secret::new),
    }
}

/// Asserts an API error's kind, status and first Plex code.
fn assert_api_error(error: &Error, kind: ErrorKind, status: u16, code: Option<i64>) {
    assert_eq!(error.kind(), kind, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error}");
    let api = error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"));
    assert_eq!(api.code(), code, "{error}");
}

// ---- getTokenDetails ----

#[tokio::test]
async fn token_details_free_account_decodes_every_field() {
    let replay = Replay::start("get-token-details-200-free-account").await;
    let response = replay.plex_tv().get_token_details().await.expect("decodes");
    replay.verify().await;
    assert_eq!(response.status().as_u16(), 200);
    let account = response.into_inner();
    assert_eq!(account.id, 12345);
    assert_eq!(account.uuid, "212acf24b07315e5");
    assert_eq!(account.username, "user@example.com");
    assert_eq!(account.email, "user@example.com");
    assert_eq!(account.auth_token.expose(), "auth_token");
    assert_eq!(account.locale, None);
    assert_eq!(account.joined_at, Some(1339124759));
    assert_eq!(account.remember_expires_at, Some(1642415212));
    assert_eq!(account.mailing_list_status.as_deref(), Some("unsubscribed"));
    assert_eq!(account.country.as_deref(), Some("GB"));
    assert_eq!(account.max_home_size, Some(15));
    assert_eq!(account.two_factor_enabled, Some(false));
    let subscription = account.subscription.expect("subscription");
    assert_eq!(subscription.status.as_deref(), Some("Inactive"));
    assert_eq!(subscription.active, Some(false));
    assert_eq!(subscription.features.len(), 47);
    assert_eq!(subscription.features[0], "home");
    let profile = account.profile.expect("profile");
    assert_eq!(profile.auto_select_subtitle, Some(1));
    assert_eq!(profile.default_audio_language, None);
    // Absent in older accounts: must decode as None.
    assert_eq!(profile.watched_indicator, None);
    assert_eq!(account.services.len(), 16);
    let icons = &account.services[4];
    assert_eq!(icons.identifier, "eyeq-channel-icons");
    assert!(icons.token.is_none() && icons.secret.is_none());
    let lyricfind = &account.services[13];
    assert_eq!(lyricfind.identifier, "lyricfind");
    assert_eq!(
        lyricfind.secret.as_ref().map(Secret::expose),
        Some("secret6")
    );
    assert_eq!(lyricfind.token.as_ref().map(Secret::expose), Some("token6"));
}

#[tokio::test]
async fn token_details_plexpass_account_decodes_subscriptions_and_roles() {
    let replay = Replay::start("get-token-details-200-plexpass-account").await;
    let account = replay
        .plex_tv()
        .get_token_details()
        .await
        .expect("decodes")
        .into_inner();
    replay.verify().await;
    assert_eq!(account.pin.as_deref(), Some("<pin>"));
    assert_eq!(account.roles, vec!["plexpass".to_string()]);
    assert_eq!(
        account.subscription_description.as_deref(),
        Some("Lifetime Plex Pass")
    );
    assert_eq!(account.two_factor_enabled, Some(true));
    assert_eq!(account.ads_consent, Some(true));
    let subscription = account.subscription.expect("subscription");
    assert_eq!(subscription.plan.as_deref(), Some("lifetime"));
    assert_eq!(
        subscription.subscribed_at.as_deref(),
        Some("2021-10-01T01:02:03Z")
    );
    assert_eq!(account.subscriptions.len(), 1);
    assert_eq!(account.subscriptions[0].mode.as_deref(), Some("lifetime"));
    assert_eq!(account.subscriptions[0].state.as_deref(), Some("active"));
    assert_eq!(account.subscriptions[0].id, None);
    let profile = account.profile.expect("profile");
    assert_eq!(profile.watched_indicator, Some(1));
    assert_eq!(profile.default_audio_languages, None);
    assert_eq!(profile.default_audio_language.as_deref(), Some("en"));
    assert_eq!(account.entitlements.len(), 8);
}

#[tokio::test]
async fn token_details_managed_user_decodes_empty_and_null_fields() {
    let replay = Replay::start("get-token-details-200-managed-user").await;
    let account = replay
        .plex_tv()
        .get_token_details()
        .await
        .expect("decodes")
        .into_inner();
    replay.verify().await;
    assert_eq!(account.id, 98765);
    assert_eq!(account.username, "");
    assert_eq!(account.email, "");
    assert_eq!(account.title, "Kids");
    assert_eq!(account.mailing_list_status, None);
    assert_eq!(account.remember_expires_at, None);
    assert_eq!(account.subscription_description, None);
    assert_eq!(account.restricted, Some(true));
    assert!(account.services.is_empty() && account.entitlements.is_empty());
    // An enum Plex extends stays open.
    let subscription = account.subscription.expect("subscription");
    assert_eq!(subscription.status.as_deref(), Some("PendingCancellation"));
    // Profile integers go up to 3, not just 0 or 1.
    assert_eq!(
        account.profile.expect("profile").auto_select_subtitle,
        Some(3)
    );
    assert_eq!(account.auth_token.expose(), "managed_auth_token");
}

#[tokio::test]
async fn token_details_401_json_is_an_invalid_token() {
    let replay = Replay::start("get-token-details-401-1001-json").await;
    let error = replay.plex_tv().get_token_details().await.expect_err("401");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::InvalidToken, 401, Some(1001));
    assert_eq!(
        error.plex_errors()[0].message.as_deref(),
        Some("User could not be authenticated")
    );
}

#[tokio::test]
async fn token_details_422_text_xml_is_an_invalid_token() {
    let replay = Replay::start("get-token-details-422-invalid-token-xml").await;
    let error = replay.plex_tv().get_token_details().await.expect_err("422");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::InvalidToken, 422, None);
    assert_eq!(
        error.plex_errors()[0].message.as_deref(),
        Some("Invalid token")
    );
    assert!(error.to_string().contains("Invalid token"), "{error}");
}

#[tokio::test]
async fn token_details_400_1000_is_client_identifier_missing() {
    let replay = Replay::start("get-token-details-400-1000-json").await;
    let error = replay.plex_tv().get_token_details().await.expect_err("400");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::ClientIdentifierMissing, 400, Some(1000));
}

// ---- post-users-sign-in-data ----

#[tokio::test]
async fn sign_in_201_sends_the_form_without_a_token() {
    let replay = Replay::start("sign-in-201").await;
    let response = replay
        .plex_tv()
        .post_users_sign_in_data(&sign_in_request(None))
        .await
        .expect("signed in");
    replay.verify().await;
    assert_eq!(response.status().as_u16(), 201);
    let account = response.into_inner();
    assert_eq!(account.auth_token.expose(), "jx9nTbVbHk1gM");
    assert_eq!(account.id, 62735028);
    assert_eq!(account.username, "ZjFvKLCb");
    assert_eq!(account.anonymous, Some(false));
    assert_eq!(account.attribution_partner, None);
    assert_eq!(account.past_subscriptions.len(), 1);
    let past = &account.past_subscriptions[0];
    assert_eq!(past.ends_at, Some(1556281940));
    assert_eq!(past.state.as_deref(), Some("ended"));
    assert_eq!(past.type_.as_deref(), Some("plexpass"));
    assert_eq!(account.services.len(), 20);
    assert!(account.services[0].secret.is_none());
    assert_eq!(
        account.services[0].token.as_ref().map(Secret::expose),
        Some("d2h7zUjKgT5oLwQ3cQ6d")
    );
}

#[tokio::test]
async fn sign_in_with_verification_code_sends_it_in_the_form() {
    let replay = Replay::start("sign-in-201-with-code").await;
    let account = replay
        .plex_tv()
        .post_users_sign_in_data(&sign_in_request(Some("123456")))
        .await
        .expect("signed in")
        .into_inner();
    replay.verify().await;
    assert_eq!(account.uuid, "b9h6f3c8k1");
}

#[tokio::test]
async fn sign_in_1029_asks_for_the_verification_code() {
    let replay = Replay::start("sign-in-401-1029-verification-code-xml").await;
    let error = replay
        .plex_tv()
        .post_users_sign_in_data(&sign_in_request(None))
        .await
        .expect_err("2FA");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::VerificationCodeRequired, 401, Some(1029));
    assert_eq!(
        error.plex_errors()[0].message.as_deref(),
        Some("Please enter the verification code")
    );
}

#[tokio::test]
async fn sign_in_1031_is_a_lockout() {
    let replay = Replay::start("sign-in-401-1031-locked-out-xml").await;
    let error = replay
        .plex_tv()
        .post_users_sign_in_data(&sign_in_request(None))
        .await
        .expect_err("locked out");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::LockedOut, 401, Some(1031));
}

#[tokio::test]
async fn sign_in_429_is_rate_limited_and_sent_once() {
    let replay = Replay::start("sign-in-429-1003-rate-limited-xml").await;
    let error = replay
        .plex_tv()
        .post_users_sign_in_data(&sign_in_request(None))
        .await
        .expect_err("rate limited");
    // verify() asserts the server saw exactly one request: the default policy does not retry.
    replay.verify().await;
    assert_api_error(&error, ErrorKind::RateLimited, 429, Some(1003));
    assert_eq!(error.retry_after(), None, "no Retry-After was sent");
}

#[tokio::test]
async fn sign_in_1001_is_wrong_credentials() {
    let replay = Replay::start("sign-in-401-1001-json").await;
    let error = replay
        .plex_tv()
        .post_users_sign_in_data(&sign_in_request(None))
        .await
        .expect_err("wrong password");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::InvalidCredentials, 401, Some(1001));
    assert!(!error.to_string().contains("password123"), "{error}");
}

#[tokio::test]
async fn sign_in_1000_is_client_identifier_missing() {
    let replay = Replay::start("sign-in-400-1000-json").await;
    let error = replay
        .plex_tv()
        .post_users_sign_in_data(&sign_in_request(None))
        .await
        .expect_err("400");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::ClientIdentifierMissing, 400, Some(1000));
    assert!(
        error
            .to_string()
            .contains("X-Plex-Client-Identifier is missing")
    );
}

// ---- getTransientToken ----

#[tokio::test]
async fn transient_token_json_is_typed() {
    let replay = Replay::start("transient-token-200-json").await;
    let token = replay
        .pms()
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .expect("decodes")
        .into_inner();
    replay.verify().await;
    assert_eq!(
        token.media_container.token.expose(),
        "transient-90904684-f91a-4391-8bf7-e0dfa7240285"
    );
    assert_eq!(token.media_container.size, Some(0));
}

#[tokio::test]
async fn transient_token_xml_body_is_a_decode_error_with_status() {
    let replay = Replay::start("transient-token-200-xml").await;
    let error = replay
        .pms()
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .expect_err("XML is not the declared JSON");
    replay.verify().await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.operation, "getTransientToken");
    assert!(
        decode.body.starts_with("<MediaContainer"),
        "{}",
        decode.body
    );
}

#[tokio::test]
async fn transient_token_401_html_is_unauthorized() {
    let replay = Replay::start("transient-token-401-html").await;
    let error = replay
        .pms()
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .expect_err("401");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::Unauthorized, 401, None);
    assert!(error.to_string().contains("401 Unauthorized"), "{error}");
}

#[tokio::test]
async fn transient_token_400_html_keeps_status_and_heading() {
    let replay = Replay::start("transient-token-400-html").await;
    let error = replay
        .pms()
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .expect_err("400");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::Http, 400, None);
    assert!(error.to_string().contains("400 Bad Request"), "{error}");
    assert!(
        error
            .api()
            .expect("api")
            .body
            .contains("<h1>400 Bad Request</h1>")
    );
}

// ---- getSourceConnectionInformation ----

#[tokio::test]
async fn resources_list_form_decodes_devices_and_connections() {
    let replay = Replay::start("resources-200-json-list").await;
    let info = replay
        .pms()
        .get_source_connection_information(SOURCE)
        .await
        .expect("decodes")
        .into_inner();
    replay.verify().await;
    let devices = info.media_container.device.expect("devices");
    assert_eq!(devices.len(), 1);
    let device = &devices[0];
    assert_eq!(device.name, "PlexCorp (plex-corp)");
    assert_eq!(
        device.client_identifier,
        "243b471948ace337a8f92f129ec97d1902fcb1df"
    );
    assert_eq!(
        device.access_token.as_ref().map(Secret::expose),
        Some("transient-fa75f159-b9d2-42b6-8fbd-1761c7a4195a")
    );
    let connections = device.connection.as_ref().expect("connections");
    let ports: Vec<Option<i64>> = connections.iter().map(|c| c.port).collect();
    assert_eq!(ports, vec![Some(32400), Some(32403), Some(8443)]);
    let local: Vec<bool> = connections
        .iter()
        .map(|c| c.local.expect("local").get())
        .collect();
    assert_eq!(local, vec![true, false, false]);
    assert_eq!(connections[2].relay.map(|r| r.get()), Some(true));
    assert_eq!(connections[0].relay, None);
    assert_eq!(connections[1].address.as_deref(), Some("64.71.188.222"));
}

#[tokio::test]
async fn resources_single_object_form_decodes_like_the_list_form() {
    let list = Replay::start("resources-200-json-list").await;
    let single = Replay::start("resources-200-json-single").await;
    let from_list = list
        .pms()
        .get_source_connection_information(SOURCE)
        .await
        .expect("list");
    let from_single = single
        .pms()
        .get_source_connection_information(SOURCE)
        .await
        .expect("single");
    single.verify().await;
    let devices = from_single.media_container.device.clone().expect("devices");
    assert_eq!(devices.len(), 1);
    assert_eq!(
        from_list.media_container.device, from_single.media_container.device,
        "an object and a one-element list mean the same"
    );
}

#[tokio::test]
async fn resources_string_flags_and_single_connection_decode() {
    let replay = Replay::start("resources-200-json-strings").await;
    let info = replay
        .pms()
        .get_source_connection_information(SOURCE)
        .await
        .expect("decodes")
        .into_inner();
    replay.verify().await;
    let devices = info.media_container.device.expect("devices");
    let connections = devices[0].connection.as_ref().expect("connection");
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0].local.map(|l| l.get()), Some(true));
    assert_eq!(connections[0].protocol.as_deref(), Some("https"));
}

#[tokio::test]
async fn resources_xml_body_is_a_decode_error_with_status() {
    let replay = Replay::start("resources-200-xml").await;
    let error = replay
        .pms()
        .get_source_connection_information(SOURCE)
        .await
        .expect_err("XML");
    replay.verify().await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(
        error.to_string().contains("getSourceConnectionInformation"),
        "{error}"
    );
}

#[tokio::test]
async fn resources_401_html_is_unauthorized() {
    let replay = Replay::start("resources-401-html").await;
    let error = replay
        .pms()
        .get_source_connection_information(SOURCE)
        .await
        .expect_err("401");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::Unauthorized, 401, None);
}

#[tokio::test]
async fn resources_400_html_keeps_status() {
    let replay = Replay::start("resources-400-html").await;
    let error = replay
        .pms()
        .get_source_connection_information(SOURCE)
        .await
        .expect_err("400");
    replay.verify().await;
    assert_api_error(&error, ErrorKind::Http, 400, None);
}

// ---- the fixture set itself ----

#[test]
fn recorded_bodies_are_byte_for_byte_copies() {
    let recorded = support::recorded_dir();
    assert!(
        recorded.is_dir(),
        "the recorded set must sit beside the repository at {}",
        recorded.display()
    );
    let mut checked = 0;
    for exchange in support::all() {
        if let Some(source) = &exchange.header.recorded {
            let original = std::fs::read(recorded.join(source)).expect("recorded file");
            assert_eq!(
                exchange.body, original,
                "{} differs from {source}",
                exchange.name
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 18);
}

#[test]
fn every_recorded_body_is_used_by_an_exchange() {
    let used: std::collections::BTreeSet<String> = support::all()
        .into_iter()
        .filter_map(|exchange| exchange.header.recorded)
        .collect();
    let mut available: Vec<String> = std::fs::read_dir(support::recorded_dir())
        .expect("recorded set")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("name")
        })
        .filter(|name| name != "PROVENANCE.md")
        .collect();
    available.sort();
    let unused: Vec<&String> = available
        .iter()
        .filter(|name| !used.contains(*name))
        .collect();
    assert!(
        unused.is_empty(),
        "recorded bodies without an exchange: {unused:?}"
    );
    assert_eq!(available.len(), 13);
}

/// Replays every exchange through the operation it names: a success decodes, a failure keeps
/// the status it was answered with. Nothing panics.
#[tokio::test]
async fn every_exchange_ends_in_a_value_or_an_error_with_its_status() {
    let exchanges = support::all();
    assert_eq!(exchanges.len(), 23);
    for exchange in exchanges {
        let name = exchange.name.clone();
        let status = exchange.header.response.status;
        let operation = exchange.header.operation.clone();
        let with_code = exchange
            .header
            .request
            .form
            .contains_key("verificationCode");
        let replay = Replay::serve(exchange).await;
        let outcome: Result<u16, Error> = match operation.as_str() {
            "getTokenDetails" => replay
                .plex_tv()
                .get_token_details()
                .await
                .map(|r| r.status().as_u16()),
            "post-users-sign-in-data" => replay
                .plex_tv()
                .post_users_sign_in_data(&sign_in_request(with_code.then_some("123456")))
                .await
                .map(|r| r.status().as_u16()),
            "getTransientToken" => replay
                .pms()
                .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
                .await
                .map(|r| r.status().as_u16()),
            "getSourceConnectionInformation" => replay
                .pms()
                .get_source_connection_information(SOURCE)
                .await
                .map(|r| r.status().as_u16()),
            other => panic!("{name}: unknown operation {other}"),
        };
        replay.verify().await;
        match outcome {
            Ok(seen) => assert_eq!(seen, status, "{name}"),
            Err(error) => assert_eq!(
                error.status().map(|s| s.as_u16()),
                Some(status),
                "{name}: {error}"
            ),
        }
    }
}
