//! `plex-auth token-details`: the account behind a token, never the token.

use serde_json::json as value;

use super::harness::{Answer, Refused, Server, Step, recorded};
use super::*;

/// The tokens in the recorded /user answer (the account's and its services').
const USER_TOKENS: [&str; 2] = ["auth_token", "token1"];

fn account() -> Server {
    Server::always(vec![Step::Answer(Answer::json(
        200,
        recorded("plextv-user-200-free-account.json"),
    ))])
}

#[test]
fn token_details_shows_the_account_but_no_token() {
    let server = account();

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
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/user");
    check_sent(&seen[0], Some(TOKEN));
}

#[test]
fn token_details_prints_json_without_the_token() {
    let server = account();
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
    assert_eq!(server.count(), 1);
    check_sent(&server.seen()[0], Some(TOKEN));
}

#[test]
fn token_details_with_a_refused_token_exits_with_the_auth_code() {
    let server = Server::always(vec![Step::Answer(Answer::json(
        401,
        recorded("plextv-error-401-1001-not-authenticated.json"),
    ))]);
    let mut args = plex_tv_args(&server, "token-details");
    args.push("--json".into());

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "invalid-token");
    assert_eq!(error["status"], 401);
    assert_eq!(error["plexCodes"], value!([1001]));
    assert_absent(&output, TOKEN);
    assert_eq!(server.count(), 1);
}

#[test]
fn token_details_without_a_token_says_how_to_sign_in() {
    let server = account();

    // No token, no PLEX_TOKEN, and no HOME to keep an account in.
    let output = run(&strs(&plex_tv_args(&server, "token-details")), &[], None);

    assert_eq!(output.status.code(), Some(3));
    // Each system's own folder variables.
    let missing = if cfg!(windows) {
        "APPDATA is not set"
    } else if cfg!(target_os = "macos") {
        "HOME is not set"
    } else {
        "neither HOME nor XDG_CONFIG_HOME is set"
    };
    assert_eq!(
        stderr(&output),
        format!(
            "plex-auth: error: not signed in, and no account can be kept: {missing}\n\
             plex-auth: hint: sign in with `plex-auth login` (or `plex-auth sign-in`), or give \
             a token with --token or PLEX_TOKEN\n"
        )
    );
    assert_eq!(server.count(), 0);
}

#[test]
fn network_failure_has_its_own_exit_code() {
    let refused = Refused::new();
    let output = run(
        &[
            "token-details",
            "--plex-tv-url",
            &refused.url(),
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

#[test]
fn claim_prints_the_claim_token_alone_asked_of_plex_tvs_v1_base() {
    let server = Server::always(vec![Step::Answer(Answer::json(
        200,
        super::harness::fixture("derived/plextv-claim-token-200.json"),
    ))]);
    // --plex-tv-url names the v2 base; the claim token is asked of the v1 base beside it.
    let output = run(
        &[
            "claim",
            "--plex-tv-url",
            &format!("{}/api/v2", server.url()),
            "--client-identifier",
            CLIENT_ID,
        ],
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "claim-Xk3vQ9bR7tLm2pW8sYz4\n");
    assert_eq!(stderr(&output), "Claim token (valid for a few minutes):\n");
    assert_absent(&output, TOKEN);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/api/claim/token.json");
    check_sent(&seen[0], Some(TOKEN));
}
