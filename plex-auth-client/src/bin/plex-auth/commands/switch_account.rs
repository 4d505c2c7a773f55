//! `plex-auth switch-account`: which kept account the commands use.

use clap::Args;
use serde_json::json;

use crate::config;
use crate::credentials::{choose, not_signed_in, storage};
use crate::exit;
use crate::failure::Failure;
use crate::run::{Context, Run};

/// Make a kept account the current one.
///
/// The current account is the one the commands use when neither --token, PLEX_TOKEN nor
/// --account says otherwise. `plex-auth login` and `sign-in` keep each account they sign in, and make it current;
/// `plex-auth status` lists the others.
#[derive(Args)]
pub(crate) struct SwitchAccount {
    /// The account: its name, email or uuid.
    #[arg(value_name = "ACCOUNT")]
    account: String,
}

impl Run for SwitchAccount {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let store = config::accounts().ok_or_else(|| {
            not_signed_in("no account is kept: HOME (or XDG_CONFIG_HOME) is not set")
        })?;
        let accounts = store.accounts().map_err(storage)?;
        let account = choose(&accounts, self.account.trim())?;
        store.set_current(&account.uuid).map_err(storage)?;
        let output = context.output;
        if output.json() {
            output.document(&json!({ "current": account.name, "uuid": account.uuid }));
        } else {
            output.note(&format!("The commands now use {}.", account.name));
        }
        Ok(exit::SUCCESS)
    }
}
