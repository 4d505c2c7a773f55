//! `plex-auth transient-token` and `plex-auth resources`, against a Plex Media Server.

use super::harness::{Answer, Server, fixture, recorded};
use super::*;

const TRANSIENT_TOKEN: &str = "transient-90904684-f91a-4391-8bf7-e0dfa7240285";
const SOURCE: &str = "server://243b471948ace337a8f92f129ec97d1902fcb1df";
const SOURCE_ACCESS_TOKEN: &str = "transient-fa75f159-b9d2-42b6-8fbd-1761c7a4195a";

#[test]
fn transient_token_prints_the_transient_token() {
    let server = Server::answering(Answer::json(
        200,
        fixture("derived/pms-security-token-200.json"),
    ));

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

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.path(), "/security/token");
        assert_eq!(request.query()["type"], "delegation");
        assert_eq!(request.query()["scope"], "all");
        check_sent(request, Some(TOKEN));
    }
}

/// A Plex Media Server's 401 page is not plex.tv's refusal of the token: it may grant this
/// account nothing, or stand behind a proxy. The failure is reported, not as a refused token.
#[test]
fn transient_token_refused_by_the_server_is_not_a_refused_token() {
    let server = Server::answering(
        Answer::new(401)
            .header("Content-Type", "text/html")
            .body(recorded("pms-error-401.html")),
    );

    let output = run(
        &strs(&pms_args(&server, "transient-token")),
        &[("PLEX_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "plex-auth: error: not authorized on this server (HTTP 401 Unauthorized): 401 \
         Unauthorized\n\
         plex-auth: hint: the server answered 401 without saying the token is invalid (a Plex Media \
         Server that does not grant this account access, or a proxy or captive portal asking \
         for its own login): the token was not judged\n"
    );
    assert_absent(&output, TOKEN);
    assert_eq!(server.count(), 1);
}

#[test]
fn resources_lists_connections_but_not_the_access_token() {
    let server = Server::answering(Answer::json(
        200,
        fixture("derived/pms-security-resources-200-list.json"),
    ));
    let mut args = pms_args(&server, "resources");
    args.extend(["--source".into(), SOURCE.into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "PlexCorp (plex-corp) (243b471948ace337a8f92f129ec97d1902fcb1df)\n\
         \x20 access token: received (not shown)\n\
         \x20 https://10-0-2-123.93b10b279ff8456686414add109854cd.plex.direct:32400/  local\n\
         \x20 https://64-71-188-222.93b10b279ff8456686414add109854cd.plex.direct:32403/  remote\n\
         \x20 https://139-162-158-105.93b10b279ff8456686414add109854cd.plex.direct:8443/  remote relay\n"
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

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.path(), "/security/resources");
        assert_eq!(request.query()["source"], SOURCE);
        check_sent(request, Some(TOKEN));
    }
}

#[test]
fn resources_with_a_malformed_source_is_refused_before_sending() {
    let server = Server::answering(Answer::new(500));
    let mut args = pms_args(&server, "resources");
    args.extend(["--source".into(), "not-a-source".into(), "--json".into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json(&output)["error"]["kind"], "invalid-input");
    assert_eq!(server.count(), 0);
}
