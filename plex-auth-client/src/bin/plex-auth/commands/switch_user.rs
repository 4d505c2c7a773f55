//! `plex-auth switch-user`: a Plex Home profile's token. Without a PIN given, a protected
//! profile's PIN is asked for once, on a terminal only, without echo.

use std::io::IsTerminal;

use clap::Args;
use plex_auth_client::{ErrorKind, Redactor, Secret};
use serde_json::json;

use super::account_name::display_name;
use crate::clients::plex_tv;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::run::{Context, Run};

/// Switch to a Plex Home profile; print the profile's token.
///
/// Asks for the profile's PIN (without echo) when it needs one and none was given, then
/// tries once more.
#[derive(Args)]
pub(crate) struct SwitchUser {
    #[command(flatten)]
    token: TokenArg,
    /// The profile's uuid.
    uuid: String,
    /// The profile's 4-digit PIN, for a protected profile (PLEX_HOME_PIN or the prompt keep
    /// it off the command line, which other users of the machine can see).
    #[arg(long, env = "PLEX_HOME_PIN", hide_env_values = true)]
    pin: Option<String>,
}

impl Run for SwitchUser {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let uuid = self.uuid.trim();
        if uuid.is_empty() {
            return Err(Failure::bad_input("the profile's uuid is empty"));
        }
        let token = self.token.token;
        let plex = plex_tv(context.flags, Some(&token))?;
        // An empty PIN is no PIN: the prompt stays available.
        let mut pin = self
            .pin
            .map(|pin| pin.trim().to_string())
            .filter(|pin| !pin.is_empty())
            .map(Secret::new);
        let first = plex
            .switch_home_user(uuid, pin.as_ref().map(Secret::expose))
            .await;
        let account = match first {
            Err(err)
                if err.kind() == ErrorKind::HomePinRequired
                    && pin.is_none()
                    && std::io::stdin().is_terminal() =>
            {
                let asked = pin.insert(read_pin()?);
                // Once only: plex.tv answers a wrong PIN as a missing one.
                plex.switch_home_user(uuid, Some(asked.expose())).await?
            }
            Err(err) if err.kind() == ErrorKind::HomePinRequired && pin.is_none() => {
                return Err(Failure::from(err).advise(
                    "give it with --pin or PLEX_HOME_PIN, or run the command on a terminal to \
                     be asked for it",
                ));
            }
            other => other?,
        };
        // The profile's name can echo the account's token, the PIN, or the profile's own token.
        let shown = Redactor::new([token.as_str()])
            .secret(pin.as_ref().map_or("", Secret::expose))
            .secrets_of(&*account);
        let document = json!({
            "id": account.id,
            "uuid": shown.text(&account.uuid),
            "title": shown.text(&account.title),
        });
        let note = format!("Switched to {}.", display_name(&account, &shown));
        context
            .output
            .token("authToken", &account.auth_token, document, Some(&note))?;
        Ok(exit::SUCCESS)
    }
}

/// The PIN from a prompt that does not echo it.
fn read_pin() -> Result<Secret, Failure> {
    match rpassword::prompt_password("PIN of the Plex Home profile: ") {
        Ok(pin) if !pin.trim().is_empty() => Ok(Secret::new(pin.trim())),
        Ok(_) => Err(Failure::bad_input("the PIN is empty")),
        Err(_) => Err(Failure::bad_input(
            "cannot read the PIN from a terminal; pass --pin or PLEX_HOME_PIN",
        )),
    }
}
