//! What the commands print of a successful answer. Every string a server sent goes through the
//! command's `Redactor` (the credentials the call sent and every credential of the answer are
//! removed in any encoding, the text is made one inert line, cut past 256 characters), URLs show
//! scheme, host, port and path only, and a token is printed only by the commands that exist to
//! print one, alone on stdout.

use std::time::{Duration, UNIX_EPOCH};

use plex_auth_client::types::{
    PlexConnection, PlexDevice, SourceConnectionInformation, UserPlexAccount,
};
use plex_auth_client::{FlexBool, Redactor};
use serde_json::{Value, json};

use crate::Failure;
use crate::output::{Output, printable};

/// The last second `httpdate` formats (9999-12-31T23:59:59Z); later dates are shown as numbers.
const LAST_HTTP_DATE: u64 = 253_402_300_799;

impl Output {
    /// `sign-in`: the account's token alone on stdout; who signed in, on stderr.
    pub(crate) fn signed_in(
        &self,
        account: &UserPlexAccount,
        shown: &Redactor,
    ) -> Result<(), Failure> {
        let document = json!({
            "id": account.id,
            "uuid": shown.text(&account.uuid),
            "username": shown.text(&account.username),
            "title": shown.text(&account.title),
            "email": shown.text(&account.email),
            "twoFactorEnabled": account.two_factor_enabled,
        });
        let note = format!("Signed in as {}.", display_name(account, shown));
        self.account_token(account, document, &note)
    }

    /// `switch-user`: the profile's token alone on stdout; which profile, on stderr.
    pub(crate) fn switched(
        &self,
        account: &UserPlexAccount,
        shown: &Redactor,
    ) -> Result<(), Failure> {
        let document = json!({
            "id": account.id,
            "uuid": shown.text(&account.uuid),
            "title": shown.text(&account.title),
        });
        let note = format!("Switched to {}.", display_name(account, shown));
        self.account_token(account, document, &note)
    }

    /// An account's token, for the commands that exist to print it: in JSON, `document` with
    /// `authToken` added; in text, `note` on stderr and the token alone on stdout.
    fn account_token(
        &self,
        account: &UserPlexAccount,
        mut document: Value,
        note: &str,
    ) -> Result<(), Failure> {
        if self.json {
            document["authToken"] = printable(&account.auth_token)?.into();
            self.print_json(&document);
            return Ok(());
        }
        self.note(note);
        self.token("authToken", &account.auth_token)
    }

    /// `token-details`: the account, never its token nor its services' credentials.
    pub(crate) fn account(&self, account: &UserPlexAccount, shown: &Redactor) {
        let subscription = account.subscription.as_ref();
        let text = |value: &str| shown.text(value);
        let optional = |value: &Option<String>| value.as_deref().map(text);
        if self.json {
            self.print_json(&json!({
                "valid": true,
                "id": account.id,
                "uuid": text(&account.uuid),
                "username": text(&account.username),
                "title": text(&account.title),
                "email": text(&account.email),
                "country": optional(&account.country),
                "locale": optional(&account.locale),
                "joinedAt": account.joined_at,
                "home": account.home,
                "twoFactorEnabled": account.two_factor_enabled,
                "subscription": subscription.map(|s| json!({
                    "active": s.active,
                    "status": optional(&s.status),
                    "plan": optional(&s.plan),
                })),
            }));
            return;
        }
        self.out("The token is valid.");
        let rows = [
            ("username", text(&account.username)),
            ("title", text(&account.title)),
            ("email", text(&account.email)),
            ("uuid", text(&account.uuid)),
            ("id", account.id.to_string()),
            ("joined", account.joined_at.map(date).unwrap_or_default()),
            (
                "subscription",
                subscription
                    .and_then(|s| optional(&s.status))
                    .unwrap_or_else(|| "none".into()),
            ),
            (
                "two-factor",
                yes_no(account.two_factor_enabled, "enabled", "disabled"),
            ),
            ("Plex Home", yes_no(account.home, "yes", "no")),
        ];
        for (label, value) in rows {
            self.out(&format!("{:<14}{value}", format!("{label}:")));
        }
    }

    /// `resources`: devices and connections; whether an access token came, never the token,
    /// not even inside a connection's URI.
    pub(crate) fn resources(&self, answer: &SourceConnectionInformation, shown: &Redactor) {
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
                                "uri": shown.url(&c.uri),
                                "protocol": c.protocol.as_deref().map(|p| shown.text(p)),
                                "address": c.address.as_deref().map(|a| shown.text(a)),
                                "port": c.port,
                                "local": c.local.map(FlexBool::get),
                                "relay": c.relay.map(FlexBool::get),
                            })
                        })
                        .collect();
                    json!({
                        "name": shown.text(&device.name),
                        "clientIdentifier": shown.text(&device.client_identifier),
                        "hasAccessToken": device.access_token.is_some(),
                        "connections": connections,
                    })
                })
                .collect();
            self.print_json(&json!({ "devices": devices }));
            return;
        }
        if devices.is_empty() {
            self.out("No source matches.");
        }
        for device in devices {
            self.out(&format!(
                "{} ({})",
                shown.text(&device.name),
                shown.text(&device.client_identifier)
            ));
            if device.access_token.is_some() {
                self.out("  access token: received (not shown)");
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
                self.out(&format!(
                    "  {}  {}",
                    shown.url(&connection.uri),
                    notes.join(" ")
                ));
            }
        }
    }

    /// `servers`: each server and its connections; never a token, not even inside a URI.
    pub(crate) fn servers(&self, servers: &[PlexDevice], shown: &Redactor) {
        if self.json {
            let servers: Vec<Value> = servers.iter().map(|s| server_json(s, shown)).collect();
            self.print_json(&json!({ "servers": servers }));
            return;
        }
        if servers.is_empty() {
            self.out("No server.");
        }
        for server in servers {
            let ownership = if flag(server.owned) {
                "owned".to_string()
            } else {
                match &server.source_title {
                    Some(owner) => format!("shared by {}", shown.text(owner)),
                    None => "shared".to_string(),
                }
            };
            let presence = if flag(server.presence) {
                "online"
            } else {
                "offline"
            };
            self.out(&format!(
                "{} ({}): {ownership}, {presence}",
                shown.text(&server.name),
                shown.text(&server.client_identifier)
            ));
            for connection in &server.connections {
                self.out(&format!(
                    "  {}  {}",
                    shown.url(&connection.uri),
                    place(connection)
                ));
            }
        }
    }
}

fn server_json(server: &PlexDevice, shown: &Redactor) -> Value {
    let connections: Vec<Value> = server
        .connections
        .iter()
        .map(|c| {
            json!({
                "uri": shown.url(&c.uri),
                "protocol": c.protocol.as_deref().map(|p| shown.text(p)),
                "local": flag(c.local),
                "relay": flag(c.relay),
            })
        })
        .collect();
    json!({
        "name": shown.text(&server.name),
        "clientIdentifier": shown.text(&server.client_identifier),
        "owned": flag(server.owned),
        "sourceTitle": server.source_title.as_deref().map(|t| shown.text(t)),
        "presence": flag(server.presence),
        "connections": connections,
    })
}

fn place(connection: &PlexConnection) -> &'static str {
    match (flag(connection.relay), flag(connection.local)) {
        (true, _) => "relay",
        (false, true) => "local",
        (false, false) => "remote",
    }
}

fn flag(value: Option<FlexBool>) -> bool {
    value.is_some_and(FlexBool::get)
}

/// The username (the title for a managed user) and the email, redacted.
fn display_name(account: &UserPlexAccount, shown: &Redactor) -> String {
    let name = if account.username.is_empty() {
        &account.title
    } else {
        &account.username
    };
    if account.email.is_empty() {
        shown.text(name)
    } else {
        format!("{} ({})", shown.text(name), shown.text(&account.email))
    }
}

fn yes_no(flag: Option<bool>, yes: &str, no: &str) -> String {
    match flag {
        Some(true) => yes.into(),
        Some(false) => no.into(),
        None => "unknown".into(),
    }
}

/// Unix seconds as an HTTP date; the number itself when it is before 1970 or after 9999.
fn date(unix_seconds: i64) -> String {
    match u64::try_from(unix_seconds) {
        Ok(seconds) if seconds <= LAST_HTTP_DATE => {
            httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds))
        }
        _ => unix_seconds.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_past_what_a_calendar_shows_are_numbers() {
        assert_eq!(date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(date(LAST_HTTP_DATE as i64), "Fri, 31 Dec 9999 23:59:59 GMT");
        for extreme in [LAST_HTTP_DATE as i64 + 1, i64::MAX, -1, i64::MIN] {
            assert_eq!(date(extreme), extreme.to_string());
        }
    }
}
