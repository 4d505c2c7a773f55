//! The commands that keep an account usable: `token-status` (valid, invalid or unknown),
//! `ping` (keeps a token in use) and `switch-user` (a Plex Home profile's token).

use std::io::IsTerminal;

use plex_auth_client::{ErrorKind, Redactor, Secret, TokenStatus};

use crate::output::Output;
use crate::{Common, Failure, exit, plex_tv};

/// `token-status`: the verdict is the exit code, so a failure to get one is a result too.
pub(crate) async fn token_status(
    common: &Common,
    token: String,
    output: &Output,
) -> Result<u8, Failure> {
    let status = plex_tv(common, Some(token))?.token_status().await;
    let (name, code) = match &status {
        TokenStatus::Valid(_) => ("valid", 0),
        TokenStatus::Invalid(_) => ("invalid", exit::AUTH),
        // Everything else is no verdict, the non-exhaustive rest included.
        _ => ("unknown", exit::NETWORK),
    };
    // The library's error text is one line, with the server's text redacted.
    let reason = status.error().map(ToString::to_string);
    output.token_status(name, reason.as_deref());
    Ok(code)
}

/// `ping`: keeps the token in use.
pub(crate) async fn ping(common: &Common, token: String, output: &Output) -> Result<(), Failure> {
    let answer = plex_tv(common, Some(token))?.ping_token().await?;
    if !answer.pong.get() {
        return Err(Failure {
            code: exit::FAILURE,
            message: "plex.tv answered the ping with `pong` false".into(),
            error: None,
        });
    }
    output.pong();
    Ok(())
}

/// `switch-user`: the profile's token. Without a PIN given, a protected profile's PIN is asked
/// for once, on a terminal only.
pub(crate) async fn switch_user(
    common: &Common,
    token: String,
    uuid: &str,
    pin: Option<String>,
    output: &Output,
) -> Result<(), Failure> {
    let uuid = uuid.trim();
    if uuid.is_empty() {
        return Err(Failure::bad_input("the profile's uuid is empty"));
    }
    let plex = plex_tv(common, Some(token.clone()))?;
    // An empty PIN is no PIN: the prompt stays available.
    let mut pin = pin
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
        other => other?,
    };
    // The profile's name can echo the account's token, the PIN, or the profile's own token.
    let shown = Redactor::new([token.as_str()])
        .secret(pin.as_ref().map_or("", Secret::expose))
        .secrets_of(&*account);
    output.switched(&account, &shown)
}

/// The PIN from a prompt that does not echo it.
fn read_pin() -> Result<Secret, Failure> {
    match rpassword::prompt_password("PIN of the Plex Home profile: ") {
        Ok(pin) if !pin.trim().is_empty() => Ok(Secret::new(pin.trim())),
        Ok(_) => Err(Failure::bad_input("the PIN is empty")),
        Err(_) => Err(Failure::bad_input(
            "cannot read the PIN from a terminal; pass --pin or set PLEX_HOME_PIN",
        )),
    }
}
