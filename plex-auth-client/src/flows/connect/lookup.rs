//! Finding a server in plex.tv's `/resources` list by name or client identifier, where any
//! ambiguity is an error: a shared server's owner chooses its name, and can choose its
//! identifier, so a value matching two servers must never pick one silently.

use crate::safe_text::{inert, truncate_chars};
use crate::types::PlexDevice;
use crate::{Error, ServerSummary};

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
    let mut matches = servers().filter(|s| s.name == wanted || s.client_identifier == wanted);
    let first = matches.next();
    let second = matches.next();
    let shown = inert(&truncate_chars(wanted, TEXT_LIMIT));
    match (first, second) {
        (Some(only), None) => Ok(only),
        (None, _) => Err(Error::ServerNotFound {
            wanted: shown,
            servers: servers().map(ServerSummary::from).collect(),
        }),
        (Some(_), Some(_)) => Err(Error::AmbiguousServer {
            wanted: shown,
            servers: servers()
                .filter(|s| s.name == wanted || s.client_identifier == wanted)
                .map(ServerSummary::from)
                .collect(),
        }),
    }
}

/// Whether `provides` lists `server` (it is a comma-separated list of roles).
pub(super) fn provides_server(device: &PlexDevice) -> bool {
    device
        .provides
        .as_deref()
        .is_some_and(|roles| roles.split(',').any(|role| role.trim() == "server"))
}

/// A text plex.tv supplied, as errors show it: inert and bounded.
pub(super) fn shown_text(text: &str) -> String {
    inert(&truncate_chars(text, TEXT_LIMIT))
}

impl From<&PlexDevice> for ServerSummary {
    fn from(device: &PlexDevice) -> Self {
        let owned = flag(device.owned);
        Self {
            name: shown_text(&device.name),
            client_identifier: shown_text(&device.client_identifier),
            owned,
            owner: device
                .source_title
                .as_deref()
                .filter(|_| !owned)
                .map(shown_text),
        }
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
