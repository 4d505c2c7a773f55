//! JWT device authentication against the stand-in of plex.tv (`harness::StandIn`), which
//! checks device JWTs, nonces, audience, issuer and expiry as plex.tv does, issues JWTs of its
//! own and answers 498 once they expire. Its clock is shared with the token source, so a week
//! passes without waiting.

use std::sync::Arc;
use std::time::Duration;

use plex_auth_client::{
    DeviceKey, ErrorKind, FileTokenStore, MemoryTokenStore, PinKind, PinPolling, PlexTvClient,
    Secret, TokenKind, TokenSource, TokenStore,
};
use plex_auth_tests::harness::{
    CLIENT_IDENTIFIER, Counts, LEGACY_TOKEN, StandIn, TestClock, identity,
};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);
const START: i64 = 1_750_000_000;

fn stand_in() -> (StandIn, TestClock) {
    let clock = TestClock::at(START);
    (StandIn::start(clock.clone()), clock)
}

fn source(stand_in: &StandIn, clock: &TestClock, store: impl TokenStore) -> TokenSource {
    source_with_key(stand_in, clock, store, DeviceKey::generate().unwrap())
}

fn source_with_key(
    stand_in: &StandIn,
    clock: &TestClock,
    store: impl TokenStore,
    key: DeviceKey,
) -> TokenSource {
    TokenSource::jwt(identity(), key)
        .clients_base_url(stand_in.clients_url())
        .clock(clock.clone())
        .store(store)
        .build()
        .expect("the source builds")
}

fn plex_tv(stand_in: &StandIn, token: &Secret) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(stand_in.plex_tv_url())
        .token(token.clone())
        .build()
        .unwrap()
}

/// The expiry of a JWT source's token, in seconds since `START`.
fn expires_in(source: &TokenSource) -> u64 {
    match source.kind() {
        Some(TokenKind::Jwt { expires_at, .. }) => expires_at
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .saturating_sub(START as u64),
        other => panic!("expected a JWT, found {other:?}"),
    }
}

#[tokio::test]
async fn a_legacy_token_is_upgraded_and_refreshed_before_each_expiry() {
    let (stand_in, clock) = stand_in();
    let store = Arc::new(MemoryTokenStore::new());
    let source = source(&stand_in, &clock, store.clone());
    assert_eq!(source.kind(), None);
    assert_eq!(source.token().await.unwrap_err().kind(), ErrorKind::NoToken);

    let jwt = source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    assert_eq!(
        stand_in.counts(),
        Counts {
            registrations: 1,
            nonces: 1,
            exchanges: 1,
            issued: 1,
            key_fetches: 1,
            ..Counts::default()
        }
    );
    assert_eq!(stand_in.issued(), vec![jwt.expose().to_string()]);
    assert_eq!(store.load().unwrap(), Some(jwt.clone()));
    assert_eq!(expires_in(&source), 7 * DAY.as_secs());
    // The registration carried the legacy token; the JWT works on plex.tv.
    let registration = stand_in
        .seen()
        .into_iter()
        .find(|seen| seen.path() == "/api/v2/auth/jwk")
        .unwrap();
    assert_eq!(registration.header("x-plex-token"), Some(LEGACY_TOKEN));
    plex_tv(&stand_in, &jwt).get_token_details().await.unwrap();

    // Three lifetimes: each time, past six days (within the 1-day margin), one refresh.
    let mut previous = jwt;
    for week in 1..=3 {
        clock.advance(DAY * 6 + Duration::from_secs(3600));
        let token = source.token().await.unwrap();
        assert_ne!(token, previous, "week {week}: a new JWT");
        assert_eq!(source.token().await.unwrap(), token, "then kept");
        let counts = stand_in.counts();
        assert_eq!((counts.nonces, counts.exchanges), (1 + week, 1 + week));
        assert_eq!(counts.registrations, 1, "no new registration");
        assert_eq!(counts.key_fetches, 1, "plex.tv's keys are cached");
        plex_tv(&stand_in, &token)
            .get_token_details()
            .await
            .unwrap();
        assert_eq!(store.load().unwrap(), Some(token.clone()));
        previous = token;
    }
    assert_eq!(stand_in.counts().expired, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_callers_at_expiry_cause_one_nonce_and_one_exchange() {
    let (stand_in, clock) = stand_in();
    let source = source(&stand_in, &clock, MemoryTokenStore::new());
    let first = source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    clock.advance(DAY * 7);
    let before = stand_in.counts();
    let mut callers = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let source = source.clone();
        callers.spawn(async move { source.token().await });
    }
    let mut tokens = Vec::new();
    while let Some(joined) = callers.join_next().await {
        tokens.push(joined.unwrap().unwrap());
    }
    let after = stand_in.counts();
    assert_eq!(after.nonces - before.nonces, 1);
    assert_eq!(after.exchanges - before.exchanges, 1);
    assert_eq!(tokens.len(), 1000);
    assert!(
        tokens
            .iter()
            .all(|token| *token == tokens[0] && *token != first)
    );
}

#[tokio::test]
async fn a_jwt_signed_by_another_key_or_for_another_audience_is_refused() {
    let (stand_in, clock) = stand_in();
    let source = source(&stand_in, &clock, MemoryTokenStore::new());
    stand_in.configure(|settings| settings.sign_with_rogue_key = true);
    let error = source
        .upgrade(&Secret::new(LEGACY_TOKEN))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidJwt);
    assert_eq!(
        error.to_string(),
        "exchangeJwtToken: the JWT plex.tv sent failed verification: its signature does not verify"
    );
    assert_eq!(source.kind(), None, "nothing held");

    stand_in.configure(|settings| {
        settings.sign_with_rogue_key = false;
        settings.audience = "another-app".into();
    });
    let error = source
        .upgrade(&Secret::new(LEGACY_TOKEN))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidJwt);
    assert!(error.to_string().contains("audience"), "{error}");

    stand_in.configure(|settings| {
        settings.audience = "plex.tv".into();
        settings.thumbprint_override = Some("someone-elses-key".into());
    });
    let error = source
        .upgrade(&Secret::new(LEGACY_TOKEN))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("thumbprint"), "{error}");

    // The audience may also be this client.
    stand_in.configure(|settings| {
        settings.thumbprint_override = None;
        settings.audience = CLIENT_IDENTIFIER.into();
    });
    source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    assert!(matches!(source.kind(), Some(TokenKind::Jwt { .. })));
    let issued = stand_in.issued();
    assert_eq!(issued.len(), 4);
    // No refused JWT leaks into an error.
    for token in &issued[..3] {
        assert!(!error.to_string().contains(token.as_str()));
    }
}

#[tokio::test]
async fn after_a_restart_with_the_same_store_no_new_registration_is_made() {
    let (stand_in, clock) = stand_in();
    let folder = std::env::temp_dir().join(format!(
        "plex-auth-restart-{}-{:x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let key = DeviceKey::load_or_create(folder.join("device-key")).unwrap();
    let store = FileTokenStore::new(folder.join("token"));
    let jwt = {
        let source = source_with_key(&stand_in, &clock, store.clone(), key);
        source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap()
    };
    assert_eq!(stand_in.counts().registrations, 1);

    // The application starts again: same key file, same store.
    let key = DeviceKey::load_or_create(folder.join("device-key")).unwrap();
    let source = source_with_key(&stand_in, &clock, store, key);
    assert_eq!(source.token().await.unwrap(), jwt, "resumed as it was");
    clock.advance(DAY * 7);
    let refreshed = source.token().await.unwrap();
    assert_ne!(refreshed, jwt);
    plex_tv(&stand_in, &refreshed).ping_token().await.unwrap();
    let counts = stand_in.counts();
    assert_eq!(counts.registrations, 1, "no new registration");
    assert_eq!((counts.nonces, counts.exchanges), (2, 2));
    std::fs::remove_dir_all(folder).unwrap();
}

#[tokio::test]
async fn a_pin_signs_in_straight_to_a_jwt_with_a_counted_number_of_polls() {
    let (stand_in, clock) = stand_in();
    stand_in.configure(|settings| settings.approve_at_poll = 3);
    let store = Arc::new(MemoryTokenStore::new());
    let source = source(&stand_in, &clock, store.clone());
    let pin = source.create_pin(PinKind::Short).await.unwrap();
    assert_eq!(pin.kind(), PinKind::Short);
    let polling = PinPolling::new().with_interval(Duration::from_millis(10));
    let jwt = source.wait_for_pin(&pin, polling).await.unwrap();
    let counts = stand_in.counts();
    assert_eq!(counts.pins, 1);
    assert_eq!(counts.polls, 3);
    assert_eq!(counts.nonces, 1, "one device JWT serves every poll");
    assert_eq!(counts.registrations, 0, "no registration on this path");
    assert_eq!(counts.issued, 1);
    assert_eq!(store.load().unwrap(), Some(jwt.clone()));
    // The PIN was created with this installation's key, and every poll carried a device JWT.
    let seen = stand_in.seen();
    let created = seen.iter().find(|s| s.path() == "/api/v2/pins").unwrap();
    let body: serde_json::Value = serde_json::from_slice(&created.body).unwrap();
    let key = source.device_key().unwrap();
    assert_eq!(body["jwk"]["x"], key.public_jwk().x.unwrap());
    assert!(body.get("strong").is_none());
    let polls: Vec<_> = seen
        .iter()
        .filter(|s| s.path().starts_with("/api/v2/pins/"))
        .collect();
    assert_eq!(polls.len(), 3);
    assert!(
        polls
            .iter()
            .all(|poll| poll.query().contains_key("deviceJWT"))
    );

    // The JWT refreshes like any other: no registration was needed.
    clock.advance(DAY * 7);
    let refreshed = source.token().await.unwrap();
    assert_ne!(refreshed, jwt);
    assert_eq!(stand_in.counts().registrations, 0);

    // The browser flow asks for a strong PIN.
    let strong = source.create_pin(PinKind::Strong).await.unwrap();
    assert!(
        strong.code().starts_with("strong-code-"),
        "{}",
        strong.code()
    );
    let created = stand_in
        .seen()
        .into_iter()
        .rev()
        .find(|s| s.path() == "/api/v2/pins")
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&created.body).unwrap();
    assert_eq!(body["strong"], true);
}

#[tokio::test]
async fn sign_out_revokes_the_token_then_the_store_no_longer_holds_it() {
    let (stand_in, clock) = stand_in();
    let store = Arc::new(MemoryTokenStore::new());
    let source = source(&stand_in, &clock, store.clone());
    let jwt = source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    // A plex.tv client built with another token: the sign-out sends the source's.
    let plex = plex_tv(&stand_in, &Secret::new(LEGACY_TOKEN));

    source.sign_out(&plex).await.unwrap();

    assert_eq!(stand_in.signed_out(), vec![jwt.expose().to_string()]);
    let request = stand_in
        .seen()
        .into_iter()
        .find(|seen| seen.method == "DELETE")
        .unwrap();
    assert_eq!(request.path(), "/api/v2/users/signout");
    assert_eq!(request.header("x-plex-token"), Some(jwt.expose()));
    assert_eq!(store.load().unwrap(), None);
    assert_eq!(source.kind(), None);
    assert_eq!(source.token().await.unwrap_err().kind(), ErrorKind::NoToken);
    // plex.tv no longer takes it.
    let refused = plex_tv(&stand_in, &jwt)
        .get_token_details()
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidToken);
    // Nothing left to sign out.
    assert_eq!(
        source.sign_out(&plex).await.unwrap_err().kind(),
        ErrorKind::NoToken
    );
}

#[tokio::test]
async fn a_sign_out_that_cannot_reach_plex_tv_keeps_the_token() {
    let (stand_in, clock) = stand_in();
    let store = Arc::new(MemoryTokenStore::new());
    let source = source(&stand_in, &clock, store.clone());
    let jwt = source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    let refused = plex_auth_tests::harness::Refused::new();
    let unreachable = PlexTvClient::builder(identity())
        .base_url(refused.url())
        .retry(plex_auth_client::RetryConfig::none())
        .build()
        .unwrap();
    let error = source.sign_out(&unreachable).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(
        store.load().unwrap(),
        Some(jwt.clone()),
        "kept, to try again"
    );
    assert_eq!(source.token().await.unwrap(), jwt);
    // An expired JWT is as good as revoked: forgotten.
    clock.advance(DAY * 8);
    let plex = plex_tv(&stand_in, &jwt);
    source.sign_out(&plex).await.unwrap();
    assert_eq!(store.load().unwrap(), None);
    assert_eq!(stand_in.counts().expired, 1);
}

#[tokio::test]
async fn a_key_registered_by_another_device_is_refused_as_taken() {
    let (stand_in, clock) = stand_in();
    let key = DeviceKey::generate().unwrap();
    stand_in.register_elsewhere("another-device", &key.public_jwk().x.unwrap());
    let source = source_with_key(&stand_in, &clock, MemoryTokenStore::new(), key);
    let error = source
        .upgrade(&Secret::new(LEGACY_TOKEN))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ThumbprintTaken);
    assert_eq!(source.kind(), None);
    // The refresh was tried anyway (the key could have been this installation's).
    assert_eq!(stand_in.counts().exchanges, 1);
}

#[tokio::test]
async fn a_failed_refresh_keeps_a_valid_token_and_is_not_retried_at_once_after_expiry() {
    let (stand_in, clock) = stand_in();
    let source = source(&stand_in, &clock, MemoryTokenStore::new());
    let jwt = source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    // Nonces die at once: every device JWT is refused.
    stand_in.configure(|settings| settings.nonce_lifetime = 0);

    clock.advance(DAY * 6 + Duration::from_secs(3600));
    assert_eq!(source.token().await.unwrap(), jwt, "still valid: kept");
    assert_eq!(stand_in.counts().exchanges, 2);
    assert_eq!(source.token().await.unwrap(), jwt);
    assert_eq!(
        stand_in.counts().exchanges,
        2,
        "not retried within a minute"
    );

    clock.advance(DAY);
    let error = source.token().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(stand_in.counts().exchanges, 3);
    // Callers right after get the failure without another attempt.
    let again = source.token().await.unwrap_err();
    assert_eq!(again.kind(), error.kind());
    assert!(
        again
            .to_string()
            .starts_with("the token expired and its refresh failed"),
        "{again}"
    );
    assert_eq!(stand_in.counts().exchanges, 3);

    // plex.tv recovers: the next attempt, seconds later, succeeds.
    stand_in.configure(|settings| settings.nonce_lifetime = 300);
    clock.advance(Duration::from_secs(11));
    let token = source.token().await.unwrap();
    assert_ne!(token, jwt);
    plex_tv(&stand_in, &token).ping_token().await.unwrap();
}

#[tokio::test]
async fn a_legacy_source_answers_its_token_as_it_is_and_shows_no_secret() {
    let source = TokenSource::legacy(LEGACY_TOKEN);
    assert_eq!(source.token().await.unwrap().expose(), LEGACY_TOKEN);
    assert_eq!(source.refresh().await.unwrap().expose(), LEGACY_TOKEN);
    assert_eq!(source.kind(), Some(TokenKind::Legacy));
    assert!(source.device_key().is_none());
    let error = source.create_pin(PinKind::Short).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    let shown = format!("{source:?}");
    assert!(!shown.contains(LEGACY_TOKEN), "{shown}");
    source.forget().unwrap();
    assert_eq!(source.kind(), None);

    let (stand_in, clock) = stand_in();
    let jwt_source = source_for_debug(&stand_in, &clock).await;
    let shown = format!("{jwt_source:?}");
    let token = jwt_source.token().await.unwrap();
    assert!(!shown.contains(token.expose()), "{shown}");
    assert!(shown.contains("Jwt"), "{shown}");
}

async fn source_for_debug(stand_in: &StandIn, clock: &TestClock) -> TokenSource {
    let source = source(stand_in, clock, MemoryTokenStore::new());
    source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    source
}

fn client(stand_in: &StandIn, source: &TokenSource) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(stand_in.plex_tv_url())
        .token_source(source.clone())
        .build()
        .unwrap()
}

/// The tokens plex.tv's `/user` was called with, in order.
fn user_tokens(stand_in: &StandIn) -> Vec<String> {
    stand_in
        .seen()
        .into_iter()
        .filter(|seen| seen.path() == "/api/v2/user")
        .map(|seen| seen.header("x-plex-token").unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn calls_keep_succeeding_across_three_expiries_with_no_caller_code() {
    let (stand_in, clock) = stand_in();
    let source = source(&stand_in, &clock, MemoryTokenStore::new());
    source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    let plex = client(&stand_in, &source);

    for week in 1..=3 {
        plex.get_token_details().await.unwrap();
        // Past the JWT's end: the source refreshes before the call goes out.
        clock.advance(DAY * 7 + Duration::from_secs(60));
        let account = plex.get_token_details().await.unwrap();
        assert_eq!(account.username, "user@example.com", "week {week}");
        let counts = stand_in.counts();
        assert_eq!((counts.nonces, counts.exchanges), (1 + week, 1 + week));
        assert_eq!(counts.expired, 0, "no call went out with an expired JWT");
    }
    // Each call carried the JWT valid at its time.
    let issued = stand_in.issued();
    assert_eq!(
        user_tokens(&stand_in),
        [0, 1, 1, 2, 2, 3].map(|n| issued[n].clone())
    );
    assert_eq!(stand_in.counts().registrations, 1);
}

#[tokio::test]
async fn a_498_is_answered_by_one_refresh_and_one_more_send() {
    let (stand_in, clock) = stand_in();
    let source = source(&stand_in, &clock, MemoryTokenStore::new());
    let first = source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    let plex = client(&stand_in, &source);
    // plex.tv's clock ran ahead: it takes the JWT for expired, the client does not. (A JWT
    // under a minute old is not renewed after a 498: tests/resend.rs.)
    clock.advance(Duration::from_secs(120));
    stand_in.expire_issued();

    plex.ping_token().await.unwrap();

    let counts = stand_in.counts();
    assert_eq!(counts.expired, 1, "one 498");
    assert_eq!((counts.nonces, counts.exchanges), (2, 2), "one refresh");
    let pings: Vec<_> = stand_in
        .seen()
        .into_iter()
        .filter(|seen| seen.path() == "/api/v2/ping")
        .map(|seen| seen.header("x-plex-token").unwrap().to_string())
        .collect();
    assert_eq!(
        pings,
        [first.expose().to_string(), stand_in.issued()[1].clone()]
    );

    // When the refresh fails, its error is the call's (the 498 is not returned).
    clock.advance(Duration::from_secs(120));
    stand_in.expire_issued();
    stand_in.configure(|settings| settings.nonce_lifetime = 0);
    let error = plex.ping_token().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(stand_in.counts().expired, 2);

    // A legacy token is never refreshed: its 498 is returned as it is.
    let legacy = TokenSource::legacy(first.clone());
    let error = client(&stand_in, &legacy).ping_token().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert_eq!(stand_in.counts().exchanges, 3);
}

/// Each of the 1,000 calls holds a connection: more descriptors than a default soft limit
/// (1,024 on many systems) allows. Raised to the hard limit, up to 8,192.
#[cfg(unix)]
fn allow_many_connections() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct given, nothing else.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < 8192 {
            limit.rlim_cur = limit.rlim_max.min(8192);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

#[cfg(not(unix))]
fn allow_many_connections() {}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_calls_at_expiry_cause_one_nonce_and_one_exchange() {
    allow_many_connections();
    let (stand_in, clock) = stand_in();
    let source = source(&stand_in, &clock, MemoryTokenStore::new());
    source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    let plex = client(&stand_in, &source);
    clock.advance(DAY * 7);
    let before = stand_in.counts();

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let plex = plex.clone();
        calls.spawn(async move { plex.get_token_details().await.map(|_| ()) });
    }
    while let Some(joined) = calls.join_next().await {
        joined.unwrap().unwrap();
    }

    let after = stand_in.counts();
    assert_eq!(after.nonces - before.nonces, 1);
    assert_eq!(after.exchanges - before.exchanges, 1);
    assert_eq!(after.served - before.served, 1000);
    assert_eq!(after.expired, 0);
    let renewed = stand_in.issued()[1].clone();
    assert!(user_tokens(&stand_in).iter().all(|token| *token == renewed));
}

/// Every secret of the exchanges the stand-in saw: the device JWTs sent (in exchange bodies
/// and poll queries) and the nonces they carry, and the tokens sent as `X-Plex-Token`.
fn secrets_seen(stand_in: &StandIn) -> Vec<String> {
    let mut secrets = Vec::new();
    for seen in stand_in.seen() {
        if let Some(token) = seen.header("x-plex-token") {
            secrets.push(token.to_string());
        }
        let body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap_or_default();
        let device = body["jwt"].as_str().map(str::to_string);
        let device = device.or_else(|| seen.query().get("deviceJWT").cloned());
        if let Some(device) = device {
            let claims = device.split('.').nth(1).unwrap_or_default();
            let claims =
                base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
                    .unwrap_or_default();
            let claims: serde_json::Value = serde_json::from_slice(&claims).unwrap_or_default();
            if let Some(nonce) = claims["nonce"].as_str() {
                secrets.push(nonce.to_string());
            }
            secrets.push(device);
        }
    }
    secrets
}

#[tokio::test]
async fn no_token_jwt_nonce_or_key_reaches_a_trace_an_error_or_debug_output() {
    let (trace, _capture) = plex_auth_tests::logs::capture_logs();
    let (stand_in, clock) = stand_in();
    let key = DeviceKey::generate().unwrap();
    let private = key.to_bytes();
    let source = source_with_key(&stand_in, &clock, MemoryTokenStore::new(), key);
    source.upgrade(&Secret::new(LEGACY_TOKEN)).await.unwrap();
    let plex = client(&stand_in, &source);
    plex.get_token_details().await.unwrap();
    clock.advance(DAY * 7);
    plex.get_token_details().await.unwrap();
    // JWTs over a minute old: a 498 renews them.
    clock.advance(Duration::from_secs(120));
    stand_in.expire_issued();
    plex.ping_token().await.unwrap();
    // A refusal quoting the device JWT it refused.
    stand_in.configure(|settings| {
        settings.nonce_lifetime = 0;
        settings.echo_refused = true;
    });
    clock.advance(Duration::from_secs(120));
    stand_in.expire_issued();
    let refused = plex.ping_token().await.unwrap_err();
    let pin = source.create_pin(PinKind::Short).await.unwrap();
    let polling = PinPolling::new().with_interval(Duration::from_millis(10));
    let pin_refused = source.wait_for_pin(&pin, polling).await.unwrap_err();
    source.forget().unwrap();

    let mut secrets = secrets_seen(&stand_in);
    secrets.extend(stand_in.issued());
    let d = serde_json::from_str::<serde_json::Value>(private.expose()).unwrap()["d"]
        .as_str()
        .unwrap()
        .to_string();
    secrets.push(d);
    assert!(secrets.len() > 10, "{} secrets", secrets.len());
    let shown = [
        trace.text(),
        refused.to_string(),
        format!("{refused:?}"),
        pin_refused.to_string(),
        format!("{pin_refused:?}"),
        format!("{source:?} {plex:?} {pin:?}"),
    ];
    assert!(
        trace.text().contains("plex_auth.call"),
        "the trace was captured"
    );
    assert!(refused.to_string().contains("Invalid nonce"), "{refused}");
    for text in &shown {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a secret in: {text}");
        }
    }
}

#[tokio::test]
async fn a_kept_token_with_an_absurd_expiry_is_read_without_panicking() {
    let (stand_in, clock) = stand_in();
    for exp in [i64::MAX, i64::MIN, 0] {
        let kept = stand_in.sign(&serde_json::json!({"exp": exp, "iat": i64::MIN}));
        let source = source(
            &stand_in,
            &clock,
            MemoryTokenStore::with_token(kept.clone()),
        );
        assert!(
            matches!(source.kind(), Some(TokenKind::Jwt { .. })),
            "{exp}"
        );
        let _ = format!("{source:?}");
        if exp == i64::MAX {
            assert_eq!(source.token().await.unwrap().expose(), kept);
        }
    }
}
