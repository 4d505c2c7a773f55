//! `plex-auth sign-in`: the password never shows, the 2FA code is asked once, refusals are
//! never retried.

use serde_json::json as value;

use super::harness::{Answer, Server, Step, recorded};
use super::*;

/// The token in the recorded sign-in answer.
const SIGNED_IN_TOKEN: &str = "jx9nTbVbHk1gM";

fn xml(status: u16, file: &str) -> Vec<Step> {
    let answer = Answer::new(status)
        .header("Content-Type", "application/xml")
        .body(recorded(file));
    vec![Step::Answer(answer)]
}

fn asks_for_the_code() -> Vec<Step> {
    xml(401, "plextv-users-signin-401-1029-verification-code.xml")
}

fn signed_in() -> Vec<Step> {
    vec![Step::Answer(Answer::json(
        201,
        recorded("plextv-users-signin-201.json"),
    ))]
}

/// plex.tv's 2FA round: 401 with code 1029 (the recorded XML) without a code, 201 (the
/// recorded account) with `CODE`.
fn two_factor_round() -> Server {
    Server::start(|_, seen| match seen.form().get("verificationCode") {
        Some(code) if code == CODE => signed_in(),
        _ => asks_for_the_code(),
    })
}

/// Checks a sign-in request: the CLI's identity, no token, the form with `code`.
fn check_sign_in(seen: &Seen, code: Option<&str>) {
    check_sent(seen, None);
    assert_eq!(
        (seen.method.as_str(), seen.path()),
        ("POST", "/users/signin")
    );
    let form = seen.form();
    assert_eq!(form.get("login").map(String::as_str), Some(LOGIN));
    assert_eq!(form.get("password").map(String::as_str), Some(PASSWORD));
    assert_eq!(form.get("verificationCode").map(String::as_str), code);
}

#[test]
fn sign_in_asks_for_the_verification_code_and_prints_the_token() {
    let server = two_factor_round();
    let mut args = plex_tv_args(&server, "sign-in");
    // Nothing kept, and nothing said about it.
    args.extend(["--login".into(), LOGIN.into(), "--no-store".into()]);

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
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    check_sign_in(&seen[0], None);
    check_sign_in(&seen[1], Some(CODE));
}

#[test]
fn sign_in_takes_login_and_code_from_the_environment_and_prints_json() {
    let server = two_factor_round();
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
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    check_sign_in(&seen[0], Some(CODE));
}

#[test]
fn sign_in_tries_the_code_once_only() {
    // Whatever is sent, plex.tv keeps asking for the code.
    let server = Server::always(asks_for_the_code());
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
    assert_eq!(error["plexCodes"], value!([1029]));
    assert_absent(&output, PASSWORD);
    assert_eq!(server.count(), 2);
}

#[test]
fn sign_in_with_a_refused_code_given_up_front_is_not_retried() {
    let server = Server::always(asks_for_the_code());
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into(), "--code".into(), CODE.into()]);

    let output = run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)], None);

    assert_eq!(output.status.code(), Some(3), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert_absent(&output, PASSWORD);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    check_sign_in(&seen[0], Some(CODE));
}

#[test]
fn sign_in_with_a_wrong_password_exits_with_the_auth_code() {
    let server = Server::always(vec![Step::Answer(Answer::json(
        401,
        recorded("plextv-error-401-1001-not-authenticated.json"),
    ))]);
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into()]);

    let output = run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)], None);

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(
        message.starts_with(
            "plex-auth: error: wrong login or password (HTTP 401 Unauthorized): User could not \
             be authenticated (code 1001)\n\
             plex-auth: hint: plex.tv refused the login or the password; repeated failures \
             lock this IP out\n"
        ),
        "{message}"
    );
    assert_absent(&output, PASSWORD);
    // A refused sign-in is never retried.
    assert_eq!(server.count(), 1);
}

#[test]
fn sign_in_without_a_login_or_client_identifier_is_bad_input() {
    let server = Server::always(vec![Step::Answer(Answer::new(500))]);

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
            &server.url(),
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
            .is_some_and(|m| m.starts_with("no client identifier: pass --client-identifier")),
        "{error}"
    );
    assert_absent(&output, PASSWORD);
    assert_eq!(server.count(), 0);
}

/// The case: `PLEX_PASSWORD=… plex-auth sign-in --login alice </dev/null` on a 2FA
/// account: exit code 3, the kind plex.tv's answer is, and how to give the code.
#[test]
fn a_two_factor_sign_in_with_no_code_and_stdin_closed_exits_3_and_says_to_pass_the_code() {
    let server = two_factor_round();
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into()]);

    let output = run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)], None);

    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "plex-auth: error: verification code required (HTTP 401 Unauthorized): Please enter \
         the verification code (code 1029)\n\
         plex-auth: hint: this account has two-factor authentication: give the code with --code \
         or PLEX_VERIFICATION_CODE, or run the command on a terminal to be asked for it\n"
    );
    assert_absent(&output, PASSWORD);
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "no second sign-in without a code");
    check_sign_in(&seen[0], None);

    args.push("--json".into());
    let output = run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)], None);
    assert_eq!(output.status.code(), Some(3));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "verification-code-required");
    assert_eq!(error["exitCode"], 3);
    assert_eq!(error["plexCodes"], value!([1029]));
    assert!(
        error["hint"]
            .as_str()
            .is_some_and(|hint| hint.contains("--code")),
        "{error}"
    );
}

#[test]
fn a_token_too_long_to_print_is_not_kept_either() {
    let home = super::kept::Home::new("long-token");
    let long_token = "t".repeat(9000);
    let mut account: Value =
        serde_json::from_slice(&recorded("plextv-users-signin-201.json")).unwrap();
    account["authToken"] = long_token.as_str().into();
    let server = Server::always(vec![Step::Answer(Answer::json(
        201,
        account.to_string().into_bytes(),
    ))]);
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into()]);

    let output = home.run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)]);

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("is not printable ASCII of 1 to 8192 characters (9000 bytes)"),
        "{}",
        stderr(&output)
    );
    assert_absent(&output, &long_token);
    assert!(
        !home.accounts().exists() || std::fs::read_dir(home.accounts()).unwrap().next().is_none(),
        "nothing is kept"
    );
}
