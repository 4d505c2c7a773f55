//! The JWT and account operations stubbed with the generated mock helpers, through the public
//! API only: device key registration, nonce, exchange, keys, the PIN to a JWT, sign-out,
//! password change, Home profiles, server access tokens, features and the claim token.

use httpmock::MockServer;
use plex_auth_client::mock::MockServerAsyncExt;
use plex_auth_client::types::{
    AuthKeys, AuthNonce, ChangePasswordRequest, ClaimToken, DeviceJwkRegistration, HomeUsers,
    JwtExchangeRequest, JwtPinRequest, Pin,
};
use plex_auth_client::{
    ClientIdentity, ClientsPlexTvClient, DeviceKey, ErrorKind, ExchangedToken, PlexTvClient,
    PlexTvV1Client, Secret,
};
use serde_json::json;

const TOKEN: &str = "token-of-the-downstream-test";

fn identity() -> ClientIdentity {
    ClientIdentity::new("downstream-test-installation", "Downstream Test", "3.2.1")
}

fn clients(server: &MockServer) -> ClientsPlexTvClient {
    ClientsPlexTvClient::builder(identity())
        .base_url(server.base_url())
        .token(TOKEN)
        .build()
        .expect("client builds")
}

fn plex_tv(server: &MockServer) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(server.base_url())
        .token(TOKEN)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn a_device_key_is_registered_then_refused_as_taken() {
    let server = MockServer::start_async().await;
    let key = DeviceKey::generate().unwrap();
    let registration = DeviceJwkRegistration::new(key.public_jwk());
    let registered = server
        .register_device_jwk_async(|when, then| {
            when.body(&registration)
                .into_inner()
                .header("x-plex-token", TOKEN);
            then.created();
        })
        .await;
    let answer = clients(&server)
        .register_device_jwk(&registration)
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201);
    registered.assert_calls_async(1).await;
    registered.delete_async().await;

    let taken = server
        .register_device_jwk_async(|_, then| {
            then.unprocessable_entity(json!({"errors": [
                {"message": "Thumbprint has already been taken", "status": 422}
            ]}));
        })
        .await;
    let error = clients(&server)
        .register_device_jwk(&registration)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ThumbprintTaken);
    taken.assert_calls_async(1).await;
}

#[tokio::test]
async fn nonce_exchange_and_keys_are_stubbed_with_their_types() {
    let server = MockServer::start_async().await;
    let nonce = server
        .get_auth_nonce_async(|_, then| {
            then.ok(&AuthNonce {
                nonce: Secret::new("nonce-1"),
            });
        })
        .await;
    let request = JwtExchangeRequest::new(Secret::new("device.jwt.signed"));
    let exchanged = server
        .exchange_jwt_token_async(|when, then| {
            when.body(&request);
            then.ok(&ExchangedToken {
                auth_token: Secret::new("plex.tv.jwt"),
            });
        })
        .await;
    let key = DeviceKey::generate().unwrap();
    let keys = server
        .get_auth_keys_async(|_, then| {
            then.ok(&AuthKeys {
                keys: vec![key.public_jwk()],
            });
        })
        .await;
    let client = clients(&server);

    assert_eq!(
        client.get_auth_nonce().await.unwrap().nonce.expose(),
        "nonce-1"
    );
    let answer = client.exchange_jwt_token(&request).await.unwrap();
    assert_eq!(answer.auth_token.expose(), "plex.tv.jwt");
    let listed = client.get_auth_keys().await.unwrap().into_inner().keys;
    assert_eq!(listed, vec![key.public_jwk()]);
    nonce.assert_calls_async(1).await;
    exchanged.assert_calls_async(1).await;
    keys.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_pin_with_a_key_is_created_and_polled_with_a_device_jwt() {
    let server = MockServer::start_async().await;
    let key = DeviceKey::generate().unwrap();
    let request = JwtPinRequest::new(key.public_jwk()).strong(true);
    let pin = |token: Option<&str>| -> Pin {
        serde_json::from_value(json!({"id": 5, "code": "long-code", "authToken": token})).unwrap()
    };
    let created = server
        .get_jwt_pin_async(|when, then| {
            when.body(&request);
            then.created(&pin(None));
        })
        .await;
    let polled = server
        .get_jwt_by_pin_id_async(|when, then| {
            when.pin_id(5).device_jwt("device.jwt.signed");
            then.ok(&pin(Some("plex.tv.jwt")));
        })
        .await;
    let client = clients(&server);
    let new = client.get_jwt_pin(&request).await.unwrap();
    assert_eq!(new.code.expose(), "long-code");
    let linked = client
        .get_jwt_by_pin_id(5, "device.jwt.signed")
        .await
        .unwrap();
    assert_eq!(linked.auth_token.as_ref().unwrap().expose(), "plex.tv.jwt");
    created.assert_calls_async(1).await;
    polled.assert_calls_async(1).await;
}

#[tokio::test]
async fn sign_out_and_an_expired_token_on_it() {
    let server = MockServer::start_async().await;
    let signed_out = server
        .sign_out_async(|when, then| {
            when.into_inner().header("x-plex-token", TOKEN);
            then.no_content();
        })
        .await;
    plex_tv(&server).sign_out().await.unwrap();
    signed_out.assert_calls_async(1).await;
    signed_out.delete_async().await;

    // 498 has no reason phrase: its answer method is named after the number.
    let expired = server
        .sign_out_async(|_, then| {
            then.status_498(json!({"errors": [{"message": "Token expired", "status": 498}]}));
        })
        .await;
    let error = plex_tv(&server).sign_out().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    expired.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_password_change_is_matched_on_its_form_fields() {
    let server = MockServer::start_async().await;
    let request =
        ChangePasswordRequest::new(Secret::new("old pass&word"), Secret::new("new=password"));
    let changed = server
        .change_password_async(|when, then| {
            when.body(&request);
            then.no_content();
        })
        .await;
    plex_tv(&server).change_password(&request).await.unwrap();
    changed.assert_calls_async(1).await;
}

#[tokio::test]
async fn home_users_access_tokens_features_and_claim_token() {
    let server = MockServer::start_async().await;
    let home: HomeUsers = serde_json::from_value(json!({
        "users": [{"id": 1, "uuid": "u-1", "title": "Kid", "protected": true, "admin": false}]
    }))
    .unwrap();
    let homed = server
        .get_home_users_async(|_, then| {
            then.ok(&home);
        })
        .await;
    let tokens = server
        .get_server_access_tokens_async(|_, then| {
            let listed = serde_json::from_value(json!([{"type": "server", "token": "t-1"}]));
            then.ok(&listed.unwrap());
        })
        .await;
    let features = server
        .get_features_async(|_, then| {
            then.ok(&json!([{"id": "webhooks"}]));
        })
        .await;
    let claimed = server
        .get_claim_token_async(|_, then| {
            then.ok(&ClaimToken {
                token: Secret::new("claim-123"),
            });
        })
        .await;
    let plex = plex_tv(&server);

    let users = plex.get_home_users().await.unwrap().into_inner().users;
    assert_eq!(users[0].uuid, "u-1");
    assert_eq!(users[0].protected, Some(true));
    let listed = plex.get_server_access_tokens().await.unwrap().into_inner();
    assert_eq!(listed[0].token.expose(), "t-1");
    assert_eq!(listed[0].type_.as_deref(), Some("server"));
    assert_eq!(
        plex.get_features().await.unwrap().into_inner(),
        json!([{"id": "webhooks"}])
    );
    let v1 = PlexTvV1Client::builder(identity())
        .base_url(server.base_url())
        .token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(
        v1.get_claim_token().await.unwrap().token.expose(),
        "claim-123"
    );
    homed.assert_calls_async(1).await;
    tokens.assert_calls_async(1).await;
    features.assert_calls_async(1).await;
    claimed.assert_calls_async(1).await;
}
