//! The installation's identity as plex.tv sees it: the client identifier (given, a kept
//! account's, or the one kept in the config folder) and the product and device flags.

use plex_auth_client::ClientIdentity;

use crate::config;
use crate::failure::Failure;
use crate::flags::ConnectionFlags;

/// The client identity the flags (or the stored identifier) give.
pub(crate) fn identity(flags: &ConnectionFlags) -> Result<ClientIdentity, Failure> {
    identity_as(flags, None)
}

/// The flags' identity, as the installation `client_identifier` when one is given (a kept
/// account's).
pub(crate) fn identity_as(
    flags: &ConnectionFlags,
    client_identifier: Option<&str>,
) -> Result<ClientIdentity, Failure> {
    let given = client_identifier.or(flags.client_identifier.as_deref());
    let client_identifier = config::client_identifier(given)?;
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
