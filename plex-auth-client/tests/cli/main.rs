//! End-to-end tests of the `plex-auth` binary: each test starts a loopback server of the replay
//! harness, runs the built binary against it with a clean environment, and checks its output,
//! its exit code, and what the server received.

use plex_auth_harness as harness;

mod account;
mod closed_stdout;
mod help;
mod hostile;
mod kept;
mod login;
mod pms;
mod refusal;
mod servers;
mod sign_in;
mod token;
mod which_token;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use harness::{Seen, Server};
use serde_json::Value;

const CLIENT_ID: &str = "cli-test-installation";
const LOGIN: &str = "username@email.com";
/// Distinctive, so that any trace of it in the output is found.
const PASSWORD: &str = "Pa55-w0rd-that-must-never-show";
const TOKEN: &str = "cli-test-token-0123456789";
const CODE: &str = "123456";

/// Runs the binary with only the given environment (no PLEX_* or proxy settings leak in from
/// the test's own) and `stdin` on its standard input (closed when `None`).
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plex-auth"));
    command
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(input.as_bytes())
            .expect("stdin is written");
    }
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON document")
}

fn assert_absent(output: &Output, secret: &str) {
    assert!(
        !stdout(output).contains(secret) && !stderr(output).contains(secret),
        "a secret appears in the output:\nstdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}

/// `command --plex-tv-url <server> --client-identifier CLIENT_ID`.
fn plex_tv_args(server: &Server, command: &str) -> Vec<String> {
    vec![
        command.to_string(),
        "--plex-tv-url".into(),
        server.url(),
        "--client-identifier".into(),
        CLIENT_ID.into(),
    ]
}

/// `command --server <server> --client-identifier CLIENT_ID`.
fn pms_args(server: &Server, command: &str) -> Vec<String> {
    vec![
        command.to_string(),
        "--server".into(),
        server.url(),
        "--client-identifier".into(),
        CLIENT_ID.into(),
    ]
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Checks that a request carries the CLI's identity and, when given, the token.
fn check_sent(request: &Seen, token: Option<&str>) {
    let target = &request.target;
    assert_eq!(
        request.header("x-plex-client-identifier"),
        Some(CLIENT_ID),
        "{target}"
    );
    assert_eq!(
        request.header("x-plex-product"),
        Some("plex-auth"),
        "{target}"
    );
    assert_eq!(
        request.header("accept"),
        Some("application/json"),
        "{target}"
    );
    assert_eq!(request.header("x-plex-token"), token, "{target}");
}

#[test]
fn help_documents_the_exit_codes_and_hides_the_token() {
    let output = run(&["--help"], &[("PLEX_TOKEN", TOKEN)], None);
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    for line in [
        "  2    bad input",
        "  3    authentication failed",
        "  4    network failure",
        "  5    rate limited",
        "  141  standard output was closed",
    ] {
        assert!(help.contains(line), "missing {line:?} in:\n{help}");
    }

    let output = run(&["token-details", "--help"], &[("PLEX_TOKEN", TOKEN)], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("else PLEX_TOKEN, else the kept account's"));
    assert_absent(&output, TOKEN);
}
