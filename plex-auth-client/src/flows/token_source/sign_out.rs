//! The way out: revoke the token on plex.tv, then forget it.

use super::TokenSource;
use super::source::storage_error;
use crate::{CallOptions, Error, ErrorKind, PlexTvClient};

impl TokenSource {
    /// Signs out: revokes the token held on plex.tv (`signOut`, `DELETE /users/signout`,
    /// through `plex`, with this token whatever `plex` was built with), then forgets it and
    /// clears the store. The device key stays: it is the installation's, and a later sign-in
    /// uses it again.
    ///
    /// A token plex.tv already refuses (401, 422 "Invalid token", 498) is as good as revoked:
    /// it is forgotten too. Any other failure (no connection, a 5xx) keeps the token, so that
    /// the sign-out can be tried again: forgetting it would leave a working token behind.
    /// [`forget`](Self::forget) only forgets.
    ///
    /// # Errors
    /// The errors of `signOut` other than a refused token; [`ErrorKind::NoToken`];
    /// [`ErrorKind::Storage`] when the store cannot be cleared.
    pub async fn sign_out(&self, plex: &PlexTvClient) -> Result<(), Error> {
        // No refresh runs meanwhile: the token revoked is the token forgotten.
        let _flight = self.exclusive().await;
        let held = self.held("signOut")?;
        let revoked = plex
            .with_options(CallOptions::new().token(held.token))
            .sign_out()
            .await;
        match revoked {
            Ok(_) => {}
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::InvalidToken | ErrorKind::TokenExpired
                ) =>
            {
                tracing::debug!(error = %error, "the token was already refused; forgetting it");
            }
            Err(error) => return Err(error),
        }
        self.drop_token().map_err(storage_error)
    }

    /// Forgets the token without revoking it, and clears the store: it keeps working for
    /// whoever holds a copy until it expires (a JWT) or is revoked. Prefer
    /// [`sign_out`](Self::sign_out).
    ///
    /// # Errors
    /// [`ErrorKind::Storage`] when the store cannot be cleared.
    pub fn forget(&self) -> Result<(), Error> {
        self.drop_token().map_err(storage_error)
    }
}
