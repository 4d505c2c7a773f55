use super::*;
use crate::flows::private_file::tests::{assert_user_only, scratch};
use crate::{DeviceKey, Secret, TokenStore};

fn legacy(uuid: &str, name: &str, token: &str) -> KeptAccount {
    KeptAccount::new(7, uuid, name, KeptCredential::Legacy(Secret::new(token)))
}

#[test]
fn keeps_one_private_file_per_account_and_reads_it_back() {
    let dir = scratch("accounts");
    let store = AccountStore::new(dir.join("accounts"));
    assert!(store.accounts().unwrap().is_empty());
    assert!(store.current().unwrap().is_none());

    let key = DeviceKey::generate().unwrap();
    let jwt = KeptAccount::new(
        12,
        "bbbb2222",
        "bob",
        KeptCredential::Jwt {
            token: Secret::new("header.claims.signature"),
            key: key.clone(),
        },
    )
    .with_email("bob@example.com");
    let path = store.save(&jwt).unwrap();
    assert_eq!(path, dir.join("accounts/bbbb2222.json"));
    store
        .save(&legacy("aaaa1111", "alice", "legacy-token"))
        .unwrap();

    let bob = store.load("bbbb2222").unwrap().unwrap();
    assert_eq!((bob.id, bob.name.as_str()), (12, "bob"));
    assert_eq!(bob.email.as_deref(), Some("bob@example.com"));
    match &bob.credential {
        KeptCredential::Jwt { token, key: kept } => {
            assert_eq!(token.expose(), "header.claims.signature");
            assert_eq!(kept.public_key(), key.public_key());
            assert_eq!(kept.key_id(), key.key_id());
        }
        other => panic!("{other:?}"),
    }
    let names: Vec<String> = store
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    // Debug shows neither the token nor the key.
    let debug = format!("{bob:?}");
    assert!(!debug.contains("header.claims"), "{debug}");
    assert!(!debug.contains(key.to_bytes().expose().trim()), "{debug}");

    assert_user_only(&path, Some(store.folder()));
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(store.folder()).unwrap().count(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_current_account_is_the_one_chosen_else_the_only_one() {
    let dir = scratch("current-account");
    let store = AccountStore::new(&dir);
    store.save(&legacy("aaaa1111", "alice", "a-token")).unwrap();
    assert_eq!(
        store.current().unwrap().unwrap().name,
        "alice",
        "the only one"
    );
    store.save(&legacy("bbbb2222", "bob", "b-token")).unwrap();
    assert!(store.current().unwrap().is_none(), "two, none chosen");
    store.set_current("bbbb2222").unwrap();
    assert_eq!(store.current().unwrap().unwrap().name, "bob");
    let err = store.set_current("cccc3333").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);

    store.remove("bbbb2222").unwrap();
    assert!(
        !dir.join("current").exists(),
        "forgetting it forgets it is current"
    );
    assert_eq!(store.current().unwrap().unwrap().name, "alice");
    store.remove("bbbb2222").unwrap();
    store.remove("aaaa1111").unwrap();
    assert!(store.current().unwrap().is_none());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_uuid_never_chooses_a_path() {
    let store = AccountStore::new("accounts");
    for uuid in [
        "",
        "..",
        "../x",
        "a/b",
        "a\\b",
        "a.json",
        "é",
        &"a".repeat(65),
    ] {
        let err = store.path(uuid).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{uuid:?}");
        assert!(store.save(&legacy(uuid, "x", "t")).is_err(), "{uuid:?}");
    }
    assert!(store.path("212acf24b07315e5").is_ok());
}

#[test]
fn a_broken_or_foreign_file_is_named_never_quoted() {
    let dir = scratch("broken-account");
    let store = AccountStore::new(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &str); 5] = [
        ("not json secret-value", "it is not JSON"),
        (r#"{"format":2,"token":"secret-value"}"#, "not a format 1"),
        (
            r#"{"format":1,"id":1,"uuid":"aaaa1111","name":"a","kind":"legacy","token":"secret value"}"#,
            "holds no token",
        ),
        (
            r#"{"format":1,"id":1,"uuid":"aaaa1111","name":"a","kind":"other","token":"secret-value"}"#,
            "`kind`",
        ),
        (
            r#"{"format":1,"id":1,"uuid":"bbbb2222","name":"a","kind":"legacy","token":"secret-value"}"#,
            "holds another account",
        ),
    ];
    for (text, says) in cases {
        std::fs::write(dir.join("aaaa1111.json"), text).unwrap();
        let err = store.load("aaaa1111").unwrap_err();
        let message = err.to_string();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{message}");
        assert!(message.contains(says), "{message}");
        assert!(
            message.ends_with("remove it and sign in again"),
            "{message}"
        );
        assert!(!message.contains("secret"), "{message}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(dir.join("aaaa1111.json")).unwrap();
    let err = store.load("aaaa1111").unwrap_err();
    assert!(err.to_string().contains("is a folder"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_token_store_renews_the_jwt_in_the_account_file_and_clearing_forgets_it() {
    let dir = scratch("account-token-store");
    let store = AccountStore::new(&dir);
    let key = DeviceKey::generate().unwrap();
    let account = KeptAccount::new(
        3,
        "aaaa1111",
        "alice",
        KeptCredential::Jwt {
            token: Secret::new("first.jwt.x"),
            key: key.clone(),
        },
    );
    store.save(&account).unwrap();
    store.set_current("aaaa1111").unwrap();
    let tokens = store.token_store("aaaa1111").unwrap();
    assert_eq!(tokens.load().unwrap().unwrap().expose(), "first.jwt.x");
    tokens.save(&Secret::new("second.jwt.x")).unwrap();
    let kept = store.load("aaaa1111").unwrap().unwrap();
    assert_eq!(kept.credential.token().expose(), "second.jwt.x");
    assert_eq!(kept.name, "alice");
    match kept.credential {
        KeptCredential::Jwt { key: kept, .. } => assert_eq!(kept.public_key(), key.public_key()),
        other => panic!("{other:?}"),
    }
    tokens.clear().unwrap();
    assert!(store.load("aaaa1111").unwrap().is_none());
    assert!(store.current().unwrap().is_none());
    let err = tokens.save(&Secret::new("third.jwt.x")).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_renewal_neither_brings_back_an_account_signed_out_nor_overwrites_a_newer_sign_in() {
    let dir = scratch("account-token-store-race");
    let store = AccountStore::new(&dir);
    let jwt = |token: &str| {
        KeptAccount::new(
            3,
            "aaaa1111",
            "alice",
            KeptCredential::Jwt {
                token: Secret::new(token),
                key: DeviceKey::generate().unwrap(),
            },
        )
    };
    store.save(&jwt("first.jwt.x")).unwrap();

    // Another process signs out between this one's load and its save.
    let renewing = store.token_store("aaaa1111").unwrap();
    assert_eq!(renewing.load().unwrap().unwrap().expose(), "first.jwt.x");
    store.remove("aaaa1111").unwrap();
    let err = renewing.save(&Secret::new("renewed.jwt.x")).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound, "{err}");
    assert!(store.load("aaaa1111").unwrap().is_none(), "recreated");

    // Another process signs in again between this one's load and its save.
    store.save(&jwt("first.jwt.x")).unwrap();
    let renewing = store.token_store("aaaa1111").unwrap();
    renewing.load().unwrap();
    store.save(&jwt("newer.login.x")).unwrap();
    let err = renewing.save(&Secret::new("renewed.jwt.x")).unwrap_err();
    assert!(err.to_string().contains("signed in again"), "{err}");
    let kept = store.load("aaaa1111").unwrap().unwrap();
    assert_eq!(kept.credential.token().expose(), "newer.login.x");
    // Nor does its sign-out forget the newer sign-in.
    renewing.clear().unwrap();
    assert!(store.load("aaaa1111").unwrap().is_some());

    // Unchanged, it renews, and renews again from what it saved.
    let renewing = store.token_store("aaaa1111").unwrap();
    renewing.load().unwrap();
    renewing.save(&Secret::new("renewed.jwt.x")).unwrap();
    renewing.save(&Secret::new("renewed.again.x")).unwrap();
    let kept = store.load("aaaa1111").unwrap().unwrap();
    assert_eq!(kept.credential.token().expose(), "renewed.again.x");
    // No temporary file is left behind by the refused saves.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn one_unreadable_file_does_not_hide_the_other_accounts() {
    let dir = scratch("account-unreadable");
    let store = AccountStore::new(&dir);
    store.save(&legacy("aaaa1111", "alice", "a-token")).unwrap();
    std::fs::write(dir.join("bbbb2222.json"), "not json secret-value").unwrap();

    let listing = store.list().unwrap();
    let names: Vec<&str> = listing.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["alice"]);
    assert_eq!(listing.unreadable.len(), 1);
    let message = listing.unreadable[0].to_string();
    assert!(message.contains("bbbb2222.json"), "{message}");
    assert!(!message.contains("secret"), "{message}");
    assert_eq!(store.accounts().unwrap().len(), 1);
    // With no current file, the only readable account is the current one.
    assert_eq!(store.current().unwrap().unwrap().name, "alice");

    // The bad account asked for by name keeps its error.
    assert!(store.load("bbbb2222").is_err());
    std::fs::write(dir.join("current"), "bbbb2222\n").unwrap();
    assert!(store.chosen().is_err());
    assert!(store.current().is_err());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_client_identifier_signed_in_with_is_kept_and_old_files_have_none() {
    let dir = scratch("account-client-identifier");
    let store = AccountStore::new(&dir);
    let account = legacy("aaaa1111", "alice", "a-token").with_client_identifier("install-a");
    store.save(&account).unwrap();
    let kept = store.load("aaaa1111").unwrap().unwrap();
    assert_eq!(kept.client_identifier.as_deref(), Some("install-a"));

    std::fs::write(
        dir.join("bbbb2222.json"),
        r#"{"format":1,"id":1,"uuid":"bbbb2222","name":"b","kind":"legacy","token":"t"}"#,
    )
    .unwrap();
    assert_eq!(
        store.load("bbbb2222").unwrap().unwrap().client_identifier,
        None
    );
    std::fs::remove_dir_all(dir).unwrap();
}
