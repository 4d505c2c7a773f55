//! The end of `login` and `sign-in`: who signed in, kept unless `--no-store` (one file per
//! account, made the current account), "Signed in as …" on stderr, and the token alone on
//! stdout unless it was kept and stdout is a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use plex_auth_client::types::UserPlexAccount;
use plex_auth_client::{KeptAccount, KeptCredential, Redactor, TokenSource};
use serde_json::json;

use crate::account_name::{account_name, display_name};
use crate::clients::plex_tv_with;
use crate::config;
use crate::exit;
use crate::failure::Failure;
use crate::flags::KeepArgs;
use crate::identity::identity;
use crate::output::printable;
use crate::run::Context;

/// The account behind a token just obtained (plex.tv's `/user`).
pub(super) async fn account_of(
    context: &Context<'_>,
    credential: &KeptCredential,
) -> Result<UserPlexAccount, Failure> {
    let source = TokenSource::legacy(credential.token().clone());
    let plex = plex_tv_with(context.flags, Some(&source))?;
    Ok(plex.get_token_details().await?.into_inner())
}

/// Reports a sign-in: keeps `credential` for `account` unless told not to, notes who signed in
/// and where the token is kept, and prints the token: unless it was kept and stdout is a
/// terminal, where a long-lived token on screen helps nobody (`plex-auth token` prints it).
/// `account` is `Err` when plex.tv could not say whose the token is: it is printed, not kept.
/// `shown` redacts the account's texts; `warnings` are the sign-in's own.
pub(crate) fn finish(
    context: &Context<'_>,
    account: Result<&UserPlexAccount, &Failure>,
    credential: KeptCredential,
    args: &KeepArgs,
    shown: &Redactor,
    mut warnings: Vec<String>,
) -> Result<u8, Failure> {
    let output = context.output;
    // A token that cannot be printed is not kept either: checked before anything is written.
    printable(credential.token())?;
    let shown = shown.clone().secret(credential.token().expose());
    let kind = match &credential {
        KeptCredential::Jwt { .. } => "jwt",
        _ => "legacy",
    };
    let mut document = json!({ "kind": kind, "kept": null });
    let mut note = None;
    let mut kept = false;
    match account {
        Ok(account) => {
            document["id"] = account.id.into();
            document["uuid"] = shown.text(&account.uuid).into();
            document["username"] = shown.text(&account.username).into();
            document["title"] = shown.text(&account.title).into();
            document["email"] = shown.text(&account.email).into();
            document["twoFactorEnabled"] = account.two_factor_enabled.into();
            let mut text = format!("Signed in as {}.", display_name(account, &shown));
            if !args.no_store {
                let client_identifier = identity(context.flags)?.client_identifier().to_string();
                match keep(account, credential.clone(), client_identifier, &shown) {
                    Ok(path) => {
                        text += &format!(" Kept in {}.", path.display());
                        document["kept"] = path.display().to_string().into();
                        kept = true;
                    }
                    Err(reason) => warnings.push(reason),
                }
            }
            note = Some(text);
        }
        Err(failure) if !args.no_store => {
            warnings.push(format!(
                "cannot tell whose the token is ({}), so it is not kept",
                failure.message
            ));
        }
        Err(_) => {}
    }
    if !warnings.is_empty() {
        document["warning"] = warnings.join("; ").into();
    }
    let shows_token = output.json() || shows_token(kept, std::io::stdout().is_terminal());
    if !output.json() {
        if let Some(note) = &note {
            output.note(note);
        }
        for warning in &warnings {
            output.note(&format!("plex-auth: warning: {warning}"));
        }
        if !shows_token {
            output.note("The token is not shown: `plex-auth token` prints it.");
        }
    }
    if shows_token {
        output.token("authToken", credential.token(), document, None)?;
    }
    Ok(exit::SUCCESS)
}

/// Whether a sign-in prints its token in text: always when it is not kept (it would be lost),
/// else only for a script reading stdout (`TOKEN=$(plex-auth login)`), never on a screen.
fn shows_token(kept: bool, stdout_is_terminal: bool) -> bool {
    !kept || !stdout_is_terminal
}

/// Keeps the account as the current one, signed in as `client_identifier`; answers its file,
/// or why it is not kept.
fn keep(
    account: &UserPlexAccount,
    credential: KeptCredential,
    client_identifier: String,
    shown: &Redactor,
) -> Result<PathBuf, String> {
    let store = config::accounts()
        .ok_or_else(|| format!("the token is not kept: {}", config::NO_FOLDER))?;
    // The names are kept as they are shown: redacted, one inert line.
    let mut kept = KeptAccount::new(
        account.id,
        &account.uuid,
        shown.text(account_name(account)),
        credential,
    )
    .with_client_identifier(client_identifier);
    if !account.email.is_empty() {
        kept = kept.with_email(shown.text(&account.email));
    }
    let stored = store
        .save(&kept)
        .and_then(|path| store.set_current(&kept.uuid).map(|()| path));
    stored.map_err(|err| format!("the token is not kept: {err}"))
}

#[cfg(test)]
mod tests {
    use super::shows_token;

    #[test]
    fn a_kept_token_is_printed_for_scripts_only() {
        assert!(!shows_token(true, true), "kept, on a terminal");
        assert!(shows_token(true, false), "kept, read by a script");
        assert!(shows_token(false, true), "not kept: printed, else lost");
        assert!(shows_token(false, false));
    }
}
