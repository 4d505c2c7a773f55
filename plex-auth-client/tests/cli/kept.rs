//! Signed in once: `login` keeps the account in an isolated config folder, and `status`,
//! `servers`, `connect`, `home-users` and `token` use it with no token flag and no
//! PLEX_TOKEN; `logout` revokes it on plex.tv and forgets it. With `--jwt`, against the stand-in
//! that checks device JWTs and issues short-lived ones, `token` keeps answering a valid JWT
//! across expiries without registering the key again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use plex_auth_client::{AccountStore, KeptAccount, KeptCredential, Secret};

use super::harness::{Answer, LEGACY_TOKEN, Server, StandIn, Step, TestClock, fixture, recorded};
use super::*;

/// The token the PIN of the recorded answers carries once linked.
const PIN_TOKEN: &str = "auth_token";
/// The uuid of the recorded `/user` answer: the account file's name.
const ACCOUNT_UUID: &str = "212acf24b07315e5";
const MACHINE_ID: &str = "kept-test-machine";
const DEVICE_TOKEN: &str = "kept-test-device-token";

/// A config folder of the test's own: HOME and XDG_CONFIG_HOME point into it.
pub(super) struct Home(PathBuf);

impl Home {
    pub(super) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "plex-auth-cli-{name}-{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// HOME and XDG_CONFIG_HOME, pointing into this folder.
    pub(super) fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("HOME", self.0.display().to_string()),
            (
                "XDG_CONFIG_HOME",
                self.0.join("config").display().to_string(),
            ),
        ]
    }

    pub(super) fn accounts(&self) -> PathBuf {
        self.0.join("config/plex-auth/accounts")
    }

    /// Runs the binary with this home, and `extra` in the environment.
    pub(super) fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let env = self.env();
        let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        all.extend_from_slice(extra);
        run(args, &all, None)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether a request carried `token`.
pub(super) fn token_of(seen: &Seen) -> Option<&str> {
    seen.header("x-plex-token")
}

/// plex.tv for the PIN flow and a signed-in account: the recorded PIN, linked at the second
/// poll; `/user`, `/resources` (one server, "Box", at `pms`), `/home/users` and the sign-out,
/// each for [`PIN_TOKEN`] only until it is signed out.
fn plex_tv(pms: &Server) -> Server {
    let revoked = Arc::new(AtomicBool::new(false));
    let resources = format!(
        r#"[{{"name":"Box","clientIdentifier":"{MACHINE_ID}","provides":"server","accessToken":"{DEVICE_TOKEN}","owned":true,"presence":true,
             "connections":[{{"protocol":"http","uri":"{}","local":true,"relay":false}}]}}]"#,
        pms.url()
    );
    Server::start(move |index, seen| {
        let refused = Answer::json(
            401,
            recorded("plextv-error-401-1001-not-authenticated.json"),
        );
        let signed_in = token_of(seen) == Some(PIN_TOKEN) && !revoked.load(Ordering::SeqCst);
        let answer = match (seen.method.as_str(), seen.path()) {
            ("POST", "/pins") => Answer::json(201, recorded("plextv-pins-201-new.json")),
            ("GET", "/pins/111222333") if index < 2 => {
                Answer::json(200, recorded("plextv-pins-201-new.json"))
            }
            ("GET", "/pins/111222333") => {
                Answer::json(200, recorded("plextv-pins-200-linked.json"))
            }
            _ if !signed_in => refused,
            ("GET", "/user") => Answer::json(200, recorded("plextv-user-200-free-account.json")),
            ("GET", "/resources") => Answer::json(200, resources.clone()),
            ("GET", "/home/users") => {
                Answer::json(200, fixture("derived/plextv-home-users-200.json"))
            }
            ("DELETE", "/users/signout") => {
                revoked.store(true, Ordering::SeqCst);
                Answer::new(204)
            }
            _ => Answer::new(404),
        };
        vec![Step::Answer(answer)]
    })
}

pub(super) fn with(args: Vec<String>, more: &[&str]) -> Vec<String> {
    let mut args = args;
    args.extend(more.iter().map(|arg| arg.to_string()));
    args
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn signed_in_once_then_every_command_uses_the_kept_token_until_logout() {
    let home = Home::new("legacy");
    let pms = Server::always(vec![Step::Answer(Answer::json(
        200,
        format!(r#"{{"MediaContainer":{{"size":0,"machineIdentifier":"{MACHINE_ID}"}}}}"#),
    ))]);
    let plex = plex_tv(&pms);

    let login = home.run(
        &strs(&with(plex_tv_args(&plex, "login"), &["--interval", "0.05"])),
        &[],
    );
    assert_eq!(login.status.code(), Some(0), "{}", stderr(&login));
    assert_eq!(stdout(&login), format!("{PIN_TOKEN}\n"));
    let file = home.accounts().join(format!("{ACCOUNT_UUID}.json"));
    assert_eq!(
        stderr(&login),
        format!(
            "plex-auth: go to https://plex.tv/link and enter the code CODE\n\
             plex-auth: waiting for the approval (the code expires in 15 minutes)\n\
             Signed in as user@example.com (user@example.com). Kept in {}.\n",
            file.display()
        )
    );
    let kept: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(kept["kind"], "legacy");
    assert_eq!(kept["token"], PIN_TOKEN);
    assert_eq!(kept["name"], "user@example.com");
    assert_eq!(
        std::fs::read_to_string(home.accounts().join("current")).unwrap(),
        format!("{ACCOUNT_UUID}\n")
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&home.accounts()), 0o700);
    }

    // No --token, no PLEX_TOKEN: the kept account.
    let status = home.run(&strs(&plex_tv_args(&plex, "status")), &[]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    assert_eq!(
        stdout(&status),
        format!(
            "account:  user@example.com (user@example.com)\n\
             token:    legacy (no expiry; revoked by signing out)\n\
             status:   valid\n\
             from:     kept in {}\n",
            file.display()
        )
    );
    assert_eq!(stderr(&status), "");
    assert_absent(&status, PIN_TOKEN);

    let servers = home.run(&strs(&plex_tv_args(&plex, "servers")), &[]);
    assert_eq!(servers.status.code(), Some(0), "{}", stderr(&servers));
    assert!(
        stdout(&servers).starts_with(&format!("Box ({MACHINE_ID}): owned, online\n")),
        "{}",
        stdout(&servers)
    );

    let connect = home.run(
        &strs(&with(plex_tv_args(&plex, "connect"), &["--server", "Box"])),
        &[],
    );
    assert_eq!(connect.status.code(), Some(0), "{}", stderr(&connect));
    assert_eq!(stdout(&connect), format!("{}\n", pms.url()));
    assert_eq!(
        pms.seen()[0].header("x-plex-token"),
        None,
        "probes carry no token"
    );

    let profiles = home.run(&strs(&plex_tv_args(&plex, "home-users")), &[]);
    assert_eq!(profiles.status.code(), Some(0), "{}", stderr(&profiles));
    assert_eq!(
        stdout(&profiles),
        "alice           d320a7e6324aacd5  admin, PIN\n\
         this is a user  19860c4bdfbf24d5  restricted\n"
    );

    let token = home.run(&strs(&plex_tv_args(&plex, "token")), &[]);
    assert_eq!(stdout(&token), format!("{PIN_TOKEN}\n"));

    // Every call after the PIN's carried the kept token.
    let seen = plex.seen();
    let after_pin: Vec<&Seen> = seen
        .iter()
        .filter(|s| !s.path().starts_with("/pins"))
        .collect();
    assert_eq!(
        after_pin.len(),
        5,
        "/user twice, /resources twice, /home/users once"
    );
    for request in &after_pin {
        check_sent(request, Some(PIN_TOKEN));
    }

    let logout = home.run(&strs(&plex_tv_args(&plex, "logout")), &[]);
    assert_eq!(logout.status.code(), Some(0), "{}", stderr(&logout));
    assert_eq!(
        stderr(&logout),
        "Signed out of user@example.com: the token is revoked and forgotten.\n"
    );
    let sign_outs: Vec<Seen> = plex
        .seen()
        .into_iter()
        .filter(|s| s.method == "DELETE" && s.path() == "/users/signout")
        .collect();
    assert_eq!(sign_outs.len(), 1);
    check_sent(&sign_outs[0], Some(PIN_TOKEN));
    assert!(!file.exists(), "the account file is removed");

    let status = home.run(&strs(&plex_tv_args(&plex, "status")), &[]);
    assert_eq!(status.status.code(), Some(3));
    assert_eq!(stdout(&status), "Not signed in.\n");
    assert_eq!(
        stderr(&status),
        "plex-auth: hint: sign in with `plex-auth login` (or `plex-auth sign-in`), or give a \
         token with --token or PLEX_TOKEN\n"
    );
    let mut args = plex_tv_args(&plex, "status");
    args.push("--json".into());
    let status = home.run(&strs(&args), &[]);
    assert_eq!(status.status.code(), Some(3));
    assert_eq!(json(&status)["signedIn"], false);

    let servers = home.run(&strs(&plex_tv_args(&plex, "servers")), &[]);
    assert_eq!(servers.status.code(), Some(3));
    assert!(stderr(&servers).starts_with("plex-auth: error: not signed in\n"));
}

#[test]
fn the_token_given_wins_over_the_kept_account_and_status_says_so() {
    let home = Home::new("precedence");
    let store = AccountStore::new(home.accounts());
    let account = |uuid: &str, name: &str, token: &str| {
        KeptAccount::new(1, uuid, name, KeptCredential::Legacy(Secret::new(token)))
            .with_email(format!("{name}@example.com"))
    };
    store
        .save(&account("aaaa1111", "alice", "alice-kept-token"))
        .unwrap();
    store
        .save(&account("bbbb2222", "bob", "bob-kept-token"))
        .unwrap();
    let plex = Server::always(vec![Step::Answer(Answer::json(
        200,
        recorded("plextv-user-200-free-account.json"),
    ))]);
    let status = |extra: &[&str], env: &[(&str, &str)]| {
        home.run(&strs(&with(plex_tv_args(&plex, "status"), extra)), env)
    };

    // Two kept, none current: which one is not guessed.
    let output = status(&[], &[]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stdout(&output),
        "2 accounts are kept and none is current (alice, bob).\n"
    );
    assert_eq!(
        stderr(&output),
        "plex-auth: hint: choose one with `plex-auth switch-account ACCOUNT`, or --account \
         ACCOUNT\n"
    );
    assert_eq!(plex.count(), 0);

    let switched = home.run(&["switch-account", "BOB@example.com"], &[]);
    assert_eq!(switched.status.code(), Some(0), "{}", stderr(&switched));
    assert_eq!(stderr(&switched), "The commands now use bob.\n");
    let output = status(&[], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).ends_with("also kept: alice\n"),
        "{}",
        stdout(&output)
    );
    assert_eq!(token_of(&plex.seen()[0]), Some("bob-kept-token"));

    status(&["--account", "alice"], &[]);
    assert_eq!(token_of(&plex.seen()[1]), Some("alice-kept-token"));

    let output = status(&["--json"], &[("PLEX_TOKEN", TOKEN)]);
    assert_eq!(token_of(&plex.seen()[2]), Some(TOKEN));
    let document = json(&output);
    assert_eq!(document["from"], "environment");
    assert_eq!(document["token"]["kind"], "legacy");
    let output = status(&[], &[("PLEX_TOKEN", TOKEN)]);
    assert!(
        stdout(&output).contains("from:     PLEX_TOKEN (it wins over a kept account)\n"),
        "{}",
        stdout(&output)
    );

    status(&["--token", "flag-token"], &[("PLEX_TOKEN", TOKEN)]);
    assert_eq!(token_of(&plex.seen()[4]), Some("flag-token"));

    let unknown = status(&["--account", "carol"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        stderr(&unknown),
        "plex-auth: error: no kept account is named \"carol\" (kept: alice, bob)\n"
    );

    // A refused kept token says whose, and what to do.
    let refusing = Server::always(vec![Step::Answer(Answer::json(
        401,
        recorded("plextv-error-401-1001-not-authenticated.json"),
    ))]);
    let output = home.run(&strs(&plex_tv_args(&refusing, "servers")), &[]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr(&output),
        "plex-auth: error: invalid or revoked token (HTTP 401 Unauthorized): User could not be \
         authenticated (code 1001)\n\
         plex-auth: hint: plex.tv refused the kept token of bob; sign in again with `plex-auth \
         login`, or give another token\n"
    );

    // --local forgets without a word to plex.tv.
    let output = home.run(
        &strs(&with(plex_tv_args(&plex, "logout"), &["--local"])),
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "Forgot bob: the token is not revoked, and works until it expires or is revoked.\n"
    );
    assert_eq!(plex.count(), 5, "nothing sent");
    let names: Vec<String> = store
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["alice"]);
}

/// The stand-in of plex.tv and clients.plex.tv, issuing JWTs that live an hour, issued 50
/// minutes ago by its clock: past half their life, so each run renews the JWT it finds.
pub(super) fn jwt_stand_in() -> StandIn {
    let clock = TestClock::now();
    clock.step_back(Duration::from_secs(50 * 60));
    let stand_in = StandIn::start(clock);
    stand_in.configure(|settings| settings.jwt_lifetime = 60 * 60);
    stand_in
}

pub(super) fn jwt_args(stand_in: &StandIn, command: &str) -> Vec<String> {
    vec![
        command.into(),
        "--plex-tv-url".into(),
        stand_in.plex_tv_url(),
        "--plex-clients-url".into(),
        stand_in.clients_url(),
        "--client-identifier".into(),
        CLIENT_ID.into(),
    ]
}

/// `token` and `status` across three expiries: each `token` is a new JWT the stand-in takes,
/// the ones before it expired (answered 498); the account file holds the last; nothing is
/// registered again.
fn renews_across_expiries(
    home: &Home,
    stand_in: &StandIn,
    file: &Path,
    registrations: usize,
) -> String {
    let mut last = String::new();
    for round in 0..3 {
        stand_in.expire_issued();
        let output = home.run(&strs(&jwt_args(stand_in, "token")), &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{round}: {}",
            stderr(&output)
        );
        let token = stdout(&output).trim_end().to_string();
        assert_eq!(stand_in.issued().last(), Some(&token), "{round}: a new JWT");
        assert_ne!(token, last);
        let kept: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        assert_eq!(
            kept["token"],
            token.as_str(),
            "{round}: the renewed JWT is kept"
        );
        // plex.tv takes it: `status` with it given, not renewed.
        let issued = stand_in.issued().len();
        let status = home.run(
            &strs(&with(jwt_args(stand_in, "status"), &["--token", &token])),
            &[],
        );
        assert_eq!(
            status.status.code(),
            Some(0),
            "{round}: {}",
            stdout(&status)
        );
        assert_eq!(stand_in.issued().len(), issued);
        last = token;
    }
    assert_eq!(
        stand_in.counts().registrations,
        registrations,
        "no new registration"
    );
    assert!(stand_in.counts().expired == 0, "no JWT printed was expired");
    last
}

#[test]
fn a_jwt_login_keeps_answering_a_valid_jwt_across_expiries_without_registering_again() {
    let home = Home::new("jwt");
    let stand_in = jwt_stand_in();

    let login = home.run(
        &strs(&with(
            jwt_args(&stand_in, "login"),
            &["--jwt", "--interval", "0.05"],
        )),
        &[],
    );
    assert_eq!(login.status.code(), Some(0), "{}", stderr(&login));
    let first = stdout(&login).trim_end().to_string();
    assert_eq!(stand_in.issued(), vec![first.clone()]);
    let file = home.accounts().join(format!("{ACCOUNT_UUID}.json"));
    assert!(
        stderr(&login).ends_with(&format!(
            "Signed in as user@example.com (user@example.com). Kept in {}.\n",
            file.display()
        )),
        "{}",
        stderr(&login)
    );
    let kept: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(kept["kind"], "jwt");
    assert_eq!(kept["deviceKey"]["kty"], "OKP");
    assert!(
        kept["deviceKey"]["d"].is_string(),
        "the private key is kept"
    );
    assert_eq!(stand_in.counts().pins, 1);

    // status: a JWT, with its expiry; valid.
    let status = home.run(&strs(&jwt_args(&stand_in, "status")), &[]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    assert!(
        stdout(&status).contains("token:    JWT, expires "),
        "{}",
        stdout(&status)
    );

    let last = renews_across_expiries(&home, &stand_in, &file, 0);

    let logout = home.run(&strs(&jwt_args(&stand_in, "logout")), &[]);
    assert_eq!(logout.status.code(), Some(0), "{}", stderr(&logout));
    assert_eq!(stand_in.signed_out(), vec![last]);
    let status = home.run(&strs(&jwt_args(&stand_in, "status")), &[]);
    assert_eq!(status.status.code(), Some(3));
    assert_eq!(stdout(&status), "Not signed in.\n");
}

#[test]
fn a_jwt_sign_in_registers_the_key_once_and_renews_without_registering_again() {
    let home = Home::new("jwt-sign-in");
    let stand_in = jwt_stand_in();
    let args = with(
        jwt_args(&stand_in, "sign-in"),
        &["--jwt", "--login", LOGIN, "--json"],
    );

    let output = home.run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(document["kind"], "jwt");
    assert_eq!(
        Some(document["authToken"].as_str().unwrap()),
        stand_in.issued().first().map(String::as_str)
    );
    assert_absent(&output, LEGACY_TOKEN);
    assert_absent(&output, PASSWORD);
    let registration = stand_in
        .seen()
        .into_iter()
        .find(|seen| seen.path() == "/api/v2/auth/jwk")
        .expect("the key was registered");
    assert_eq!(registration.header("x-plex-token"), Some(LEGACY_TOKEN));
    // The sign-in answer's account is kept (its uuid names the file).
    let file = home.accounts().join("b9h6f3c8k1.json");
    assert_eq!(document["kept"], file.display().to_string());
    let kept: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(kept["name"], "ZjFvKLCb");

    // Renewed with the key registered at sign-in: one registration in all.
    renews_across_expiries(&home, &stand_in, &file, 1);
}

#[test]
fn a_kept_jwt_renews_as_the_client_identifier_it_signed_in_with() {
    let home = Home::new("jwt-identifier");
    let stand_in = jwt_stand_in();
    let login = home.run(
        &strs(&with(
            jwt_args(&stand_in, "login"),
            &["--jwt", "--interval", "0.05"],
        )),
        &[],
    );
    assert_eq!(login.status.code(), Some(0), "{}", stderr(&login));
    let file = home.accounts().join(format!("{ACCOUNT_UUID}.json"));
    let kept: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(kept["clientIdentifier"], CLIENT_ID);

    // No --client-identifier: this run's own would be another, kept in the config folder.
    stand_in.expire_issued();
    let args = [
        "token",
        "--plex-tv-url",
        &stand_in.plex_tv_url(),
        "--plex-clients-url",
        &stand_in.clients_url(),
    ];
    let output = home.run(&args, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stand_in.issued().last().map(String::as_str),
        Some(stdout(&output).trim_end())
    );
    let exchanges: Vec<Seen> = stand_in
        .seen()
        .into_iter()
        .filter(|seen| seen.path() == "/api/v2/auth/token")
        .collect();
    assert_eq!(
        exchanges.len(),
        1,
        "the renewal (the PIN gave the first JWT)"
    );
    // The stand-in took its device JWT: its `iss` is the identifier sent.
    assert_eq!(
        exchanges[0].header("x-plex-client-identifier"),
        Some(CLIENT_ID),
        "renewed as the installation that signed in"
    );
}

/// A JWT that expired in 1970: its claims are read unverified to decide on a renewal.
const EXPIRED_JWT: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.\
     eyJpc3MiOiJwbGV4LnR2IiwiaWF0Ijo5MDAsImV4cCI6MTAwMH0.c2lnbmF0dXJl";

#[test]
fn status_renews_once_and_a_failed_renewal_is_the_verdict_unknown() {
    let home = Home::new("status-renewal");
    let store = AccountStore::new(home.accounts());
    let account = KeptAccount::new(
        1,
        "aaaa1111",
        "alice",
        KeptCredential::Jwt {
            token: Secret::new(EXPIRED_JWT),
            key: plex_auth_client::DeviceKey::generate().unwrap(),
        },
    )
    .with_email("alice@example.com");
    store.save(&account).unwrap();
    let clients = Server::always(vec![Step::Answer(Answer::new(503))]);
    let plex = Server::always(vec![Step::Answer(Answer::json(
        200,
        recorded("plextv-user-200-free-account.json"),
    ))]);
    let args = [
        "status",
        "--plex-tv-url",
        &plex.url(),
        "--plex-clients-url",
        &clients.url(),
        "--client-identifier",
        CLIENT_ID,
        "--no-retry",
        "--json",
    ];

    let output = home.run(&args, &[]);

    assert_eq!(output.status.code(), Some(4), "{}", stdout(&output));
    let document = json(&output);
    assert_eq!(document["signedIn"], true);
    assert_eq!(document["status"], "unknown");
    assert_eq!(document["from"], "kept");
    assert_eq!(
        document["account"],
        serde_json::json!({"name": "alice", "email": "alice@example.com"})
    );
    assert!(document["reason"].is_string(), "{document}");
    // One renewal: its first call and that call's retries (the JWT calls retry whatever
    // --no-retry says), not a second renewal.
    let tried = clients.seen();
    assert!((1..=3).contains(&tried.len()), "{}", tried.len());
    assert!(tried.iter().all(|seen| seen.path() == "/api/v2/auth/nonce"));
    assert_eq!(plex.count(), 0, "no token to send");
    assert_absent(&output, EXPIRED_JWT);
}

#[test]
fn a_jwt_sign_in_signs_the_legacy_token_out_or_keeps_it_when_the_upgrade_fails() {
    let home = Home::new("jwt-sign-in-legacy");
    let stand_in = jwt_stand_in();
    let args = with(jwt_args(&stand_in, "sign-in"), &["--jwt", "--login", LOGIN]);
    let output = home.run(&strs(&args), &[("PLEX_PASSWORD", PASSWORD)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stand_in.signed_out(),
        vec![LEGACY_TOKEN.to_string()],
        "the legacy token the JWT replaced is signed out"
    );
    assert_eq!(
        stdout(&output).trim_end(),
        stand_in.issued()[0],
        "stdout is not a terminal: the JWT is printed"
    );

    // clients.plex.tv down: no JWT, so the legacy token is kept, printed, and not signed out.
    let home = Home::new("jwt-sign-in-fallback");
    let stand_in = jwt_stand_in();
    let down = Server::always(vec![Step::Answer(Answer::new(503))]);
    let args = [
        "sign-in",
        "--jwt",
        "--login",
        LOGIN,
        "--plex-tv-url",
        &stand_in.plex_tv_url(),
        "--plex-clients-url",
        &down.url(),
        "--client-identifier",
        CLIENT_ID,
        "--no-retry",
    ];
    let output = home.run(&args, &[("PLEX_PASSWORD", PASSWORD)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{LEGACY_TOKEN}\n"));
    let text = stderr(&output);
    assert!(
        text.contains("plex-auth: warning: no JWT (")
            && text.contains("the legacy token is kept instead"),
        "{text}"
    );
    assert!(stand_in.signed_out().is_empty());
    let file = home.accounts().join("b9h6f3c8k1.json");
    let kept: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(kept["kind"], "legacy");
    assert_eq!(kept["token"], LEGACY_TOKEN);
    assert_absent(&output, PASSWORD);
}
