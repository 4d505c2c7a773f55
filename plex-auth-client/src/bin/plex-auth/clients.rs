//! The clients a command uses, built from the common flags: identity, base URL, token,
//! `--timeout` and `--no-retry`.

use plex_auth_client::{
    ClientBuilder, ClientIdentity, ClientKind, PlexTvClient, PmsClient, RetryConfig, Timeouts,
};

use crate::failure::Failure;
use crate::{Common, identifier};

/// The client identity the flags (or the stored identifier) give.
pub(crate) fn identity(common: &Common) -> Result<ClientIdentity, Failure> {
    let client_identifier = identifier::resolve(common.client_identifier.as_deref())?;
    let mut identity =
        ClientIdentity::new(client_identifier, &common.product, &common.product_version)
            .platform(&common.platform);
    if let Some(device) = &common.device {
        identity = identity.device(device);
    }
    if let Some(name) = &common.device_name {
        identity = identity.device_name(name);
    }
    Ok(identity)
}

/// Applies `--timeout` and `--no-retry` to a client builder (of either client).
fn configure<C: ClientKind>(common: &Common, mut builder: ClientBuilder<C>) -> ClientBuilder<C> {
    if let Some(total) = common.timeout {
        builder = builder.timeouts(Timeouts {
            connect: total.min(Timeouts::default().connect),
            total,
        });
    }
    if common.no_retry {
        builder = builder.retry(RetryConfig::none());
    }
    builder
}

/// A plex.tv client, with `token` when the command needs one.
pub(crate) fn plex_tv(common: &Common, token: Option<String>) -> Result<PlexTvClient, Failure> {
    let mut builder = PlexTvClient::builder(identity(common)?).base_url(&common.plex_tv_url);
    if let Some(token) = token {
        builder = builder.token(token);
    }
    Ok(configure(common, builder).build()?)
}

/// A client of the Plex Media Server at `server`.
pub(crate) fn pms(common: &Common, server: &str, token: String) -> Result<PmsClient, Failure> {
    let builder = PmsClient::builder(server, identity(common)?).token(token);
    Ok(configure(common, builder).build()?)
}
