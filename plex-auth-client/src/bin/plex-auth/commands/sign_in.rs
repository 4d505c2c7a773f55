//! `plex-auth sign-in`: login and password (never echoed), and the two-factor round, tried
//! once; prints the account's token.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use plex_auth_client::types::SignInRequest;
use plex_auth_client::{ErrorKind, Redactor, Secret};
use serde_json::json;

use super::account_name::display_name;
use crate::clients::plex_tv;
use crate::exit;
use crate::failure::Failure;
use crate::run::{Context, Run};

/// Sign in with a login and password; print the account's token.
///
/// Asks for the two-factor code when the account needs one, then tries once more.
#[derive(Args)]
pub(crate) struct SignIn {
    /// The account's email address or username (asked for when absent).
    #[arg(long, env = "PLEX_LOGIN")]
    login: Option<String>,
    /// The two-factor code, sent with the sign-in (asked for when absent and needed).
    #[arg(long, env = "PLEX_VERIFICATION_CODE", hide_env_values = true)]
    code: Option<String>,
    /// Ask plex.tv for a long-lived token.
    #[arg(long)]
    remember_me: bool,
}

impl Run for SignIn {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let plex = plex_tv(context.flags, None)?;
        let login = match self.login {
            Some(login) => login,
            None => read_line("Plex login (email or username): ")?,
        };
        let password = read_password()?;
        // A code given up front goes with the first attempt: every refused sign-in counts
        // towards plex.tv's IP lockout, so none is spent on a request bound to fail.
        let code_given = self.code.is_some();
        let mut request = SignInRequest::new(login, password);
        if self.remember_me {
            request = request.remember_me(true);
        }
        if let Some(code) = self.code {
            request = request.verification_code(code.trim());
        }
        let account = match plex.post_users_sign_in_data(&request).await {
            Err(err) if err.kind() == ErrorKind::VerificationCodeRequired && !code_given => {
                let code = read_line("Two-factor verification code: ")?;
                request = request.verification_code(code.trim());
                // Once only: repeated failures lock the IP out.
                plex.post_users_sign_in_data(&request).await?
            }
            other => other?,
        };
        // The account's names can echo the password, the code, or the new token.
        let shown = Redactor::new([request.password.expose()])
            .secret(
                request
                    .verification_code
                    .as_ref()
                    .map_or("", Secret::expose),
            )
            .secrets_of(&*account);
        let document = json!({
            "id": account.id,
            "uuid": shown.text(&account.uuid),
            "username": shown.text(&account.username),
            "title": shown.text(&account.title),
            "email": shown.text(&account.email),
            "twoFactorEnabled": account.two_factor_enabled,
        });
        let note = format!("Signed in as {}.", display_name(&account, &shown));
        context
            .output
            .token("authToken", &account.auth_token, document, Some(&note))?;
        Ok(exit::SUCCESS)
    }
}

/// Reads one line from standard input, prompting on standard error when it is a terminal.
fn read_line(prompt: &str) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        let mut stderr = std::io::stderr();
        // A prompt that cannot be shown does not stop the answer from being read.
        let _ = write!(stderr, "{prompt}");
        let _ = stderr.flush();
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|err| Failure::bad_input(format!("cannot read standard input: {err}")))?;
    let line = line.trim().to_string();
    if line.is_empty() {
        let what = prompt.trim_end().trim_end_matches(':');
        return Err(Failure::bad_input(format!("no answer for {what:?}")));
    }
    Ok(line)
}

/// The password from PLEX_PASSWORD, else from a prompt that does not echo it.
fn read_password() -> Result<Secret, Failure> {
    if let Some(password) = std::env::var_os("PLEX_PASSWORD") {
        let password = password
            .into_string()
            .map_err(|_| Failure::bad_input("PLEX_PASSWORD is not valid UTF-8"))?;
        if password.is_empty() {
            return Err(Failure::bad_input("PLEX_PASSWORD is empty"));
        }
        return Ok(Secret::new(password));
    }
    match rpassword::prompt_password("Plex password: ") {
        Ok(password) if !password.is_empty() => Ok(Secret::new(password)),
        Ok(_) => Err(Failure::bad_input("the password is empty")),
        Err(_) => Err(Failure::bad_input(
            "cannot read the password from a terminal; set PLEX_PASSWORD",
        )),
    }
}
