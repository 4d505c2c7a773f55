//! `plex-auth login`: the PIN flow. The user approves this device at plex.tv/link or in a
//! browser, and the command never sees a password; it prints the token.

use std::time::Duration;

use clap::Args;
use plex_auth_client::{LINK_URL, PinKind, PinPolling};
use serde_json::json;

use crate::clients::{identity, plex_tv};
use crate::exit;
use crate::failure::Failure;
use crate::flags::parse_seconds;
use crate::run::{Context, Run};

/// Sign in with a PIN, as Plex asks apps to: approve it at plex.tv/link; print the token.
///
/// Says on stderr where to go and the code to enter (with --strong, the app.plex.tv page to
/// open instead), waits for the approval, and prints the account's token alone on stdout.
/// Accounts that sign in with Google, Apple or another provider have no password: this is
/// their way in. Needs no terminal.
#[derive(Args)]
pub(crate) struct Login {
    /// Ask for a strong PIN and print the app.plex.tv page to open in a browser.
    #[arg(long)]
    strong: bool,
    /// Where app.plex.tv sends the browser once the user approved (with --strong).
    #[arg(long, requires = "strong", value_name = "URL")]
    forward_url: Option<String>,
    /// Seconds between two checks of the PIN.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, default_value = "1")]
    interval: Duration,
}

impl Run for Login {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let output = context.output;
        let plex = plex_tv(context.flags, None)?;
        let kind = if self.strong {
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
                pin.code()
            )),
            PinKind::Strong => output.note(&format!(
                "plex-auth: open this page to sign in: {}",
                pin.auth_url(&identity(context.flags)?, self.forward_url.as_deref())
            )),
        }
        output.note(&format!(
            "plex-auth: waiting for the approval (the code expires in {minutes} minutes)"
        ));
        let polling = PinPolling::new().with_interval(self.interval);
        let token = plex.wait_for_token(&pin, polling).await?;
        output.token("authToken", &token, json!({}), None)?;
        Ok(exit::SUCCESS)
    }
}
