//! The clients a command uses, built from the connection flags (identity, base URL,
//! `--timeout`, `--no-retry`) and the command's token source.

use plex_auth_client::{
    ClientBuilder, ClientKind, PlexTvClient, PlexTvV1Client, PmsClient, RetryConfig, TokenSource,
};

use crate::credentials::Credentials;
use crate::failure::Failure;
use crate::flags::ConnectionFlags;
use crate::identity::identity;

/// Applies `--timeout`, `--no-retry` and the token source to a client builder.
fn configure<C: ClientKind>(
    flags: &ConnectionFlags,
    mut builder: ClientBuilder<C>,
    source: Option<&TokenSource>,
) -> ClientBuilder<C> {
    if let Some(timeouts) = flags.timeouts() {
        builder = builder.timeouts(timeouts);
    }
    if flags.no_retry {
        builder = builder.retry(RetryConfig::none());
    }
    if let Some(source) = source {
        builder = builder.token_source(source.clone());
    }
    builder
}

/// A plex.tv client, with the command's token when it needs one.
pub(crate) fn plex_tv(
    flags: &ConnectionFlags,
    credentials: Option<&Credentials>,
) -> Result<PlexTvClient, Failure> {
    plex_tv_with(flags, credentials.map(|c| &c.source))
}

/// A plex.tv client, with `source` when the command has one.
pub(crate) fn plex_tv_with(
    flags: &ConnectionFlags,
    source: Option<&TokenSource>,
) -> Result<PlexTvClient, Failure> {
    let builder = PlexTvClient::builder(identity(flags)?).base_url(&flags.plex_tv_url);
    Ok(configure(flags, builder, source).build()?)
}

/// A client of plex.tv's v1 base (the claim token): `--plex-tv-url` without its trailing
/// `/v2`.
pub(crate) fn plex_tv_v1(
    flags: &ConnectionFlags,
    credentials: &Credentials,
) -> Result<PlexTvV1Client, Failure> {
    let v2 = flags.plex_tv_url.trim_end_matches('/');
    let v1 = v2.strip_suffix("/v2").unwrap_or(v2);
    let builder = PlexTvV1Client::builder(identity(flags)?).base_url(v1);
    Ok(configure(flags, builder, Some(&credentials.source)).build()?)
}

/// A client of the Plex Media Server at `server`.
pub(crate) fn pms(
    flags: &ConnectionFlags,
    server: &str,
    credentials: &Credentials,
) -> Result<PmsClient, Failure> {
    let builder = PmsClient::builder(server, identity(flags)?);
    Ok(configure(flags, builder, Some(&credentials.source)).build()?)
}
