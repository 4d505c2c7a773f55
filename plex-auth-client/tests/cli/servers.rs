//! `servers` and `connect` against a loopback plex.tv listing one server with five
//! connections, each a loopback server of the test; and the client identifier kept on disk.

use std::time::{Duration, Instant};

use crate::harness::{Answer, Server, Step, closed_port_url};
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

struct Scene {
    plex_tv: Server,
    closed: String,
    servers: Vec<Server>,
    real: String,
}

/// plex.tv lists "Box": a relay and a silent connection (both answer later or never), a
/// closed port, an impostor, and the real server, remote. `broken` leaves the real one and
/// the relay out.
fn build_scene(broken: bool) -> Scene {
    let closed = closed_port_url();
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
        plex_tv: Server::always(vec![Step::Answer(Answer::json(200, body))]),
        closed,
        servers: vec![silent, impostor, real, relay],
        real: real_url,
    }
}

impl Scene {
    fn args(&self, command: &str) -> Vec<String> {
        let mut args = plex_tv_args(&self.plex_tv, command);
        args.extend(["--token".into(), TOKEN.into()]);
        args
    }

    /// plex.tv saw the account token once; the connections saw the device's token only.
    fn check_tokens(&self) {
        let asked = self.plex_tv.seen();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].header("x-plex-token"), Some(TOKEN));
        assert_eq!(asked[0].header("x-plex-client-identifier"), Some(CLIENT_ID));
        for server in &self.servers {
            for seen in server.seen() {
                assert_eq!(seen.path(), "/identity");
                assert_eq!(seen.header("x-plex-token"), Some(DEVICE_TOKEN));
            }
        }
    }
}

#[test]
fn connect_prints_the_real_server_alone_within_seconds() {
    let scene = build_scene(false);
    let started = Instant::now();
    let output = run(&strs(&scene.args("connect")), &[], None);
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{}\n", scene.real));
    // The silent connection would hold it 3 s; the binary starts in well under a second.
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    assert_eq!(
        stderr(&output),
        "Connected to Box\u{FFFD}[31m\u{FFFD}forged.\n"
    );
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
fn connect_exits_4_and_says_what_was_tried_when_nothing_answers() {
    let scene = build_scene(true);
    let mut args = scene.args("connect");
    args.extend(["--timeout".into(), "0.5".into()]);
    let output = run(&strs(&args), &[], None);
    assert_eq!(output.status.code(), Some(4));
    assert_eq!(stdout(&output), "");
    let text = stderr(&output);
    assert!(
        text.starts_with("plex-auth: error: no connection to server "),
        "{text}"
    );
    assert!(text.contains("tried 3: "), "{text}");
    assert!(
        text.contains(&format!("{}/ (local): ", scene.closed)),
        "{text}"
    );
    assert!(
        text.contains("answered as another server (machineIdentifier \"someone-else\")"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}/ (remote): ", scene.servers[0].url())),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");
    assert_absent(&output, DEVICE_TOKEN);
    assert_absent(&output, TOKEN);
    scene.check_tokens();

    // A server that is not on the account is bad input, and nothing is probed.
    let other = build_scene(false);
    let mut args = other.args("connect");
    args.extend(["--server".into(), "Attic".into()]);
    let output = run(&strs(&args), &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no server \"Attic\" on this account"));
    assert!(other.servers.iter().all(|s| s.count() == 0));
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
