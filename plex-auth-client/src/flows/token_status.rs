//! Whether a token is still valid, telling "plex.tv refused it" from "plex.tv did not say".
//!
//! Apps that drop a token on any error log their users out whenever plex.tv is slow or down,
//! or whenever something between them and plex.tv (a proxy, a captive portal) answers 401 in
//! its place. Only plex.tv's own refusal makes a token invalid: see
//! [`ErrorKind::InvalidToken`].

#[cfg(doc)]
use crate::ErrorKind;
use crate::types::UserPlexAccount;
use crate::{Error, PlexTvClient};

/// What plex.tv says about a token: see [`PlexTvClient::token_status`].
///
/// Drop the token only on [`Invalid`](TokenStatus::Invalid). On
/// [`Unknown`](TokenStatus::Unknown) keep it and ask again later.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenStatus {
    /// plex.tv answered with the account behind the token.
    Valid(Box<UserPlexAccount>),
    /// plex.tv refused the token: the error is [`ErrorKind::InvalidToken`] (a 401 with plex.tv's
    /// error envelope saying code 1001 or "Invalid token", or a 422 "Invalid token", answered
    /// directly and without a `WWW-Authenticate` challenge). It is revoked or expired: sign in
    /// again. The error says what plex.tv answered, redacted.
    Invalid(Error),
    /// No verdict: the connection failed, the call timed out, plex.tv answered another status
    /// (5xx, 429…) or a body that does not decode, or a 401 came that is not plex.tv's refusal
    /// (an HTML page, a challenge, a 401 after a redirect, a rate-limit code). The token may
    /// well be valid: keep it.
    Unknown(Error),
}

impl TokenStatus {
    /// Sorts the result of a token check: only an error whose kind refuses the token
    /// ([`ErrorKind::refuses_token`]: plex.tv's own refusal) makes it invalid.
    pub(crate) fn from_result(result: Result<UserPlexAccount, Error>) -> Self {
        match result {
            Ok(account) => TokenStatus::Valid(Box::new(account)),
            Err(error) if error.kind().refuses_token() => TokenStatus::Invalid(error),
            Err(error) => TokenStatus::Unknown(error),
        }
    }

    /// Whether plex.tv accepted the token.
    pub fn is_valid(&self) -> bool {
        matches!(self, TokenStatus::Valid(_))
    }

    /// Whether plex.tv refused the token: the one case where it should be dropped.
    pub fn is_invalid(&self) -> bool {
        matches!(self, TokenStatus::Invalid(_))
    }

    /// The account, when the token is valid.
    pub fn account(&self) -> Option<&UserPlexAccount> {
        match self {
            TokenStatus::Valid(account) => Some(account),
            _ => None,
        }
    }

    /// Why the token is invalid or its status unknown; `None` when it is valid.
    pub fn error(&self) -> Option<&Error> {
        match self {
            TokenStatus::Invalid(error) | TokenStatus::Unknown(error) => Some(error),
            TokenStatus::Valid(_) => None,
        }
    }
}

impl PlexTvClient {
    /// Checks the client's token with plex.tv (`GET /user`, [`get_token_details`]):
    /// [`Valid`](TokenStatus::Valid) with the account, [`Invalid`](TokenStatus::Invalid) only
    /// when plex.tv itself refused the token ([`ErrorKind::InvalidToken`]), and
    /// [`Unknown`](TokenStatus::Unknown) for every other outcome: no connection, a timeout, a
    /// 5xx or 429, a body that does not decode, a 401 that is not plex.tv's refusal.
    ///
    /// It never fails: every outcome is a status. The client's retry policy applies as for
    /// [`get_token_details`].
    ///
    /// ```no_run
    /// # async fn example(client: plex_auth_client::PlexTvClient) {
    /// use plex_auth_client::TokenStatus;
    ///
    /// match client.token_status().await {
    ///     TokenStatus::Valid(account) => println!("signed in as {}", account.username),
    ///     TokenStatus::Invalid(reason) => println!("sign in again: {reason}"),
    ///     TokenStatus::Unknown(error) => println!("keep the token, try later: {error}"),
    ///     _ => {}
    /// }
    /// # }
    /// ```
    ///
    /// [`get_token_details`]: PlexTvClient::get_token_details
    pub async fn token_status(&self) -> TokenStatus {
        TokenStatus::from_result(
            self.get_token_details()
                .await
                .map(crate::Response::into_inner),
        )
    }
}
