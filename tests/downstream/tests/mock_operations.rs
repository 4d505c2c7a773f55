//! Every operation stubbed with the generated mock helpers, through the public API only, as a
//! crate that depends on plex-auth-client with `features = ["mock"]` would write its tests.

use httpmock::MockServer;
use plex_auth_client::mock::{MockServerAsyncExt, MockServerExt};
use plex_auth_client::types::{
    SignInRequest, SourceConnection, SourceConnectionInformation, SourceContainer, SourceDevice,
    TransientToken, TransientTokenContainer, TransientTokenScope, TransientTokenType,
    UserPlexAccount,
};
use plex_auth_client::{
    ClientIdentity, ErrorKind, FlexBool, OneOrMany, PlexTvClient, PmsClient, Secret,
};
use serde_json::json;

const CLIENT_ID: &str = "downstream-test-installation";
const TOKEN: &str = "token-of-the-downstream-test";

fn identity() -> ClientIdentity {
    ClientIdentity::new(CLIENT_ID, "Downstream Test", "3.2.1")
        .platform("Linux")
        .device("CI")
}

fn plex_tv(server: &MockServer, token: Option<&str>) -> PlexTvClient {
    let builder = PlexTvClient::builder(identity()).base_url(server.base_url());
    match token {
        Some(token) => builder.token(token),
        None => builder,
    }
    .build()
    .expect("client builds")
}

fn pms(server: &MockServer) -> PmsClient {
    PmsClient::builder(server.base_url(), identity())
        .token(TOKEN)
        .build()
        .expect("client builds")
}

/// An account with the fields every real body carries, typed.
fn account(username: &str, auth_token: &str) -> UserPlexAccount {
    serde_json::from_value(json!({
        "id": 4242,
        "uuid": "0f1e2d3c4b5a6978",
        "username": username,
        "title": username,
        "email": format!("{username}@example.com"),
        "authToken": auth_token,
        "twoFactorEnabled": true,
    }))
    .expect("a valid account")
}

fn sign_in_request(code: Option<&str>) -> SignInRequest {
    let request = SignInRequest::new("someone@example.com", "pa ss&word=1").remember_me(true);
    match code {
        Some(code) => request.verification_code(code),
        None => request,
    }
}

#[tokio::test]
async fn get_token_details_returns_the_stubbed_account_and_sends_the_token() {
    let server = MockServer::start_async().await;
    let stubbed = account("downstream", "account-token");
    let mock = server
        .get_token_details_async(|when, then| {
            // The typed wrapper covers method and path; headers are checked on the inner When.
            when.into_inner()
                .header("x-plex-token", TOKEN)
                .header("x-plex-client-identifier", CLIENT_ID)
                .header("x-plex-product", "Downstream Test")
                .header("accept", "application/json");
            then.ok(&stubbed);
        })
        .await;

    let answer = plex_tv(&server, Some(TOKEN))
        .get_token_details()
        .await
        .expect("the stub answers");

    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.id, 4242);
    assert_eq!(answer.uuid, "0f1e2d3c4b5a6978");
    assert_eq!(answer.username, "downstream");
    assert_eq!(answer.email, "downstream@example.com");
    assert_eq!(answer.auth_token.expose(), "account-token");
    assert_eq!(answer.two_factor_enabled, Some(true));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_token_details_error_stub_gives_invalid_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .get_token_details_async(|_, then| {
            then.unauthorized(json!({"errors": [
                {"code": 1001, "message": "User could not be authenticated", "status": 401}
            ]}));
        })
        .await;

    let error = plex_tv(&server, Some(TOKEN))
        .get_token_details()
        .await
        .expect_err("the stub refuses");

    assert_eq!(error.kind(), ErrorKind::InvalidToken);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.plex_errors()[0].code, Some(1001));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_transient_token_matches_type_and_scope() {
    let server = MockServer::start_async().await;
    let stubbed = TransientToken {
        media_container: TransientTokenContainer {
            size: Some(0),
            token: Secret::new("transient-0a1b2c3d"),
        },
    };
    let mock = server
        .get_transient_token_async(|when, then| {
            let when = when
                .type_(TransientTokenType::Delegation)
                .scope(TransientTokenScope::All);
            when.into_inner().header("x-plex-token", TOKEN);
            then.ok(&stubbed);
        })
        .await;

    let answer = pms(&server)
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await
        .expect("the stub answers");

    assert_eq!(answer.media_container.token.expose(), "transient-0a1b2c3d");
    assert_eq!(answer.media_container.size, Some(0));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_source_connection_information_matches_the_source() {
    let server = MockServer::start_async().await;
    let connection = |address: &str, local: bool| SourceConnection {
        address: Some(address.into()),
        local: Some(FlexBool(local)),
        port: Some(32400),
        protocol: Some("https".into()),
        relay: None,
        uri: format!("https://{address}:32400"),
    };
    let stubbed = SourceConnectionInformation {
        media_container: SourceContainer {
            size: Some(1),
            device: Some(OneOrMany(vec![SourceDevice {
                name: "Living Room".into(),
                client_identifier: "abc123".into(),
                access_token: Some(Secret::new("transient-for-source")),
                connection: Some(OneOrMany(vec![
                    connection("10.0.0.2", true),
                    connection("203.0.113.9", false),
                ])),
            }])),
        },
    };
    let mock = server
        .get_source_connection_information_async(|when, then| {
            when.source("server://abc123")
                .into_inner()
                .header("x-plex-token", TOKEN);
            then.ok(&stubbed);
        })
        .await;

    let answer = pms(&server)
        .get_source_connection_information("server://abc123")
        .await
        .expect("the stub answers");

    let devices = answer.media_container.device.as_ref().expect("a device");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].name, "Living Room");
    assert_eq!(devices[0].client_identifier, "abc123");
    assert_eq!(
        devices[0].access_token.as_ref().map(Secret::expose),
        Some("transient-for-source")
    );
    let connections = devices[0].connection.as_ref().expect("connections");
    let uris: Vec<&str> = connections.iter().map(|c| c.uri.as_str()).collect();
    assert_eq!(
        uris,
        ["https://10.0.0.2:32400", "https://203.0.113.9:32400"]
    );
    assert_eq!(connections[0].local.map(FlexBool::get), Some(true));
    assert_eq!(connections[1].local.map(FlexBool::get), Some(false));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_source_connection_information_for_another_source_does_not_match() {
    let server = MockServer::start_async().await;
    let mock = server
        .get_source_connection_information_async(|when, then| {
            when.source("server://abc123");
            then.ok(&SourceConnectionInformation {
                media_container: SourceContainer::default(),
            });
        })
        .await;

    let error = pms(&server)
        .get_source_connection_information("server://other")
        .await
        .expect_err("no stub for this source");

    // httpmock answers 404 when no mock matches.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn sign_in_with_two_factor_round_matches_the_form_fields() {
    let server = MockServer::start_async().await;
    let without_code = server
        .post_users_sign_in_data_async(|when, then| {
            when.body(&sign_in_request(None));
            then.unauthorized(json!({"errors": [
                {"code": 1029, "message": "Please enter the verification code", "status": 401}
            ]}));
        })
        .await;
    let with_code = server
        .post_users_sign_in_data_async(|when, then| {
            when.body(&sign_in_request(Some("123456")));
            then.created(&account("someone", "token-after-2fa"));
        })
        .await;
    let client = plex_tv(&server, None);

    let mut request = sign_in_request(None);
    let error = client
        .post_users_sign_in_data(&request)
        .await
        .expect_err("the first answer asks for the code");
    assert_eq!(error.kind(), ErrorKind::VerificationCodeRequired);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));

    request.verification_code = Some(Secret::new("123456"));
    let answer = client
        .post_users_sign_in_data(&request)
        .await
        .expect("the second answer signs in");

    assert_eq!(answer.status().as_u16(), 201);
    assert_eq!(answer.username, "someone");
    assert_eq!(answer.auth_token.expose(), "token-after-2fa");
    without_code.assert_calls_async(1).await;
    with_code.assert_calls_async(1).await;
}

#[tokio::test]
async fn sign_in_matcher_refuses_other_fields_or_values() {
    let server = MockServer::start_async().await;
    let mock = server
        .post_users_sign_in_data_async(|when, then| {
            when.body(&sign_in_request(None));
            then.created(&account("someone", "never-sent"));
        })
        .await;
    let client = plex_tv(&server, None);

    // Another password.
    let mut wrong_password = sign_in_request(None);
    wrong_password.password = Secret::new("another password");
    // An extra field the expected value does not have.
    let extra_field = sign_in_request(Some("654321"));
    // A field missing.
    let mut missing_field = sign_in_request(None);
    missing_field.remember_me = None;
    for request in [wrong_password, extra_field, missing_field] {
        let error = client
            .post_users_sign_in_data(&request)
            .await
            .expect_err("the mock must not match");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    }
    mock.assert_calls_async(0).await;
}

/// Why the generator rewrites the body matcher: progenitor's own one (`json_body_obj`) never
/// matches the form body the client sends.
#[tokio::test]
async fn a_json_body_matcher_never_matches_sign_in() {
    let server = MockServer::start_async().await;
    let request = sign_in_request(None);
    let json_matcher = server
        .post_users_sign_in_data_async(|when, then| {
            when.into_inner().json_body_obj(&request);
            then.created(&account("someone", "never-sent"));
        })
        .await;

    let error = plex_tv(&server, None)
        .post_users_sign_in_data(&request)
        .await
        .expect_err("a JSON matcher cannot match a form body");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    json_matcher.assert_calls_async(0).await;
}

/// The blocking helpers, for tests that do not run inside an async runtime: httpmock's calls
/// are made outside the runtime that drives the client.
#[test]
fn blocking_helpers_work_outside_a_runtime() {
    let server = MockServer::start();
    let mock = server.post_users_sign_in_data(|when, then| {
        when.body(&sign_in_request(Some("000111")));
        then.created(&account("blocking", "blocking-token"));
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let answer = runtime
        .block_on(plex_tv(&server, None).post_users_sign_in_data(&sign_in_request(Some("000111"))))
        .expect("the stub answers");

    assert_eq!(answer.auth_token.expose(), "blocking-token");
    mock.assert_calls(1);
}

/// A PIN as plex.tv answers it, typed.
fn pin(auth_token: Option<&str>) -> plex_auth_client::types::Pin {
    serde_json::from_value(json!({
        "id": 77,
        "code": "WXYZ",
        "expiresIn": 900,
        "authToken": auth_token,
    }))
    .expect("a valid PIN")
}

#[tokio::test]
async fn the_pin_flow_runs_against_its_mocks() {
    let server = MockServer::start_async().await;
    let created = server
        .get_pin_async(|when, then| {
            when.strong(None);
            then.created(&pin(None));
        })
        .await;
    let polled = server
        .get_token_by_pin_id_async(|when, then| {
            when.pin_id(77)
                .into_inner()
                .header("x-plex-client-identifier", CLIENT_ID);
            then.ok(&pin(Some("linked-token")));
        })
        .await;
    let plex = plex_tv(&server, None);
    let pending = plex
        .create_pin(plex_auth_client::PinKind::Short)
        .await
        .unwrap();
    assert_eq!(pending.code(), "WXYZ");
    let token = plex
        .wait_for_token(&pending, plex_auth_client::PinPolling::default())
        .await
        .unwrap();
    assert_eq!(token.expose(), "linked-token");
    created.assert_calls_async(1).await;
    polled.assert_calls_async(1).await;
}

#[tokio::test]
async fn link_pin_is_matched_on_its_form_field() {
    use plex_auth_client::types::LinkPinRequest;

    let server = MockServer::start_async().await;
    let linked = server
        .link_pin_async(|when, then| {
            when.body(&LinkPinRequest::new("ABCD"))
                .into_inner()
                .header("x-plex-token", TOKEN);
            then.no_content();
        })
        .await;
    let plex = plex_tv(&server, Some(TOKEN));
    let done = plex.link_pin(&LinkPinRequest::new("ABCD")).await.unwrap();
    assert_eq!(done.status().as_u16(), 204);
    // Another code does not match the mock: httpmock answers 404, an error.
    let error = plex
        .link_pin(&LinkPinRequest::new("EFGH"))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    linked.assert_calls_async(1).await;
}

#[tokio::test]
async fn switch_home_user_stubs_the_pin_round() {
    let server = MockServer::start_async().await;
    let profile = account("kid", "profile-token");
    // Without the PIN: 403, code 1041.
    let refused = server
        .switch_home_user_async(|when, then| {
            when.uuid("0f1e2d3c4b5a6978").pin(None);
            then.forbidden(json!({"errors": [
                {"code": 1041, "message": "A valid PIN is required to perform this action", "status": 403}
            ]}));
        })
        .await;
    let accepted = server
        .switch_home_user_async(|when, then| {
            when.uuid("0f1e2d3c4b5a6978").pin("0373");
            then.created(&profile);
        })
        .await;
    let plex = plex_tv(&server, Some(TOKEN));

    let error = plex
        .switch_home_user("0f1e2d3c4b5a6978", None)
        .await
        .expect_err("the profile is protected");
    let answer = plex
        .switch_home_user("0f1e2d3c4b5a6978", Some("0373"))
        .await
        .expect("the PIN is right");

    assert_eq!(error.kind(), ErrorKind::HomePinRequired);
    assert_eq!(answer.status().as_u16(), 201);
    assert_eq!(answer.auth_token.expose(), "profile-token");
    refused.assert_calls_async(1).await;
    accepted.assert_calls_async(1).await;
}

#[tokio::test]
async fn ping_token_sends_the_token_and_reads_pong() {
    let server = MockServer::start_async().await;
    let stubbed: plex_auth_client::types::Pong =
        serde_json::from_value(json!({"pong": true})).expect("a valid pong");
    let mock = server
        .ping_token_async(|when, then| {
            when.into_inner().header("x-plex-token", TOKEN);
            then.ok(&stubbed);
        })
        .await;

    let answer = plex_tv(&server, Some(TOKEN))
        .ping_token()
        .await
        .expect("the stub answers");

    assert!(answer.pong.get());
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_server_identity_is_asked_without_a_token() {
    let server = MockServer::start_async().await;
    let stubbed: plex_auth_client::types::ServerIdentity = serde_json::from_value(json!({
        "MediaContainer": {"size": 0, "claimed": true, "machineIdentifier": "machine-0a1b"}
    }))
    .expect("a valid identity");
    let mock = server
        .get_server_identity_async(|when, then| {
            // The identity proves a server before its token is sent: none may travel here.
            when.into_inner().header_missing("x-plex-token");
            then.ok(&stubbed);
        })
        .await;

    let answer = pms(&server)
        .get_server_identity()
        .await
        .expect("the stub answers");

    assert_eq!(answer.media_container.machine_identifier, "machine-0a1b");
    assert_eq!(
        answer.media_container.claimed.map(|claimed| claimed.get()),
        Some(true)
    );
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_server_resources_matches_its_flags() {
    use plex_auth_client::types::{GetServerResourcesOptions, PlexDevice, QueryFlag};

    let server = MockServer::start_async().await;
    let device: PlexDevice = serde_json::from_value(json!({
        "name": "Box",
        "clientIdentifier": "machine-0a1b",
        "provides": "server",
        "accessToken": "device-token",
        "connections": [{
            "protocol": "https",
            "address": "10.0.0.2",
            "port": 32400,
            "uri": "https://10-0-0-2.0a1b.plex.direct:32400",
            "local": true,
            "relay": false,
        }],
    }))
    .expect("a valid device");
    let mock = server
        .get_server_resources_async(|when, then| {
            when.include_https(QueryFlag::ON)
                .include_relay(QueryFlag::OFF)
                .include_ipv6(None)
                .into_inner()
                .header("x-plex-token", TOKEN);
            then.ok(&vec![device]);
        })
        .await;

    let options = GetServerResourcesOptions::new()
        .include_https(QueryFlag::ON)
        .include_relay(QueryFlag::OFF);
    let devices = plex_tv(&server, Some(TOKEN))
        .get_server_resources(options)
        .await
        .expect("the stub answers");

    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].name, "Box");
    assert_eq!(
        devices[0].access_token.as_ref().map(Secret::expose),
        Some("device-token")
    );
    assert_eq!(devices[0].connections[0].port, Some(32400));
    mock.assert_calls_async(1).await;
}
