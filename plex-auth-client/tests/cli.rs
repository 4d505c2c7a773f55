//! End-to-end tests of the `plex-auth` binary: each test starts a loopback mock server (the
//! crate's own `mock` helpers over httpmock), runs the built binary against it, and checks its
//! output, its exit code, and what the server received.
//!
//! Runs under a plain `cargo test`: the crate's dev-dependency on itself turns on `cli` (which
//! builds the binary) and `mock` for its tests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use httpmock::MockServer;
use plex_auth_client::Secret;
use plex_auth_client::mock::MockServerExt;
use plex_auth_client::types::{SignInRequest, TransientTokenScope, TransientTokenType};
use serde_json::Value;

const CLIENT_ID: &str = "cli-test-installation";
const LOGIN: &str = "username@email.com";
/// Distinctive, so that any trace of it in the output is found.
const PASSWORD: &str = "Pa55-w0rd-that-must-never-show";
const TOKEN: &str = "cli-test-token-0123456789";
const CODE: &str = "123456";

const SIGN_IN_201: &str = include_str!("../examples/fixtures/plextv-users-signin-201.json");
const SIGN_IN_401_1029: &str =
    include_str!("../examples/fixtures/plextv-users-signin-401-1029-verification-code.xml");
const ERROR_401_1001: &str =
    include_str!("../examples/fixtures/plextv-error-401-1001-not-authenticated.json");
const USER_200: &str = include_str!("../examples/fixtures/plextv-user-200-free-account.json");
const PMS_401: &str = include_str!("../examples/fixtures/pms-error-401.html");
const TRANSIENT_200: &str = include_str!("../examples/fixtures/pms-security-token-200.json");
const RESOURCES_200: &str = include_str!("../examples/fixtures/pms-security-resources-200.json");

/// The token in the recorded sign-in answer.
const SIGNED_IN_TOKEN: &str = "jx9nTbVbHk1gM";
/// The tokens in the recorded /user answer (the account's and its services').
const USER_TOKENS: [&str; 2] = ["auth_token", "token1"];
const TRANSIENT_TOKEN: &str = "transient-90904684-f91a-4391-8bf7-e0dfa7240285";
const SOURCE: &str = "server://243b471948ace337a8f92f129ec97d1902fcb1df";
const SOURCE_ACCESS_TOKEN: &str = "transient-fa75f159-b9d2-42b6-8fbd-1761c7a4195a";

/// Runs the binary with only the given environment (no PLEX_* or proxy settings leak in from
/// the test's own) and `stdin` on its standard input.
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plex-auth"));
    command
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(input.as_bytes())
            .expect("stdin is written");
    }
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON document")
}

fn assert_absent(output: &Output, secret: &str) {
    assert!(
        !stdout(output).contains(secret) && !stderr(output).contains(secret),
        "a secret appears in the output:\nstdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}

fn plex_tv_args<'a>(server: &'a MockServer, command: &'a str) -> Vec<String> {
    vec![
        command.to_string(),
        "--plex-tv-url".into(),
        server.base_url(),
        "--client-identifier".into(),
        CLIENT_ID.into(),
    ]
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn sign_in_request(code: Option<&str>) -> SignInRequest {
    SignInRequest {
        login: LOGIN.into(),
        password: Secret::new(PASSWORD),
        remember_me: None,
        verification_code: code.map(Secret::new),
    }
}

/// Stubs plex.tv's 2FA round: 401 with code 1029 (the recorded XML) without a code, 201 (the
/// recorded account) with `CODE`. Returns the two mocks.
fn two_factor_round(server: &MockServer) -> (httpmock::Mock<'_>, httpmock::Mock<'_>) {
    let without_code = server.post_users_sign_in_data(|when, then| {
        when.body(&sign_in_request(None))
            .into_inner()
            .header("x-plex-client-identifier", CLIENT_ID)
            .header("x-plex-product", "plex-auth");
        then.into_inner()
            .status(401)
            .header("content-type", "application/xml")
            .body(SIGN_IN_401_1029);
    });
    let with_code = server.post_users_sign_in_data(|when, then| {
        when.body(&sign_in_request(Some(CODE)))
            .into_inner()
            .header("x-plex-client-identifier", CLIENT_ID);
        then.into_inner()
            .status(201)
            .header("content-type", "application/json")
            .body(SIGN_IN_201);
    });
    (without_code, with_code)
}

#[test]
fn sign_in_asks_for_the_verification_code_and_prints_the_token() {
    let server = MockServer::start();
    let (without_code, with_code) = two_factor_round(&server);
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into()]);

    // The code is answered on standard input, as a person would at the prompt.
    let output = run(
        &strs(&args),
        &[("PLEX_PASSWORD", PASSWORD)],
        Some(&format!("{CODE}\n")),
    );

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), format!("{SIGNED_IN_TOKEN}\n"));
    assert_eq!(
        stderr(&output),
        "Signed in as ZjFvKLCb (c9eMdShR@example.com).\n"
    );
    assert_absent(&output, PASSWORD);
    without_code.assert_calls(1);
    with_code.assert_calls(1);
}

#[test]
fn sign_in_takes_login_and_code_from_the_environment_and_prints_json() {
    let server = MockServer::start();
    let (without_code, with_code) = two_factor_round(&server);
    let mut args = plex_tv_args(&server, "sign-in");
    args.push("--json".into());

    let output = run(
        &strs(&args),
        &[
            ("PLEX_LOGIN", LOGIN),
            ("PLEX_PASSWORD", PASSWORD),
            ("PLEX_VERIFICATION_CODE", CODE),
        ],
        None,
    );

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let answer = json(&output);
    assert_eq!(answer["authToken"], SIGNED_IN_TOKEN);
    assert_eq!(answer["username"], "ZjFvKLCb");
    assert_eq!(answer["email"], "c9eMdShR@example.com");
    assert_eq!(answer["id"], 62735028);
    assert_eq!(stderr(&output), "");
    assert_absent(&output, PASSWORD);
    // A code given up front goes with the first request: no refused attempt is spent.
    without_code.assert_calls(0);
    with_code.assert_calls(1);
}

#[test]
fn sign_in_tries_the_code_once_only() {
    let server = MockServer::start();
    // Whatever is sent, plex.tv keeps asking for the code.
    let asks = server.post_users_sign_in_data(|when, then| {
        when.into_inner().any_request();
        then.into_inner()
            .status(401)
            .header("content-type", "application/xml")
            .body(SIGN_IN_401_1029);
    });
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into(), "--json".into()]);

    // The code is typed at the prompt after the first refusal; the second refusal ends it.
    let output = run(
        &strs(&args),
        &[("PLEX_PASSWORD", PASSWORD)],
        Some(&format!("{CODE}\n")),
    );

    assert_eq!(output.status.code(), Some(3));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "verification-code-required");
    assert_eq!(error["exitCode"], 3);
    assert_eq!(error["status"], 401);
    assert_eq!(error["plexCodes"], serde_json::json!([1029]));
    assert_absent(&output, PASSWORD);
    asks.assert_calls(2);
}

#[test]
fn sign_in_with_a_refused_code_given_up_front_is_not_retried() {
    let server = MockServer::start();
    let asks = server.post_users_sign_in_data(|when, then| {
        when.body(&sign_in_request(Some(CODE)));
        then.into_inner()
            .status(401)
            .header("content-type", "application/xml")
            .body(SIGN_IN_401_1029);
    });
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into(), "--code".into(), CODE.into()]);

    let output = run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)], None);

    assert_eq!(output.status.code(), Some(3), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert_absent(&output, PASSWORD);
    asks.assert_calls(1);
}

#[test]
fn sign_in_with_a_wrong_password_exits_with_the_auth_code() {
    let server = MockServer::start();
    let refused = server.post_users_sign_in_data(|when, then| {
        when.body(&sign_in_request(None));
        then.into_inner()
            .status(401)
            .header("content-type", "application/json")
            .body(ERROR_401_1001);
    });
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into()]);

    let output = run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)], None);

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(
        message.starts_with(
            "plex-auth: error: post-users-sign-in-data: HTTP 401 Unauthorized: wrong login or password"
        ),
        "{message}"
    );
    assert_absent(&output, PASSWORD);
    // A refused sign-in is never retried.
    refused.assert_calls(1);
}

#[test]
fn sign_in_without_a_login_or_client_identifier_is_bad_input() {
    let server = MockServer::start();
    let any = server.post_users_sign_in_data(|when, then| {
        when.into_inner().any_request();
        then.into_inner().status(500);
    });

    // No login on the command line, none in the environment, nothing on standard input.
    let output = run(
        &strs(&plex_tv_args(&server, "sign-in")),
        &[("PLEX_PASSWORD", PASSWORD)],
        Some(""),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_absent(&output, PASSWORD);

    let output = run(
        &[
            "sign-in",
            "--plex-tv-url",
            &server.base_url(),
            "--login",
            LOGIN,
            "--json",
        ],
        &[("PLEX_PASSWORD", PASSWORD)],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "bad-input");
    assert_eq!(error["exitCode"], 2);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("a client identifier is required")),
        "{error}"
    );
    assert_absent(&output, PASSWORD);
    any.assert_calls(0);
}

#[test]
fn token_details_shows_the_account_but_no_token() {
    let server = MockServer::start();
    let details = server.get_token_details(|when, then| {
        when.into_inner()
            .header("x-plex-token", TOKEN)
            .header("x-plex-client-identifier", CLIENT_ID);
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(USER_200);
    });

    let output = run(
        &strs(&plex_tv_args(&server, "token-details")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "The token is valid.\n\
         username:     user@example.com\n\
         title:        user@example.com\n\
         email:        user@example.com\n\
         uuid:         212acf24b07315e5\n\
         id:           12345\n\
         joined:       Fri, 08 Jun 2012 03:05:59 GMT\n\
         subscription: Inactive\n\
         two-factor:   disabled\n\
         Plex Home:    no\n"
    );
    assert_absent(&output, TOKEN);
    for token in USER_TOKENS {
        assert_absent(&output, token);
    }
    details.assert_calls(1);
}

#[test]
fn token_details_prints_json_without_the_token() {
    let server = MockServer::start();
    let details = server.get_token_details(|when, then| {
        when.into_inner().header("x-plex-token", TOKEN);
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(USER_200);
    });
    let mut args = plex_tv_args(&server, "token-details");
    args.extend(["--token".into(), TOKEN.into(), "--json".into()]);

    let output = run(&strs(&args), &[], None);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let account = json(&output);
    assert_eq!(account["valid"], true);
    assert_eq!(account["uuid"], "212acf24b07315e5");
    assert_eq!(account["id"], 12345);
    assert_eq!(account["subscription"]["status"], "Inactive");
    assert_eq!(account["subscription"]["active"], false);
    assert!(account.get("authToken").is_none());
    assert_absent(&output, TOKEN);
    for token in USER_TOKENS {
        assert_absent(&output, token);
    }
    details.assert_calls(1);
}

#[test]
fn token_details_with_a_refused_token_exits_with_the_auth_code() {
    let server = MockServer::start();
    let details = server.get_token_details(|_, then| {
        then.into_inner()
            .status(401)
            .header("content-type", "application/json")
            .body(ERROR_401_1001);
    });
    let mut args = plex_tv_args(&server, "token-details");
    args.push("--json".into());

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "invalid-token");
    assert_eq!(error["status"], 401);
    assert_eq!(error["plexCodes"], serde_json::json!([1001]));
    assert_absent(&output, TOKEN);
    details.assert_calls(1);
}

#[test]
fn token_details_without_a_token_is_bad_input() {
    let server = MockServer::start();
    let details = server.get_token_details(|_, then| {
        then.into_inner().status(500);
    });

    let output = run(&strs(&plex_tv_args(&server, "token-details")), &[], None);

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--token <TOKEN>"),
        "{}",
        stderr(&output)
    );
    details.assert_calls(0);
}

#[test]
fn network_failure_has_its_own_exit_code() {
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);

    let output = run(
        &[
            "token-details",
            "--plex-tv-url",
            &url,
            "--client-identifier",
            CLIENT_ID,
            "--no-retry",
            "--json",
        ],
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(4));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "transport");
    assert_eq!(error["exitCode"], 4);
    assert_eq!(error["status"], Value::Null);
    assert_absent(&output, TOKEN);
}

fn pms_args(server: &MockServer, command: &str) -> Vec<String> {
    vec![
        command.to_string(),
        "--server".into(),
        server.base_url(),
        "--client-identifier".into(),
        CLIENT_ID.into(),
    ]
}

#[test]
fn transient_token_prints_the_transient_token() {
    let server = MockServer::start();
    let transient = server.get_transient_token(|when, then| {
        when.type_(TransientTokenType::Delegation)
            .scope(TransientTokenScope::All)
            .into_inner()
            .header("x-plex-token", TOKEN);
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(TRANSIENT_200);
    });

    let output = run(
        &strs(&pms_args(&server, "transient-token")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), format!("{TRANSIENT_TOKEN}\n"));
    assert_absent(&output, TOKEN);

    let mut args = pms_args(&server, "transient-token");
    args.push("--json".into());
    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(
        json(&output),
        serde_json::json!({ "token": TRANSIENT_TOKEN })
    );
    assert_absent(&output, TOKEN);

    transient.assert_calls(2);
}

#[test]
fn transient_token_refused_by_the_server_exits_with_the_auth_code() {
    let server = MockServer::start();
    let transient = server.get_transient_token(|_, then| {
        then.into_inner()
            .status(401)
            .header("content-type", "text/html")
            .body(PMS_401);
    });

    let output = run(
        &strs(&pms_args(&server, "transient-token")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("not authorized on this server: 401 Unauthorized"),
        "{}",
        stderr(&output)
    );
    assert_absent(&output, TOKEN);
    transient.assert_calls(1);
}

#[test]
fn resources_lists_connections_but_not_the_access_token() {
    let server = MockServer::start();
    let resources = server.get_source_connection_information(|when, then| {
        when.source(SOURCE)
            .into_inner()
            .header("x-plex-token", TOKEN);
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(RESOURCES_200);
    });
    let mut args = pms_args(&server, "resources");
    args.extend(["--source".into(), SOURCE.into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "PlexCorp (plex-corp) (243b471948ace337a8f92f129ec97d1902fcb1df)\n\
         \x20 access token: received (not shown)\n\
         \x20 https://10-0-2-123.93b10b279ff8456686414add109854cd.plex.direct:32400  local\n\
         \x20 https://64-71-188-222.93b10b279ff8456686414add109854cd.plex.direct:32403  remote\n\
         \x20 https://139-162-158-105.93b10b279ff8456686414add109854cd.plex.direct:8443  remote relay\n"
    );
    assert_absent(&output, SOURCE_ACCESS_TOKEN);
    assert_absent(&output, TOKEN);

    args.push("--json".into());
    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let devices = &json(&output)["devices"];
    assert_eq!(devices[0]["name"], "PlexCorp (plex-corp)");
    assert_eq!(devices[0]["hasAccessToken"], true);
    let connections = devices[0]["connections"].as_array().expect("a list");
    assert_eq!(connections.len(), 3);
    assert_eq!(connections[0]["local"], true);
    assert_eq!(connections[0]["port"], 32400);
    assert_eq!(connections[2]["relay"], true);
    assert_absent(&output, SOURCE_ACCESS_TOKEN);

    resources.assert_calls(2);
}

#[test]
fn resources_with_a_malformed_source_is_refused_before_sending() {
    let server = MockServer::start();
    let resources = server.get_source_connection_information(|_, then| {
        then.into_inner().status(500);
    });
    let mut args = pms_args(&server, "resources");
    args.extend(["--source".into(), "not-a-source".into(), "--json".into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json(&output)["error"]["kind"], "invalid-input");
    resources.assert_calls(0);
}

#[test]
fn help_documents_the_exit_codes_and_hides_the_token() {
    let output = run(&["--help"], &[("PLEX_TOKEN", TOKEN)], None);
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    for line in [
        "  2  bad input",
        "  3  authentication failed",
        "  4  network failure",
        "  5  rate limited",
    ] {
        assert!(help.contains(line), "missing {line:?} in:\n{help}");
    }

    let output = run(&["token-details", "--help"], &[("PLEX_TOKEN", TOKEN)], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("[env: PLEX_TOKEN]"));
    assert_absent(&output, TOKEN);
}
