//! `plex-auth token-status`, `ping` and `switch-user`: the verdict as an exit code, the
//! keep-alive, and a Plex Home profile's token with and without its PIN.

use serde_json::json as value;

use super::harness::{Answer, Refused, Server, Step, fixture, recorded};
use super::*;

const PROFILE: &str = "0f1e2d3c4b5a6978";
/// The profile's PIN in these tests; it appears in no fixture body.
const PIN: &str = "8642";
/// The token in the account document the switch answers with (the recorded sign-in body).
const PROFILE_TOKEN: &str = "jx9nTbVbHk1gM";

fn answering(status: u16, body: Vec<u8>) -> Server {
    Server::always(vec![Step::Answer(Answer::json(status, body))])
}

/// `token-status --json --no-retry` against `url`: the exit code and the document printed.
fn token_status(url: &str) -> (Option<i32>, Value, Output) {
    let output = run(
        &[
            "token-status",
            "--plex-tv-url",
            url,
            "--client-identifier",
            CLIENT_ID,
            "--no-retry",
            "--json",
        ],
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );
    assert_absent(&output, TOKEN);
    (output.status.code(), json(&output), output)
}

#[test]
fn token_status_valid_exits_0_and_prints_the_verdict_alone() {
    let server = answering(200, recorded("plextv-user-200-free-account.json"));

    let output = run(
        &strs(&plex_tv_args(&server, "token-status")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "valid\n");
    assert_eq!(stderr(&output), "");
    assert_absent(&output, TOKEN);
    assert_absent(&output, "auth_token");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "/user");
    check_sent(&seen[0], Some(TOKEN));
}

#[test]
fn token_status_json_valid_has_status_and_a_null_reason() {
    let server = answering(200, recorded("plextv-user-200-free-account.json"));

    let (code, document, _) = token_status(&server.url());

    assert_eq!(code, Some(0));
    assert_eq!(document, value!({"status": "valid", "reason": null}));
    assert_eq!(server.count(), 1);
}

#[test]
fn token_status_401_is_invalid_with_exit_code_3() {
    let server = answering(
        401,
        recorded("plextv-error-401-1001-not-authenticated.json"),
    );

    let (code, document, _) = token_status(&server.url());

    assert_eq!(code, Some(3));
    assert_eq!(
        document,
        value!({
            "status": "invalid",
            "reason": "getTokenDetails: HTTP 401 Unauthorized: invalid or revoked token: \
                       User could not be authenticated (code 1001)",
        })
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn token_status_422_invalid_token_is_invalid_and_says_so_on_stderr() {
    let server = Server::always(vec![Step::Answer(
        Answer::new(422)
            .header("Content-Type", "application/xml")
            .body(recorded("plextv-user-422-invalid-token.xml")),
    )]);

    let output = run(
        &strs(&plex_tv_args(&server, "token-status")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "invalid\n");
    assert_eq!(
        stderr(&output),
        "plex-auth: plex.tv refused the token: getTokenDetails: HTTP 422 Unprocessable Entity: \
         invalid or revoked token: Invalid token\n\
         plex-auth: drop it and sign in again\n"
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn token_status_503_is_unknown_never_invalid() {
    let server = Server::always(vec![Step::Answer(
        Answer::new(503).body(&b"<html><h1>503 Service Unavailable</h1></html>"[..]),
    )]);

    let (code, document, _) = token_status(&server.url());

    assert_eq!(code, Some(4));
    assert_eq!(document["status"], "unknown");
    assert_eq!(
        document["reason"],
        "getTokenDetails: HTTP 503 Service Unavailable: error: 503 Service Unavailable"
    );
    assert_eq!(server.count(), 1, "--no-retry: one request");
}

#[test]
fn token_status_429_is_unknown_not_rate_limited() {
    let server = answering(
        429,
        br#"{"errors":[{"code":1003,"message":"API rate limit exceeded","status":429}]}"#.to_vec(),
    );

    let (code, document, _) = token_status(&server.url());

    assert_eq!(code, Some(4));
    assert_eq!(document["status"], "unknown");
    assert_eq!(server.count(), 1);
}

#[test]
fn token_status_connection_closed_without_an_answer_is_unknown() {
    // The server reads the request and closes the connection.
    let server = Server::always(vec![]);

    let (code, document, _) = token_status(&server.url());

    assert_eq!(code, Some(4));
    assert_eq!(document["status"], "unknown");
    let reason = document["reason"].as_str().expect("a reason");
    assert!(
        reason.starts_with("getTokenDetails: transport error: "),
        "{reason}"
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn token_status_closed_port_is_unknown_in_text_too() {
    let refused = Refused::new();
    let url = refused.url();
    let output = run(
        &[
            "token-status",
            "--plex-tv-url",
            &url,
            "--client-identifier",
            CLIENT_ID,
            "--no-retry",
        ],
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(4));
    assert_eq!(stdout(&output), "unknown\n");
    let errors = stderr(&output);
    assert!(
        errors.starts_with("plex-auth: no verdict on the token: getTokenDetails: transport error")
            && errors.ends_with("plex-auth: keep it and check again later\n"),
        "{errors}"
    );
    assert_absent(&output, TOKEN);
}

#[test]
fn ping_prints_pong_and_sends_the_token() {
    let server = answering(200, fixture("derived/plextv-ping-200.json"));

    let output = run(
        &strs(&plex_tv_args(&server, "ping")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "pong\n");
    assert_absent(&output, TOKEN);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "/ping");
    check_sent(&seen[0], Some(TOKEN));
}

#[test]
fn ping_with_a_refused_token_exits_3() {
    let server = answering(
        401,
        recorded("plextv-error-401-1001-not-authenticated.json"),
    );
    let mut args = plex_tv_args(&server, "ping");
    args.push("--json".into());

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(json(&output)["error"]["kind"], "invalid-token");
    assert_eq!(server.count(), 1);
}

/// plex.tv's behaviour for a protected profile: 403/1041 unless the query carries its PIN.
fn home() -> Server {
    Server::start(|_, request| {
        let answer = if request.query().get("pin").map(String::as_str) == Some(PIN) {
            Answer::json(201, recorded("plextv-users-signin-201.json"))
        } else {
            Answer::json(
                403,
                recorded("plextv-home-switch-403-1041-pin-required.json"),
            )
        };
        vec![Step::Answer(answer)]
    })
}

fn switch_args(server: &Server) -> Vec<String> {
    let mut args = plex_tv_args(server, "switch-user");
    args.push(PROFILE.into());
    args
}

#[test]
fn switch_user_with_the_pin_prints_the_profile_token_alone() {
    let server = home();
    let mut args = switch_args(&server);
    args.extend(["--pin".into(), PIN.into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), format!("{PROFILE_TOKEN}\n"));
    assert_eq!(
        stderr(&output),
        "Switched to ZjFvKLCb (c9eMdShR@example.com).\n"
    );
    assert_absent(&output, PIN);
    assert_absent(&output, TOKEN);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path(), format!("/home/users/{PROFILE}/switch"));
    assert_eq!(
        seen[0].query(),
        [("pin".to_string(), PIN.to_string())].into()
    );
    assert!(seen[0].body.is_empty());
    check_sent(&seen[0], Some(TOKEN));
}

#[test]
fn switch_user_reads_the_pin_from_the_environment_and_prints_json() {
    let server = home();
    let mut args = switch_args(&server);
    args.push("--json".into());

    let output = run(
        &strs(&args),
        &[("PLEX_TOKEN", TOKEN), ("PLEX_HOME_PIN", PIN)],
        None,
    );

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(
        json(&output),
        value!({
            "id": 62735028,
            "uuid": "b9h6f3c8k1",
            "title": "ZjFvKLCb",
            "authToken": PROFILE_TOKEN,
        })
    );
    assert_absent(&output, PIN);
    assert_eq!(
        server.seen()[0].query().get("pin").map(String::as_str),
        Some(PIN)
    );
}

#[test]
fn switch_user_without_a_pin_and_no_terminal_fails_with_the_pin_kind() {
    let server = home();
    let mut args = switch_args(&server);
    args.push("--json".into());

    // Standard input closed: no prompt can be shown.
    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "home-pin-required");
    assert_eq!(error["exitCode"], 3);
    assert_eq!(error["status"], 403);
    assert_eq!(error["plexCodes"], value!([1041]));
    assert_absent(&output, TOKEN);
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "asked once, not again without a PIN");
    assert!(seen[0].query().is_empty(), "no `pin` without a PIN");
    check_sent(&seen[0], Some(TOKEN));
}

#[test]
fn switch_user_with_a_wrong_pin_is_refused_once_and_the_pin_never_shows() {
    let server = home();
    let mut args = switch_args(&server);
    args.extend(["--pin".into(), "1357".into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "");
    let errors = stderr(&output);
    assert!(
        errors.contains("HTTP 403 Forbidden: the profile's PIN is required")
            && errors.contains("the profile is protected: a valid PIN is required"),
        "{errors}"
    );
    assert_absent(&output, "1357");
    assert!(
        !errors.contains("--pin"),
        "a PIN was given: no advice to give one: {errors}"
    );
    assert_eq!(server.count(), 1, "a wrong PIN is not tried again");
}

#[test]
fn switch_user_without_a_pin_and_no_terminal_says_how_to_give_one() {
    let server = home();
    let output = run(&strs(&switch_args(&server)), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    let errors = stderr(&output);
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(lines.len(), 3, "{errors}");
    assert!(
        lines[0].starts_with("plex-auth: error: switchHomeUser: HTTP 403 Forbidden"),
        "{errors}"
    );
    assert_eq!(
        lines[1],
        "plex-auth: the profile is protected: a valid PIN is required (plex.tv answers a wrong \
         PIN as a missing one)"
    );
    assert_eq!(
        lines[2],
        "plex-auth: give it with --pin or PLEX_HOME_PIN, or run the command on a terminal to be \
         asked for it"
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn switch_user_with_a_malformed_pin_is_bad_input_and_sends_nothing() {
    let server = home();
    let mut args = switch_args(&server);
    args.extend(["--pin".into(), "12a4".into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("query parameter `pin` must match"),
        "{}",
        stderr(&output)
    );
    assert_absent(&output, "12a4");
    assert_eq!(server.count(), 0);
}

#[test]
fn switch_user_to_a_dot_segment_is_bad_input_and_sends_nothing() {
    for profile in ["..", ".", ""] {
        let server = home();
        let mut args = plex_tv_args(&server, "switch-user");
        args.extend([profile.into(), "--pin".into(), PIN.into(), "--json".into()]);

        let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

        assert_eq!(
            output.status.code(),
            Some(2),
            "{profile:?}: {}",
            stderr(&output)
        );
        let error = &json(&output)["error"];
        // An empty argument is the command line's to refuse; the library refuses the others.
        if !profile.is_empty() {
            assert_eq!(error["kind"], "invalid-input", "{profile:?}");
            let message = error["message"].as_str().unwrap_or_default();
            assert!(
                message.contains("path parameter `uuid` must"),
                "{profile:?}: {message}"
            );
        }
        assert_absent(&output, PIN);
        assert_absent(&output, TOKEN);
        assert_eq!(server.count(), 0, "{profile:?}: nothing may be sent");
    }
}

#[test]
fn switch_user_help_hides_the_pin_and_token_values() {
    let output = run(
        &["switch-user", "--help"],
        &[("PLEX_TOKEN", TOKEN), ("PLEX_HOME_PIN", PIN)],
        None,
    );

    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("[env: PLEX_HOME_PIN]"),
        "{}",
        stdout(&output)
    );
    assert_absent(&output, PIN);
    assert_absent(&output, TOKEN);
}
