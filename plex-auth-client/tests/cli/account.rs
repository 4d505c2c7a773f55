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
            "reason": "invalid or revoked token (HTTP 401 Unauthorized): User could not be \
                       authenticated (code 1001)",
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
        "plex-auth: plex.tv refused the token: invalid or revoked token (HTTP 422 Unprocessable \
         Entity): Invalid token\n\
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
        "the server answered HTTP 503 Service Unavailable: 503 Service Unavailable"
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
    assert!(reason.starts_with("the connection failed: "), "{reason}");
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
        errors.starts_with("plex-auth: no verdict on the token: the connection failed: ")
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

/// A profile plex.tv lists as unprotected, that answers 403/1041 all the same.
const UNLISTED: &str = "5e6f7a8b9c0d1e2f";

/// The Home's profiles: "Kids" (PROFILE, protected), "Den" (UNLISTED, listed without a PIN),
/// the admin, and two profiles whose names differ in letter case only.
fn home_users_body() -> String {
    value!({
        "id": 1234567,
        "name": "A Home",
        "users": [
            {"id": 1, "uuid": "d320a7e6324aacd5", "title": "alice", "username": "alice",
             "email": "alice@example.com", "admin": true, "protected": false},
            {"id": 2, "uuid": PROFILE, "title": "Kids", "username": null, "admin": false,
             "protected": true, "restricted": true},
            {"id": 3, "uuid": UNLISTED, "title": "Den", "admin": false, "protected": false},
            {"id": 4, "uuid": "aaaa1111", "title": "Twin", "protected": false},
            {"id": 5, "uuid": "bbbb2222", "title": "twin", "protected": true},
        ]
    })
    .to_string()
}

/// plex.tv: the Home's profiles, and its behaviour for a protected profile: 403/1041 unless
/// the query carries its PIN.
fn home() -> Server {
    Server::start(|_, request| {
        let answer = if request.method == "GET" && request.path() == "/home/users" {
            Answer::json(200, home_users_body())
        } else if request.query().get("pin").map(String::as_str) == Some(PIN) {
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

fn switch_args(server: &Server, profile: &str) -> Vec<String> {
    let mut args = plex_tv_args(server, "switch-user");
    args.push(profile.into());
    args
}

/// The switches the server saw (the list of profiles left out).
fn switches(server: &Server) -> Vec<Seen> {
    let seen = server.seen();
    for request in &seen {
        check_sent(request, Some(TOKEN));
    }
    seen.into_iter()
        .filter(|request| request.path() != "/home/users")
        .collect()
}

#[test]
fn home_users_lists_each_profile_with_its_uuid_and_traits() {
    let server = home();
    let output = run(
        &strs(&plex_tv_args(&server, "home-users")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "alice  d320a7e6324aacd5  admin\n\
         Kids   0f1e2d3c4b5a6978  PIN, restricted\n\
         Den    5e6f7a8b9c0d1e2f\n\
         Twin   aaaa1111\n\
         twin   bbbb2222  PIN\n"
    );
    assert_eq!(stderr(&output), "");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("GET", "/home/users")
    );
    check_sent(&seen[0], Some(TOKEN));

    let mut args = plex_tv_args(&server, "home-users");
    args.push("--json".into());
    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);
    let users = json(&output)["users"].clone();
    assert_eq!(users.as_array().map(Vec::len), Some(5));
    assert_eq!(
        users[1],
        value!({"title": "Kids", "uuid": PROFILE, "username": null, "admin": false,
                "protected": true, "restricted": true, "guest": false})
    );
}

#[test]
fn switch_user_by_name_with_the_pin_prints_the_profile_token_alone() {
    for name in ["Kids", "kids", PROFILE] {
        let server = home();
        let mut args = switch_args(&server, name);
        args.extend(["--pin".into(), PIN.into()]);

        let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        assert_eq!(stdout(&output), format!("{PROFILE_TOKEN}\n"));
        assert_eq!(
            stderr(&output),
            "Switched to ZjFvKLCb (c9eMdShR@example.com).\n"
        );
        assert_absent(&output, PIN);
        assert_absent(&output, TOKEN);
        let seen = switches(&server);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].method, "POST");
        assert_eq!(seen[0].path(), format!("/home/users/{PROFILE}/switch"));
        assert_eq!(
            seen[0].query(),
            [("pin".to_string(), PIN.to_string())].into()
        );
        assert!(seen[0].body.is_empty());
    }
}

#[test]
fn switch_user_reads_the_pin_from_the_environment_and_prints_json() {
    let server = home();
    let mut args = switch_args(&server, "Kids");
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
        switches(&server)[0].query().get("pin").map(String::as_str),
        Some(PIN)
    );
}

#[test]
fn a_name_two_profiles_share_is_refused_with_both_listed() {
    let server = home();
    let mut args = switch_args(&server, "TWIN");
    args.extend(["--pin".into(), PIN.into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "plex-auth: error: 2 Home profiles are named \"TWIN\": Twin (aaaa1111); twin (bbbb2222, \
         PIN)\n\
         plex-auth: hint: name the profile by its uuid\n"
    );
    assert!(switches(&server).is_empty(), "nothing switched");

    let output = run(
        &strs(&switch_args(&server, "Nobody")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "plex-auth: error: no Home profile is named \"Nobody\" (profiles: alice \
             (d320a7e6324aacd5, admin); Kids (0f1e2d3c4b5a6978, PIN, restricted);"
        ),
        "{}",
        stderr(&output)
    );
    assert!(switches(&server).is_empty());
}

#[test]
fn switch_user_to_a_protected_profile_without_a_pin_and_no_terminal_sends_nothing() {
    let server = home();
    let mut args = switch_args(&server, "Kids");
    args.push("--json".into());

    // Standard input closed: no prompt can be shown.
    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "home-pin-required");
    assert_eq!(error["exitCode"], 3);
    assert_eq!(
        error["message"],
        "the profile Kids is protected by a PIN; nothing was sent"
    );
    assert_eq!(
        error["hint"],
        "give its PIN with --pin or PLEX_HOME_PIN, or run the command on a terminal to be asked \
         for it"
    );
    assert_absent(&output, TOKEN);
    assert!(switches(&server).is_empty(), "no switch without a PIN");
}

#[test]
fn switch_user_without_a_pin_and_no_terminal_says_how_to_give_one() {
    // plex.tv lists "Den" without a PIN, then asks for one.
    let server = home();
    let output = run(
        &strs(&switch_args(&server, "Den")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr(&output),
        "plex-auth: error: the profile's PIN is required (HTTP 403 Forbidden): A valid PIN \
         is required to perform this action (code 1041)\n\
         plex-auth: hint: give its PIN with --pin or PLEX_HOME_PIN, or run the command on a \
         terminal to be asked for it\n"
    );
    let seen = switches(&server);
    assert_eq!(seen.len(), 1, "asked once, not again without a PIN");
    assert!(seen[0].query().is_empty(), "no `pin` without a PIN");
}

#[test]
fn switch_user_with_a_wrong_pin_is_refused_once_and_the_pin_never_shows() {
    let server = home();
    let mut args = switch_args(&server, "Kids");
    args.extend(["--pin".into(), "1357".into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "");
    let errors = stderr(&output);
    assert_eq!(
        errors,
        "plex-auth: error: the profile's PIN is required (HTTP 403 Forbidden): A valid PIN is \
         required to perform this action (code 1041)\n\
         plex-auth: hint: plex.tv did not take the PIN given with --pin or PLEX_HOME_PIN\n"
    );
    assert_absent(&output, "1357");
    assert_eq!(switches(&server).len(), 1, "a wrong PIN is not tried again");
}

#[test]
fn switch_user_with_a_pin_that_is_not_four_digits_says_so_and_sends_nothing() {
    for pin in ["12a4", "123", "12345", "١٢٣٤"] {
        let server = home();
        let mut args = switch_args(&server, "Kids");
        args.extend(["--pin".into(), pin.into()]);

        let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

        assert_eq!(output.status.code(), Some(2), "{pin}");
        assert_eq!(
            stderr(&output),
            "plex-auth: error: the profile's PIN must be 4 digits (0-9); the one given is not\n",
            "{pin}"
        );
        assert_absent(&output, pin);
        assert_eq!(server.count(), 0, "{pin}: nothing sent");
    }
}

#[test]
fn switch_user_to_an_empty_profile_is_bad_input_and_sends_nothing() {
    for profile in ["", "  "] {
        let server = home();
        let mut args = switch_args(&server, profile);
        args.extend(["--pin".into(), PIN.into(), "--json".into()]);

        let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

        assert_eq!(output.status.code(), Some(2), "{profile:?}");
        assert_eq!(json(&output)["error"]["kind"], "bad-input");
        assert_absent(&output, PIN);
        assert_eq!(server.count(), 0, "{profile:?}: nothing may be sent");
    }
}

#[test]
fn switch_user_help_hides_the_pin_value() {
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
