//! `plex-auth transient-token`: a transient token from a Plex Media Server, the one secret
//! this command prints.

use clap::Args;
use plex_auth_client::types::{TransientTokenScope, TransientTokenType};
use serde_json::json;

use crate::clients::pms;
use crate::exit;
use crate::failure::Failure;
use crate::flags::{ServerArg, TokenArg};
use crate::run::{Context, Run};

/// Get a transient token from a Plex Media Server; print it.
///
/// The token is valid up to 48 hours, until the server restarts.
#[derive(Args)]
pub(crate) struct TransientToken {
    #[command(flatten)]
    token: TokenArg,
    #[command(flatten)]
    server: ServerArg,
}

impl Run for TransientToken {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let pms = pms(context.flags, &self.server.server, &credentials)?;
        let answer = pms
            .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
            .await?;
        context.output.token(
            "token",
            &answer.media_container.token,
            json!({}),
            Some("Transient token (valid up to 48 hours, until the server restarts):"),
        )?;
        Ok(exit::SUCCESS)
    }
}
