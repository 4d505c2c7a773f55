//! The clients a command uses, built from the connection flags: identity, base URL, token,
//! `--timeout` and `--no-retry`.

use plex_auth_client::{
    ClientBuilder, ClientIdentity, ClientKind, PlexTvClient, PmsClient, RetryConfig, Timeouts,
};

use crate::failure::Failure;
use crate::flags::ConnectionFlags;
use crate::identifier;

/// The client identity the flags (or the stored identifier) give.
pub(crate) fn identity(flags: &ConnectionFlags) -> Result<ClientIdentity, Failure> {
    let client_identifier = identifier::resolve(flags.client_identifier.as_deref())?;
    let mut identity =
        ClientIdentity::new(client_identifier, &flags.product, &flags.product_version)
            .platform(&flags.platform);
    if let Some(device) = &flags.device {
        identity = identity.device(device);
    }
    if let Some(name) = &flags.device_name {
        identity = identity.device_name(name);
    }
    Ok(identity)
}

/// Applies `--timeout` and `--no-retry` to a client builder (of any client).
fn configure<C: ClientKind>(
    flags: &ConnectionFlags,
    mut builder: ClientBuilder<C>,
) -> ClientBuilder<C> {
    if let Some(total) = flags.timeout {
        builder = builder.timeouts(Timeouts {
            connect: total.min(Timeouts::default().connect),
            total,
        });
    }
    if flags.no_retry {
        builder = builder.retry(RetryConfig::none());
    }
    builder
}

/// A plex.tv client, with `token` when the command needs one.
pub(crate) fn plex_tv(
    flags: &ConnectionFlags,
    token: Option<&str>,
) -> Result<PlexTvClient, Failure> {
    let mut builder = PlexTvClient::builder(identity(flags)?).base_url(&flags.plex_tv_url);
    if let Some(token) = token {
        builder = builder.token(token);
    }
    Ok(configure(flags, builder).build()?)
}

/// A client of the Plex Media Server at `server`.
pub(crate) fn pms(
    flags: &ConnectionFlags,
    server: &str,
    token: &str,
) -> Result<PmsClient, Failure> {
    let builder = PmsClient::builder(server, identity(flags)?).token(token);
    Ok(configure(flags, builder).build()?)
}
