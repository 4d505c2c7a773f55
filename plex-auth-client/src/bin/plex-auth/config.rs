//! The tool's folder in the user's configuration folder: its client identifier, so that every
//! run is the same device to plex.tv instead of a new one registered each time, and the
//! accounts kept after a sign-in.

use std::path::PathBuf;

use plex_auth_client::{AccountStore, load_or_create_client_identifier};

use crate::failure::Failure;

/// `--client-identifier`/`PLEX_CLIENT_IDENTIFIER` when given, else the stored one (created on
/// first use).
pub(crate) fn client_identifier(given: Option<&str>) -> Result<String, Failure> {
    if let Some(given) = given {
        return Ok(given.to_string());
    }
    let Some(path) = folder().map(|folder| folder.join("client-identifier")) else {
        return Err(Failure::bad_input(format!(
            "no client identifier: pass --client-identifier or set PLEX_CLIENT_IDENTIFIER ({} \
             so none can be kept)",
            NO_FOLDER
        )));
    };
    load_or_create_client_identifier(&path).map_err(|err| {
        Failure::bad_input(format!(
            "cannot keep a client identifier in {}: {err}",
            path.display()
        ))
    })
}

/// Why this system has no configuration folder.
pub(crate) const NO_FOLDER: &str = if cfg!(windows) {
    "APPDATA is not set"
} else if cfg!(target_os = "macos") {
    "HOME is not set"
} else {
    "neither HOME nor XDG_CONFIG_HOME is set"
};

/// The tool's folder on this system, as help names it.
pub(crate) const FOLDER_SHOWN: &str = if cfg!(windows) {
    "%APPDATA%\\plex-auth"
} else if cfg!(target_os = "macos") {
    "~/Library/Application Support/plex-auth"
} else {
    "$XDG_CONFIG_HOME/plex-auth, else ~/.config/plex-auth"
};

/// The accounts kept, in the folder's `accounts`; `None` when there is no configuration
/// folder (no HOME).
pub(crate) fn accounts() -> Option<AccountStore> {
    folder().map(|folder| AccountStore::new(folder.join("accounts")))
}

/// The user's configuration folder's `plex-auth`: `$XDG_CONFIG_HOME` (when absolute, as the
/// XDG specification requires), else `$HOME/.config`; on macOS `~/Library/Application
/// Support`, on Windows `%APPDATA%`.
fn folder() -> Option<PathBuf> {
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
    Some(config.join("plex-auth"))
}
