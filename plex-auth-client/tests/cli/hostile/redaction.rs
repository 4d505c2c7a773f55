//! No credential shows in the binary's output, in any encoding, and no server text drives the
//! terminal: text and `--json`, success or failure.

use super::*;

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

/// The account the token-details and sign-in answers carry, its names set to `name`, its own
/// token `own_token`.
fn account_naming(name: &str, own_token: &str) -> String {
    let mut account = recorded_json("plextv-users-signin-201.json");
    account["authToken"] = own_token.into();
    for field in ["username", "title", "email", "uuid", "country", "locale"] {
        account[field] = name.into();
    }
    account.to_string()
}

/// Fails when any output shows `secret` or its encoded form `hidden`.
fn assert_never_shown(output: &Output, secret: &str, hidden: &str, case: &str) {
    let (out, err) = (stdout(output), stderr(output));
    for text in [&out, &err] {
        assert!(
            !text.contains(secret) && !text.contains(hidden),
            "{case}: shown in:\nstdout: {out}\nstderr: {err}"
        );
    }
}

#[test]
fn token_details_never_prints_a_token_it_echoes_in_any_encoding() {
    const OWN: &str = "account-own-token-5d1e";
    for encoding in Encoding::all() {
        for secret in [TOKEN, OWN] {
            let (echo, hidden) = encoding.encode(secret);
            let server = Server::answering(Answer::json(
                200,
                account_naming(&format!("me {echo}"), OWN),
            ));
            for output in both_modes(
                &plex_tv_args(&server, "token-details"),
                &[("PLEX_TOKEN", TOKEN)],
            ) {
                let case = format!("{encoding:?} of {secret}");
                assert_eq!(output.status.code(), Some(0), "{case}: {}", stderr(&output));
                assert_never_shown(&output, secret, &hidden, &case);
                // base64 keeps the few characters that mix in the bytes around the secret.
                assert!(
                    stdout(&output).contains("<redacted>"),
                    "{case}: {}",
                    stdout(&output)
                );
                // The services' tokens of the recorded answer never show either.
                assert_absent(&output, "ZzVOMgXkeJVRv25D");
                assert_inert(&output);
            }
        }
    }
}

#[test]
fn sign_in_and_switch_user_print_the_token_alone_and_nothing_else_of_it() {
    const NEW_TOKEN: &str = "new-account-token-77c4";
    // Sign-in: the names echo the password and the new token.
    let name = format!("{PASSWORD} {NEW_TOKEN}");
    let server = Server::answering(Answer::json(201, account_naming(&name, NEW_TOKEN)));
    let mut args = plex_tv_args(&server, "sign-in");
    args.extend(["--login".into(), LOGIN.into()]);
    let [text, json_output] = both_modes(&args, &[("PLEX_PASSWORD", PASSWORD)]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert_eq!(stdout(&text), format!("{NEW_TOKEN}\n"));
    assert_eq!(
        stderr(&text),
        "Signed in as <redacted> <redacted> (<redacted> <redacted>).\n\
         plex-auth: warning: the token is not kept: neither HOME nor XDG_CONFIG_HOME is set\n"
    );
    assert_absent(&text, PASSWORD);
    let document = json(&json_output);
    assert_eq!(document["authToken"], NEW_TOKEN);
    assert_eq!(document["username"], "<redacted> <redacted>");
    assert_eq!(stdout(&json_output).matches(NEW_TOKEN).count(), 1);
    assert_absent(&json_output, PASSWORD);

    // switch-user: the profile's title echoes the account's token, the PIN and its own token.
    let mut profile: Value = serde_json::from_str(&account_naming("", NEW_TOKEN)).unwrap();
    profile["title"] = format!("{TOKEN}/8642/{NEW_TOKEN}").into();
    let listed = format!(
        r#"{{"users":[{{"id":2,"uuid":"0f1e2d3c4b5a6978","title":"{TOKEN} kids","protected":true}}]}}"#
    );
    let server = Server::start(move |_, request| {
        let answer = if request.path() == "/home/users" {
            Answer::json(200, listed.clone())
        } else {
            Answer::json(201, profile.to_string())
        };
        vec![Step::Answer(answer)]
    });
    let mut args = plex_tv_args(&server, "switch-user");
    args.extend(["0f1e2d3c4b5a6978".into(), "--pin".into(), "8642".into()]);
    let [text, json_output] = both_modes(&args, &[("PLEX_TOKEN", TOKEN)]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert_eq!(stdout(&text), format!("{NEW_TOKEN}\n"));
    assert_eq!(
        stderr(&text),
        "Switched to <redacted>/<redacted>/<redacted>.\n"
    );
    let document = json(&json_output);
    assert_eq!(document["title"], "<redacted>/<redacted>/<redacted>");
    assert_eq!(stdout(&json_output).matches(NEW_TOKEN).count(), 1);
    for output in [&text, &json_output] {
        assert_absent(output, TOKEN);
        assert_absent(output, "8642");
    }
}

/// plex.tv's `/resources` listing one server whose name, owner and connections echo tokens.
fn hostile_resources(name: &str) -> String {
    const DEVICE: &str = "device-access-token-c0de";
    serde_json::json!([{
        "name": name,
        "clientIdentifier": "machine-1",
        "provides": "server",
        "accessToken": DEVICE,
        "owned": false,
        "sourceTitle": format!("friend {DEVICE}"),
        "presence": true,
        "connections": [
            {"protocol": "https", "uri": format!("https://10-0-0-1.plex.direct:32400/?X-Plex-Token={DEVICE}"), "local": true},
            {"protocol": "http", "uri": format!("http://admin:{DEVICE}@203.0.113.9:32400/library#{TOKEN}"), "local": false},
            {"protocol": "http", "uri": format!("http://203.0.113.9:32400/{DEVICE}/x"), "relay": true},
        ],
    }])
    .to_string()
}

#[test]
fn servers_never_print_a_token_in_a_name_or_a_uri() {
    let server = Server::answering(Answer::json(
        200,
        hostile_resources(&format!("Box {TOKEN} device-access-token-c0de")),
    ));
    let [text, json_output] =
        both_modes(&plex_tv_args(&server, "servers"), &[("PLEX_TOKEN", TOKEN)]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert_eq!(
        stdout(&text),
        "Box <redacted> <redacted> (machine-1): shared by friend <redacted>, online\n\
         \x20 https://10-0-0-1.plex.direct:32400/  local\n\
         \x20 http://203.0.113.9:32400/library  remote\n\
         \x20 http://203.0.113.9:32400/<redacted>/x  relay\n"
    );
    let document = json(&json_output);
    let uris: Vec<&str> = document["servers"][0]["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        uris,
        [
            "https://10-0-0-1.plex.direct:32400/",
            "http://203.0.113.9:32400/library",
            "http://203.0.113.9:32400/<redacted>/x"
        ]
    );
    for output in [&text, &json_output] {
        assert_absent(output, TOKEN);
        assert_absent(output, "device-access-token-c0de");
        assert_absent(output, "admin");
        assert_inert(output);
    }
}

#[test]
fn resources_never_print_the_access_token_inside_a_uri() {
    let access = "transient-access-9f1c";
    let body = serde_json::json!({"MediaContainer": {"size": 1, "Device": [{
        "name": format!("PlexCorp {access}"),
        "clientIdentifier": "243b4719",
        "accessToken": access,
        "Connection": [{
            "protocol": "https",
            "address": access,
            "uri": format!("https://u:{access}@10-0-2-123.plex.direct:32400/{access}?X-Plex-Token={access}#{access}"),
            "port": 32400,
            "local": 1
        }]
    }]}});
    let server = Server::answering(Answer::json(200, body.to_string()));
    let mut args = pms_args(&server, "resources");
    args.extend(["--source".into(), "server://243b4719".into()]);
    let [text, json_output] = both_modes(&args, &[("PLEX_TOKEN", TOKEN)]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert_eq!(
        stdout(&text),
        "PlexCorp <redacted> (243b4719)\n\
         \x20 access token: received (not shown)\n\
         \x20 https://10-0-2-123.plex.direct:32400/<redacted>  local\n"
    );
    let connection = &json(&json_output)["devices"][0]["connections"][0];
    assert_eq!(connection["address"], "<redacted>");
    assert_eq!(
        connection["uri"],
        "https://10-0-2-123.plex.direct:32400/<redacted>"
    );
    for output in [&text, &json_output] {
        assert_absent(output, access);
        assert_absent(output, TOKEN);
    }
}

#[test]
fn a_server_string_is_cut_with_an_ellipsis() {
    // 1 MiB in six fields: within the answer size limit.
    let long = "N".repeat(1024 * 1024);
    let server = Server::answering(Answer::json(200, account_naming(&long, "own-token-1")));
    for output in both_modes(
        &plex_tv_args(&server, "token-details"),
        &[("PLEX_TOKEN", TOKEN)],
    ) {
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let out = stdout(&output);
        assert!(out.len() < 16 * 1024, "{} bytes printed", out.len());
        assert!(out.contains(&format!("{}…", "N".repeat(256))), "{out:.400}");
        assert!(!out.contains(&"N".repeat(257)));
    }
    let server = Server::answering(Answer::json(200, hostile_resources(&long)));
    let output = run(
        &strs(&plex_tv_args(&server, "servers")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let first = stdout(&output).lines().next().unwrap().to_string();
    assert!(
        first.starts_with(&format!("{}… (machine-1)", "N".repeat(256))),
        "{first:.400}"
    );
}

#[test]
fn a_hostile_pin_code_is_refused_not_printed() {
    let huge = "C".repeat(3 * 1024 * 1024);
    for code in [
        huge.as_str(),
        "AB\u{1b}]0;owned\u{7}",
        "AB\nplex-auth: forged",
        "",
    ] {
        let mut pin = recorded_json("plextv-pins-201-new.json");
        pin["code"] = code.into();
        let server = Server::answering(Answer::json(201, pin.to_string()));
        for output in both_modes(&plex_tv_args(&server, "login"), &[]) {
            assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
            let all = format!("{}{}", stdout(&output), stderr(&output));
            assert!(all.len() < 1024, "{} bytes printed", all.len());
            assert!(
                all.contains("does not have the expected shape at code"),
                "{all}"
            );
            assert!(!all.contains("CCCC") && !all.contains("owned"), "{all}");
            assert_inert(&output);
        }
        assert_eq!(server.count(), 2, "no poll of a refused PIN");
    }
}
