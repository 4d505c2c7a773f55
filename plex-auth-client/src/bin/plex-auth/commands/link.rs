//! `plex-auth link`: approve a code shown on another device, as plex.tv/link does.

use clap::Args;
use plex_auth_client::types::LinkPinRequest;
use serde_json::json;

use crate::clients::plex_tv;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::run::{Context, Run};

/// Approve a code shown on another device, with the account's token (what plex.tv/link does).
#[derive(Args)]
pub(crate) struct Link {
    /// The code the other device shows.
    code: String,
    #[command(flatten)]
    token: TokenArg,
}

impl Run for Link {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let plex = plex_tv(context.flags, Some(&credentials))?;
        plex.link_pin(&LinkPinRequest::new(self.code.trim()))
            .await?;
        if context.output.json() {
            context.output.document(&json!({ "linked": true }));
        } else {
            context
                .output
                .note("plex-auth: linked: the other device is signed in");
        }
        Ok(exit::SUCCESS)
    }
}
