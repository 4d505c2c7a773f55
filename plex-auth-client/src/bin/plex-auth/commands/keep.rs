//! The end of `login` and `sign-in`: who signed in, kept unless `--no-store` (one file per
//! account, made the current account), "Signed in as …" on stderr, and the token alone on
//! stdout.

use std::path::PathBuf;

use plex_auth_client::types::UserPlexAccount;
use plex_auth_client::{KeptAccount, KeptCredential, Redactor, TokenSource};
use serde_json::json;

use super::account_name::display_name;
use crate::clients::plex_tv_with;
use crate::config;
use crate::exit;
use crate::failure::Failure;
use crate::flags::KeepArgs;
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
/// and where the token is kept, and prints the token. `account` is `Err` when plex.tv could
/// not say whose the token is: it is printed, not kept. `shown` redacts the account's texts.
pub(super) fn finish(
    context: &Context<'_>,
    account: Result<&UserPlexAccount, &Failure>,
    credential: KeptCredential,
    args: &KeepArgs,
    shown: &Redactor,
) -> Result<u8, Failure> {
    let output = context.output;
    let shown = shown.clone().secret(credential.token().expose());
    let kind = match &credential {
        KeptCredential::Jwt { .. } => "jwt",
        _ => "legacy",
    };
    let mut document = json!({ "kind": kind, "kept": null });
    let mut note = None;
    let mut warning = None;
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
                match keep(account, credential.clone(), &shown) {
                    Ok(path) => {
                        text += &format!(" Kept in {}.", path.display());
                        document["kept"] = path.display().to_string().into();
                    }
                    Err(reason) => warning = Some(reason),
                }
            }
            note = Some(text);
        }
        Err(failure) if !args.no_store => {
            warning = Some(format!(
                "cannot tell whose the token is ({}), so it is not kept",
                failure.message
            ));
        }
        Err(_) => {}
    }
    if let Some(warning) = &warning {
        document["warning"] = warning.as_str().into();
    }
    if !output.json() {
        if let Some(note) = &note {
            output.note(note);
        }
        if let Some(warning) = &warning {
            output.note(&format!("plex-auth: warning: {warning}"));
        }
    }
    output.token("authToken", credential.token(), document, None)?;
    Ok(exit::SUCCESS)
}

/// Keeps the account as the current one; answers its file, or why it is not kept.
fn keep(
    account: &UserPlexAccount,
    credential: KeptCredential,
    shown: &Redactor,
) -> Result<PathBuf, String> {
    let store = config::accounts()
        .ok_or("the token is not kept: neither HOME nor XDG_CONFIG_HOME is set")?;
    // The names are kept as they are shown: redacted, one inert line.
    let name = if account.username.is_empty() {
        &account.title
    } else {
        &account.username
    };
    let mut kept = KeptAccount::new(account.id, &account.uuid, shown.text(name), credential);
    if !account.email.is_empty() {
        kept = kept.with_email(shown.text(&account.email));
    }
    let stored = store
        .save(&kept)
        .and_then(|path| store.set_current(&kept.uuid).map(|()| path));
    stored.map_err(|err| format!("the token is not kept: {err}"))
}
