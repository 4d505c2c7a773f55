//! `plex-auth switch-user`: a Plex Home profile's token, the profile named by its name or its
//! uuid. A protected profile's PIN is asked for once, on a terminal only, without echo.

use std::io::IsTerminal;

use clap::Args;
use plex_auth_client::types::HomeUser;
use plex_auth_client::{ErrorKind, Redactor, Secret};
use serde_json::json;

use super::home_users::{home_profiles, traits};
use crate::account_name::display_name;
use crate::clients::plex_tv;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::lists::first_of;
use crate::run::{Context, Run};

/// How many profiles a message names before "and N more".
const PROFILES_NAMED: usize = 10;

/// Switch to a Plex Home profile; print the profile's token.
///
/// Takes the profile's name (as `plex-auth home-users` lists it, in any letter case) or its
/// uuid. Asks for a protected profile's PIN (without echo, on a terminal) when none was
/// given.
#[derive(Args)]
pub(crate) struct SwitchUser {
    /// The profile: its name or its uuid.
    #[arg(value_name = "PROFILE")]
    profile: String,
    /// The profile's 4-digit PIN, for a protected profile (PLEX_HOME_PIN or the prompt keep
    /// it off the command line, which other users of the machine can see).
    #[arg(long, env = "PLEX_HOME_PIN", hide_env_values = true)]
    pin: Option<String>,
    #[command(flatten)]
    token: TokenArg,
}

/// Where the PIN sent came from: what to say when plex.tv does not take it.
enum PinFrom {
    None,
    Given,
    Typed,
}

impl Run for SwitchUser {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let wanted = self.profile.trim();
        if wanted.is_empty() {
            return Err(Failure::bad_input("the profile's name or uuid is empty"));
        }
        // An empty PIN is no PIN: the prompt stays available.
        let mut pin = self
            .pin
            .map(|pin| pin.trim().to_string())
            .filter(|pin| !pin.is_empty())
            .map(four_digits)
            .transpose()?;
        let mut pin_from = if pin.is_some() {
            PinFrom::Given
        } else {
            PinFrom::None
        };
        let credentials = context.credentials(&self.token)?;
        let (profiles, listed) = home_profiles(context, &credentials).await?;
        let profile = choose(&profiles, wanted, &listed)?;
        let name = listed.text(&profile.title);
        let on_terminal = std::io::stdin().is_terminal();
        if profile.protected == Some(true) && pin.is_none() {
            if !on_terminal {
                return Err(Failure::of_kind(
                    ErrorKind::HomePinRequired,
                    format!("the profile {name} is protected by a PIN; nothing was sent"),
                )
                .advise(NO_PIN_ADVICE));
            }
            pin = Some(read_pin()?);
            pin_from = PinFrom::Typed;
        }
        let plex = plex_tv(context.flags, Some(&credentials))?;
        let first = plex
            .switch_home_user(&profile.uuid, pin.as_ref().map(Secret::expose))
            .await;
        let account = match first {
            // plex.tv said the profile needs a PIN, though it was not listed as protected.
            Err(err) if err.kind() == ErrorKind::HomePinRequired && pin.is_none() => {
                if !on_terminal {
                    return Err(Failure::from(err).advise(NO_PIN_ADVICE));
                }
                let typed = pin.insert(read_pin()?);
                pin_from = PinFrom::Typed;
                // Once only: plex.tv answers a wrong PIN as a missing one.
                plex.switch_home_user(&profile.uuid, Some(typed.expose()))
                    .await
                    .map_err(|err| refused_pin(err, &pin_from))?
            }
            other => other.map_err(|err| refused_pin(err, &pin_from))?,
        };
        // The profile's name can echo the account's token, the PIN, or the profile's own token.
        let token = credentials.token().await?;
        let shown = Redactor::new([token.expose()])
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

const NO_PIN_ADVICE: &str =
    "give its PIN with --pin or PLEX_HOME_PIN, or run the command on a terminal to be asked for it";

/// A refusal after a PIN was sent says which PIN plex.tv did not take.
fn refused_pin(error: plex_auth_client::Error, pin_from: &PinFrom) -> Failure {
    let refused = error.kind() == ErrorKind::HomePinRequired;
    let failure = Failure::from(error);
    match pin_from {
        PinFrom::Typed if refused => failure
            .advise("plex.tv did not take the PIN typed; run the command again to type it again"),
        PinFrom::Given if refused => {
            failure.advise("plex.tv did not take the PIN given with --pin or PLEX_HOME_PIN")
        }
        _ => failure,
    }
}

/// The profile `wanted` names: by uuid, else by name (its title or username, in any letter
/// case). A name two profiles share is an error that lists them.
fn choose<'a>(
    profiles: &'a [HomeUser],
    wanted: &str,
    shown: &Redactor,
) -> Result<&'a HomeUser, Failure> {
    if let Some(profile) = profiles.iter().find(|profile| profile.uuid == wanted) {
        return Ok(profile);
    }
    let matches: Vec<&HomeUser> = profiles
        .iter()
        .filter(|profile| {
            profile.title.eq_ignore_ascii_case(wanted)
                || profile
                    .username
                    .as_deref()
                    .is_some_and(|name| name.eq_ignore_ascii_case(wanted))
        })
        .collect();
    let listed = |profiles: &[&HomeUser]| {
        first_of(profiles, PROFILES_NAMED, |profile| {
            let traits = traits(profile);
            let traits = if traits.is_empty() {
                String::new()
            } else {
                format!(", {}", traits.join(", "))
            };
            format!(
                "{} ({}{traits})",
                shown.text(&profile.title),
                shown.text(&profile.uuid)
            )
        })
        .join("; ")
    };
    let wanted = shown.text(wanted);
    match matches[..] {
        [one] => Ok(one),
        [] => {
            let all: Vec<&HomeUser> = profiles.iter().collect();
            Err(Failure::bad_input(format!(
                "no Home profile is named {wanted:?} (profiles: {})",
                listed(&all)
            ))
            .advise("`plex-auth home-users` lists the profiles"))
        }
        _ => Err(Failure::bad_input(format!(
            "{} Home profiles are named {wanted:?}: {}",
            matches.len(),
            listed(&matches)
        ))
        .advise("name the profile by its uuid")),
    }
}

/// A PIN as plex.tv takes it: four digits. Said as such, never quoted.
fn four_digits(pin: String) -> Result<Secret, Failure> {
    if pin.len() == 4 && pin.bytes().all(|byte| byte.is_ascii_digit()) {
        return Ok(Secret::new(pin));
    }
    Err(Failure::bad_input(
        "the profile's PIN must be 4 digits (0-9); the one given is not",
    ))
}

/// The PIN from a prompt that does not echo it.
fn read_pin() -> Result<Secret, Failure> {
    match rpassword::prompt_password("PIN of the Plex Home profile: ") {
        Ok(pin) if !pin.trim().is_empty() => four_digits(pin.trim().to_string()),
        Ok(_) => Err(Failure::bad_input("the PIN is empty")),
        Err(_) => Err(Failure::bad_input(
            "cannot read the PIN from a terminal; pass --pin or PLEX_HOME_PIN",
        )),
    }
}
