//! One rule for "the token was refused", in every command: `token-status` says `invalid`
//! (exit 3) only for plex.tv's own refusal, and `unknown` (exit 4) for a 401 that is not one;
//! `ping` and `token-details` exit 3 for the same answers and never for the others.

use super::harness::{Answer, Server, recorded};
use super::*;

/// A captive portal's page.
const PORTAL: &str = "<html><head><title>Sign in to the network</title></head>\
                      <body><h1>401 Authorization Required</h1></body></html>";

/// The answers that are not plex.tv's refusal of the token, with the exit code `ping` and
/// `token-details` give them.
fn not_refusals() -> Vec<(&'static str, Vec<Answer>, i32)> {
    let envelope = recorded("plextv-error-401-1001-not-authenticated.json");
    vec![
        (
            "a proxy's HTML 401 with a Basic challenge",
            vec![
                Answer::new(401)
                    .header("Content-Type", "text/html")
                    .header("WWW-Authenticate", "Basic realm=\"proxy\"")
                    .body(PORTAL),
            ],
            1,
        ),
        (
            "a same-origin 302 to a portal that answers 401",
            vec![
                Answer::new(302).header("Location", "/portal"),
                Answer::new(401).header("Content-Type", "text/html").body(PORTAL),
            ],
            1,
        ),
        (
            "plex.tv's envelope behind a challenge",
            vec![Answer::json(401, envelope).header("WWW-Authenticate", "Bearer")],
            1,
        ),
        (
            "a 401 with code 1003 and Retry-After",
            vec![
                Answer::json(
                    401,
                    r#"{"errors":[{"code":1003,"message":"API rate limit exceeded","status":401}]}"#,
                )
                .header("Retry-After", "60"),
            ],
            5,
        ),
    ]
}

/// plex.tv's own refusals.
fn refusals() -> Vec<(&'static str, Answer)> {
    vec![
        (
            "401, JSON envelope, code 1001",
            Answer::json(401, recorded("plextv-error-401-1001-not-authenticated.json")),
        ),
        (
            "401, XML envelope, code 1001",
            Answer::new(401)
                .header("Content-Type", "application/xml")
                .body(r#"<errors><error code="1001" message="User could not be authenticated" status="401"/></errors>"#),
        ),
        (
            "422 Invalid token",
            Answer::new(422)
                .header("Content-Type", "application/xml")
                .body(recorded("plextv-user-422-invalid-token.xml")),
        ),
    ]
}

fn command(server: &Server, name: &str, json_mode: bool) -> Output {
    let mut args = plex_tv_args(server, name);
    args.push("--no-retry".into());
    if json_mode {
        args.push("--json".into());
    }
    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);
    assert_absent(&output, TOKEN);
    output
}

#[test]
fn a_401_that_is_not_plex_tvs_refusal_is_unknown_everywhere() {
    for (case, answers, exit_code) in not_refusals() {
        let server = Server::answers(answers.clone());
        let text = command(&server, "token-status", false);
        assert_eq!(text.status.code(), Some(4), "{case}: {}", stderr(&text));
        assert_eq!(stdout(&text), "unknown\n", "{case}");
        assert!(
            stderr(&text).contains("plex-auth: keep it and check again later"),
            "{case}: {}",
            stderr(&text)
        );

        let server = Server::answers(answers.clone());
        let document = json(&command(&server, "token-status", true));
        assert_eq!(document["status"], "unknown", "{case}");
        let reason = document["reason"].as_str().unwrap();
        assert!(
            reason.contains("(HTTP 401 Unauthorized)") && !reason.contains("getTokenDetails"),
            "{case}: {reason}"
        );

        for name in ["ping", "token-details"] {
            let server = Server::answers(answers.clone());
            let output = command(&server, name, true);
            assert_eq!(output.status.code(), Some(exit_code), "{case}: {name}");
            let kind = json(&output)["error"]["kind"].clone();
            assert_ne!(kind, "invalid-token", "{case}: {name}");
        }
    }
}

#[test]
fn plex_tvs_refusal_is_invalid_everywhere() {
    for (case, answer) in refusals() {
        let server = Server::answering(answer.clone());
        let text = command(&server, "token-status", false);
        assert_eq!(text.status.code(), Some(3), "{case}: {}", stderr(&text));
        assert_eq!(stdout(&text), "invalid\n", "{case}");
        assert!(
            stderr(&text).contains("plex-auth: drop it and sign in again"),
            "{case}"
        );
        for name in ["ping", "token-details"] {
            let server = Server::answering(answer.clone());
            let output = command(&server, name, true);
            assert_eq!(output.status.code(), Some(3), "{case}: {name}");
            assert_eq!(
                json(&output)["error"]["kind"],
                "invalid-token",
                "{case}: {name}"
            );
            let server = Server::answering(answer.clone());
            let output = command(&server, name, false);
            assert!(
                stderr(&output).ends_with(
                    "plex-auth: hint: plex.tv refused the token in PLEX_TOKEN; sign in again with \
                     `plex-auth login`, or give another token\n"
                ),
                "{case}: {name}: {}",
                stderr(&output)
            );
        }
    }
}
