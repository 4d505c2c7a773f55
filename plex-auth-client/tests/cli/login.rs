//! `plex-auth login` (the PIN flow) and `plex-auth link`, with stdin closed.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::harness::{Answer, Server, Step, recorded};
use super::*;

/// plex.tv: `POST /pins` creates the recorded PIN; poll number n (0-based) is answered by
/// `poll(n)`; `PUT /pins/link` by `link`.
fn plex_tv(poll: impl Fn(usize) -> Answer + Send + Sync + 'static, link: Answer) -> Server {
    let polls = AtomicUsize::new(0);
    Server::start(move |_, seen| {
        let answer = match (seen.method.as_str(), seen.path()) {
            ("POST", "/pins") => Answer::json(201, recorded("plextv-pins-201-new.json")),
            ("GET", "/pins/111222333") => poll(polls.fetch_add(1, Ordering::SeqCst)),
            ("PUT", "/pins/link") => link.clone(),
            ("GET", "/user") => Answer::json(200, recorded("plextv-user-200-free-account.json")),
            _ => Answer::new(404),
        };
        vec![Step::Answer(answer)]
    })
}

fn expired() -> Answer {
    Answer::json(404, recorded("plextv-pins-404-1020-code-not-found.json"))
}

fn login_args(server: &Server) -> Vec<String> {
    let mut args = plex_tv_args(server, "login");
    args.extend(["--interval".into(), "0.05".into()]);
    args
}

#[test]
fn login_prints_the_token_alone_once_the_pin_is_linked() {
    let server = plex_tv(
        |n| match n {
            0 | 1 => Answer::json(200, recorded("plextv-pins-201-new.json")),
            _ => Answer::json(200, recorded("plextv-pins-200-linked.json")),
        },
        Answer::new(204),
    );

    let output = run(&strs(&login_args(&server)), &[], None);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "auth_token\n");
    // Without a terminal: where to go, the wait, who signed in; no progress line.
    assert_eq!(
        stderr(&output),
        "plex-auth: go to https://plex.tv/link and enter the code CODE\n\
         plex-auth: waiting for the approval (the code expires in 15 minutes)\n\
         Signed in as user@example.com (user@example.com).\n\
         plex-auth: warning: the token is not kept: neither HOME nor XDG_CONFIG_HOME is set\n"
    );
    let seen = server.seen();
    assert_eq!(
        seen.len(),
        5,
        "one PIN, three polls, then whose the token is"
    );
    for request in &seen[..4] {
        check_sent(request, None);
    }
    assert_eq!(seen[4].target, "/user");
    check_sent(&seen[4], Some("auth_token"));
}

#[test]
fn login_with_an_expired_pin_exits_3_with_nothing_on_stdout() {
    let server = plex_tv(|_| expired(), Answer::new(204));

    let output = run(&strs(&login_args(&server)), &[], None);
    assert_eq!(output.status.code(), Some(3), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("PIN expired or unknown"),
        "{}",
        stderr(&output)
    );

    let mut args = login_args(&server);
    args.push("--json".into());
    let output = run(&strs(&args), &[], None);
    assert_eq!(output.status.code(), Some(3));
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "pin-expired");
    assert_eq!(error["plexCodes"], serde_json::json!([1020]));
    assert_eq!(server.count(), 4, "a PIN and a poll, twice");
}

#[test]
fn login_strong_points_to_the_browser_page() {
    let server = plex_tv(
        |_| Answer::json(200, recorded("plextv-pins-200-linked.json")),
        Answer::new(204),
    );
    let mut args = login_args(&server);
    args.extend(["--strong".into(), "--json".into()]);

    let output = run(&strs(&args), &[], None);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(json(&output)["authToken"], "auth_token");
    let expected = format!(
        "plex-auth: open this page to sign in: https://app.plex.tv/auth#?clientID={CLIENT_ID}&code=CODE"
    );
    assert!(
        stderr(&output).starts_with(&expected),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.seen()[0].target, "/pins?strong=true");
}

#[test]
fn link_approves_a_code_with_the_account_token() {
    let server = plex_tv(|_| expired(), Answer::new(204));
    let mut args = plex_tv_args(&server, "link");
    args.push("ABCD".into());

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path()),
        ("PUT", "/pins/link")
    );
    assert_eq!(seen[0].form()["code"], "ABCD");
    check_sent(&seen[0], Some(TOKEN));
}

#[test]
fn link_with_an_unknown_code_exits_3() {
    let server = plex_tv(|_| expired(), expired());
    let mut args = plex_tv_args(&server, "link");
    args.extend(["ABCD".into(), "--json".into()]);

    let output = run(&strs(&args), &[("PLEX_TOKEN", TOKEN)], None);

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(json(&output)["error"]["kind"], "pin-expired");
    assert_absent(&output, TOKEN);
    assert_eq!(server.count(), 1);
}

/// On a terminal (a pseudo-terminal `script` gives it, where util-linux's `script` is
/// installed), the wait shows the code and the time left on one line, redrawn in place with
/// carriage returns and cleared before "Signed in as".
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_the_wait_counts_down_in_place() {
    let server = plex_tv(
        |n| match n {
            0..=2 => Answer::json(200, recorded("plextv-pins-201-new.json")),
            _ => Answer::json(200, recorded("plextv-pins-200-linked.json")),
        },
        Answer::new(204),
    );
    let mut args = plex_tv_args(&server, "login");
    // Three polls 0.6 s apart: the countdown is drawn at least twice.
    args.extend(["--interval".into(), "0.6".into(), "--no-store".into()]);
    let Some((status, screen)) = on_a_terminal(&args, &[]) else {
        return;
    };
    assert_eq!(status, Some(0), "{screen}");
    let line = "plex-auth: waiting for the approval of code CODE: 14:";
    assert!(
        screen.starts_with("plex-auth: go to https://plex.tv/link and enter the code CODE\n\r"),
        "{screen:?}"
    );
    assert!(screen.matches(line).count() >= 2, "{screen:?}");
    assert!(!screen.contains("the code expires in"), "{screen:?}");
    let cleared = format!("\r{}\r", " ".repeat(line.len() + 7));
    assert!(
        screen.contains(&format!(
            "{cleared}Signed in as user@example.com (user@example.com).\n"
        )),
        "{screen:?}"
    );
    assert!(screen.ends_with("auth_token\n"), "{screen:?}");
}

/// `args` run on a pseudo-terminal (util-linux's `script`), with only `env` in the
/// environment: the exit code and the screen, or `None` where `script` is not installed.
#[cfg(target_os = "linux")]
fn on_a_terminal(args: &[String], env: &[(&str, String)]) -> Option<(Option<i32>, String)> {
    let command = std::iter::once(env!("CARGO_BIN_EXE_plex-auth").to_string())
        .chain(args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let Ok(output) = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdin(std::process::Stdio::null())
        .output()
    else {
        eprintln!("no `script` on this machine: the terminal path is not run");
        return None;
    };
    let screen = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    Some((output.status.code(), screen))
}

/// On a terminal, a token that was kept is not printed: the screen says how to get it.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_a_kept_token_is_not_shown() {
    let server = plex_tv(
        |n| match n {
            0 => Answer::json(200, recorded("plextv-pins-201-new.json")),
            _ => Answer::json(200, recorded("plextv-pins-200-linked.json")),
        },
        Answer::new(204),
    );
    let home = super::kept::Home::new("terminal");
    let args = login_args(&server);
    let Some((status, screen)) = on_a_terminal(&args, &home.env()) else {
        return;
    };
    assert_eq!(status, Some(0), "{screen}");
    assert!(
        screen.ends_with("The token is not shown: `plex-auth token` prints it.\n"),
        "{screen:?}"
    );
    assert!(!screen.contains("auth_token"), "{screen:?}");
    // It was kept: `plex-auth token` prints it, to a script.
    let output = home.run(&["token"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "auth_token\n");
}

#[test]
fn login_stops_waiting_at_its_deadline_with_exit_code_4() {
    // Never approved.
    let server = plex_tv(
        |_| Answer::json(200, recorded("plextv-pins-201-new.json")),
        Answer::new(204),
    );
    let mut args = login_args(&server);
    args.extend(["--deadline".into(), "0.3".into()]);

    let output = run(&strs(&args), &[], None);

    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).ends_with(
            "plex-auth: error: the PIN was not approved within 0.3 s; it stays valid until it \
             expires\n\
             plex-auth: hint: run `plex-auth login` again, with a longer --deadline or none\n"
        ),
        "{}",
        stderr(&output)
    );
    assert!(server.seen().iter().all(|seen| seen.path() != "/user"));
}
