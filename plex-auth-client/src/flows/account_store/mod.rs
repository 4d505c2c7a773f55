//! Accounts kept between runs: one user-only file per account in a folder of the
//! application's, holding the account's token (or its JWT and device key), and which account
//! is the current one.

mod account;
mod format;
mod token_store;

use std::io;
use std::path::{Path, PathBuf};

pub use account::{AccountListing, KeptAccount, KeptCredential};
pub use token_store::AccountTokenStore;

use crate::flows::private_file;

/// The largest account file read: a JWT and a key take about 2 KiB.
const MAX_FILE_LEN: u64 = 64 * 1024;

/// The most accounts listed: far more than one person signs in with, and a bound on a folder
/// someone else filled.
const MAX_ACCOUNTS: usize = 1000;

/// The file naming the current account, beside the accounts' files.
const CURRENT: &str = "current";

/// The longest account uuid used as a file name (plex.tv's are 16 hexadecimal digits).
const MAX_UUID_LEN: usize = 64;

/// Accounts kept in a folder: one file per account (`<uuid>.json`), and a `current` file
/// naming the account used when none is chosen, as `gh auth` keeps its accounts.
///
/// Each file is written to a temporary name and renamed into place (a reader never sees half
/// a file), with mode 0600 on Unix, in a folder created with mode 0700; it is read up to
/// 64 KiB, and anything but a regular file is refused without blocking (a FIFO in its place
/// cannot hang the reader). An error never quotes what a file holds.
///
/// What a file in the user's folder protects against: other users of the machine (the mode),
/// and a half-written file after a crash. What it does not: anything that runs as the user,
/// and whoever reads the disk or its backups. A JWT account's file holds its device key too:
/// whoever copies the file signs in as this installation until the key is replaced.
///
/// ```no_run
/// use plex_auth_client::{AccountStore, KeptAccount, KeptCredential, Secret};
///
/// let store = AccountStore::new("/home/me/.config/my-app/accounts");
/// let account = KeptAccount::new(12345, "212acf24b07315e5", "alice",
///     KeptCredential::Legacy(Secret::new("token")));
/// store.save(&account)?;
/// store.set_current(&account.uuid)?;
/// assert_eq!(store.current()?.map(|kept| kept.name), Some("alice".to_string()));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct AccountStore {
    folder: PathBuf,
}

impl AccountStore {
    /// The accounts kept in `folder` (it need not exist yet).
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self {
            folder: folder.into(),
        }
    }

    /// The folder.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The file of the account `uuid`.
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidInput`] when `uuid` cannot name a file: empty, longer than 64
    /// characters, or holding anything but ASCII letters, digits, `-` and `_` (a uuid comes
    /// from a server: it never chooses a path).
    pub fn path(&self, uuid: &str) -> io::Result<PathBuf> {
        let usable = !uuid.is_empty()
            && uuid.len() <= MAX_UUID_LEN
            && uuid
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        if !usable {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the account's uuid cannot name a file (1 to 64 ASCII letters, digits, - or _)",
            ));
        }
        Ok(self.folder.join(format!("{uuid}.json")))
    }

    /// Keeps `account`, replacing what was kept for it; answers its file.
    ///
    /// # Errors
    /// When its uuid cannot name a file, its token is not printable ASCII without spaces, or
    /// the file cannot be written.
    pub fn save(&self, account: &KeptAccount) -> io::Result<PathBuf> {
        self.save_if(account, || Ok(()))
    }

    /// [`save`](Self::save), when `still` agrees just before the new file takes the old one's
    /// place; its error otherwise, the old file left as it was.
    fn save_if(
        &self,
        account: &KeptAccount,
        still: impl FnOnce() -> io::Result<()>,
    ) -> io::Result<PathBuf> {
        let path = self.path(&account.uuid)?;
        if !format::is_token(account.credential.token().expose()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a token to keep must be printable ASCII with no space",
            ));
        }
        private_file::replace_if(&path, format::write(account).expose().as_bytes(), still)?;
        Ok(path)
    }

    /// The account `uuid`, when it is kept.
    ///
    /// # Errors
    /// When the file cannot be read, or is not an account file (named, never quoted).
    pub fn load(&self, uuid: &str) -> io::Result<Option<KeptAccount>> {
        let path = self.path(uuid)?;
        let advice = "not an account file; remove it and sign in again";
        let Some(bytes) = private_file::read_bounded(&path, MAX_FILE_LEN, advice)? else {
            return Ok(None);
        };
        let unusable = |what: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {what}; remove it and sign in again", path.display()),
            )
        };
        let account = format::read(&bytes).map_err(|err| unusable(err.to_string()))?;
        if account.uuid != uuid {
            return Err(unusable("it holds another account".into()));
        }
        Ok(Some(account))
    }

    /// Every account kept that can be read, by name. A file that cannot be read is skipped
    /// with a warning (`tracing`) naming it; [`list`](Self::list) says which.
    ///
    /// # Errors
    /// When the folder cannot be read, or holds more than 1,000 accounts.
    pub fn accounts(&self) -> io::Result<Vec<KeptAccount>> {
        let listing = self.list()?;
        for error in &listing.unreadable {
            tracing::warn!(%error, "a kept account is skipped");
        }
        Ok(listing.accounts)
    }

    /// Every account kept, by name, and an error for each file that cannot be read: one bad
    /// file does not hide the others.
    ///
    /// # Errors
    /// When the folder cannot be read, or holds more than 1,000 accounts.
    pub fn list(&self) -> io::Result<AccountListing> {
        let entries = match std::fs::read_dir(&self.folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Ok(AccountListing::default());
            }
            Err(err) => return Err(err),
        };
        let mut listing = AccountListing::default();
        let mut seen = 0;
        for entry in entries {
            let name = entry?.file_name();
            // Temporary files and `current` are not accounts; nor is a name no uuid gives.
            let Some(uuid) = name.to_str().and_then(|name| name.strip_suffix(".json")) else {
                continue;
            };
            if self.path(uuid).is_err() {
                continue;
            }
            if seen == MAX_ACCOUNTS {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} holds more than {MAX_ACCOUNTS} accounts",
                        self.folder.display()
                    ),
                ));
            }
            seen += 1;
            match self.load(uuid) {
                Ok(Some(account)) => listing.accounts.push(account),
                Ok(None) => {}
                Err(error) => listing.unreadable.push(error),
            }
        }
        listing
            .accounts
            .sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.uuid.cmp(&b.uuid)));
        Ok(listing)
    }

    /// Forgets the account `uuid` (its file; and that it is current, when it is). Forgetting
    /// an account not kept is not an error.
    ///
    /// # Errors
    /// When a file cannot be removed.
    pub fn remove(&self, uuid: &str) -> io::Result<()> {
        private_file::remove(&self.path(uuid)?)?;
        if self.current_uuid()?.as_deref() == Some(uuid) {
            private_file::remove(&self.folder.join(CURRENT))?;
        }
        Ok(())
    }

    /// The account used when none is chosen: the one [`set_current`](Self::set_current)
    /// named while it is kept, else the only account that can be read (a file that cannot is
    /// skipped, as by [`accounts`](Self::accounts)); `None` when none is kept, or several and
    /// none is current.
    ///
    /// # Errors
    /// When the current account's file cannot be read, or the folder cannot be listed.
    pub fn current(&self) -> io::Result<Option<KeptAccount>> {
        if let Some(account) = self.chosen()? {
            return Ok(Some(account));
        }
        let mut accounts = self.accounts()?;
        Ok(match accounts.len() {
            1 => accounts.pop(),
            _ => None,
        })
    }

    /// The account [`set_current`](Self::set_current) named, while it is kept; `None` when
    /// none is named (then [`current`](Self::current) falls back to the only account).
    ///
    /// # Errors
    /// When its file cannot be read: that very account is the one asked for.
    pub fn chosen(&self) -> io::Result<Option<KeptAccount>> {
        match self.current_uuid()? {
            Some(uuid) => self.load(&uuid),
            None => Ok(None),
        }
    }

    /// Makes the account `uuid` the current one.
    ///
    /// # Errors
    /// [`io::ErrorKind::NotFound`] when it is not kept; when the file cannot be written.
    pub fn set_current(&self, uuid: &str) -> io::Result<()> {
        if !self.path(uuid)?.exists() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such account is kept",
            ));
        }
        private_file::replace(&self.folder.join(CURRENT), format!("{uuid}\n").as_bytes())
    }

    /// The uuid the `current` file names, if any.
    fn current_uuid(&self) -> io::Result<Option<String>> {
        let path = self.folder.join(CURRENT);
        let advice = "not the current account's file; remove it";
        let Some(bytes) = private_file::read_bounded(&path, MAX_UUID_LEN as u64 + 2, advice)?
        else {
            return Ok(None);
        };
        let uuid = std::str::from_utf8(&bytes).unwrap_or_default().trim();
        Ok(self.path(uuid).is_ok().then(|| uuid.to_string()))
    }

    /// A [`TokenStore`](crate::TokenStore) over the account `uuid`'s file, for a
    /// [`TokenSource`](crate::TokenSource) that renews the account's JWT: it loads the kept
    /// token, saves each renewed one in the account's file (its key and names kept), and
    /// clearing it forgets the account ([`remove`](Self::remove)).
    ///
    /// Another process can sign the account out or in again meanwhile: a save writes only
    /// while the file still holds the token this store loaded (or last saved), checked again
    /// just before the new file takes its place, so a renewal never brings back an account
    /// signed out, nor overwrites a newer sign-in. Clearing likewise leaves a newer sign-in.
    ///
    /// # Errors
    /// When `uuid` cannot name a file.
    pub fn token_store(&self, uuid: &str) -> io::Result<AccountTokenStore> {
        self.path(uuid)?;
        Ok(AccountTokenStore::new(self.clone(), uuid.to_string()))
    }
}

#[cfg(test)]
mod tests;
