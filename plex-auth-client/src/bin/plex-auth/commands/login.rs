//! `plex-auth login`: the PIN flow. The user approves this device at plex.tv/link or in a
//! browser, and the command never sees a password; it keeps the token, and prints it unless it
//! was kept and stdout is a terminal.

use std::time::Duration;

use clap::Args;
use plex_auth_client::{
    Error, ErrorKind, KeptCredential, LINK_URL, PendingPin, PinKind, PinPolling, Redactor,
};
use tokio::time::Instant;

use crate::clients::plex_tv;
use crate::credentials::new_jwt_source;
use crate::failure::Failure;
use crate::flags::{KeepArgs, parse_seconds};
use crate::identity::identity;
use crate::keep::{account_of, finish};
use crate::progress::Countdown;
use crate::run::{Context, Run};

/// Sign in with a PIN (approve it at plex.tv/link), as Plex asks apps to; keep the token.
///
/// Says on stderr where to go and the code to enter (with --strong, the app.plex.tv page to
/// open instead), waits for the approval (on a terminal, with the time left), keeps the
/// token as the current account's, says who signed in, and prints the token alone on stdout
/// for a script (`TOKEN=$(plex-auth login)`); on a terminal a kept token is not shown:
/// `plex-auth token` prints it.
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
    /// Stop waiting after this many seconds (exit code 4); by default, wait until the PIN
    /// expires (15 minutes, 30 with --strong).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    deadline: Option<Duration>,
    #[command(flatten)]
    keep: KeepArgs,
}

impl Run for Login {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let kind = if self.strong {
            PinKind::Strong
        } else {
            PinKind::Short
        };
        let mut polling = PinPolling::new().with_interval(self.interval);
        if let Some(deadline) = self.deadline {
            polling = polling.with_deadline(deadline);
        }
        let credential = if self.keep.jwt {
            let (key, source) = new_jwt_source(context.flags)?;
            let pin = source.create_pin(kind).await?;
            let countdown = self.announce(context, &pin)?;
            let token = Countdown::around(countdown, source.wait_for_pin(&pin, polling)).await;
            KeptCredential::Jwt {
                token: token.map_err(expired)?,
                key,
            }
        } else {
            let plex = plex_tv(context.flags, None)?;
            let pin = plex.create_pin(kind).await?;
            let countdown = self.announce(context, &pin)?;
            let token = Countdown::around(countdown, plex.wait_for_token(&pin, polling)).await;
            KeptCredential::Legacy(token.map_err(expired)?)
        };
        let account = account_of(context, &credential).await;
        let shown = Redactor::new([credential.token().expose()]);
        let shown = match &account {
            Ok(account) => shown.secrets_of(account),
            Err(_) => shown,
        };
        finish(
            context,
            account.as_ref(),
            credential,
            &self.keep,
            &shown,
            Vec::new(),
        )
    }
}

impl Login {
    /// Says where to approve the PIN, and for how long the wait lasts: a countdown on a
    /// terminal, one line otherwise.
    fn announce(
        &self,
        context: &Context<'_>,
        pin: &PendingPin,
    ) -> Result<Option<Countdown>, Failure> {
        let output = context.output;
        let started = Instant::now();
        // The library refuses a code that is not a short printable one: it is shown as it is.
        match pin.kind() {
            PinKind::Strong => output.note(&format!(
                "plex-auth: open this page to sign in: {}",
                pin.auth_url(&identity(context.flags)?, self.forward_url.as_deref())
            )),
            _ => output.note(&format!(
                "plex-auth: go to {LINK_URL} and enter the code {}",
                pin.code()
            )),
        }
        let left = match self.deadline {
            Some(deadline) => pin.remaining().min(deadline),
            None => pin.remaining(),
        };
        // A strong PIN's code is in the URL above, and too long for a line that must not wrap.
        let code = match pin.kind() {
            PinKind::Strong => None,
            _ => Some(pin.code()),
        };
        let countdown = Countdown::on_terminal(code, started + left);
        if countdown.is_none() {
            let minutes = pin.remaining().as_secs().div_ceil(60);
            output.note(&format!(
                "plex-auth: waiting for the approval (the code expires in {minutes} minutes)"
            ));
        }
        Ok(countdown)
    }
}

/// A wait that ended without an approval: say to start again.
fn expired(error: plex_auth_client::Error) -> Failure {
    let advice = match &error {
        Error::WaitDeadline { .. } => {
            Some("run `plex-auth login` again, with a longer --deadline or none")
        }
        _ if error.kind() == ErrorKind::PinExpired => {
            Some("run `plex-auth login` again for a new code")
        }
        _ => None,
    };
    let failure = Failure::from(error);
    match advice {
        Some(advice) => failure.advise(advice),
        None => failure,
    }
}
