//! A hostile server or a hostile command line: the binary's output, text and `--json` alike,
//! success or failure, never shows a credential (in any encoding), never carries a control
//! character, cuts long server strings, and no number a server or a user gives makes it panic.

use super::harness::{Answer, Encoding, Server, Step};
use super::*;

mod files;
mod numbers;
mod redaction;

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

/// A recorded body, as JSON.
fn recorded_json(name: &str) -> Value {
    serde_json::from_slice(&super::harness::recorded(name)).expect("a recorded JSON body")
}
