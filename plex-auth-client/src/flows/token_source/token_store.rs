//! Where a token source keeps its token between runs.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::Secret;
use crate::flows::private_file;

/// The longest token file read: a plex.tv JWT is well under 1 KiB.
const MAX_FILE_LEN: u64 = 16 * 1024;

/// Keeps a [`TokenSource`](crate::TokenSource)'s token across restarts: the source loads it
/// when built, saves each new token (a refreshed JWT), and clears it on sign-out. A restart
/// with the same store resumes without a new sign-in or key registration.
///
/// The calls are synchronous and rare (once per refresh, about once a week for a JWT); keep
/// them quick. [`FileTokenStore`] keeps the token in a user-only file, [`MemoryTokenStore`] in
/// memory; an application with a keyring or a secrets manager implements this trait.
pub trait TokenStore: Send + Sync + 'static {
    /// The token kept, if any.
    ///
    /// # Errors
    /// When the store cannot be read: the source then fails to build, rather than start
    /// signed out and lose what it holds.
    fn load(&self) -> io::Result<Option<Secret>>;

    /// Keeps `token`, replacing the one kept.
    ///
    /// # Errors
    /// When it cannot be kept.
    fn save(&self, token: &Secret) -> io::Result<()>;

    /// Forgets the token kept.
    ///
    /// # Errors
    /// When it cannot be removed.
    fn clear(&self) -> io::Result<()>;
}

/// A token kept in a file: written to a temporary name and renamed into place (a reader never
/// sees half a token), mode 0600 on Unix, in a folder created with mode 0700. Reading refuses a
/// file over 16 KiB and anything but a regular file (a FIFO does not block it).
#[derive(Clone, Debug)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store at `path` (the file need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Where the token is kept.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> io::Result<Option<Secret>> {
        let read = private_file::read_bounded(
            &self.path,
            MAX_FILE_LEN,
            "not a token file; remove it to sign in again",
        )?;
        let Some(bytes) = read else {
            return Ok(None);
        };
        let text = std::str::from_utf8(&bytes).unwrap_or_default().trim();
        if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} holds no token (printable ASCII, one line); remove it to sign in again",
                    self.path.display()
                ),
            ));
        }
        Ok(Some(Secret::new(text)))
    }

    fn save(&self, token: &Secret) -> io::Result<()> {
        if token.is_empty() || !token.expose().bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a token to keep must be printable ASCII with no space",
            ));
        }
        private_file::replace(&self.path, format!("{}\n", token.expose()).as_bytes())
    }

    fn clear(&self) -> io::Result<()> {
        private_file::remove(&self.path)
    }
}

/// A token kept in memory only: for tests, and for applications that keep nothing on disk.
#[derive(Default)]
pub struct MemoryTokenStore {
    token: Mutex<Option<Secret>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding `token`.
    pub fn with_token(token: impl Into<Secret>) -> Self {
        Self {
            token: Mutex::new(Some(token.into())),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Secret>> {
        // A panic elsewhere while holding the lock leaves a whole value behind.
        self.token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl std::fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryTokenStore")
            .field("token", &*self.slot())
            .finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> io::Result<Option<Secret>> {
        Ok(self.slot().clone())
    }

    fn save(&self, token: &Secret) -> io::Result<()> {
        *self.slot() = Some(token.clone());
        Ok(())
    }

    fn clear(&self) -> io::Result<()> {
        *self.slot() = None;
        Ok(())
    }
}

/// A shared store is a store: the application keeps a handle to look at it.
impl<S: TokenStore + ?Sized> TokenStore for std::sync::Arc<S> {
    fn load(&self) -> io::Result<Option<Secret>> {
        (**self).load()
    }

    fn save(&self, token: &Secret) -> io::Result<()> {
        (**self).save(token)
    }

    fn clear(&self) -> io::Result<()> {
        (**self).clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::private_file::tests::scratch;

    #[test]
    fn a_file_store_keeps_one_token_privately() {
        let dir = scratch("token-store");
        let store = FileTokenStore::new(dir.join("account/token"));
        assert_eq!(store.load().unwrap(), None);
        store.save(&Secret::new("header.claims.signature")).unwrap();
        assert_eq!(
            store.load().unwrap().unwrap().expose(),
            "header.claims.signature"
        );
        store.save(&Secret::new("another")).unwrap();
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), "another\n");
        crate::flows::private_file::tests::assert_user_only(store.path(), None);
        let err = store.save(&Secret::new("two\nlines")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(!err.to_string().contains("two"), "{err}");
        std::fs::write(store.path(), "\u{1b}[31m").unwrap();
        let err = store.load().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string().contains("remove it to sign in again"),
            "{err}"
        );
        store.clear().unwrap();
        store.clear().unwrap();
        assert_eq!(store.load().unwrap(), None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_memory_store_keeps_and_forgets_and_hides_its_token() {
        let store = MemoryTokenStore::with_token("kept");
        assert_eq!(store.load().unwrap().unwrap().expose(), "kept");
        assert_eq!(
            format!("{store:?}"),
            "MemoryTokenStore { token: Some(Secret(<redacted>)) }"
        );
        store.clear().unwrap();
        assert_eq!(store.load().unwrap(), None);
    }
}
