//! Every recorded exchange, replayed from a loopback server: the request the client sent, and
//! what it made of the answer (`plex-auth-client/fixtures/README.md`). The fixture set itself
//! is checked against its provenance.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::ops::Deref;
use std::str::FromStr;

use plex_auth_client::types::{
    ChangePasswordRequest, DeviceJwkRegistration, GetServerResourcesOptions, Jwk,
    JwtExchangeRequest, JwtPinRequest, LinkPinRequest, SignInRequest,
};
use plex_auth_client::{
    ClientsPlexTvClient, Error, PlexTvClient, PlexTvV1Client, PmsClient, Secret,
};
use plex_auth_tests::harness::{self, Exchange, Expectation, Server, TOKEN, identity};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The decoded value as JSON, for the exchange's checks.
fn json<T: Serialize>(response: impl Deref<Target = T>) -> serde_json::Value {
    serde_json::to_value(&*response).expect("a decoded value serializes")
}

fn argument<'a>(exchange: &'a Exchange, name: &str) -> &'a str {
    exchange
        .call
        .get(name)
        .unwrap_or_else(|| panic!("{}: no `{name}` in `call`", exchange.name))
}

fn parsed<T: FromStr<Err: Display>>(exchange: &Exchange, name: &str) -> T {
    argument(exchange, name)
        .parse()
        .unwrap_or_else(|err| panic!("{}: `{name}`: {err}", exchange.name))
}

/// Calls the exchange's operation with its arguments on a client of the right server.
async fn call(exchange: &Exchange, server: &Server) -> Result<serde_json::Value, Error> {
    let plex = PlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .expect("client builds");
    let pms = PmsClient::builder(server.url(), identity())
        .token(TOKEN)
        .build()
        .expect("client builds");
    let clients = ClientsPlexTvClient::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .expect("client builds");
    let v1 = PlexTvV1Client::builder(identity())
        .base_url(server.url())
        .token(TOKEN)
        .build()
        .expect("client builds");
    let arg = |name| argument(exchange, name);
    // The device's public key, from the call's `x` and `kid`.
    let jwk = || Jwk {
        kty: "OKP".into(),
        crv: Some("Ed25519".into()),
        x: Some(arg("x").to_string()),
        kid: Some(arg("kid").to_string()),
        use_: Some("sig".into()),
        alg: Some("EdDSA".into()),
    };
    match exchange.operation.as_str() {
        "registerDeviceJWK" => clients
            .register_device_jwk(&DeviceJwkRegistration::new(jwk()))
            .await
            .map(json),
        "getAuthNonce" => clients.get_auth_nonce().await.map(json),
        "exchangeJwtToken" => {
            let request = JwtExchangeRequest::new(Secret::new(arg("jwt")));
            clients.exchange_jwt_token(&request).await.map(json)
        }
        "getAuthKeys" => clients.get_auth_keys().await.map(json),
        "getJwtPin" => {
            let strong = exchange
                .call
                .get("strong")
                .map(|_| parsed::<bool>(exchange, "strong"));
            let request = match strong {
                Some(strong) => JwtPinRequest::new(jwk()).strong(strong),
                None => JwtPinRequest::new(jwk()),
            };
            clients.get_jwt_pin(&request).await.map(json)
        }
        "getJwtByPinId" => clients
            .get_jwt_by_pin_id(parsed(exchange, "pinID"), arg("deviceJWT"))
            .await
            .map(json),
        "signOut" => plex.sign_out().await.map(json),
        "changePassword" => {
            let request = ChangePasswordRequest::new(
                Secret::new(arg("currentPassword")),
                Secret::new(arg("password")),
            );
            plex.change_password(&request).await.map(json)
        }
        "getHomeUsers" => plex.get_home_users().await.map(json),
        "getServerAccessTokens" => plex.get_server_access_tokens().await.map(json),
        "getFeatures" => plex.get_features().await.map(json),
        "getClaimToken" => v1.get_claim_token().await.map(json),
        "getTokenDetails" => plex.get_token_details().await.map(json),
        "post-users-sign-in-data" => {
            let request = SignInRequest {
                login: arg("login").to_string(),
                password: Secret::new(arg("password")),
                remember_me: exchange
                    .call
                    .get("rememberMe")
                    .map(|_| parsed(exchange, "rememberMe")),
                verification_code: exchange.call.get("verificationCode").map(Secret::new),
            };
            plex.post_users_sign_in_data(&request).await.map(json)
        }
        "getTransientToken" => pms
            .get_transient_token(parsed(exchange, "scope"), parsed(exchange, "type"))
            .await
            .map(json),
        "get-server-resources" => {
            let flag = |name| exchange.call.get(name).map(|_| parsed(exchange, name));
            let mut options = GetServerResourcesOptions::new();
            options.include_https = flag("includeHttps");
            options.include_ipv6 = flag("includeIPv6");
            options.include_relay = flag("includeRelay");
            plex.get_server_resources(options).await.map(json)
        }
        "getServerIdentity" => pms.get_server_identity().await.map(json),
        "getSourceConnectionInformation" => pms
            .get_source_connection_information(arg("source"))
            .await
            .map(json),
        "getPin" => {
            let strong = exchange
                .call
                .get("strong")
                .map(|_| parsed(exchange, "strong"));
            plex.get_pin(strong).await.map(json)
        }
        "getTokenByPinId" => plex
            .get_token_by_pin_id(parsed(exchange, "pinID"))
            .await
            .map(json),
        "linkPin" => {
            let code = Secret::new(arg("code"));
            plex.link_pin(&LinkPinRequest { code }).await.map(json)
        }
        "pingToken" => plex.ping_token().await.map(json),
        "switchHomeUser" => plex
            .switch_home_user(arg("uuid"), exchange.call.get("pin").map(String::as_str))
            .await
            .map(json),
        other => panic!("{}: no call for operation {other}", exchange.name),
    }
}

/// Each exchange: exactly the request it describes went out, and the outcome is the one it
/// declares.
#[tokio::test]
async fn every_exchange_sends_its_request_and_reaches_its_outcome() {
    let exchanges = Exchange::all();
    assert!(exchanges.len() >= 61, "{} exchanges", exchanges.len());
    for exchange in &exchanges {
        let server = exchange.serve();
        let outcome = call(exchange, &server).await;
        exchange.check_requests(&server.seen());
        exchange.check_outcome(outcome);
    }
}

/// operationId → declared error status → the `ErrorKind`s the spec's `x-error-kinds` says it
/// produces (what the generated docs link to).
fn spec() -> serde_yaml::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/plex-auth.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).expect("the spec")).expect("YAML")
}

/// The spec's operations, as written in its `paths`.
fn spec_operations() -> Vec<serde_yaml::Value> {
    spec()["paths"]
        .as_mapping()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_mapping().expect("a path item").values().cloned())
        .filter(|operation| operation.get("operationId").is_some())
        .collect()
}

/// Every operation of the spec is replayed by at least one exchange, so a new operation
/// cannot land without its request and answer checked.
#[test]
fn every_operation_of_the_spec_has_an_exchange() {
    let replayed: Vec<String> = Exchange::all()
        .into_iter()
        .map(|exchange| exchange.operation)
        .collect();
    let ids: Vec<String> = spec_operations()
        .iter()
        .map(|operation| operation["operationId"].as_str().expect("id").to_string())
        .collect();
    assert!(
        ids.len() >= 23,
        "{} operations read from the spec",
        ids.len()
    );
    let missing: Vec<&String> = ids.iter().filter(|id| !replayed.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "operations without an exchange: {missing:?}"
    );
}

/// A kind that judges a token cannot be declared by an operation that sends none: the
/// runtime gives those kinds only to calls that sent a token.
#[test]
fn operations_without_a_token_declare_no_kind_of_a_token() {
    let mut checked = 0;
    for operation in spec_operations() {
        let tokenless = operation
            .get("security")
            .and_then(serde_yaml::Value::as_sequence)
            .is_some_and(Vec::is_empty);
        let Some(kinds) = operation.get("x-error-kinds").filter(|_| tokenless) else {
            continue;
        };
        let kinds: BTreeMap<String, Vec<String>> =
            serde_yaml::from_value(kinds.clone()).expect("status -> [kind]");
        for (status, kinds) in kinds {
            for kind in kinds {
                assert!(
                    !matches!(kind.as_str(), "InvalidToken" | "TokenExpired"),
                    "{:?} sends no token but declares {kind} for {status}",
                    operation["operationId"]
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 5, "{checked} operations without a token checked");
}

fn declared_error_kinds() -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let spec = spec();
    let mut declared = BTreeMap::new();
    for item in spec["paths"].as_mapping().expect("paths").values() {
        for operation in item.as_mapping().expect("a path item").values() {
            let (Some(id), Some(kinds)) = (
                operation["operationId"].as_str(),
                operation.get("x-error-kinds"),
            ) else {
                continue;
            };
            let kinds = serde_yaml::from_value(kinds.clone()).expect("status -> [kind]");
            declared.insert(id.to_string(), kinds);
        }
    }
    declared
}

/// What the docs promise is what the client does: an error exchange ends in a kind the spec
/// declares for its operation and status, or in one of the kinds any call can end in.
#[test]
fn error_kinds_match_the_specs_declarations() {
    let declared = declared_error_kinds();
    let mut checked = 0;
    for exchange in Exchange::all() {
        let Expectation::Error { kind, status, .. } = &exchange.expect else {
            continue;
        };
        if matches!(kind.as_str(), "Http" | "Decode" | "TooLarge") {
            continue;
        }
        let listed = declared
            .get(&exchange.operation)
            .and_then(|statuses| statuses.get(&status.to_string()));
        assert!(
            listed.is_some_and(|kinds| kinds.contains(kind)),
            "{}: {kind} for {status} is not in the spec's x-error-kinds of {}",
            exchange.name,
            exchange.operation
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} error exchanges checked");
}

/// Rows of PROVENANCE.md's recorded table: file → SHA-256.
fn provenance() -> BTreeMap<String, String> {
    let text = String::from_utf8(harness::fixture("PROVENANCE.md")).expect("UTF-8");
    let recorded = text
        .split("## `derived/`")
        .next()
        .expect("the recorded section");
    recorded
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let hash = cells.get(5)?.trim_matches('`');
            Some((file.to_string(), hash.to_string()))
        })
        .collect()
}

/// The files the first column of PROVENANCE.md's section for `folder` names, sorted (a cell
/// may name several, "`a`, `b`").
fn documented_files(folder: &str) -> Vec<String> {
    let text = String::from_utf8(harness::fixture("PROVENANCE.md")).expect("UTF-8");
    let heading = format!("## `{folder}/`");
    let section = text
        .split("\n## ")
        .find(|part| format!("## {part}").starts_with(&heading))
        .unwrap_or_else(|| panic!("PROVENANCE.md has no section {heading}"));
    let mut files: Vec<String> = section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .flat_map(|row| {
            let cell = row.split(" |").next().unwrap_or_default();
            cell.split(", ")
                .map(|name| name.trim_matches('`').to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_derived_body_and_test_certificate_is_documented() {
    for folder in ["derived", "tls"] {
        assert_eq!(
            files_in(folder),
            documented_files(folder),
            "every file of fixtures/{folder}/ has one PROVENANCE.md row, and every row a file"
        );
    }
}

fn files_in(folder: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(harness::fixtures_dir().join(folder))
        .expect("fixture folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[test]
fn recorded_bodies_are_the_published_bytes() {
    let provenance = provenance();
    let files = files_in("recorded");
    assert_eq!(
        files,
        provenance.keys().cloned().collect::<Vec<_>>(),
        "every recorded file has one provenance row"
    );
    for (file, expected) in &provenance {
        let digest = Sha256::digest(harness::recorded(file));
        let found: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(&found, expected, "{file} differs from the published bytes");
    }
}

#[test]
fn every_body_of_the_set_is_replayed_by_an_exchange() {
    let used: Vec<String> = Exchange::all()
        .into_iter()
        .filter_map(|exchange| exchange.response.body)
        .collect();
    for folder in ["recorded", "derived"] {
        for file in files_in(folder) {
            let path = format!("{folder}/{file}");
            assert!(used.contains(&path), "no exchange replays {path}");
        }
    }
}
