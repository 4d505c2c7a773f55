//! What an [`AccountStore`](super::AccountStore) keeps of an account: who it is and what
//! signs it in.

use std::io;

use crate::types::UserPlexAccount;
use crate::{DeviceKey, Secret};

/// An account kept by an [`AccountStore`](super::AccountStore): who it is and its credential.
///
/// `Debug` shows no secret: the token is a [`Secret`], the device key shows its id only.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KeptAccount {
    /// plex.tv's numeric id of the account.
    pub id: i64,
    /// plex.tv's uuid of the account: its file's name.
    pub uuid: String,
    /// Its username, or the title of a managed user.
    pub name: String,
    /// Its email address, when it has one.
    pub email: Option<String>,
    /// The client identifier it signed in with, when kept: a JWT account's device key is
    /// registered under it, so renewing signs as that installation. `None` in files written
    /// before it was kept.
    pub client_identifier: Option<String>,
    /// What signs it in.
    pub credential: KeptCredential,
}

/// What [`AccountStore::list`](super::AccountStore::list) found: the accounts it could read,
/// and an error naming each file it could not (never quoting it).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct AccountListing {
    /// The accounts read, by name.
    pub accounts: Vec<KeptAccount>,
    /// One error per account file that could not be read.
    pub unreadable: Vec<io::Error>,
}

/// What signs a kept account in.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum KeptCredential {
    /// A legacy token: no expiry of its own.
    Legacy(Secret),
    /// A plex.tv JWT and the device key that renews it
    /// ([`TokenSource::jwt`](crate::TokenSource::jwt) with
    /// [`AccountStore::token_store`](super::AccountStore::token_store)).
    Jwt {
        /// The current JWT.
        token: Secret,
        /// The device key plex.tv knows this installation by, for this account.
        key: DeviceKey,
    },
}

impl KeptCredential {
    /// The token: the legacy token, or the current JWT.
    pub fn token(&self) -> &Secret {
        match self {
            KeptCredential::Legacy(token) | KeptCredential::Jwt { token, .. } => token,
        }
    }
}

impl KeptAccount {
    /// An account to keep.
    pub fn new(
        id: i64,
        uuid: impl Into<String>,
        name: impl Into<String>,
        credential: KeptCredential,
    ) -> Self {
        Self {
            id,
            uuid: uuid.into(),
            name: name.into(),
            email: None,
            client_identifier: None,
            credential,
        }
    }

    /// The account plex.tv answered (`getTokenDetails`, a sign-in), signed in by `credential`:
    /// its id, uuid, username (its title when it has none) and email.
    pub fn from_account(account: &UserPlexAccount, credential: KeptCredential) -> Self {
        let name = if account.username.is_empty() {
            &account.title
        } else {
            &account.username
        };
        Self {
            id: account.id,
            uuid: account.uuid.clone(),
            name: name.clone(),
            email: Some(account.email.clone()).filter(|email| !email.is_empty()),
            client_identifier: None,
            credential,
        }
    }

    /// The same account with `email`.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// The same account, signed in as the installation `client_identifier`.
    pub fn with_client_identifier(mut self, client_identifier: impl Into<String>) -> Self {
        self.client_identifier = Some(client_identifier.into());
        self
    }
}
