//! A hostile server or a hostile command line: the binary's output, text and `--json` alike,
//! never shows a credential, never carries a control character, and bad numbers are input
//! errors, not panics.

use super::harness::{Answer, Server};
use super::*;

/// Runs `args` in text mode and in `--json` mode; returns both outputs.
fn both_modes(args: &[String], env: &[(&str, &str)]) -> [Output; 2] {
    let mut json_args = args.to_vec();
    json_args.push("--json".into());
    [
        run(&strs(args), env, None),
        run(&strs(&json_args), env, None),
    ]
}

/// No control character but the newline ending each line; no line that does not start as the
/// binary's own do.
fn assert_inert(output: &Output) {
    for text in [stdout(output), stderr(output)] {
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "a control character in {text:?}"
        );
    }
    for line in stderr(output).lines() {
        assert!(line.starts_with("plex-auth: "), "a forged line: {line:?}");
    }
}

#[test]
fn a_token_in_a_redirect_is_never_printed() {
    let location = format!("https://elsewhere.example/{TOKEN}?X-Plex-Token={TOKEN}");
    let server = Server::answering(Answer::new(302).header("Location", &location));
    for output in both_modes(
        &plex_tv_args(&server, "token-details"),
        &[("PLEX_TOKEN", TOKEN)],
    ) {
        assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
        assert_absent(&output, TOKEN);
        assert_inert(&output);
    }
    assert_eq!(server.count(), 2);
}

#[test]
fn credentials_echoed_by_plex_tv_are_never_printed() {
    let message = format!("refused login=a&password={PASSWORD}&verificationCode={CODE}");
    let server = Server::answering(Answer::json(
        401,
        format!(r#"{{"errors":[{{"code":1001,"message":"{message}"}}]}}"#),
    ));
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into(), "--code".into(), CODE.into()]);
    for output in both_modes(&args, &[("PLEX_PASSWORD", PASSWORD)]) {
        assert_eq!(output.status.code(), Some(3), "stderr: {}", stderr(&output));
        assert_absent(&output, PASSWORD);
        assert_absent(&output, CODE);
        assert_inert(&output);
    }
}

#[test]
fn credential_fields_in_an_error_body_are_never_printed() {
    let secret = "svc-SECRET-31f0";
    let server = Server::answering(Answer::new(500).body(format!(
        r#"{{"authToken":["{secret}"],"auth\u0054oken":"{secret}","x":"<authToken>{secret}</authToken>"}}"#
    )));
    for output in both_modes(
        &plex_tv_args(&server, "token-details"),
        &[("PLEX_TOKEN", TOKEN)],
    ) {
        assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
        assert_absent(&output, secret);
        assert_inert(&output);
    }
}

#[test]
fn server_text_cannot_drive_the_terminal() {
    let evil = r"first\nplex-auth: error: forged\r\u001b[2J\u001b]0;owned\u0007";
    let server = Server::answering(Answer::json(
        401,
        format!(r#"{{"errors":[{{"code":1001,"message":"{evil}"}}]}}"#),
    ));
    let [text, json_output] = both_modes(
        &plex_tv_args(&server, "token-details"),
        &[("PLEX_TOKEN", TOKEN)],
    );
    assert_eq!(text.status.code(), Some(3));
    assert_inert(&text);
    assert!(stderr(&text).contains("forged"), "{}", stderr(&text));
    assert_inert(&json_output);
    let error = &json(&json_output)["error"];
    assert!(!error["message"].as_str().unwrap().contains('\u{1b}'));
}

#[test]
fn out_of_range_numbers_are_input_errors() {
    for timeout in ["1e300", "-1", "0", "NaN", "inf", "86401", "ten"] {
        let flag = format!("--timeout={timeout}");
        let output = run(&["token-details", &flag, "--token", TOKEN], &[], None);
        assert_eq!(
            output.status.code(),
            Some(2),
            "--timeout {timeout}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("is not a number of seconds between 0 and 86400"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn a_password_in_a_server_url_is_never_printed() {
    for url in [
        "http://user:p?ss#word/x@127.0.0.1:9/",
        "http://user:pass%2Fword@127.0.0.1:9/?X-Plex-Token=pass",
    ] {
        let args: Vec<String> = [
            "transient-token",
            "--server",
            url,
            "--client-identifier",
            CLIENT_ID,
        ]
        .map(String::from)
        .to_vec();
        for output in both_modes(&args, &[("PLEX_TOKEN", TOKEN)]) {
            assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(&output));
            for secret in ["pass", "ss#word", TOKEN] {
                assert_absent(&output, secret);
            }
        }
    }
}

#[test]
fn a_hostile_account_prints_inert() {
    let mut account: Value = serde_json::from_slice(&super::harness::recorded(
        "plextv-user-200-free-account.json",
    ))
    .unwrap();
    account["username"] = "me\n\u{1b}[31mred\u{9b}2J\u{202e}".into();
    let server = Server::answering(Answer::json(200, account.to_string()));
    for output in both_modes(
        &plex_tv_args(&server, "token-details"),
        &[("PLEX_TOKEN", TOKEN)],
    ) {
        assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
        assert_inert(&output);
    }
}
