//! A kept account's token as a [`TokenStore`], written only while the account's file still
//! holds the token it replaces.

use std::io;
use std::sync::{Arc, Mutex};

use super::{AccountStore, KeptAccount, KeptCredential};
use crate::{Secret, TokenStore};

/// A kept account's token as a [`TokenStore`]: see [`AccountStore::token_store`].
#[derive(Clone, Debug)]
pub struct AccountTokenStore {
    store: AccountStore,
    uuid: String,
    /// The token last loaded or saved: the only one a save may replace.
    known: Arc<Mutex<Option<Secret>>>,
}

impl AccountTokenStore {
    /// The store of account `uuid` of `store`, knowing no token yet.
    pub(super) fn new(store: AccountStore, uuid: String) -> Self {
        Self {
            store,
            uuid,
            known: Arc::default(),
        }
    }

    fn known(&self) -> std::sync::MutexGuard<'_, Option<Secret>> {
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The account as kept, while its file holds `known` (any token when none is known yet).
    fn unchanged(&self, known: Option<&Secret>) -> io::Result<KeptAccount> {
        let Some(account) = self.store.load(&self.uuid)? else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "the account is no longer kept (signed out meanwhile?)",
            ));
        };
        match known {
            Some(known) if account.credential.token().expose() != known.expose() => {
                Err(io::Error::other(
                    "the account was signed in again meanwhile: its newer token stays kept",
                ))
            }
            _ => Ok(account),
        }
    }
}

impl TokenStore for AccountTokenStore {
    fn load(&self) -> io::Result<Option<Secret>> {
        let account = self.store.load(&self.uuid)?;
        let token = account.map(|account| account.credential.token().clone());
        *self.known() = token.clone();
        Ok(token)
    }

    fn save(&self, token: &Secret) -> io::Result<()> {
        let mut known = self.known();
        let mut account = self.unchanged(known.as_ref())?;
        account.credential = match account.credential {
            KeptCredential::Jwt { key, .. } => KeptCredential::Jwt {
                token: token.clone(),
                key,
            },
            KeptCredential::Legacy(_) => KeptCredential::Legacy(token.clone()),
        };
        let expected = known.clone();
        self.store
            .save_if(&account, || self.unchanged(expected.as_ref()).map(|_| ()))?;
        *known = Some(token.clone());
        Ok(())
    }

    fn clear(&self) -> io::Result<()> {
        let mut known = self.known();
        let kept = self.store.load(&self.uuid)?;
        // A newer sign-in is not this store's to forget.
        let replaced = matches!(
            (&kept, known.as_ref()),
            (Some(account), Some(known)) if account.credential.token().expose() != known.expose()
        );
        if kept.is_some() && !replaced {
            self.store.remove(&self.uuid)?;
        }
        *known = None;
        Ok(())
    }
}
