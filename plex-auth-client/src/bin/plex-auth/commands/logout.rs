//! `plex-auth logout`: sign the kept account out on plex.tv (its token is revoked), then
//! forget it; `--local` only forgets.

use clap::Args;
use serde_json::json;

use crate::clients::plex_tv_with;
use crate::credentials::{SIGN_IN_ADVICE, kept_account, kept_source, storage};
use crate::exit;
use crate::failure::Failure;
use crate::run::{Context, Run};

/// Sign out: revoke the kept account's token on plex.tv, then forget it.
///
/// The current account, or the one --account names. When plex.tv cannot be reached, the
/// account stays kept, so that the sign-out can be tried again; --local forgets it without
/// revoking the token (it then keeps working for whoever holds a copy, until it expires or is
/// revoked). A token plex.tv already refuses is forgotten. Exit code 3 when no account is
/// kept.
#[derive(Args)]
pub(crate) struct Logout {
    /// Only forget the token: do not revoke it on plex.tv.
    #[arg(long)]
    local: bool,
    /// The kept account to sign out instead of the current one: its name, email or uuid.
    #[arg(long, value_name = "ACCOUNT", env = "PLEX_ACCOUNT")]
    account: Option<String>,
}

/// `logout` signs out kept accounts only: with none kept, there is nothing to do.
const NOTHING_KEPT_ADVICE: &str = "no account is kept, so there is nothing to sign out; a token \
     in PLEX_TOKEN or given with --token is not kept by plex-auth (`plex-auth status` shows \
     which token the commands use)";

impl Run for Logout {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let (store, account) =
            kept_account(self.account.as_deref(), context.output).map_err(|failure| {
                // A token given is never kept: "give one with --token" would not help here.
                if failure.hint() == Some(SIGN_IN_ADVICE) {
                    failure.advise(NOTHING_KEPT_ADVICE)
                } else {
                    failure
                }
            })?;
        if !self.local {
            let source = kept_source(context.flags, &store, &account)?;
            let plex = plex_tv_with(context.flags, None)?;
            source.sign_out(&plex).await.map_err(|error| {
                Failure::from(error).advise(format!(
                    "{} is still signed in and kept; try again, or `plex-auth logout --local` to \
                     forget the token without revoking it",
                    account.name
                ))
            })?;
        }
        store.remove(&account.uuid).map_err(storage)?;
        let output = context.output;
        if output.json() {
            output.document(&json!({
                "signedOut": account.name,
                "uuid": account.uuid,
                "revoked": !self.local,
            }));
        } else if self.local {
            output.note(&format!(
                "Forgot {}: the token is not revoked, and works until it expires or is revoked.",
                account.name
            ));
        } else {
            output.note(&format!(
                "Signed out of {}: the token is revoked and forgotten.",
                account.name
            ));
        }
        if std::env::var_os("PLEX_TOKEN").is_some_and(|token| !token.is_empty()) && !output.json() {
            output.note("plex-auth: PLEX_TOKEN is still set: the commands use it");
        }
        Ok(exit::SUCCESS)
    }
}
