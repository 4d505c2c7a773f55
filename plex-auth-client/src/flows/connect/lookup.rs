//! Finding a server in plex.tv's `/resources` list by name or client identifier, where any
//! ambiguity is an error: a shared server's owner chooses its name, and can choose its
//! identifier, so a value matching two servers must never pick one silently.

use crate::safe_text::truncate_chars;
use crate::types::PlexDevice;
use crate::{Error, Redactor, ServerSummary};

use super::rank::flag;

/// At most this many characters of a name, identifier or owner are kept in a summary.
const TEXT_LIMIT: usize = 128;

/// The server of `devices` (plex.tv's `/resources` list) whose name or client identifier is
/// `name_or_client_identifier`, compared exactly. Only servers are considered (players and
/// clients are left out).
///
/// A shared server's owner chooses its name and can choose its client identifier, so a value
/// that matches more than one server (two names, or one server's name and another's
/// identifier) is an error listing them, never a silent pick: choose by client identifier,
/// which [`Error::servers`] gives for each (`plex-auth servers` prints them too).
///
/// ```
/// use plex_auth_client::types::PlexDevice;
/// use plex_auth_client::{ErrorKind, find_server};
///
/// let devices: Vec<PlexDevice> = serde_json::from_str(r#"[
///     {"name": "Box", "clientIdentifier": "1a2b", "provides": "server", "owned": true},
///     {"name": "Box", "clientIdentifier": "9f8e", "provides": "server", "owned": false,
///      "sourceTitle": "alice"}
/// ]"#).unwrap();
/// let err = find_server(&devices, "Box").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::AmbiguousServer);
/// assert_eq!(
///     err.to_string(),
///     "\"Box\" matches 2 servers: \"Box\" (owned, client identifier \"1a2b\"), \"Box\" \
///      (shared by \"alice\", client identifier \"9f8e\"); choose one by its client identifier"
/// );
/// assert_eq!(find_server(&devices, "9f8e").unwrap().source_title.as_deref(), Some("alice"));
/// ```
///
/// # Errors
/// [`ErrorKind::ServerNotFound`](crate::ErrorKind::ServerNotFound) when no server matches,
/// [`ErrorKind::AmbiguousServer`](crate::ErrorKind::AmbiguousServer) when several do; both
/// list the servers in [`Error::servers`].
pub fn find_server<'a>(
    devices: &'a [PlexDevice],
    name_or_client_identifier: &str,
) -> Result<&'a PlexDevice, Error> {
    let wanted = name_or_client_identifier;
    let servers = || devices.iter().filter(|device| provides_server(device));
    let matching = |s: &&PlexDevice| s.name == wanted || s.client_identifier == wanted;
    let mut matches = servers().filter(matching);
    let (first, second) = (matches.next(), matches.next());
    if let (Some(only), None) = (first, second) {
        return Ok(only);
    }
    // A name or identifier can echo a server's token, or another secret of the list.
    let shown = Redactor::default().secrets_of(devices);
    let summary = |device: &PlexDevice| ServerSummary::shown(device, &shown);
    let wanted_shown = shown_name(&shown, wanted);
    Err(match first {
        None => Error::ServerNotFound {
            wanted: wanted_shown,
            servers: servers().map(summary).collect(),
        },
        Some(_) => Error::AmbiguousServer {
            wanted: wanted_shown,
            servers: servers().filter(matching).map(summary).collect(),
        },
    })
}

/// Whether `provides` lists `server` (it is a comma-separated list of roles).
pub(super) fn provides_server(device: &PlexDevice) -> bool {
    device
        .provides
        .as_deref()
        .is_some_and(|roles| roles.split(',').any(|role| role.trim() == "server"))
}

/// A name or identifier plex.tv supplied, as errors show it: redacted by `shown`, inert and
/// bounded.
pub(super) fn shown_name(shown: &Redactor, text: &str) -> String {
    truncate_chars(&shown.text(text), TEXT_LIMIT)
}

impl ServerSummary {
    /// `device` as a lookup error lists it, its texts redacted by `shown`.
    fn shown(device: &PlexDevice, shown: &Redactor) -> Self {
        let owned = flag(device.owned);
        Self {
            name: shown_name(shown, &device.name),
            client_identifier: shown_name(shown, &device.client_identifier),
            owned,
            owner: device
                .source_title
                .as_deref()
                .filter(|_| !owned)
                .map(|owner| shown_name(shown, owner)),
        }
    }
}

/// A server as a lookup error lists it, its texts redacted of the secrets `device` holds (its
/// access token).
impl From<&PlexDevice> for ServerSummary {
    fn from(device: &PlexDevice) -> Self {
        Self::shown(device, &Redactor::default().secrets_of(device))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn devices() -> Vec<PlexDevice> {
        serde_json::from_str(
            r#"[
            {"name": "Box", "clientIdentifier": "own-1", "provides": "server", "owned": true},
            {"name": "Attic", "clientIdentifier": "Box", "provides": "server", "owned": false,
             "sourceTitle": "mallory"},
            {"name": "Den", "clientIdentifier": "den-1", "provides": "client,server", "owned": "1"},
            {"name": "TV", "clientIdentifier": "Den", "provides": "player"}
        ]"#,
        )
        .unwrap()
    }

    #[test]
    fn a_name_that_is_another_servers_identifier_is_ambiguous() {
        let devices = devices();
        let err = find_server(&devices, "Box").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AmbiguousServer);
        let ids: Vec<&str> = err
            .servers()
            .iter()
            .map(|s| s.client_identifier.as_str())
            .collect();
        assert_eq!(ids, ["own-1", "Box"]);
        assert_eq!(err.servers()[1].owner.as_deref(), Some("mallory"));
        assert!(!err.servers()[1].owned);
    }

    #[test]
    fn a_unique_name_or_identifier_finds_the_server_and_players_do_not_count() {
        let devices = devices();
        assert_eq!(find_server(&devices, "own-1").unwrap().name, "Box");
        assert_eq!(
            find_server(&devices, "Attic").unwrap().client_identifier,
            "Box"
        );
        // "Den" is also a player's identifier: players are not servers.
        assert_eq!(
            find_server(&devices, "Den").unwrap().client_identifier,
            "den-1"
        );
    }

    #[test]
    fn a_name_or_owner_echoing_a_token_of_the_list_is_redacted() {
        // The owned server's access token is the account's token, as plex.tv lists it; a
        // shared server is named after it (its owner after its own token), and another's
        // client identifier is it.
        let devices: Vec<PlexDevice> = serde_json::from_str(
            r#"[
            {"name": "Box", "clientIdentifier": "own-1", "provides": "server", "owned": true,
             "accessToken": "account-token-1234"},
            {"name": "account-token-1234", "clientIdentifier": "x", "provides": "server",
             "owned": false, "sourceTitle": "mallory shared-token-5678",
             "accessToken": "shared-token-5678"},
            {"name": "Den shared-token-5678", "clientIdentifier": "account-token-1234",
             "provides": "server", "accessToken": "den-token"}
        ]"#,
        )
        .unwrap();
        for wanted in ["Cellar", "account-token-1234"] {
            let err = find_server(&devices, wanted).unwrap_err();
            let shown = format!("{err} {err:?}");
            for token in ["account-token-1234", "shared-token-5678"] {
                assert!(!shown.contains(token), "{shown}");
            }
        }
        let err = find_server(&devices, "Cellar").unwrap_err();
        assert_eq!(err.servers()[1].name, "<redacted>");
        assert_eq!(
            err.servers()[1].owner.as_deref(),
            Some("mallory <redacted>")
        );
        assert_eq!(err.servers()[2].client_identifier, "<redacted>");
        let err = find_server(&devices, "account-token-1234").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("\"<redacted>\" matches 2 servers"),
            "{err}"
        );
    }

    #[test]
    fn no_match_lists_the_servers_inert_and_bounded() {
        let mut devices = devices();
        devices[0].name = format!("Box\u{1b}[31m{}", "x".repeat(500));
        let err = find_server(&devices, "Cellar\nforged").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ServerNotFound);
        assert_eq!(err.servers().len(), 3);
        let text = err.to_string();
        assert!(
            text.starts_with("no server \"Cellar forged\" among"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}') && !text.contains('\n'), "{text}");
        assert_eq!(err.servers()[0].name.chars().count(), TEXT_LIMIT + 1);
        let none: Vec<PlexDevice> = Vec::new();
        assert_eq!(
            find_server(&none, "Box").unwrap_err().to_string(),
            "no server \"Box\": the account has no server"
        );
    }
}
