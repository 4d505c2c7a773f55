//! `servers` and `connect` against a loopback plex.tv listing one server with five
//! connections, each a loopback server of the test; `connect`'s failures, attempt by attempt;
//! `--server` by name or client identifier; and the client identifier kept on disk.

use std::time::{Duration, Instant};

use crate::harness::{Answer, Refused, Server, Silent, Step};
use crate::{CLIENT_ID, TOKEN, assert_absent, json, plex_tv_args, run, stderr, stdout, strs};

const MACHINE_ID: &str = "cli-real-server-machine-id";
const DEVICE_TOKEN: &str = "cli-device-token-for-box-only";

fn pms(machine_id: &str) -> Server {
    let body = format!(r#"{{"MediaContainer":{{"size":0,"machineIdentifier":"{machine_id}"}}}}"#);
    Server::always(vec![Step::Answer(Answer::json(200, body))])
}

fn connection(uri: &str, local: bool, relay: bool) -> String {
    format!(r#"{{"protocol":"http","uri":"{uri}","local":{local},"relay":{relay}}}"#)
}

/// plex.tv answering `/resources` with `body`.
fn plex_tv(body: String) -> Server {
    Server::always(vec![Step::Answer(Answer::json(200, body))])
}

struct Scene {
    plex_tv: Server,
    closed: String,
    /// Holds the closed port for the scene's life.
    _refused: Refused,
    servers: Vec<Server>,
    real: String,
}

/// plex.tv lists "Box": a relay and a silent connection (both answer later or never), a
/// closed port, an impostor, and the real server, remote. `broken` leaves the real one and
/// the relay out.
fn build_scene(broken: bool) -> Scene {
    let refused = Refused::new();
    let closed = refused.url();
    let silent = Server::always(vec![Step::Sleep(Duration::from_secs(30))]);
    let impostor = pms("someone-else");
    let real = pms(MACHINE_ID);
    let relay = pms(MACHINE_ID);
    let mut connections = vec![
        connection(&closed, true, false),
        connection(&impostor.url(), true, false),
    ];
    if !broken {
        connections.insert(0, connection(&relay.url(), false, true));
        connections.push(connection(&real.url(), false, false));
    }
    connections.push(connection(&silent.url(), false, false));
    // A hostile name: an escape sequence and a forged line.
    let body = format!(
        r#"[{{"name":"Box\u001b[31m\nforged","clientIdentifier":"{MACHINE_ID}","provides":"server","accessToken":"{DEVICE_TOKEN}","owned":true,"presence":true,"connections":[{}]}},
           {{"name":"TV","clientIdentifier":"p1","provides":"player","connections":[]}}]"#,
        connections.join(",")
    );
    let real_url = real.url();
    Scene {
        plex_tv: plex_tv(body),
        closed,
        _refused: refused,
        servers: vec![silent, impostor, real, relay],
        real: real_url,
    }
}

impl Scene {
    fn args(&self, command: &str) -> Vec<String> {
        args(&self.plex_tv, command)
    }

    /// plex.tv saw the account token once; no connection saw a token: probes carry none.
    fn check_tokens(&self) {
        let asked = self.plex_tv.seen();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].header("x-plex-token"), Some(TOKEN));
        assert_eq!(asked[0].header("x-plex-client-identifier"), Some(CLIENT_ID));
        for server in &self.servers {
            for seen in server.seen() {
                assert_eq!(seen.path(), "/identity");
                assert_eq!(seen.header("x-plex-token"), None);
            }
        }
    }
}

/// `command` against `plex_tv`, with the account token.
fn args(plex_tv: &Server, command: &str) -> Vec<String> {
    let mut args = plex_tv_args(plex_tv, command);
    args.extend(["--token".into(), TOKEN.into()]);
    args
}

/// Half of what a silent connection would hold `connect` with [`with_long_waits`]: a run that
/// waited for it fails, a slow machine does not.
const LONG_WAIT_BOUND: Duration = Duration::from_secs(15);

/// `args` with a probe timeout (30 s) and a deadline (60 s) far above [`LONG_WAIT_BOUND`]:
/// an answer within the bound did not wait for a silent connection.
fn with_long_waits(mut args: Vec<String>) -> Vec<String> {
    args.extend(["--probe-timeout", "30", "--deadline", "60"].map(String::from));
    args
}

#[test]
fn connect_prints_the_real_server_alone_within_seconds() {
    let scene = build_scene(false);
    let started = Instant::now();
    let output = run(&strs(&with_long_waits(scene.args("connect"))), &[], None);
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{}\n", scene.real));
    // The silent connection would hold it 30 s: a bound far from both ends on a loaded machine.
    assert!(elapsed < LONG_WAIT_BOUND, "{elapsed:?}");
    assert_eq!(stderr(&output), "Connected to Box\u{FFFD}[31m forged.\n");
    assert_eq!(
        scene.servers[2].count(),
        1,
        "the real server was asked once"
    );
    assert_eq!(scene.servers[1].count(), 1, "the impostor was asked once");
    assert_absent(&output, DEVICE_TOKEN);
    assert_absent(&output, TOKEN);
    scene.check_tokens();

    let again = build_scene(false);
    let mut args = again.args("connect");
    args.extend(["--server".into(), MACHINE_ID.into(), "--json".into()]);
    let output = run(&strs(&args), &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let answer = json(&output);
    assert_eq!(answer["url"], again.real.as_str());
    assert_eq!(answer["clientIdentifier"], MACHINE_ID);
}

#[test]
fn connect_redacts_what_it_shows_of_the_server_in_text_and_json() {
    let server = pms(MACHINE_ID);
    // A name that echoes the account token and the server's own access token.
    let body = format!(
        r#"[{{"name":"Box {TOKEN} {DEVICE_TOKEN}","clientIdentifier":"{MACHINE_ID}","provides":"server","accessToken":"{DEVICE_TOKEN}","owned":true,"connections":[{}]}}]"#,
        connection(&server.url(), true, false)
    );
    let plex_tv = plex_tv(body);
    let output = run(&strs(&args(&plex_tv, "connect")), &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "Connected to Box <redacted> <redacted>.\n");
    assert_eq!(stdout(&output), format!("{}\n", server.url()));

    let mut json_args = args(&plex_tv, "connect");
    json_args.push("--json".into());
    let output = run(&strs(&json_args), &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json(&output)["name"], "Box <redacted> <redacted>");
    assert_eq!(
        stderr(&output),
        "",
        "JSON mode prints one document and no note"
    );
    assert_absent(&output, TOKEN);
    assert_absent(&output, DEVICE_TOKEN);
}

#[test]
fn connect_failures_redact_the_account_token_a_name_echoes() {
    // plex.tv lists the account token nowhere, so only the tool knows to hide it: in a failed
    // choice, an ambiguous name and a name not found, in text and --json.
    let impostor = pms("someone-else");
    let body = format!(
        r#"[{{"name":"Box {TOKEN}","clientIdentifier":"{MACHINE_ID}","provides":"server","accessToken":"{DEVICE_TOKEN}","owned":true,"connections":[{}]}},
           {{"name":"Box {TOKEN}","clientIdentifier":"other-box","provides":"server","accessToken":"t2","owned":false,"sourceTitle":"{TOKEN}","connections":[]}}]"#,
        connection(&format!("{}/{TOKEN}", impostor.url()), true, false)
    );
    let plex_tv = plex_tv(body);
    for server in [
        MACHINE_ID.to_string(),
        format!("Box {TOKEN}"),
        format!("nothing {TOKEN}"),
    ] {
        for json_output in [false, true] {
            let mut command = args(&plex_tv, "connect");
            command.extend(["--server".into(), server.clone()]);
            if json_output {
                command.push("--json".into());
            }
            let output = run(&strs(&command), &[], None);
            assert_ne!(output.status.code(), Some(0), "{}", stderr(&output));
            let shown = format!("{}{}", stdout(&output), stderr(&output));
            assert!(shown.contains("<redacted>"), "{shown}");
            assert_absent(&output, TOKEN);
            assert_absent(&output, DEVICE_TOKEN);
        }
    }
    assert_eq!(
        impostor.count(),
        2,
        "probed once per failed choice, without a token"
    );
}

#[test]
fn connect_prints_the_remote_url_soon_when_a_local_address_is_silent() {
    let silent = Silent::http();
    let remote = pms(MACHINE_ID);
    let body = format!(
        r#"[{{"name":"Box","clientIdentifier":"{MACHINE_ID}","provides":"server","accessToken":"{DEVICE_TOKEN}","owned":true,"connections":[{},{}]}}]"#,
        connection(&silent.url(), true, false),
        connection(&remote.url(), false, false)
    );
    let plex_tv = plex_tv(body);
    let started = Instant::now();
    let output = run(
        &strs(&with_long_waits(args(&plex_tv, "connect"))),
        &[],
        None,
    );
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{}\n", remote.url()));
    // The grace (0.4 s) after the remote answered, not the probe timeout (30 s here); the
    // bound is generous for a loaded machine, the benchmark measures it.
    assert!(elapsed < LONG_WAIT_BOUND, "{elapsed:?}");
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
}

#[test]
fn connect_exits_4_and_prints_each_attempt_when_nothing_answers() {
    let scene = build_scene(true);
    let mut args = scene.args("connect");
    args.extend(["--probe-timeout".into(), "0.5".into()]);
    let output = run(&strs(&args), &[], None);
    assert_eq!(output.status.code(), Some(4));
    assert_eq!(stdout(&output), "");
    let text = stderr(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "plex-auth: error: no connection to server \"Box\u{FFFD}[31m forged\" answered as that server (3 probed)"
    );
    assert!(
        lines[1].starts_with(&format!(
            "plex-auth:   {}/ (local): transport error: cannot connect",
            scene.closed
        )),
        "{text}"
    );
    assert_eq!(
        lines[2],
        format!(
            "plex-auth:   {}/ (local): answered as another server (machineIdentifier \"someone-else\")",
            scene.servers[1].url()
        )
    );
    assert_eq!(
        lines[3],
        format!(
            "plex-auth:   {}/ (remote): no answer within 500 ms",
            scene.servers[0].url()
        )
    );
    assert_eq!(
        lines[4],
        "plex-auth: hint: no connection of the server proved to be it; check that it runs and is \
         reachable from here"
    );
    assert_eq!(lines.len(), 5, "{text}");
    assert_absent(&output, DEVICE_TOKEN);
    assert_absent(&output, TOKEN);
    scene.check_tokens();

    // A server that is not on the account is bad input, and nothing is probed.
    let other = build_scene(false);
    let mut args = other.args("connect");
    args.extend(["--server".into(), "Attic".into()]);
    let output = run(&strs(&args), &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(&format!(
            "plex-auth: error: no server \"Attic\" among the account's servers (by name or client identifier): \"Box\u{FFFD}[31m forged\" (owned, client identifier \"{MACHINE_ID}\")"
        )),
        "{}",
        stderr(&output)
    );
    assert!(other.servers.iter().all(|s| s.count() == 0));
}

#[test]
fn a_long_failure_prints_the_first_attempts_and_json_lists_them_all() {
    let refused = Refused::new();
    let closed = refused.url();
    let connections: Vec<String> = (0..40).map(|_| connection(&closed, true, false)).collect();
    let body = format!(
        r#"[{{"name":"Box","clientIdentifier":"{MACHINE_ID}","provides":"server","accessToken":"{DEVICE_TOKEN}","connections":[{}]}}]"#,
        connections.join(",")
    );
    let plex_tv = plex_tv(body);
    let output = run(&strs(&args(&plex_tv, "connect")), &[], None);
    assert_eq!(output.status.code(), Some(4));
    let text = stderr(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "{text}");
    assert_eq!(
        lines[0],
        "plex-auth: error: no connection to server \"Box\" answered as that server (32 probed, 8 not tried)"
    );
    assert_eq!(
        lines[6],
        "plex-auth:   and 35 more (--json lists every one)"
    );

    let mut json_args = args(&plex_tv, "connect");
    json_args.push("--json".into());
    let output = run(&strs(&json_args), &[], None);
    assert_eq!(output.status.code(), Some(4));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "no-connection");
    assert_eq!(error["exitCode"], 4);
    let attempts = error["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 40);
    assert_eq!(attempts[0]["url"], format!("{closed}/"));
    assert_eq!(attempts[0]["place"], "local");
    assert_eq!(attempts[0]["outcome"], "unreachable");
    assert_eq!(attempts[0]["probed"], true);
    assert_eq!(attempts[39]["outcome"], "not-tried");
    assert_eq!(attempts[39]["probed"], false);
    assert_eq!(
        attempts[39]["reason"],
        "not tried: only the 32 best-ranked connections are probed"
    );
}

#[test]
fn a_name_two_servers_share_is_refused_and_the_client_identifier_picks_one() {
    let owned = pms("own-box-1");
    let shared = pms("alices-box-2");
    let body = format!(
        r#"[{{"name":"Box","clientIdentifier":"own-box-1","provides":"server","accessToken":"t1","owned":true,"connections":[{}]}},
           {{"name":"Box","clientIdentifier":"alices-box-2","provides":"server","accessToken":"t2","owned":false,"sourceTitle":"alice","connections":[{}]}}]"#,
        connection(&owned.url(), true, false),
        connection(&shared.url(), true, false)
    );
    let plex_tv = plex_tv(body);
    let mut ambiguous = args(&plex_tv, "connect");
    ambiguous.extend(["--server".into(), "Box".into()]);
    let output = run(&strs(&ambiguous), &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "plex-auth: error: \"Box\" matches 2 servers: \"Box\" (owned, client identifier \"own-box-1\"), \"Box\" (shared by \"alice\", client identifier \"alices-box-2\"); choose one by its client identifier\n\
         plex-auth: hint: a server's owner chooses its name, so names can repeat: name the server by its client identifier\n"
    );
    ambiguous.push("--json".into());
    let error = &json(&run(&strs(&ambiguous), &[], None))["error"];
    assert_eq!(error["kind"], "ambiguous-server");
    assert_eq!(error["servers"][1]["owner"], "alice");
    assert_eq!(error["servers"][1]["clientIdentifier"], "alices-box-2");
    assert_eq!(
        (owned.count(), shared.count()),
        (0, 0),
        "nothing was probed"
    );

    let mut by_id = args(&plex_tv, "connect");
    by_id.extend(["--server".into(), "alices-box-2".into()]);
    let output = run(&strs(&by_id), &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{}\n", shared.url()));
    assert_eq!(owned.count(), 0);
}

#[test]
fn a_server_listed_without_an_access_token_exits_3_and_nothing_is_sent() {
    let server = pms(MACHINE_ID);
    let body = format!(
        r#"[{{"name":"Box","clientIdentifier":"{MACHINE_ID}","provides":"server","accessToken":null,"connections":[{}]}}]"#,
        connection(&server.url(), true, false)
    );
    let plex_tv = plex_tv(body);
    let mut json_args = args(&plex_tv, "connect");
    let output = run(&strs(&json_args), &[], None);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr(&output).lines().next().unwrap(),
        "plex-auth: error: plex.tv lists server \"Box\" without an access token: this account cannot use it (nothing was sent to it)"
    );
    json_args.push("--json".into());
    let output = run(&strs(&json_args), &[], None);
    assert_eq!(json(&output)["error"]["kind"], "no-server-token");
    assert_eq!(server.count(), 0);
}

#[test]
fn servers_lists_servers_and_connections_without_tokens() {
    let scene = build_scene(false);
    let output = run(&strs(&scene.args("servers")), &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert_eq!(
        lines[0],
        format!("Box\u{FFFD}[31m forged ({MACHINE_ID}): owned, online")
    );
    // Scheme, host, port and path.
    assert_eq!(lines[1], format!("  {}/  relay", scene.servers[3].url()));
    assert_eq!(lines[2], format!("  {}/  local", scene.closed));
    assert_eq!(lines[4], format!("  {}/  remote", scene.real));
    assert!(!text.contains("TV"), "players are not listed: {text}");
    assert_absent(&output, DEVICE_TOKEN);
    assert_absent(&output, TOKEN);
    assert!(
        scene.servers.iter().all(|s| s.count() == 0),
        "listing probes nothing"
    );

    let mut args = scene.args("servers");
    args.push("--json".into());
    let output = run(&strs(&args), &[], None);
    let answer = json(&output);
    let servers = answer["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 1);
    assert_eq!(servers[0]["owned"], true);
    assert_eq!(servers[0]["connections"].as_array().unwrap().len(), 5);
    assert_eq!(servers[0]["connections"][0]["relay"], true);
    assert_absent(&output, DEVICE_TOKEN);
}

#[test]
fn without_a_client_identifier_one_is_kept_in_the_config_folder() {
    let home = std::env::temp_dir().join(format!("plex-auth-cli-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let home_text = home.to_str().unwrap();
    let server = Server::always(vec![Step::Answer(Answer::json(
        200,
        r#"[{"name":"Box","clientIdentifier":"x","provides":"server","connections":[]}]"#,
    ))]);
    let args = ["servers", "--plex-tv-url", &server.url(), "--token", TOKEN];
    for _ in 0..2 {
        let output = run(&args, &[("HOME", home_text)], None);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let file = home.join(".config/plex-auth/client-identifier");
    let stored = std::fs::read_to_string(&file).unwrap();
    let stored = stored.trim();
    assert_eq!(stored.len(), 36, "{stored}");
    let sent: Vec<_> = server
        .seen()
        .iter()
        .map(|s| s.header("x-plex-client-identifier").unwrap().to_string())
        .collect();
    assert_eq!(sent, [stored, stored], "both runs are the same device");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // XDG_CONFIG_HOME wins over HOME; the flag and PLEX_CLIENT_IDENTIFIER win over both.
    let xdg = home.join("xdg");
    let env = [
        ("HOME", home_text),
        ("XDG_CONFIG_HOME", xdg.to_str().unwrap()),
    ];
    run(&args, &env, None);
    let from_xdg = std::fs::read_to_string(xdg.join("plex-auth/client-identifier")).unwrap();
    assert_ne!(from_xdg.trim(), stored);
    let env = [("HOME", home_text), ("PLEX_CLIENT_IDENTIFIER", "from-env")];
    run(&args, &env, None);
    let seen = server.seen();
    assert_eq!(
        seen[2].header("x-plex-client-identifier"),
        Some(from_xdg.trim())
    );
    assert_eq!(seen[3].header("x-plex-client-identifier"), Some("from-env"));
    std::fs::remove_dir_all(&home).unwrap();
}
