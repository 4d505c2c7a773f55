//! What the commands print: text for people, or one JSON document for scripts.
//!
//! Text mode puts the one value a command exists for (a token) alone on stdout and the notes
//! for people on stderr, so `TOKEN=$(plex-auth sign-in)` works. JSON mode prints exactly one
//! document on stdout, the result or `{"error": ...}`.

use std::time::{Duration, UNIX_EPOCH};

use plex_auth_client::types::{SourceConnectionInformation, UserPlexAccount};
use plex_auth_client::{ErrorKind, FlexBool, Secret};
use serde_json::{Value, json};

use crate::Failure;

pub(crate) struct Output {
    json: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    pub(crate) fn print_json(&self, value: &Value) {
        println!("{}", escape_controls(&format!("{value:#}")));
    }

    /// `sign-in`: the account's token, the one secret this command prints.
    pub(crate) fn signed_in(&self, account: &UserPlexAccount) {
        if self.json {
            self.print_json(&json!({
                "id": account.id,
                "uuid": account.uuid,
                "username": account.username,
                "title": account.title,
                "email": account.email,
                "twoFactorEnabled": account.two_factor_enabled,
                "authToken": account.auth_token.expose(),
            }));
        } else {
            eprintln!("Signed in as {}.", safe(&display_name(account)));
            println!("{}", safe(account.auth_token.expose()));
        }
    }

    /// `token-details`: the account, never its token nor its services' credentials.
    pub(crate) fn account(&self, account: &UserPlexAccount) {
        let subscription = account.subscription.as_ref();
        if self.json {
            self.print_json(&json!({
                "valid": true,
                "id": account.id,
                "uuid": account.uuid,
                "username": account.username,
                "title": account.title,
                "email": account.email,
                "country": account.country,
                "locale": account.locale,
                "joinedAt": account.joined_at,
                "home": account.home,
                "twoFactorEnabled": account.two_factor_enabled,
                "subscription": subscription.map(|s| json!({
                    "active": s.active,
                    "status": s.status,
                    "plan": s.plan,
                })),
            }));
            return;
        }
        println!("The token is valid.");
        let rows = [
            ("username", account.username.clone()),
            ("title", account.title.clone()),
            ("email", account.email.clone()),
            ("uuid", account.uuid.clone()),
            ("id", account.id.to_string()),
            ("joined", account.joined_at.map(date).unwrap_or_default()),
            (
                "subscription",
                subscription
                    .and_then(|s| s.status.clone())
                    .unwrap_or_else(|| "none".into()),
            ),
            (
                "two-factor",
                yes_no(account.two_factor_enabled, "enabled", "disabled"),
            ),
            ("Plex Home", yes_no(account.home, "yes", "no")),
        ];
        for (label, value) in rows {
            println!("{:<14}{}", format!("{label}:"), safe(&value));
        }
    }

    /// A token a command exists to print (`login`): alone on stdout, or as `{field: token}`.
    pub(crate) fn token(&self, field: &str, token: &Secret) {
        if self.json {
            self.print_json(&json!({ field: token.expose() }));
        } else {
            println!("{}", safe(token.expose()));
        }
    }

    /// `link`: the code was approved.
    pub(crate) fn linked(&self) {
        if self.json {
            self.print_json(&json!({ "linked": true }));
        } else {
            eprintln!("plex-auth: linked: the other device is signed in");
        }
    }

    /// `transient-token`: the transient token, the one secret this command prints.
    pub(crate) fn transient_token(&self, token: &Secret) {
        if self.json {
            self.print_json(&json!({ "token": token.expose() }));
        } else {
            eprintln!("Transient token (valid up to 48 hours, until the server restarts):");
            println!("{}", safe(token.expose()));
        }
    }

    /// `resources`: devices and connections; whether an access token came, never the token.
    pub(crate) fn resources(&self, answer: &SourceConnectionInformation) {
        let devices: Vec<_> = answer.media_container.device.iter().flatten().collect();
        if self.json {
            let devices: Vec<Value> = devices
                .iter()
                .map(|device| {
                    let connections: Vec<Value> = device
                        .connection
                        .iter()
                        .flatten()
                        .map(|c| {
                            json!({
                                "uri": c.uri,
                                "protocol": c.protocol,
                                "address": c.address,
                                "port": c.port,
                                "local": c.local.map(FlexBool::get),
                                "relay": c.relay.map(FlexBool::get),
                            })
                        })
                        .collect();
                    json!({
                        "name": device.name,
                        "clientIdentifier": device.client_identifier,
                        "hasAccessToken": device.access_token.is_some(),
                        "connections": connections,
                    })
                })
                .collect();
            self.print_json(&json!({ "devices": devices }));
            return;
        }
        if devices.is_empty() {
            println!("No source matches.");
        }
        for device in devices {
            println!(
                "{} ({})",
                safe(&device.name),
                safe(&device.client_identifier)
            );
            if device.access_token.is_some() {
                println!("  access token: received (not shown)");
            }
            for connection in device.connection.iter().flatten() {
                let mut notes = Vec::new();
                match connection.local.map(FlexBool::get) {
                    Some(true) => notes.push("local"),
                    Some(false) => notes.push("remote"),
                    None => {}
                }
                if connection.relay.is_some_and(FlexBool::get) {
                    notes.push("relay");
                }
                println!("  {}  {}", safe(&connection.uri), notes.join(" "));
            }
        }
    }

    /// `token-status`: the verdict alone on stdout, why on stderr; never the token.
    pub(crate) fn token_status(&self, status: &str, reason: Option<&str>) {
        if self.json {
            self.print_json(&json!({ "status": status, "reason": reason }));
            return;
        }
        println!("{status}");
        match (status, reason) {
            ("invalid", Some(reason)) => {
                eprintln!("plex-auth: plex.tv refused the token: {}", safe(reason));
                eprintln!("plex-auth: drop it and sign in again");
            }
            (_, Some(reason)) => {
                eprintln!("plex-auth: no verdict on the token: {}", safe(reason));
                eprintln!("plex-auth: keep it and check again later");
            }
            _ => {}
        }
    }

    /// `ping`: plex.tv answered pong.
    pub(crate) fn pong(&self) {
        if self.json {
            self.print_json(&json!({ "pong": true }));
        } else {
            println!("pong");
        }
    }

    /// `switch-user`: the profile's token, the one secret this command prints.
    pub(crate) fn switched(&self, account: &UserPlexAccount) {
        if self.json {
            self.print_json(&json!({
                "id": account.id,
                "uuid": account.uuid,
                "title": account.title,
                "authToken": account.auth_token.expose(),
            }));
        } else {
            eprintln!("Switched to {}.", safe(&display_name(account)));
            println!("{}", safe(account.auth_token.expose()));
        }
    }

    pub(crate) fn failure(&self, failure: &Failure) {
        if !self.json {
            eprintln!("plex-auth: error: {}", safe(&failure.message));
            for line in failure.error.iter().flat_map(crate::servers::failure_lines) {
                eprintln!("plex-auth:   {}", safe(&line));
            }
            if let Some(hint) = failure.error.as_ref().and_then(|e| hint(e.kind())) {
                eprintln!("plex-auth: {hint}");
            }
            return;
        }
        let error = failure.error.as_ref();
        let codes: Vec<i64> = error
            .map(|e| e.plex_errors().iter().filter_map(|p| p.code).collect())
            .unwrap_or_default();
        let mut document = json!({
            "error": {
                "kind": match error {
                    Some(error) => kind_name(error.kind()),
                    None if failure.code == crate::exit::BAD_INPUT => "bad-input",
                    None => "failure",
                },
                "exitCode": failure.code,
                "message": failure.message,
                "status": error.and_then(|e| e.status()).map(|s| s.as_u16()),
                "plexCodes": codes,
            }
        });
        if let Some((key, details)) = error.and_then(crate::servers::failure_json) {
            document["error"][key] = details;
        }
        self.print_json(&document);
    }
}

fn display_name(account: &UserPlexAccount) -> String {
    let name = if account.username.is_empty() {
        &account.title
    } else {
        &account.username
    };
    if account.email.is_empty() {
        name.clone()
    } else {
        format!("{name} ({})", account.email)
    }
}

fn yes_no(flag: Option<bool>, yes: &str, no: &str) -> String {
    match flag {
        Some(true) => yes.into(),
        Some(false) => no.into(),
        None => "unknown".into(),
    }
}

fn date(unix_seconds: i64) -> String {
    match u64::try_from(unix_seconds) {
        Ok(seconds) => httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds)),
        Err(_) => unix_seconds.to_string(),
    }
}

fn hint(kind: ErrorKind) -> Option<&'static str> {
    match kind {
        ErrorKind::VerificationCodeRequired => {
            Some("the verification code was missing or not accepted; sign in again with a new code")
        }
        ErrorKind::LockedOut => {
            Some("plex.tv locked this IP out after repeated failures; wait before trying again")
        }
        ErrorKind::InvalidToken | ErrorKind::Unauthorized => {
            Some("the token was refused; sign in again to get a new one")
        }
        ErrorKind::RateLimited => Some("plex.tv is rate limiting this client; try again later"),
        ErrorKind::PinExpired => Some("the PIN expired or is unknown; start again for a new one"),
        ErrorKind::NoServerToken => Some(
            "plex.tv gives this account no token for that server; sign in with an account that \
             can use it",
        ),
        ErrorKind::HomePinRequired => Some(
            "the profile is protected: a valid PIN is required (--pin or PLEX_HOME_PIN, or run \
             the command on a terminal to be asked for it)",
        ),
        _ => None,
    }
}

/// Stable names for `--json` output.
fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::VerificationCodeRequired => "verification-code-required",
        ErrorKind::InvalidCredentials => "invalid-credentials",
        ErrorKind::LockedOut => "locked-out",
        ErrorKind::RateLimited => "rate-limited",
        ErrorKind::ClientIdentifierMissing => "client-identifier-missing",
        ErrorKind::HomePinRequired => "home-pin-required",
        ErrorKind::InvalidToken => "invalid-token",
        ErrorKind::Unauthorized => "unauthorized",
        ErrorKind::PinExpired => "pin-expired",
        ErrorKind::TooLarge => "too-large",
        ErrorKind::Decode => "decode",
        ErrorKind::Timeout => "timeout",
        ErrorKind::Transport => "transport",
        ErrorKind::InvalidInput => "invalid-input",
        ErrorKind::Config => "config",
        ErrorKind::NoConnection => "no-connection",
        ErrorKind::NoServerToken => "no-server-token",
        ErrorKind::ServerNotFound => "server-not-found",
        ErrorKind::AmbiguousServer => "ambiguous-server",
        _ => "http",
    }
}

/// Server-supplied text as the terminal may show it: control characters (a newline forging an
/// extra line, an ANSI or OSC escape sequence) and the Unicode controls that reorder text are
/// replaced by U+FFFD.
pub(crate) fn safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_terminal_control(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// JSON text with the controls that serde_json leaves raw (C1, DEL, the Unicode controls that
/// reorder text) written as `\u` escapes: the same document, inert on a terminal.
fn escape_controls(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_terminal_control(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}
