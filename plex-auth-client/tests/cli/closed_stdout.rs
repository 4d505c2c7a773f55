//! `plex-auth … | head`: a closed standard output ends the program quietly with exit code 141,
//! never a panic, a backtrace or a message, whatever `RUST_BACKTRACE` says.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::harness::{Answer, Server, Step, recorded};
use super::*;

/// A server that answers `answer` only once the test says so: the binary cannot write before
/// the test closed its stdout.
fn gated(answer: Answer) -> (Server, Sender<()>) {
    let (open, opened) = channel::<()>();
    let opened = Arc::new(Mutex::new(opened));
    let server = Server::start(move |_, _| {
        let _ = opened.lock().unwrap().recv_timeout(Duration::from_secs(60));
        vec![Step::Answer(answer.clone())]
    });
    (server, open)
}

/// Runs the binary with `RUST_BACKTRACE=full`; reads `keep` bytes of its stdout, closes it,
/// then sends `after_close` (to open a gated server). Returns the exit code, the bytes read and
/// stderr.
fn run_closing_stdout(
    args: &[String],
    keep: usize,
    after_close: Option<Sender<()>>,
) -> (Option<i32>, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plex-auth"))
        .args(args)
        .env_clear()
        .env("PLEX_TOKEN", TOKEN)
        .env("RUST_BACKTRACE", "full")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut read = vec![0u8; keep];
    stdout.read_exact(&mut read).expect("the first bytes come");
    drop(stdout);
    if let Some(open) = after_close {
        open.send(()).expect("the server waits");
    }
    let output = child.wait_with_output().expect("the binary finishes");
    (output.status.code(), read, stderr(&output))
}

/// plex.tv's answer listing one server with `connections` connections.
fn servers(connections: usize) -> Answer {
    let connections: Vec<serde_json::Value> = (0..connections)
        .map(|n| {
            serde_json::json!({
                "protocol": "https",
                "uri": format!("https://10-0-{}-{}.plex.direct:32400", n / 256, n % 256),
                "local": n % 2 == 0,
            })
        })
        .collect();
    let body = serde_json::json!([{
        "name": "Box",
        "clientIdentifier": "machine-1",
        "provides": "server",
        "accessToken": "device-token",
        "owned": true,
        "presence": true,
        "connections": connections,
    }]);
    Answer::json(200, body.to_string())
}

#[test]
fn servers_json_piped_to_head_ends_quietly() {
    // Far more than a pipe holds (64 KiB), so the writes meet the closed pipe.
    let server = Server::answering(servers(4000));
    let mut args = plex_tv_args(&server, "servers");
    args.push("--json".into());
    let (code, read, stderr) = run_closing_stdout(&args, 10, None);
    assert_eq!(code, Some(141), "stderr: {stderr}");
    assert_eq!(read, b"{\n  \"serve");
    assert_eq!(stderr, "");
}

#[test]
fn a_stdout_closed_before_the_answer_ends_quietly() {
    for (command, answer) in [
        ("servers", servers(3)),
        (
            "token-details",
            Answer::json(200, recorded("plextv-user-200-free-account.json")),
        ),
        ("ping", Answer::json(200, &br#"{"pong":true}"#[..])),
    ] {
        for json_mode in [false, true] {
            let (server, open) = gated(answer.clone());
            let mut args = plex_tv_args(&server, command);
            if json_mode {
                args.push("--json".into());
            }
            let (code, _, stderr) = run_closing_stdout(&args, 0, Some(open));
            assert_eq!(code, Some(141), "{command}: {stderr}");
            assert_eq!(stderr, "", "{command}");
        }
    }
}
