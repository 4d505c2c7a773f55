//! `plex-auth sign-in`: login and password (never echoed), and the two-factor round, tried
//! once; keeps the account's token and prints it.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use plex_auth_client::types::SignInRequest;
use plex_auth_client::{ErrorKind, KeptCredential, Redactor, Secret, TokenSource};

use crate::clients::{plex_tv, plex_tv_with};
use crate::credentials::new_jwt_source;
use crate::failure::Failure;
use crate::flags::KeepArgs;
use crate::keep::finish;
use crate::message::describe;
use crate::run::{Context, Run};

/// Sign in with a login and password; keep the token and print it.
///
/// Asks for the two-factor code when the account needs one and none was given, then tries
/// once more; without an answer (no terminal, stdin closed) it exits 3 and says to pass
/// --code. Keeps the token as the current account's, says who signed in, and prints the
/// token alone on stdout for a script; on a terminal a kept token is not shown: `plex-auth
/// token` prints it.
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
    #[command(flatten)]
    keep: KeepArgs,
}

impl Run for SignIn {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let plex = plex_tv(context.flags, None)?;
        let login = match self.login {
            Some(login) => login,
            None => read_line("Plex login (email or username): ")?
                .ok_or_else(|| Failure::bad_input("no login: pass --login or set PLEX_LOGIN"))?,
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
                let Some(code) = read_line("Two-factor verification code: ")? else {
                    return Err(
                        Failure::from(err).advise(no_code_advice(std::io::stdin().is_terminal()))
                    );
                };
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
        let legacy = account.auth_token.clone();
        let (credential, warnings) = if self.keep.jwt {
            upgrade(context, legacy).await?
        } else {
            (KeptCredential::Legacy(legacy), Vec::new())
        };
        finish(
            context,
            Ok(&*account),
            credential,
            &self.keep,
            &shown,
            warnings,
        )
    }
}

/// The JWT the new legacy token trades for, the legacy token then signed out (it would stay a
/// working credential nobody holds); when the upgrade fails, the legacy token itself, kept and
/// printed as a plain sign-in would, rather than lost. Each mishap is a warning.
async fn upgrade(
    context: &Context<'_>,
    legacy: Secret,
) -> Result<(KeptCredential, Vec<String>), Failure> {
    let (key, source) = new_jwt_source(context.flags)?;
    // Registers the key with the new legacy token, then trades it for a JWT.
    let token = match source.upgrade(&legacy).await {
        Ok(token) => token,
        Err(error) => {
            let warning = format!(
                "no JWT ({}); the legacy token is kept instead",
                describe(&error)
            );
            return Ok((KeptCredential::Legacy(legacy), vec![warning]));
        }
    };
    let plex = plex_tv_with(context.flags, None)?;
    let mut warnings = Vec::new();
    if let Err(error) = TokenSource::legacy(legacy).sign_out(&plex).await {
        warnings.push(format!(
            "the legacy token the JWT replaced could not be signed out ({}); it works until \
             revoked",
            describe(&error)
        ));
    }
    Ok((KeptCredential::Jwt { token, key }, warnings))
}

/// What to say when the two-factor code was not answered: an empty line typed at the prompt,
/// or no terminal to prompt on.
fn no_code_advice(on_terminal: bool) -> &'static str {
    if on_terminal {
        "this account has two-factor authentication: type the code at the prompt, or give it \
         with --code or PLEX_VERIFICATION_CODE"
    } else {
        "this account has two-factor authentication: give the code with --code or \
         PLEX_VERIFICATION_CODE, or run the command on a terminal to be asked for it"
    }
}

/// Reads one line from standard input, prompting on standard error when it is a terminal;
/// `None` when there is no answer (an empty line, or stdin closed).
fn read_line(prompt: &str) -> Result<Option<String>, Failure> {
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
    Ok((!line.is_empty()).then_some(line))
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

#[cfg(test)]
mod tests {
    use super::no_code_advice;

    #[test]
    fn an_unanswered_code_prompt_is_told_to_type_it_on_a_terminal_only() {
        assert!(no_code_advice(true).contains("type the code at the prompt"));
        assert!(!no_code_advice(true).contains("run the command on a terminal"));
        assert!(no_code_advice(false).contains("run the command on a terminal"));
    }
}
