//! The way in from a legacy token: register the device key with it, then trade a device JWT
//! for a plex.tv JWT.

use super::TokenSource;
use super::source::storage_error;
use crate::types::DeviceJwkRegistration;
use crate::{CallOptions, Error, ErrorKind, Secret};

impl TokenSource {
    /// Upgrades `legacy`, a legacy token of the account, to a plex.tv JWT: registers the
    /// device key with it (`registerDeviceJWK`), then refreshes (`getAuthNonce`,
    /// `exchangeJwtToken`, verification against `getAuthKeys`). The source holds the JWT from
    /// then on, and its store keeps it; answers the JWT.
    ///
    /// Do it once per installation: a source built again from the same store holds the JWT and
    /// refreshes it without registering again. When plex.tv answers that the key's thumbprint
    /// is taken, the refresh is tried anyway (the key may be this installation's, registered
    /// before); [`ErrorKind::ThumbprintTaken`] is returned only if that fails too. Keep the
    /// legacy token until this succeeds.
    ///
    /// # Errors
    /// The errors of the calls above; [`ErrorKind::InvalidInput`] on a legacy source;
    /// [`ErrorKind::Storage`] when the store cannot keep the JWT (the source holds it anyway).
    pub async fn upgrade(&self, legacy: &Secret) -> Result<Secret, Error> {
        let jwt = self.jwt_settings("registerDeviceJWK")?;
        let _flight = self.exclusive().await;
        let registration = DeviceJwkRegistration::new(jwt.key.public_jwk());
        let registered = jwt
            .clients
            .with_options(CallOptions::new().token(legacy.clone()))
            .register_device_jwk(&registration)
            .await;
        let taken = match registered {
            Ok(_) => None,
            Err(error) if error.kind() == ErrorKind::ThumbprintTaken => Some(error),
            Err(error) => return Err(error),
        };
        let held = match self.exchange(jwt).await {
            Ok(held) => held,
            Err(error) => return Err(taken.unwrap_or(error)),
        };
        let token = held.token.clone();
        self.keep(held).map_err(storage_error)?;
        Ok(token)
    }
}
