//! Which token a command acts with, and nothing else: an empty `--token` is refused rather
//! than replaced by another identity; `--account` given wins over PLEX_TOKEN and cannot be
//! combined with `--token`; one unreadable account file does not hide the others; `logout`
//! with nothing kept says so.

use plex_auth_client::{AccountStore, KeptAccount, KeptCredential, Secret};

use super::harness::{Answer, Server, Step, recorded};
use super::kept::{Home, token_of, with};
use super::*;

/// A home with alice and bob kept (legacy tokens), alice the current one.
fn two_kept(name: &str) -> (Home, AccountStore) {
    let home = Home::new(name);
    let store = AccountStore::new(home.accounts());
    for (uuid, name) in [("aaaa1111", "alice"), ("bbbb2222", "bob")] {
        let token = format!("{name}-kept-token");
        store
            .save(&KeptAccount::new(
                1,
                uuid,
                name,
                KeptCredential::Legacy(Secret::new(token)),
            ))
            .unwrap();
    }
    store.set_current("aaaa1111").unwrap();
    (home, store)
}

fn plex_user() -> Server {
    Server::always(vec![Step::Answer(Answer::json(
        200,
        recorded("plextv-user-200-free-account.json"),
    ))])
}

#[test]
fn an_empty_token_flag_is_refused_and_the_kept_token_goes_nowhere() {
    let (home, _store) = two_kept("empty-token");
    let plex = plex_user();
    for empty in ["", "  "] {
        for command in ["status", "servers", "token"] {
            let args = with(plex_tv_args(&plex, command), &["--token", empty]);
            let output = home.run(&strs(&args), &[("PLEX_TOKEN", TOKEN)]);
            assert_eq!(output.status.code(), Some(2), "{command} {empty:?}");
            assert_eq!(stdout(&output), "", "{command}");
            assert_eq!(
                stderr(&output),
                "plex-auth: error: --token is empty\n",
                "{command}"
            );
            assert_absent(&output, "alice-kept-token");
        }
    }
    assert_eq!(plex.count(), 0, "nothing was sent");

    // An empty PLEX_TOKEN is unset: the kept account is used.
    let output = home.run(&strs(&plex_tv_args(&plex, "status")), &[("PLEX_TOKEN", "")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(token_of(&plex.seen()[0]), Some("alice-kept-token"));
}

#[test]
fn the_account_given_wins_over_plex_token_and_is_never_ignored_for_a_token() {
    let (home, _store) = two_kept("account-choice");
    let plex = plex_user();
    let status = |extra: &[&str], env: &[(&str, &str)]| {
        let output = home.run(&strs(&with(plex_tv_args(&plex, "status"), extra)), env);
        (output.status.code(), output)
    };

    // --account with --token: which one is meant is not guessed.
    let (code, output) = status(&["--account", "bob", "--token", "flag-token"], &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr(&output).contains("'--account <ACCOUNT>' cannot be used with '--token <TOKEN>'"),
        "{}",
        stderr(&output)
    );
    assert_eq!(plex.count(), 0);

    // An explicit --account beats the ambient PLEX_TOKEN.
    let (code, _) = status(&["--account", "bob"], &[("PLEX_TOKEN", TOKEN)]);
    assert_eq!(code, Some(0));
    assert_eq!(token_of(&plex.seen()[0]), Some("bob-kept-token"));

    // The ambient PLEX_ACCOUNT yields to a token given, by flag or by PLEX_TOKEN.
    let (code, _) = status(&["--token", "flag-token"], &[("PLEX_ACCOUNT", "bob")]);
    assert_eq!(code, Some(0));
    assert_eq!(token_of(&plex.seen()[1]), Some("flag-token"));
    let (code, _) = status(&[], &[("PLEX_ACCOUNT", "bob"), ("PLEX_TOKEN", TOKEN)]);
    assert_eq!(code, Some(0));
    assert_eq!(token_of(&plex.seen()[2]), Some(TOKEN));

    // Alone, PLEX_ACCOUNT chooses among the kept accounts.
    let (code, _) = status(&[], &[("PLEX_ACCOUNT", "bob")]);
    assert_eq!(code, Some(0));
    assert_eq!(token_of(&plex.seen()[3]), Some("bob-kept-token"));
    assert_eq!(plex.count(), 4);
}

#[test]
fn an_unreadable_account_file_is_skipped_with_a_warning_unless_it_is_the_one_asked_for() {
    let home = Home::new("unreadable");
    let store = AccountStore::new(home.accounts());
    store
        .save(&KeptAccount::new(
            1,
            "aaaa1111",
            "alice",
            KeptCredential::Legacy(Secret::new("alice-kept-token")),
        ))
        .unwrap();
    let broken = home.accounts().join("bbbb2222.json");
    std::fs::write(&broken, "not json secret-value").unwrap();
    let plex = plex_user();

    // No current file: the only account that can be read is used, the other named.
    let output = home.run(&strs(&plex_tv_args(&plex, "status")), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(token_of(&plex.seen()[0]), Some("alice-kept-token"));
    assert_eq!(
        stderr(&output),
        format!(
            "plex-auth: warning: skipped a kept account: {}: it is not JSON; remove it and \
             sign in again\n",
            broken.display()
        )
    );
    assert_absent(&output, "secret-value");

    let switched = home.run(&["switch-account", "alice"], &[]);
    assert_eq!(switched.status.code(), Some(0), "{}", stderr(&switched));

    // Asked for by its uuid, the broken account's error is the answer.
    let args = with(plex_tv_args(&plex, "status"), &["--account", "bbbb2222"]);
    let output = home.run(&strs(&args), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("it is not JSON; remove it and sign in again"),
        "{}",
        stderr(&output)
    );
    assert_eq!(plex.count(), 1);
}

#[test]
fn logout_with_nothing_kept_says_there_is_nothing_to_sign_out() {
    let home = Home::new("logout-nothing");
    let output = home.run(&["logout"], &[("PLEX_TOKEN", TOKEN)]);
    assert_eq!(output.status.code(), Some(3));
    let text = stderr(&output);
    assert!(
        text.starts_with("plex-auth: error: not signed in\n"),
        "{text}"
    );
    assert!(
        text.contains("plex-auth: hint: no account is kept, so there is nothing to sign out"),
        "{text}"
    );
    assert!(!text.contains("give a token with --token"), "{text}");
    assert_absent(&output, TOKEN);
}
