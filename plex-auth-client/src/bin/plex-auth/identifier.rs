//! Where the CLI keeps its client identifier when none is given: one file per user, so that
//! every run is the same device to plex.tv instead of a new one registered each time.

use std::path::PathBuf;

use plex_auth_client::load_or_create_client_identifier;

use crate::failure::Failure;

/// `--client-identifier`/`PLEX_CLIENT_IDENTIFIER` when given, else the stored one (created on
/// first use).
pub(crate) fn resolve(given: Option<&str>) -> Result<String, Failure> {
    if let Some(given) = given {
        return Ok(given.to_string());
    }
    let Some(path) = default_path() else {
        return Err(Failure::bad_input(
            "no client identifier: pass --client-identifier, set PLEX_CLIENT_IDENTIFIER, or set \
             HOME (or XDG_CONFIG_HOME) so that one can be kept in plex-auth/client-identifier",
        ));
    };
    load_or_create_client_identifier(&path).map_err(|err| {
        Failure::bad_input(format!(
            "cannot keep a client identifier in {}: {err}",
            path.display()
        ))
    })
}

/// The user's configuration folder's `plex-auth/client-identifier`: `$XDG_CONFIG_HOME` (when
/// absolute, as the XDG specification requires), else `$HOME/.config`; on macOS
/// `~/Library/Application Support`, on Windows `%APPDATA%`.
fn default_path() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    let config = if cfg!(windows) {
        absolute("APPDATA")
    } else if cfg!(target_os = "macos") {
        absolute("HOME").map(|home| home.join("Library/Application Support"))
    } else {
        absolute("XDG_CONFIG_HOME").or_else(|| absolute("HOME").map(|home| home.join(".config")))
    }?;
    Some(config.join("plex-auth").join("client-identifier"))
}
