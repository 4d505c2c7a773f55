//! `plex-auth login` (the PIN flow: the user approves this device at plex.tv/link or in a
//! browser, and the command never sees a password) and `plex-auth link` (approve a code shown on
//! another device).

use std::time::Duration;

use plex_auth_client::types::LinkPinRequest;
use plex_auth_client::{LINK_URL, PinKind, PinPolling, Secret};

use crate::clients::{identity, plex_tv};
use crate::output::{Output, safe};
use crate::{Common, Failure};

/// Creates a PIN, says on stderr where to approve it, waits, and prints the token.
pub(crate) async fn login(
    common: &Common,
    output: &Output,
    strong: bool,
    forward_url: Option<&str>,
    interval: Duration,
) -> Result<(), Failure> {
    let plex = plex_tv(common, None)?;
    let kind = if strong {
        PinKind::Strong
    } else {
        PinKind::Short
    };
    let pin = plex.create_pin(kind).await?;
    let minutes = pin.remaining().as_secs().div_ceil(60);
    // The library refuses a code that is not a short printable one: it is shown as it is.
    match kind {
        PinKind::Short => output.note(&format!(
            "plex-auth: go to {LINK_URL} and enter the code {}",
            safe(pin.code())
        )),
        PinKind::Strong => output.note(&format!(
            "plex-auth: open this page to sign in: {}",
            safe(&pin.auth_url(&identity(common)?, forward_url))
        )),
    }
    output.note(&format!(
        "plex-auth: waiting for the approval (the code expires in {minutes} minutes)"
    ));
    let token = plex.wait_for_token(&pin, PinPolling { interval }).await?;
    output.token("authToken", &token)
}

/// Approves `code` with the account's token.
pub(crate) async fn link(
    common: &Common,
    output: &Output,
    code: String,
    token: String,
) -> Result<(), Failure> {
    let plex = plex_tv(common, Some(token))?;
    let code = Secret::new(code.trim());
    plex.link_pin(&LinkPinRequest { code }).await?;
    output.linked();
    Ok(())
}
