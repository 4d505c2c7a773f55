//! A stand-in of plex.tv and clients.plex.tv on loopback, for JWT device authentication. It
//! checks what a client sends as plex.tv does: device JWTs verified against the key registered
//! for the client identifier (or given with the PIN), single-use nonces that expire, `aud`,
//! `iss` and `exp`. It issues JWTs signed with a key of its own, listed by `/auth/keys`, that
//! expire after a configurable time and are answered 498 after it; and it counts what it saw.
//!
//! Its clock is a [`TestClock`] the test shares with the client, so expiries are crossed
//! without waiting. Paths: clients.plex.tv's at the root (`/api/v2/auth/…`, `/api/v2/pins…`),
//! plex.tv's v2 below `/api/v2` (`/user`, `/ping`, `/users/signout`, `/users/signin`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::jose::{Jws, SigningKey, b64, thumbprint, unb64};
use super::server::{Answer, Seen, Server, Step};

/// A legacy token the stand-in accepts.
pub const LEGACY_TOKEN: &str = "legacy-token-0123456789";

/// The key id of the stand-in's own signing key.
pub const PLEX_KEY_ID: &str = "stand-in-plex-key-1";

/// A clock the test moves by hand, shared by the stand-in and the client.
#[derive(Clone, Debug)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    /// A clock at `unix_seconds`.
    pub fn at(unix_seconds: i64) -> Self {
        Self(Arc::new(AtomicI64::new(unix_seconds)))
    }

    /// A clock at the system's current time.
    pub fn now() -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970");
        Self::at(now.as_secs() as i64)
    }

    /// The clock's time, in seconds since the Unix epoch.
    pub fn seconds(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Moves the clock forward by `by` (whole seconds), for every holder of a clone.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs() as i64, Ordering::SeqCst);
    }
}

impl plex_auth_client::Clock for TestClock {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.seconds().max(0) as u64)
    }
}

/// What the stand-in saw, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// `POST /auth/jwk` that registered a key.
    pub registrations: usize,
    /// `GET /auth/nonce`.
    pub nonces: usize,
    /// `POST /auth/token`, accepted or not.
    pub exchanges: usize,
    /// JWTs issued (by an exchange or a PIN).
    pub issued: usize,
    /// `GET /auth/keys`.
    pub key_fetches: usize,
    /// `POST /pins` with a key.
    pub pins: usize,
    /// `GET /pins/{id}` with a device JWT.
    pub polls: usize,
    /// Device JWTs refused (exchange or poll).
    pub refused: usize,
    /// Calls of plex.tv answered 498.
    pub expired: usize,
    /// Calls of plex.tv answered 200 for a valid token (`/user`, `/ping`).
    pub served: usize,
    /// `DELETE /users/signout` that revoked a token.
    pub sign_outs: usize,
    /// `POST /users/signin`, answered with [`LEGACY_TOKEN`]'s account whatever it carries.
    pub sign_ins: usize,
}

/// How the stand-in behaves; change it with [`StandIn::configure`].
#[derive(Clone, Debug)]
pub struct Settings {
    /// Lifetime of the JWTs it issues, in seconds (7 days, as plex.tv's).
    pub jwt_lifetime: i64,
    /// Lifetime of a nonce, in seconds (5 minutes).
    pub nonce_lifetime: i64,
    /// The field of the exchange's answer: `auth_token` or `authToken`.
    pub answer_field: &'static str,
    /// A PIN is approved at this poll (1: the first).
    pub approve_at_poll: usize,
    /// The `aud` of the JWTs it issues.
    pub audience: String,
    /// Sign issued JWTs with a key `/auth/keys` does not list (with the listed key's id).
    pub sign_with_rogue_key: bool,
    /// The `thumbprint` of issued JWTs, instead of the device key's.
    pub thumbprint_override: Option<String>,
    /// Quote a refused device JWT in the error message, as a careless server would.
    pub echo_refused: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            jwt_lifetime: 7 * 24 * 60 * 60,
            nonce_lifetime: 5 * 60,
            answer_field: "auth_token",
            approve_at_poll: 1,
            audience: "plex.tv".into(),
            sign_with_rogue_key: false,
            thumbprint_override: None,
            echo_refused: false,
        }
    }
}

/// A registered device key.
#[derive(Clone)]
struct DeviceKey {
    x: Vec<u8>,
    kid: String,
    thumbprint: String,
}

struct Nonce {
    expires: i64,
    used: bool,
}

struct Pin {
    client_identifier: String,
    key: DeviceKey,
    strong: bool,
    polls: usize,
}

struct State {
    clock: TestClock,
    settings: Settings,
    counts: Counts,
    /// Client identifier → its registered key.
    devices: HashMap<String, DeviceKey>,
    nonces: HashMap<String, Nonce>,
    pins: HashMap<i64, Pin>,
    /// Tokens signed out.
    revoked: HashSet<String>,
    /// JWTs expired early by [`StandIn::expire_issued`].
    expired_early: HashSet<String>,
    issued: Vec<String>,
    signed_out: Vec<String>,
    key: SigningKey,
    rogue: SigningKey,
    next_id: i64,
}

/// The stand-in: a loopback [`Server`] answering as plex.tv and clients.plex.tv.
pub struct StandIn {
    server: Server,
    state: Arc<Mutex<State>>,
}

impl StandIn {
    /// A stand-in on its own loopback port, reading the time from `clock`.
    pub fn start(clock: TestClock) -> Self {
        let state = Arc::new(Mutex::new(State {
            clock,
            settings: Settings::default(),
            counts: Counts::default(),
            devices: HashMap::new(),
            nonces: HashMap::new(),
            pins: HashMap::new(),
            revoked: HashSet::new(),
            expired_early: HashSet::new(),
            issued: Vec::new(),
            signed_out: Vec::new(),
            key: SigningKey::from_seed([7; 32], PLEX_KEY_ID),
            rogue: SigningKey::from_seed([9; 32], PLEX_KEY_ID),
            next_id: 1000,
        }));
        let shared = state.clone();
        let server = Server::start(move |_, request| {
            let answer = shared.lock().expect("stand-in state").answer(request);
            vec![Step::Answer(answer)]
        });
        Self { server, state }
    }

    /// The base URL of clients.plex.tv's calls (`ClientsPlexTvClient`, `TokenSource`).
    pub fn clients_url(&self) -> String {
        self.server.url()
    }

    /// The base URL of plex.tv's v2 calls (`PlexTvClient`).
    pub fn plex_tv_url(&self) -> String {
        format!("{}/api/v2", self.server.url())
    }

    /// How many requests of each kind the stand-in answered so far.
    pub fn counts(&self) -> Counts {
        self.state().counts.clone()
    }

    /// Changes how the stand-in behaves from now on.
    pub fn configure(&self, change: impl FnOnce(&mut Settings)) {
        change(&mut self.state().settings);
    }

    /// Every JWT issued so far answers 498 from now on, whatever its `exp`: plex.tv's clock
    /// ran ahead of the client's.
    pub fn expire_issued(&self) {
        let mut state = self.state();
        let issued = state.issued.clone();
        state.expired_early.extend(issued);
    }

    /// Registers `key_x` (a JWK `x`) for another client identifier, so that registering the
    /// same key again is refused as taken.
    pub fn register_elsewhere(&self, client_identifier: &str, key_x: &str) {
        let key = DeviceKey {
            x: unb64(key_x).expect("base64url"),
            kid: thumbprint(key_x),
            thumbprint: thumbprint(key_x),
        };
        self.state()
            .devices
            .insert(client_identifier.to_string(), key);
    }

    /// The tokens `DELETE /users/signout` revoked, in order.
    pub fn signed_out(&self) -> Vec<String> {
        self.state().signed_out.clone()
    }

    /// The JWTs issued, in order.
    pub fn issued(&self) -> Vec<String> {
        self.state().issued.clone()
    }

    /// `claims` signed with the stand-in's key (not recorded as issued): a JWT a test shapes.
    pub fn sign(&self, claims: &Value) -> String {
        self.state().key.sign(claims)
    }

    /// The requests the stand-in read, in order of arrival.
    pub fn seen(&self) -> Vec<Seen> {
        self.server.seen()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("stand-in state")
    }
}

fn error(status: u16, code: i64, message: &str) -> Answer {
    let body =
        serde_json::json!({"errors": [{"code": code, "message": message, "status": status}]});
    Answer::json(status, body.to_string())
}

fn json(status: u16, body: Value) -> Answer {
    Answer::json(status, body.to_string())
}

impl State {
    fn now(&self) -> i64 {
        self.clock.seconds()
    }

    fn answer(&mut self, request: &Seen) -> Answer {
        let path = request.path().to_string();
        match (request.method.as_str(), path.as_str()) {
            ("POST", "/api/v2/auth/jwk") => self.register(request),
            ("GET", "/api/v2/auth/nonce") => self.nonce(),
            ("POST", "/api/v2/auth/token") => self.exchange(request),
            ("GET", "/api/v2/auth/keys") => self.keys(),
            ("POST", "/api/v2/pins") => self.create_pin(request),
            ("GET", pin) if pin.starts_with("/api/v2/pins/") => self.poll(request, pin),
            ("GET", "/api/v2/user") => self.serve(
                request,
                super::recorded("plextv-user-200-free-account.json"),
            ),
            ("GET", "/api/v2/ping") => self.serve(request, br#"{"pong":true}"#.to_vec()),
            ("DELETE", "/api/v2/users/signout") => self.sign_out(request),
            ("POST", "/api/v2/users/signin") => self.sign_in(),
            _ => error(404, 0, "no such endpoint on the stand-in"),
        }
    }

    fn client_identifier(request: &Seen) -> Result<String, Answer> {
        request
            .header("x-plex-client-identifier")
            .map(str::to_string)
            .ok_or_else(|| error(400, 1000, "X-Plex-Client-Identifier is missing"))
    }

    /// Whether `token` is one plex.tv takes: a legacy token, or one of its JWTs still valid.
    fn check_token(&mut self, token: Option<&str>) -> Result<(), Answer> {
        let unauthenticated = || error(401, 1001, "User could not be authenticated");
        let token = token.ok_or_else(unauthenticated)?;
        if self.revoked.contains(token) {
            return Err(unauthenticated());
        }
        if token == LEGACY_TOKEN {
            return Ok(());
        }
        let jws = Jws::parse(token).ok_or_else(unauthenticated)?;
        let ours =
            unb64(self.key.public_jwk()["x"].as_str().unwrap_or_default()).unwrap_or_default();
        if !jws.verifies_with(&ours) {
            return Err(unauthenticated());
        }
        let expired = jws.claim_i64("exp").is_none_or(|exp| exp <= self.now());
        if expired || self.expired_early.contains(token) {
            self.counts.expired += 1;
            return Err(error(498, 0, "Token expired"));
        }
        Ok(())
    }

    fn serve(&mut self, request: &Seen, body: Vec<u8>) -> Answer {
        if let Err(answer) = self.check_token(request.header("x-plex-token")) {
            return answer;
        }
        self.counts.served += 1;
        Answer::json(200, body)
    }

    fn sign_out(&mut self, request: &Seen) -> Answer {
        let token = request.header("x-plex-token").map(str::to_string);
        if let Err(answer) = self.check_token(token.as_deref()) {
            return answer;
        }
        let token = token.unwrap_or_default();
        self.revoked.insert(token.clone());
        self.signed_out.push(token);
        self.counts.sign_outs += 1;
        Answer::new(204)
    }

    /// A password sign-in: the recorded account, holding [`LEGACY_TOKEN`].
    fn sign_in(&mut self) -> Answer {
        let mut account: Value =
            serde_json::from_slice(&super::recorded("plextv-users-signin-201.json"))
                .expect("the recorded sign-in is JSON");
        account["authToken"] = LEGACY_TOKEN.into();
        self.counts.sign_ins += 1;
        json(201, account)
    }

    fn register(&mut self, request: &Seen) -> Answer {
        let client = match Self::client_identifier(request) {
            Ok(client) => client,
            Err(answer) => return answer,
        };
        if let Err(answer) = self.check_token(request.header("x-plex-token")) {
            return answer;
        }
        let Some(key) = device_key(request.body.as_slice(), "jwk") else {
            return error(400, 0, "jwk must be an Ed25519 public key");
        };
        let taken = self
            .devices
            .iter()
            .any(|(other, known)| *other != client && known.thumbprint == key.thumbprint);
        if taken {
            return error(422, 0, "Thumbprint has already been taken");
        }
        self.devices.insert(client, key);
        self.counts.registrations += 1;
        Answer::new(201)
    }

    fn nonce(&mut self) -> Answer {
        self.counts.nonces += 1;
        let nonce = format!("nonce-{:016x}", fastrand::u64(..));
        let expires = self.now() + self.settings.nonce_lifetime;
        self.nonces.insert(
            nonce.clone(),
            Nonce {
                expires,
                used: false,
            },
        );
        json(200, serde_json::json!({"nonce": nonce}))
    }

    fn keys(&mut self) -> Answer {
        self.counts.key_fetches += 1;
        let other = SigningKey::from_seed([3; 32], "stand-in-plex-key-0");
        json(
            200,
            serde_json::json!({"keys": [other.public_jwk(), self.key.public_jwk()]}),
        )
    }

    /// Checks a device JWT: signed by `key`, for plex.tv, issued by `client`, not expired,
    /// carrying a nonce this stand-in gave that is unused and alive; `consume` uses it up.
    fn check_device_jwt(
        &mut self,
        token: &str,
        client: &str,
        key: &DeviceKey,
        consume: bool,
    ) -> Result<(), Answer> {
        let now = self.now();
        let refuse = |this: &mut Self, message: &str| {
            this.counts.refused += 1;
            if this.settings.echo_refused {
                error(422, 0, &format!("{message}. Received {token}"))
            } else {
                error(422, 0, message)
            }
        };
        let Some(jws) = Jws::parse(token) else {
            return Err(refuse(self, "Invalid JWT"));
        };
        if jws.header_str("kid") != Some(key.kid.as_str()) || !jws.verifies_with(&key.x) {
            return Err(refuse(self, "Invalid signature"));
        }
        if jws.claim_str("aud") != Some("plex.tv") {
            return Err(refuse(self, "Invalid audience"));
        }
        if jws.claim_str("iss") != Some(client) {
            return Err(refuse(self, "Invalid issuer"));
        }
        if jws.claim_i64("exp").is_none_or(|exp| exp <= now) {
            return Err(refuse(self, "JWT expired"));
        }
        let alive = jws
            .claim_str("nonce")
            .and_then(|nonce| self.nonces.get_mut(nonce))
            .filter(|nonce| !nonce.used && nonce.expires > now);
        let Some(nonce) = alive else {
            return Err(refuse(self, "Invalid nonce"));
        };
        if consume {
            nonce.used = true;
        }
        Ok(())
    }

    fn exchange(&mut self, request: &Seen) -> Answer {
        self.counts.exchanges += 1;
        let client = match Self::client_identifier(request) {
            Ok(client) => client,
            Err(answer) => return answer,
        };
        let Some(key) = self.devices.get(&client).cloned() else {
            return error(
                400,
                1097,
                "jwk missing. no public key to verify jwt request",
            );
        };
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let Some(token) = body.get("jwt").and_then(Value::as_str) else {
            return error(400, 0, "jwt is missing");
        };
        if let Err(answer) = self.check_device_jwt(token, &client, &key, true) {
            return answer;
        }
        let jwt = self.issue(&client, &key);
        json(200, serde_json::json!({ self.settings.answer_field: jwt }))
    }

    fn issue(&mut self, client: &str, key: &DeviceKey) -> String {
        let now = self.now();
        let claims = serde_json::json!({
            "aud": self.settings.audience,
            "iss": "plex.tv",
            "iat": now,
            "exp": now + self.settings.jwt_lifetime,
            "thumbprint": self.settings.thumbprint_override.clone().unwrap_or_else(|| key.thumbprint.clone()),
            "scope": "username,email,friendly_name",
            "sub": client,
            // Two JWTs issued in the same second differ, as plex.tv's do.
            "jti": format!("{:016x}", fastrand::u64(..)),
        });
        let jwt = if self.settings.sign_with_rogue_key {
            self.rogue.sign(&claims)
        } else {
            self.key.sign(&claims)
        };
        self.counts.issued += 1;
        self.issued.push(jwt.clone());
        jwt
    }

    fn create_pin(&mut self, request: &Seen) -> Answer {
        let client = match Self::client_identifier(request) {
            Ok(client) => client,
            Err(answer) => return answer,
        };
        let Some(key) = device_key(request.body.as_slice(), "jwk") else {
            return error(400, 0, "jwk must be an Ed25519 public key");
        };
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let strong = body.get("strong").and_then(Value::as_bool) == Some(true);
        self.counts.pins += 1;
        self.next_id += 1;
        let id = self.next_id;
        self.pins.insert(
            id,
            Pin {
                client_identifier: client.clone(),
                key,
                strong,
                polls: 0,
            },
        );
        json(201, self.pin_body(id, None))
    }

    fn pin_body(&self, id: i64, auth_token: Option<String>) -> Value {
        let pin = &self.pins[&id];
        let (code, expires_in) = if pin.strong {
            (format!("strong-code-{id}-0123456789abcdef"), 1800)
        } else {
            (format!("C{}", id % 1000), 900)
        };
        serde_json::json!({
            "id": id,
            "code": code,
            "product": "plex-auth-tests",
            "trusted": false,
            "clientIdentifier": pin.client_identifier,
            "expiresIn": expires_in,
            "authToken": auth_token,
            "newRegistration": null,
        })
    }

    fn poll(&mut self, request: &Seen, path: &str) -> Answer {
        let id = path
            .trim_start_matches("/api/v2/pins/")
            .parse::<i64>()
            .unwrap_or(-1);
        let Some(pin) = self.pins.get(&id) else {
            return error(404, 1020, "Code not found or expired");
        };
        let (client, key) = (pin.client_identifier.clone(), pin.key.clone());
        self.counts.polls += 1;
        let query = request.query();
        let Some(device_jwt) = query.get("deviceJWT") else {
            return error(400, 0, "deviceJWT is missing");
        };
        if request.header("x-plex-client-identifier") != Some(client.as_str()) {
            return error(404, 1020, "Code not found or expired");
        }
        let polls = {
            let pin = self.pins.get_mut(&id).expect("the PIN");
            pin.polls += 1;
            pin.polls
        };
        let approved = polls >= self.settings.approve_at_poll;
        if let Err(answer) = self.check_device_jwt(device_jwt, &client, &key, approved) {
            return answer;
        }
        if !approved {
            return json(200, self.pin_body(id, None));
        }
        // Approving a PIN created with a key registers that key for the client.
        self.devices.insert(client.clone(), key.clone());
        let jwt = self.issue(&client, &key);
        json(200, self.pin_body(id, Some(jwt)))
    }
}

/// The Ed25519 public key in the JSON body's `field`, with its id and RFC 7638 thumbprint.
fn device_key(body: &[u8], field: &str) -> Option<DeviceKey> {
    let body: Value = serde_json::from_slice(body).ok()?;
    let jwk = body.get(field)?;
    if jwk.get("kty")?.as_str()? != "OKP" || jwk.get("crv")?.as_str()? != "Ed25519" {
        return None;
    }
    let x_text = jwk.get("x")?.as_str()?;
    let x = unb64(x_text).filter(|x| x.len() == 32)?;
    let thumbprint = thumbprint(x_text);
    let kid = jwk
        .get("kid")
        .and_then(Value::as_str)
        .map_or_else(|| thumbprint.clone(), str::to_string);
    debug_assert_eq!(b64(&x), x_text);
    Some(DeviceKey { x, kid, thumbprint })
}
