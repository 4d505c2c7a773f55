//! No number a server or a user gives makes the binary panic: an out-of-range one is an input
//! error, an extreme one from a server is shown or refused.

use super::*;

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
fn no_number_a_server_sends_makes_the_binary_panic() {
    // login: a PIN living "forever", with an extreme id, linked at the first poll.
    for (expires_in, id) in [
        (Value::from(i64::MAX), Value::from(i64::MIN)),
        (Value::from(i64::MIN), Value::from(i64::MAX)),
        (Value::from(0), Value::from(-1)),
    ] {
        let mut pin = recorded_json("plextv-pins-201-new.json");
        pin["expiresIn"] = expires_in.clone();
        pin["id"] = id.clone();
        let mut linked = recorded_json("plextv-pins-200-linked.json");
        linked["id"] = id.clone();
        let server = Server::start(move |_, seen| {
            let answer = if seen.method == "POST" {
                Answer::json(201, pin.to_string())
            } else {
                Answer::json(200, linked.to_string())
            };
            vec![super::harness::Step::Answer(answer)]
        });
        let mut args = plex_tv_args(&server, "login");
        args.extend(["--interval".into(), "0.05".into()]);
        let output = run(&strs(&args), &[], None);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{expires_in}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "auth_token\n");
        assert!(
            stderr(&output).contains("the code expires in 15 minutes"),
            "{}",
            stderr(&output)
        );
        assert_eq!(server.seen()[1].path(), format!("/pins/{id}"));
    }

    // token-details: every number of the account at its extremes, and one that is no integer.
    let account_with = |fields: &[&str], value: &Value| {
        let mut account = recorded_json("plextv-user-200-plexpass-account.json");
        for field in fields {
            account[*field] = value.clone();
        }
        let server = Server::answering(Answer::json(200, account.to_string()));
        both_modes(
            &plex_tv_args(&server, "token-details"),
            &[("PLEX_TOKEN", TOKEN)],
        )
    };
    let numbers = [
        "id",
        "joinedAt",
        "homeSize",
        "maxHomeSize",
        "rememberExpiresAt",
        "adsConsentSetAt",
    ];
    for extreme in [i64::MAX, i64::MIN, 0, -1].map(Value::from) {
        for output in account_with(&numbers, &extreme) {
            let out = stdout(&output);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{extreme}: {}",
                stderr(&output)
            );
            assert!(out.contains(&extreme.to_string()), "{out}");
            assert_inert(&output);
        }
    }
    for nonsense in [
        serde_json::json!(1e300),
        serde_json::json!(u64::MAX),
        serde_json::json!("12345"),
    ] {
        for output in account_with(&["joinedAt"], &nonsense) {
            let all = format!("{}{}", stdout(&output), stderr(&output));
            assert_eq!(output.status.code(), Some(1), "{nonsense}: {all}");
            assert!(
                all.contains("does not have the expected shape at joinedAt"),
                "{all}"
            );
        }
    }
}
