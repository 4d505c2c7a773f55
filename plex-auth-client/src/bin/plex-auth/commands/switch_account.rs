//! `plex-auth switch-account`: which kept account the commands use.

use clap::Args;
use serde_json::json;

use crate::config;
use crate::credentials::{find, not_signed_in, storage};
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
        let output = context.output;
        let store = config::accounts()
            .ok_or_else(|| not_signed_in(&format!("no account is kept: {}", config::NO_FOLDER)))?;
        let account = find(&store, self.account.trim(), output)?;
        store.set_current(&account.uuid).map_err(storage)?;
        if output.json() {
            output.document(&json!({ "current": account.name, "uuid": account.uuid }));
        } else {
            output.note(&format!("The commands now use {}.", account.name));
        }
        Ok(exit::SUCCESS)
    }
}
