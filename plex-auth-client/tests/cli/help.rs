//! `--help` as people read it: each command's own options first, the shared ones under their
//! own heading (for every command, the binary's unit test checks it against the clap
//! definition); every flag's text true for its command; completions a shell accepts; a man
//! page with the sections a reader expects.

use std::process::Command;

use plex_auth_client::Connector;

use super::*;

const SHARED: &str = "Identity and connection:";

/// Where `needle` starts in `help`, or a failure that shows the help.
fn at(help: &str, needle: &str) -> usize {
    help.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in:\n{help}"))
}

#[test]
fn servers_help_shows_its_own_option_before_the_shared_ones() {
    let output = run(&["servers", "--help"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    let own = at(&help, "Options:\n      --token <TOKEN>");
    let shared = at(&help, SHARED);
    assert!(own < shared, "{help}");
    for flag in [
        "--client-identifier",
        "--plex-tv-url",
        "--timeout",
        "--no-retry",
        "--json",
    ] {
        assert!(
            at(&help, flag) > shared,
            "{flag} is not under {SHARED:?}:\n{help}"
        );
    }
    // Short help too.
    let output = run(&["servers", "-h"], &[], None);
    let help = stdout(&output);
    assert!(at(&help, "--token") < at(&help, SHARED), "{help}");
}

#[test]
fn connect_help_describes_its_own_timeouts() {
    let output = run(&["connect", "--help"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    let shared = at(&help, SHARED);
    for own in [
        "--server <NAME_OR_CLIENT_ID>",
        "--probe-timeout <SECONDS>",
        "--deadline <SECONDS>",
    ] {
        assert!(at(&help, own) < shared, "{own}:\n{help}");
    }
    // The numbers are the connector's own defaults.
    assert!(help.contains(&format!(
        "Time each of the server's connections may take to answer its probe, in seconds \
         (default {})",
        Connector::DEFAULT_PROBE_TIMEOUT.as_secs_f64()
    )));
    assert!(help.contains(&format!(
        "Time allowed for the whole choice, in seconds (default {})",
        Connector::DEFAULT_DEADLINE.as_secs_f64()
    )));
    assert!(help.contains(&format!(
        "the {} best-ranked",
        Connector::DEFAULT_MAX_CONNECTIONS
    )));
    assert!(help.contains(&format!(
        "or {} s after the first one proved",
        Connector::DEFAULT_GRACE.as_secs_f64()
    )));
    // The shared timeout is not the probes' one, and says so where probes are.
    assert!(help.contains("`connect` probes servers with its own --probe-timeout"));
    assert!(
        !help.contains("a Plex Media Server, from sending"),
        "{help}"
    );
    assert!(!help.contains("also the probe timeout"), "{help}");
}

#[test]
fn bash_accepts_the_completion_script() {
    let output = run(&["completions", "bash"], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let script = stdout(&output);
    for word in [
        "_plex__auth()",
        "-F _plex__auth",
        "switch-user",
        "--probe-timeout",
        "--no-store",
    ] {
        assert!(script.contains(word), "{word} missing");
    }
    let dir = std::env::temp_dir().join(format!("plex-auth-completions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("plex-auth.bash");
    std::fs::write(&file, &script).unwrap();
    let checked = Command::new("bash").arg("-n").arg(&file).output();
    std::fs::remove_dir_all(&dir).unwrap();
    match checked {
        Ok(checked) => assert!(
            checked.status.success(),
            "bash -n refused the script: {}",
            String::from_utf8_lossy(&checked.stderr)
        ),
        // Every CI machine has bash; a machine without it has nothing to check with.
        Err(err) => eprintln!("bash not found ({err}): the script is not checked"),
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let output = run(&["completions", shell], &[], None);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(stdout(&output).contains("switch-user"), "{shell}");
    }
    let output = run(&["completions", "tcsh"], &[], None);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_man_page_has_the_sections_of_a_man_page() {
    let output = run(&["man"], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    let lines: Vec<&str> = page.lines().collect();
    assert!(lines[0].starts_with(".ie \\n(.g .ds Aq"), "{}", lines[0]);
    let title = lines
        .iter()
        .find(|line| line.starts_with(".TH "))
        .expect("a .TH title");
    assert!(title.starts_with(".TH plex-auth 1 "), "{title}");
    let sections: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.strip_prefix(".SH "))
        .collect();
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "SUBCOMMANDS",
        "VERSION",
    ] {
        assert!(sections.contains(&section), "no {section} in {sections:?}");
    }
    // Each command is listed, with its summary; every request is a well-formed roff line.
    for command in [
        "plex\\-auth\\-login",
        "plex\\-auth\\-status",
        "plex\\-auth\\-logout",
    ] {
        assert!(page.contains(command), "{command} missing");
    }
    for line in &lines {
        assert!(
            !line.starts_with('.') || line.len() > 1,
            "an empty request line: {line:?}"
        );
    }
    assert!(
        page.contains("Exit codes:"),
        "the exit codes are in the page"
    );

    let output = run(&["man", "login"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(page.contains(".TH plex-auth-login 1 "), "{page}");
    assert!(page.contains("\\-\\-deadline"), "{page}");
    assert!(
        page.contains("\\-\\-plex\\-tv\\-url"),
        "the shared flags are in it"
    );

    let output = run(&["man", "nothing"], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "plex-auth: error: plex-auth has no command \"nothing\"; `plex-auth --help` lists them\n"
    );
}
