//! The way in by PIN, straight to a JWT: a PIN created with the device's public key, polled
//! with device JWTs until the user approves it.

use tokio::time::Instant;

use super::TokenSource;
use super::plex_jwt::{DEVICE_JWT_LIFETIME, Lifetime, device_jwt};
use super::source::{Held, Jwt, storage_error};
use crate::flows::pin::{WaitEnd, is_transient};
use crate::types::JwtPinRequest;
use crate::{CallOptions, Error, ErrorKind, PendingPin, PinKind, PinPolling, RetryConfig, Secret};

/// A device JWT is made again when less than this is left of it (seconds).
const RENEW_DEVICE_JWT_BEFORE: i64 = 60;

impl TokenSource {
    /// Creates a PIN carrying the device's public key (`getJwtPin` on clients.plex.tv), as
    /// [`PlexTvClient::create_pin`](crate::PlexTvClient::create_pin) does for a legacy token:
    /// [`PinKind::Short`] for a code to enter at [`LINK_URL`](crate::LINK_URL),
    /// [`PinKind::Strong`] for the browser flow ([`PendingPin::auth_url`]). Then
    /// [`wait_for_pin`](Self::wait_for_pin). No key registration is needed on this path.
    ///
    /// # Errors
    /// The errors of `getJwtPin`; [`ErrorKind::Decode`] when the answer's code is not a PIN
    /// code (it would be shown to the user); [`ErrorKind::InvalidInput`] on a legacy source.
    pub async fn create_pin(&self, kind: PinKind) -> Result<PendingPin, Error> {
        let jwt = self.jwt_settings("getJwtPin")?;
        let created = Instant::now();
        let request = match kind {
            PinKind::Strong => JwtPinRequest::new(jwt.key.public_jwk()).strong(true),
            PinKind::Short => JwtPinRequest::new(jwt.key.public_jwk()),
        };
        let answer = jwt.clients.get_jwt_pin(&request).await?;
        PendingPin::from_answer(answer, kind, created, "getJwtPin")
    }

    /// Polls `pin` (`getJwtByPinId`, each poll carrying a device JWT) until the user approves
    /// it, verifies the plex.tv JWT it then carries, and holds it (its store keeps it); answers
    /// the JWT.
    ///
    /// As [`PlexTvClient::wait_for_token`](crate::PlexTvClient::wait_for_token) does, each poll
    /// is one attempt, a transient failure (no connection, a timeout, a 5xx, a 429) is waited
    /// out until the PIN expires or the wait's deadline passes ([`PinPolling::deadline`]), and
    /// dropping the future stops the polling. So is a transient failure to verify the JWT an
    /// approval carried (plex.tv's keys out of reach): the approval is not lost to it. A device
    /// JWT lives 5 minutes: a new one (with a new nonce) is made before it ends, so a PIN can
    /// be approved at any time of its life.
    ///
    /// # Errors
    /// [`ErrorKind::PinExpired`] when the PIN expired; [`ErrorKind::Timeout`] when the wait's
    /// deadline passed first; [`ErrorKind::InvalidJwt`] when the JWT that came fails
    /// verification; the last transient failure when its verification could not be done before
    /// the wait's end; [`ErrorKind::Storage`] when the store cannot keep it (the source holds
    /// it anyway); any other error an answer gives.
    pub async fn wait_for_pin(
        &self,
        pin: &PendingPin,
        polling: PinPolling,
    ) -> Result<Secret, Error> {
        let jwt = self.jwt_settings("getJwtByPinId")?;
        let clients = jwt
            .clients
            .with_options(CallOptions::new().retry(RetryConfig::none()));
        let end = WaitEnd::new(pin, polling, "getJwtByPinId");
        // The device JWT the polls carry, and when it ends.
        let mut device: Option<(Secret, i64)> = None;
        let mut refused_in_a_row = 0;
        loop {
            if end.remaining().is_zero() {
                return Err(end.ended());
            }
            let now = self.now();
            let fresh = device
                .as_ref()
                .filter(|(_, ends)| ends.saturating_sub(now) > RENEW_DEVICE_JWT_BEFORE);
            let device_token = match fresh {
                Some((token, _)) => token.clone(),
                None => match end.bound(clients.get_auth_nonce()).await? {
                    Ok(nonce) => {
                        let nonce = nonce.into_inner().nonce;
                        let token =
                            device_jwt(&jwt.key, &jwt.client_identifier, &nonce, &jwt.scopes, now);
                        let ends = now.saturating_add(DEVICE_JWT_LIFETIME.as_secs() as i64);
                        device = Some((token.clone(), ends));
                        token
                    }
                    Err(error) if is_transient(&error) => {
                        tracing::debug!(error = %error, "nonce for a PIN poll failed; polling on");
                        tokio::time::sleep(end.pause(polling)).await;
                        continue;
                    }
                    Err(error) => return Err(error),
                },
            };
            let poll = clients.get_jwt_by_pin_id(pin.pin().id, device_token.expose());
            match end.bound(poll).await? {
                Ok(answer) => {
                    refused_in_a_row = 0;
                    if let Some(token) = answer.into_inner().auth_token.filter(|t| !t.is_empty()) {
                        let lifetime = self.verify_approved(jwt, &token, &end, polling).await?;
                        let _flight = self.exclusive().await;
                        let held = Held {
                            token: token.clone(),
                            lifetime: Some(lifetime),
                        };
                        self.keep(held).map_err(storage_error)?;
                        return Ok(token);
                    }
                }
                // A device JWT plex.tv no longer takes (its nonce used or expired): make a new
                // one, once; refused twice in a row is an answer.
                Err(error)
                    if error.kind() == ErrorKind::InvalidSignature && refused_in_a_row == 0 =>
                {
                    tracing::debug!(error = %error, "device JWT refused; making a new one");
                    refused_in_a_row += 1;
                    device = None;
                    continue;
                }
                Err(error) if is_transient(&error) => {
                    tracing::debug!(error = %error, "PIN poll failed; polling on");
                }
                Err(error) => return Err(error),
            }
            tokio::time::sleep(end.pause(polling)).await;
        }
    }

    /// Verifies the JWT of an approved PIN. The approval is spent: a transient failure (of
    /// `getAuthKeys`, say) is tried again until the wait's end rather than losing the JWT;
    /// then that failure is returned.
    async fn verify_approved(
        &self,
        jwt: &Jwt,
        token: &Secret,
        end: &WaitEnd,
        polling: PinPolling,
    ) -> Result<Lifetime, Error> {
        loop {
            let error = match end.bound(self.verify(jwt, "getJwtByPinId", token)).await {
                Ok(Ok(lifetime)) => return Ok(lifetime),
                Ok(Err(error)) if is_transient(&error) => error,
                Ok(Err(error)) => return Err(error),
                // Cut short by the wait's end: the approval stands, the JWT is unverified.
                Err(ended) => return Err(ended),
            };
            if end.remaining().is_zero() {
                return Err(error);
            }
            tracing::debug!(error = %error, "verifying the PIN's JWT failed; trying again");
            tokio::time::sleep(end.pause(polling)).await;
        }
    }
}
